//! What the process benchmark (`process.rs`) and the in-process one (`inproc.rs`) build the
//! same way, so both measure the same inputs: the heavy shell command and the protected
//! entries of the two fixture projects.

/// The command parts the heavy payload's `__HEAVY_COMMAND__` is built from.
pub(crate) const HEAVY_COMMAND_PARTS: &str = include_str!("payloads/heavy-command-parts.txt");

/// The heavy command stops growing before it passes this many bytes (so the whole payload
/// is about 64 KiB, Linux's default pipe capacity).
pub(crate) const HEAVY_COMMAND_MAX_BYTES: usize = 62 * 1024;

/// How many protected entries the heavy fixture's config has.
pub(crate) const HEAVY_PROTECTED_ENTRIES: usize = 200;

/// The protected entries of the standard fixture, also the first entries of the heavy one.
pub(crate) const STANDARD_PROTECTED: [&str; 6] = [
    "input",
    "roles",
    "workflows",
    "schemas",
    "exports/hosts",
    "**/.env",
];

/// Joins the command parts (one a line; blank and `#` lines skipped) with ` && `, cycling
/// through them, until the next part would pass `max_bytes`.
pub(crate) fn heavy_command(parts: &str, max_bytes: usize) -> String {
    let parts: Vec<&str> = parts
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    let mut command = String::with_capacity(max_bytes);
    for part in parts.iter().cycle() {
        let separator = if command.is_empty() { "" } else { " && " };
        if command.len() + separator.len() + part.len() > max_bytes {
            break;
        }
        command.push_str(separator);
        command.push_str(part);
    }
    command
}

/// The heavy fixture's protected entries: the standard ones, then globs over twenty
/// plausible monorepo directories until there are [`HEAVY_PROTECTED_ENTRIES`]. The globs
/// use `**`, `*`, `{a,b}` and `[0-9]`.
pub(crate) fn heavy_entries() -> Vec<String> {
    const DIRS: [&str; 20] = [
        "secrets",
        "infra/prod",
        "infra/staging",
        "deploy/k8s",
        "deploy/helm",
        "config/prod",
        "certs",
        "keys",
        "vendor/pinned",
        "migrations/applied",
        "db/seeds",
        "ops/terraform",
        "ops/ansible",
        "billing",
        "legal",
        "data/raw",
        "ml/models",
        "policies",
        "audit",
        "releases",
    ];
    const FORMS: [&str; 10] = [
        "{d}/**",
        "{d}/**/*.pem",
        "{d}/**/*.key",
        "{d}/**/*.tfstate",
        "{d}/**/*.sqlite",
        "{d}/**/credentials*.json",
        "{d}/**/id_{rsa,ed25519}*",
        "{d}/**/*.{p12,pfx}",
        "{d}/[0-9][0-9][0-9][0-9]_*.sql",
        "**/{d}/*.lock",
    ];
    let generated = FORMS
        .iter()
        .flat_map(|form| DIRS.iter().map(move |dir| form.replace("{d}", dir)));
    STANDARD_PROTECTED
        .iter()
        .map(|&entry| entry.to_owned())
        .chain(generated)
        .take(HEAVY_PROTECTED_ENTRIES)
        .collect()
}
