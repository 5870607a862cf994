//! Archives, downloads, compilers and formatters: programs whose output files are
//! named by options (`-o`, `-C`, `--write`) or are only known when they run.

use super::super::ShellError;
use super::super::args::{Opts, is_long};
use super::super::expand::Field;
use super::super::walk::{Out, Scope, Walker};

impl Walker<'_> {
    pub(super) fn tar(&mut self, args: &[Field], scope: &mut Scope) -> Result<Out, ShellError> {
        // Old-style bundled letters (`tar czf out.tgz dir`) take their values in order.
        let mut args = args.to_vec();
        if let Some(Field::Known(first)) = args.first().cloned()
            && !first.starts_with('-')
            && first.chars().all(|c| c.is_ascii_alphabetic())
        {
            args[0] = Field::Known(format!("-{first}"));
        }
        let o = Opts::parse(
            &args,
            "fCTXbHgKLNV",
            &[
                "file",
                "directory",
                "files-from",
                "exclude-from",
                "blocking-factor",
                "format",
                "listed-incremental",
                "starting-file",
                "newer",
                "after-date",
                "label",
                "owner",
                "group",
                "mode",
                "mtime",
                "transform",
                "xform",
                "use-compress-program",
                "exclude",
                "to-command",
                "info-script",
                "new-volume-script",
                "volno-file",
                "rsh-command",
                "backup",
                "suffix",
                "record-size",
                "tape-length",
                "checkpoint-action",
                "index-file",
            ],
        );
        let has = |c: char, long: &[&str]| o.has(Some(c), long);
        let extract = has('x', &["extract", "get"]);
        let create = has('c', &["create"])
            || has('r', &["append"])
            || has('u', &["update"])
            || has('A', &["catenate", "concatenate"])
            || o.has(None, &["delete"]);
        let archive = o
            .value(Some('f'), &["file"])
            .filter(|f| f.known() != Some("-"));
        if create && let Some(a) = archive {
            self.write(a, scope, false, "tar (the archive it writes)");
        }
        // `--remove-files` deletes what it archived.
        if create && o.has(None, &["remove-files"]) {
            let mut at = scope.clone();
            if let Some(d) = o.value(Some('C'), &["directory"]) {
                at.cwd = d.known().and_then(|d| self.resolve_path(d, scope));
            }
            for m in &o.operands {
                self.write(m, &at, true, "tar --remove-files");
            }
        }
        if extract && !has('O', &["to-stdout"]) {
            let mut at = scope.clone();
            if let Some(d) = o.value(Some('C'), &["directory"]) {
                at.cwd = d.known().and_then(|d| self.resolve_path(d, scope));
            }
            if o.operands.is_empty() {
                self.write_under_cwd(&at, "tar -x (members only known when it runs)");
            }
            for m in &o.operands {
                self.write(m, &at, true, "tar -x");
            }
        }
        Ok(Out::Unknown)
    }

    pub(super) fn extract(
        &mut self,
        name: &str,
        args: &[Field],
        scope: &mut Scope,
    ) -> Result<Out, ShellError> {
        let mut at = scope.clone();
        let listing = match name {
            "unzip" => {
                let o = Opts::parse(args, "dxP", &[]);
                if let Some(d) = o.value(Some('d'), &[]) {
                    at.cwd = d.known().and_then(|d| self.resolve_path(d, scope));
                }
                o.has(Some('l'), &[])
                    || o.has(Some('t'), &[])
                    || o.has(Some('p'), &[])
                    || o.has(Some('v'), &[])
                    || o.has(Some('Z'), &[])
            }
            "7z" | "7za" => {
                let cmd = args.first().and_then(Field::known).unwrap_or("");
                if let Some(dir) = args
                    .iter()
                    .filter_map(Field::known)
                    .find_map(|a| a.strip_prefix("-o"))
                {
                    at.cwd = self.resolve_path(dir, scope);
                }
                if cmd == "a" || cmd == "u" || cmd == "d" {
                    if let Some(arc) = args.get(1) {
                        self.write(arc, scope, false, "7z (the archive)");
                    }
                    // `-sdel` deletes the files it added.
                    if args.iter().any(|a| a.known() == Some("-sdel")) {
                        for f in args
                            .iter()
                            .skip(2)
                            .filter(|a| a.known().is_none_or(|a| !a.starts_with('-')))
                        {
                            self.write(f, scope, true, "7z -sdel");
                        }
                    }
                    return Ok(Out::Unknown);
                }
                !(cmd == "x" || cmd == "e")
            }
            "cpio" => {
                // `-o -F FILE` / `-O FILE` / `--file=FILE` write the archive.
                let o = Opts::parse(args, "FOIEHMRC", &["file", "format", "owner"]);
                for f in o
                    .all(Some('F'), &["file"])
                    .into_iter()
                    .chain(o.all(Some('O'), &[]))
                {
                    self.write(f, scope, false, "cpio (the archive)");
                }
                !args.iter().filter_map(Field::known).any(|a| {
                    a.starts_with('-')
                        && !a.starts_with("--")
                        && (a.contains('i') || a.contains('p'))
                        || is_long(a, "extract")
                        || is_long(a, "pass-through")
                })
            }
            "ar" => {
                let op = args.first().and_then(Field::known).unwrap_or("");
                // `ar rc lib.a x.o`: r, q, m, d and s write the archive.
                if op.contains(['r', 'q', 'm', 'd', 's']) {
                    let archive = args[1..]
                        .iter()
                        .find(|a| a.known().is_none_or(|a| !a.starts_with('-')));
                    if let Some(a) = archive {
                        self.write(a, scope, false, "ar (the archive)");
                    }
                }
                !op.contains('x')
            }
            _ => false,
        };
        if !listing {
            self.write_under_cwd(
                &at,
                &format!("{name} (extracts members only known when it runs)"),
            );
        }
        Ok(Out::Unknown)
    }

    pub(super) fn curl(&mut self, args: &[Field], scope: &mut Scope) -> Result<Out, ShellError> {
        let o = Opts::parse(
            args,
            "oDcdHXuAebFTwmxKrCEUYyzQtP",
            &[
                "output",
                "dump-header",
                "cookie-jar",
                "trace",
                "trace-ascii",
                "stderr",
                "libcurl",
                "output-dir",
                "data",
                "data-raw",
                "data-binary",
                "data-urlencode",
                "header",
                "request",
                "user",
                "user-agent",
                "referer",
                "cookie",
                "form",
                "upload-file",
                "write-out",
                "max-time",
                "proxy",
                "config",
                "range",
                "connect-timeout",
                "cert",
                "key",
                "cacert",
                "url",
                "retry",
                "json",
                "etag-save",
                "hsts",
                "alt-svc",
            ],
        );
        let outdir = o
            .value(None, &["output-dir"])
            .and_then(Field::known)
            .map(str::to_owned);
        let place = |f: &Field| match (&outdir, f) {
            (Some(d), Field::Known(n)) if !n.starts_with('/') => Field::Known(format!("{d}/{n}")),
            _ => f.clone(),
        };
        for f in o.all(Some('o'), &["output"]) {
            if f.known() != Some("-") {
                self.write(&place(f), scope, false, "curl -o");
            }
        }
        for key in [
            "dump-header",
            "cookie-jar",
            "trace",
            "trace-ascii",
            "stderr",
            "libcurl",
            "etag-save",
            "hsts",
            "alt-svc",
        ] {
            for f in o.all(
                if key == "dump-header" {
                    Some('D')
                } else if key == "cookie-jar" {
                    Some('c')
                } else {
                    None
                },
                &[key],
            ) {
                if f.known() != Some("-") {
                    self.write(f, scope, false, &format!("curl --{key}"));
                }
            }
        }
        if o.has(Some('O'), &["remote-name", "remote-name-all"]) {
            for url in o.operands.iter().chain(o.all(None, &["url"])) {
                let name = url
                    .known()
                    .map(url_name)
                    .map_or(Field::unknown(), Field::Known);
                self.write(&place(&name), scope, false, "curl -O");
            }
        }
        // An upload to a `file://` URL writes that file; `-K` reads options (an output
        // among them) from a file.
        if o.has(Some('T'), &["upload-file"]) {
            for url in o.operands.iter().chain(o.all(None, &["url"])) {
                match url.known() {
                    Some(u) if u.to_ascii_lowercase().starts_with("file://") => {
                        let path = u[7..].trim_start_matches("localhost");
                        self.write(
                            &Field::Known(path.to_owned()),
                            scope,
                            false,
                            "curl -T file://",
                        );
                    }
                    Some(_) => {}
                    None => self.write_anything("curl -T to a URL only known at run time"),
                }
            }
        }
        if o.has(Some('K'), &["config"]) {
            self.write_anything("curl -K (options from a file, an output among them)");
        }
        Ok(Out::Unknown)
    }

    pub(super) fn wget(&mut self, args: &[Field], scope: &mut Scope) -> Result<Out, ShellError> {
        let o = Opts::parse(
            args,
            "OoaPUeiBtTwQlADRIXN",
            &[
                "output-document",
                "output-file",
                "append-output",
                "directory-prefix",
                "user-agent",
                "execute",
                "input-file",
                "base",
                "tries",
                "timeout",
                "wait",
                "quota",
                "level",
                "accept",
                "reject",
                "domains",
                "include-directories",
                "exclude-directories",
                "user",
                "password",
                "header",
                "post-data",
                "post-file",
                "load-cookies",
                "save-cookies",
                "referer",
                "limit-rate",
                "restrict-file-names",
                "ca-certificate",
            ],
        );
        for f in o
            .all(Some('o'), &["output-file"])
            .into_iter()
            .chain(o.all(Some('a'), &["append-output"]))
            .chain(o.all(None, &["save-cookies"]))
        {
            self.write(f, scope, false, "wget (log or cookie file)");
        }
        // `-e CMD` runs a wgetrc command (`output_document=FILE`, `dir_prefix=D`):
        // its value may be a file it writes. `--config` and `WGETRC` read such
        // commands from a file.
        for c in o.all(Some('e'), &["execute"]) {
            match c.known().map(|c| c.split_once('=')) {
                Some(Some((_, v))) => {
                    self.write(&Field::Known(v.trim().to_owned()), scope, true, "wget -e")
                }
                Some(None) => {}
                None => self.write_anything("wget -e with a command only known at run time"),
            }
        }
        if args
            .iter()
            .filter_map(Field::known)
            .any(|a| a.starts_with("--config"))
        {
            self.write_anything("wget --config (commands from a file, an output among them)");
        }
        let docs = o.all(Some('O'), &["output-document"]);
        if !docs.is_empty() {
            for f in docs.into_iter().filter(|f| f.known() != Some("-")) {
                self.write(f, scope, false, "wget -O");
            }
            return Ok(Out::Unknown);
        }
        let dir = o
            .value(Some('P'), &["directory-prefix"])
            .and_then(Field::known)
            .unwrap_or(".")
            .to_owned();
        let recursive = o.has(Some('r'), &["recursive", "mirror"]) || o.has(Some('m'), &[]);
        for url in &o.operands {
            let name = url.known().filter(|_| !recursive).map(url_name);
            let f = match name {
                Some(n) => Field::Known(format!("{dir}/{n}")),
                None => Field::Partial {
                    prefix: format!("{dir}/"),
                    suffix: String::new(),
                },
            };
            self.write(&f, scope, recursive, "wget");
        }
        Ok(Out::Unknown)
    }

    pub(super) fn outputs(
        &mut self,
        name: &str,
        args: &[Field],
        scope: &mut Scope,
    ) -> Result<Out, ShellError> {
        let known: Vec<&str> = args.iter().filter_map(Field::known).collect();
        let mut targets: Vec<(Field, bool)> = Vec::new();
        for (i, a) in args.iter().enumerate() {
            let Some(s) = a.known() else { continue };
            let next = || args.get(i + 1).cloned();
            match s {
                "-o" | "--output" | "-out" | "--out-file" | "--outfile" | "--out"
                | "--output-file" => targets.extend(next().map(|f| (f, false))),
                // Compilers' dependency file, prototypes file, and a linker option's
                // value (`-Xlinker -Map -Xlinker FILE`: the file comes last).
                "-MF" | "-aux-info" => targets.extend(next().map(|f| (f, false))),
                "-Xlinker" if i >= 2 && known.get(i - 2) == Some(&"-Xlinker") => {
                    targets.extend(next().map(|f| (f, false)));
                }
                "-d" if name == "javac" => targets.extend(next().map(|f| (f, true))),
                "--out-dir" | "--outDir" | "--outdir" | "--java_out" | "--python_out"
                | "--cpp_out" => targets.extend(next().map(|f| (f, true))),
                _ => {
                    for p in [
                        "--output=",
                        "--out-dir=",
                        "--outDir=",
                        "--outdir=",
                        "--outfile=",
                        "--out=",
                        "--java_out=",
                        "--python_out=",
                    ] {
                        if let Some(v) = s.strip_prefix(p) {
                            targets.push((
                                Field::Known(v.to_owned()),
                                p.contains("dir") || p.contains("_out"),
                            ));
                        }
                    }
                    // Linker options passed through (`-Wl,-o,FILE`, `-Wl,-Map,FILE`),
                    // and `-fdump-…=FILE`, rustc's `--emit=KIND=FILE`.
                    if let Some(list) = s.strip_prefix("-Wl,") {
                        let parts: Vec<&str> = list.split(',').collect();
                        for (j, p) in parts.iter().enumerate() {
                            if matches!(*p, "-o" | "-Map" | "--Map" | "--output")
                                && let Some(v) = parts.get(j + 1)
                            {
                                targets.push((Field::Known((*v).to_owned()), false));
                            }
                        }
                    }
                    if (s.starts_with("-fdump-")
                        || s.starts_with("--emit=")
                        || s.starts_with("-fprofile-generate=")
                        || s.starts_with("-fstack-usage="))
                        && let Some((_, v)) = s.rsplit_once('=')
                        && v.contains(['/', '.'])
                    {
                        targets.push((Field::Known(v.to_owned()), false));
                    }
                    // `-MFfile`, `-Wl,-Map=file`, `-Wl,-Map,file`.
                    if let Some(v) = s
                        .strip_prefix("-MF")
                        .or_else(|| s.strip_prefix("-Wl,-Map="))
                        .or_else(|| s.strip_prefix("-Wl,-Map,"))
                        .or_else(|| s.strip_prefix("-Wl,--Map="))
                        .filter(|v| !v.is_empty())
                    {
                        targets.push((Field::Known(v.to_owned()), false));
                    }
                    if let Some(v) = s.strip_prefix("-o").filter(|v| {
                        !v.is_empty()
                            && ["gcc", "g++", "cc", "c++", "clang", "clang++", "tcc"]
                                .contains(&name)
                    }) {
                        targets.push((Field::Known(v.to_owned()), false));
                    }
                }
            }
        }
        // Tools whose last operand is the output file.
        if ["convert", "magick", "ffmpeg"].contains(&name)
            && let Some(last) = args.last()
            && known.len() >= 2
        {
            targets.push((last.clone(), false));
        }
        for (f, rec) in targets {
            self.write(&f, scope, rec, &format!("{name} (its output)"));
        }
        Ok(Out::Unknown)
    }

    pub(super) fn formatter(
        &mut self,
        name: &str,
        args: &[Field],
        scope: &mut Scope,
    ) -> Result<Out, ShellError> {
        let known: Vec<&str> = args.iter().filter_map(Field::known).collect();
        let has = |flags: &[&str]| {
            known.iter().any(|a| {
                flags.contains(a)
                    || flags
                        .iter()
                        .any(|f| f.len() > 2 && a.starts_with(&format!("{f}=")))
            })
        };
        let check_only = has(&["--check", "--diff", "-l", "--list-different", "--dry-run"]);
        let writes = match name {
            "prettier" | "biome" | "dprint" => {
                has(&["--write", "-w", "fmt", "format", "--apply", "check"])
                    && (name != "biome" || has(&["--write", "--apply", "format"]))
            }
            "gofmt" | "goimports" | "shfmt" => has(&["-w"]),
            "clang-format" | "autopep8" | "yapf" | "autoflake" => has(&["-i", "--in-place"]),
            "eslint" | "standard" => has(&["--fix"]),
            "ruff" => known.first().is_some_and(|c| *c == "format") || has(&["--fix"]),
            "yq" => has(&["-i", "--inplace"]),
            "sd" => !has(&["-p", "--preview"]),
            "pyupgrade" => true,
            "jq" => false,
            _ => true,
        } && !check_only;
        if !writes {
            return Ok(Out::Unknown);
        }
        let o = Opts::parse(
            args,
            "cCe",
            &[
                "config",
                "ignore-path",
                "plugin",
                "parser",
                "line-length",
                "target-version",
                "exclude",
                "extend-exclude",
                "include",
                "style",
                "assume-filename",
                "output-format",
                "expression",
                "front-matter",
            ],
        );
        let mut operands = o.operands.clone();
        match name {
            "ruff" | "terraform"
                if operands
                    .first()
                    .and_then(Field::known)
                    .is_some_and(|c| ["format", "check", "fmt"].contains(&c)) =>
            {
                operands.remove(0);
            }
            "biome" | "dprint"
                if !operands.is_empty()
                    && operands[0]
                        .known()
                        .is_some_and(|c| ["format", "check", "fmt", "lint"].contains(&c)) =>
            {
                operands.remove(0);
            }
            // sd takes FIND and REPLACE before its files; yq an expression.
            "sd" => {
                operands.drain(..operands.len().min(2));
            }
            "yq" if !operands.is_empty() => {
                operands.remove(0);
            }
            _ => {}
        }
        if operands.is_empty()
            && ["ruff", "terraform", "black", "isort", "biome", "dprint"].contains(&name)
        {
            operands.push(Field::Known(".".into()));
        }
        for f in &operands {
            let rec = self.is_dir_field(f, scope);
            let f = super::tool_glob(f);
            self.write(&f, scope, rec, &format!("{name} (rewrites files in place)"));
        }
        Ok(Out::Unknown)
    }
}

/// The file name curl/wget save a URL under.
pub(super) fn url_name(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let name = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    if name.is_empty()
        || path.ends_with("//")
        || !path.contains("://")
        || path.matches('/').count() <= 2
    {
        "index.html".into()
    } else {
        name.to_owned()
    }
}
