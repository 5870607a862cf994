//! Where the state root is (SPEC §6): `WAZIR_STATE_ROOT`, else the manifest's
//! `paths.state_root_default` with `{project_slug}`, else the platform data directory +
//! `wazir/projects/<slug>-<short hash of the canonical project root>`.

use std::path::{Path, PathBuf};

use crate::policy::config::Config;

/// The state root for a project.
pub fn resolve_root(config: &Config) -> PathBuf {
    if let Some(root) = std::env::var_os("WAZIR_STATE_ROOT").filter(|v| !v.is_empty()) {
        return PathBuf::from(root);
    }
    let name = config.project_name.clone().unwrap_or_else(|| {
        config
            .root
            .file_name()
            .map_or_else(|| "project".into(), |n| n.to_string_lossy().into_owned())
    });
    let project_slug = slug(&name);
    let home = std::env::var_os("HOME").map(PathBuf::from);
    if let Some(template) = &config.state_root_default {
        let filled = template.replace("{project_slug}", &project_slug);
        return match (filled.strip_prefix("~/"), &home) {
            (Some(rest), Some(h)) => h.join(rest),
            _ if Path::new(&filled).is_absolute() => PathBuf::from(filled),
            _ => config.root.join(filled),
        };
    }
    let canonical = config
        .root
        .canonicalize()
        .unwrap_or_else(|_| config.root.clone());
    let data = directories::BaseDirs::new()
        .map(|d| d.data_dir().to_path_buf())
        .or_else(|| home.map(|h| h.join(".local/share")))
        .unwrap_or_else(std::env::temp_dir);
    data.join("wazir/projects").join(format!(
        "{project_slug}-{:08x}",
        fnv1a(canonical.to_string_lossy().as_bytes()) as u32
    ))
}

/// A project name as a path component: lowercase letters, digits and single dashes.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "project".into()
    } else {
        out
    }
}

/// FNV-1a, 64 bits: a stable hash for names (std's hasher may change between releases).
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Fixture Guards!"), "fixture-guards");
        assert_eq!(slug("../.."), "project");
    }
}
