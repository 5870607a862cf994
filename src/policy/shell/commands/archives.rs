//! Archives, compressors and downloads: programs whose output files are named by
//! options (`-f`, `-o`, `-C`, `-P`) or are only known when they run.

use super::super::ShellError;
use super::super::args::{Opts, is_long};
use super::super::expand::Field;
use super::super::walk::{Out, Scope, Walker};
use super::Model;

pub(super) const MODELS: &[Model] = &[
    // Archivers: the archive, and with `--remove-files`, `-m`, `-sdel` what they took in;
    // extraction writes anything beneath its folder.
    Model {
        names: &["tar", "bsdtar", "gtar"],
        run: |w, c| w.tar(c.args, c.scope),
    },
    Model {
        names: &["unzip", "7z", "7za", "cpio", "unrar", "ar", "jar"],
        run: |w, c| w.extract(c.name, c.args, c.scope),
    },
    Model {
        names: &["zip"],
        run: |w, c| {
            let o = Opts::parse(c.args, "bnPtxiOZ", &[]);
            if let Some(archive) = o.operands.first() {
                w.write(archive, c.scope, false, "zip");
            }
            if o.has(Some('m'), &["move"]) {
                for f in o.operands.iter().skip(1) {
                    w.write(f, c.scope, true, "zip -m (removes what it archives)");
                }
                // `-@`: the names come on stdin.
                if o.has(Some('@'), &["names-stdin"]) {
                    match &c.stdin {
                        Out::Text(t) => {
                            for line in t.lines().map(str::trim).filter(|l| !l.is_empty()) {
                                w.write(&Field::Known(line.to_owned()), c.scope, true, "zip -m -@");
                            }
                        }
                        _ => w.write_anything("zip -m -@ (removes names read at run time)"),
                    }
                }
            }
            Ok(Out::Unknown)
        },
    },
    // Compressors replace each operand with its (de)compressed file.
    Model {
        names: &[
            "gzip",
            "gunzip",
            "bzip2",
            "bunzip2",
            "xz",
            "unxz",
            "lzma",
            "unlzma",
            "zstd",
            "unzstd",
            "lz4",
            "compress",
            "uncompress",
            "pigz",
            "brotli",
        ],
        run: |w, c| w.compressor(c.name, c.args, c.scope),
    },
    // Downloads: the file they save to (`-o`, `-O`, the URL's name, `-P DIR`).
    Model {
        names: &["curl"],
        run: |w, c| w.curl(c.args, c.scope),
    },
    Model {
        names: &["wget"],
        run: |w, c| w.wget(c.args, c.scope),
    },
];

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
        // Files of its own: the verbose listing (`--index-file`), the volume number
        // (`--volno-file`), and the snapshot an incremental archive updates (`-g`).
        for f in o.all(None, &["index-file", "volno-file"]) {
            self.write(f, scope, false, "tar (a file of its own)");
        }
        if create {
            for f in o.all(Some('g'), &["listed-incremental"]) {
                if f.known() != Some("/dev/null") {
                    self.write(f, scope, false, "tar -g (the snapshot file)");
                }
            }
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
            // Names read from a list (`-T FILE`): each line, when the list can be read.
            for list in o.all(Some('T'), &["files-from"]) {
                match list.known().and_then(|l| self.read_file(l, scope)) {
                    Some(text) => {
                        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
                            self.write(
                                &Field::Known(line.to_owned()),
                                &at,
                                true,
                                "tar --remove-files",
                            );
                        }
                    }
                    None => self.write_anything("tar --remove-files of names read at run time"),
                }
            }
        }
        // `-P` keeps absolute names and `..` in members: they land anywhere.
        if extract && !has('O', &["to-stdout"]) && has('P', &["absolute-names"]) {
            self.write_anything("tar -x -P (members with absolute names or `..`)");
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
                // `-:` keeps `..` in member names: they land anywhere.
                if o.flags.iter().any(|f| f.contains(':')) {
                    self.write_anything("unzip -: (members with `..`)");
                }
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
                // `-p DIR`: the names read on stdin are copied under DIR, paths kept.
                let pass = args.iter().filter_map(Field::known).any(|a| {
                    a.starts_with('-') && !a.starts_with("--") && a.contains('p')
                        || is_long(a, "pass-through")
                });
                if pass {
                    let dir = o.operands.first().cloned().unwrap_or_else(Field::unknown);
                    at.cwd = dir.known().and_then(|d| self.resolve_path(d, scope));
                    if at.cwd.is_none() {
                        self.write_anything("cpio -p into a folder only known at run time");
                    }
                }
                !args.iter().filter_map(Field::known).any(|a| {
                    a.starts_with('-')
                        && !a.starts_with("--")
                        && (a.contains('i') || a.contains('p'))
                        || is_long(a, "extract")
                        || is_long(a, "pass-through")
                })
            }
            // `jar cf A …`, `uf`: the archive named after the letters; `jar xf A`
            // extracts.
            "jar" => {
                let op = args.first().and_then(Field::known).unwrap_or("");
                let op = op.trim_start_matches('-');
                if op.contains(['c', 'u']) && op.contains('f') {
                    if let Some(a) = args.get(1) {
                        self.write(a, scope, false, "jar (the archive)");
                    }
                    return Ok(Out::Unknown);
                }
                // Whether jar keeps `..` in member names is the JDK's: anywhere.
                if op.contains('x') {
                    self.write_anything("jar x (members may hold `..`)");
                }
                !op.contains('x')
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

    /// A settings file a program reads by itself (`~/.curlrc`, `~/.wgetrc`) that this
    /// command wrote: its options (an output file among them) are unknown.
    fn rc_written(&mut self, name: &str, files: &[&str], scope: &Scope) {
        for f in files {
            if self.written_earlier(&self.home_path(f), scope) {
                self.write_anything(&format!(
                    "{name} reading settings this command writes ({f})"
                ));
            }
        }
    }

    pub(super) fn curl(&mut self, args: &[Field], scope: &mut Scope) -> Result<Out, ShellError> {
        if !matches!(
            args.first().and_then(Field::known),
            Some("-q" | "--disable")
        ) {
            self.rc_written("curl", &["~/.curlrc", "~/.config/.curlrc"], scope);
        }
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
        // With URL globbing (`http://x/{a,b}`, `[1-3]`), `#N` in an output name is the
        // text the glob matched: not known before it runs.
        let globbing = !o.has(Some('g'), &["globoff"]);
        let urls: Vec<&Field> = o.operands.iter().chain(o.all(None, &["url"])).collect();
        for f in o.all(Some('o'), &["output"]) {
            if f.known() == Some("-") {
                continue;
            }
            let names: Vec<Field> = match f.known() {
                Some(s) if globbing => match glob_reference(s) {
                    Some((at, len, n)) if !s[at + len..].contains('#') => {
                        let mut names = Vec::new();
                        for u in &urls {
                            match u.known().map(|u| url_globs(u).into_iter().nth(n - 1)) {
                                // A `{a,b}` set: each of its words.
                                Some(Some(Some(words))) => names.extend(words.iter().map(|w| {
                                    Field::Known(format!("{}{w}{}", &s[..at], &s[at + len..]))
                                })),
                                // A `[1-9]` range: a name part without a slash.
                                Some(Some(None)) => names.push(Field::Partial {
                                    prefix: s[..at].to_owned(),
                                    suffix: s[at + len..].to_owned(),
                                }),
                                Some(None) => names.push(f.clone()),
                                None => names.push(Field::unknown()),
                            }
                        }
                        names
                    }
                    Some(_) => vec![Field::unknown()],
                    None => vec![f.clone()],
                },
                _ => vec![f.clone()],
            };
            for name in names {
                self.write(&place(&name), scope, false, "curl -o");
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
                // `-J` takes the name the server gives (stripped of folders).
                let name = match url.known() {
                    _ if o.has(Some('J'), &["remote-header-name"]) => Field::Partial {
                        prefix: format!("{}/", outdir.as_deref().unwrap_or(".")),
                        suffix: String::new(),
                    },
                    Some(u) => Field::Known(url_name(u)),
                    None => Field::unknown(),
                };
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
        self.rc_written("wget", &["~/.wgetrc"], scope);
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
                "warc-file",
                "rejected-log",
                "hsts-file",
            ],
        );
        for f in o
            .all(Some('o'), &["output-file"])
            .into_iter()
            .chain(o.all(Some('a'), &["append-output"]))
            .chain(o.all(None, &["save-cookies", "rejected-log", "hsts-file"]))
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
        // `--warc-file=NAME` writes NAME.warc.gz and more files named after it.
        for f in o.all(None, &["warc-file"]) {
            let name = match f.known() {
                Some(n) => Field::Partial {
                    prefix: n.to_owned(),
                    suffix: String::new(),
                },
                None => Field::unknown(),
            };
            self.write(&name, scope, false, "wget --warc-file");
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
        let recursive = o.has(Some('r'), &["recursive", "mirror"])
            || o.has(Some('m'), &[])
            || o.has(Some('x'), &["force-directories", "protocol-directories"]);
        // The name the server gives, or the last one it redirects to.
        let server_names = o.has(None, &["content-disposition", "trust-server-names"]);
        for url in &o.operands {
            let name = url
                .known()
                .filter(|_| !recursive && !server_names)
                .map(url_name);
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

    /// gzip and its kind: each operand is replaced by its (de)compressed file, unless
    /// the output goes to stdout; `-N` restores any name kept in the archive.
    fn compressor(
        &mut self,
        name: &str,
        args: &[Field],
        scope: &mut Scope,
    ) -> Result<Out, ShellError> {
        let o = Opts::parse(
            args,
            "SbLo",
            &["suffix", "output", "output-dir-flat", "output-dir-mirror"],
        );
        // zstd's output folders: every file it makes goes there (mirroring the input's
        // folders under it).
        for d in o.all(None, &["output-dir-flat", "output-dir-mirror"]) {
            self.write(d, scope, true, &format!("{name} (its output folder)"));
        }
        let to_stdout = o.has(Some('c'), &["stdout", "to-stdout"])
            || o.has(Some('t'), &["test"])
            || o.has(Some('l'), &["list"]);
        // lz4, zstd and brotli keep their input (unless told to remove it); lz4's second
        // operand is its output.
        let keeps = matches!(name, "lz4" | "zstd" | "unzstd" | "brotli")
            && !o.has(None, &["rm"])
            && !o.has(Some('j'), &[]);
        if keeps && !to_stdout {
            let outputs: Vec<&Field> = if name == "lz4" && o.operands.len() == 2 {
                vec![&o.operands[1]]
            } else {
                Vec::new()
            };
            for f in outputs {
                self.write(f, scope, false, name);
            }
            for f in &o.operands {
                if let Field::Known(s) = f {
                    let out = if o.has(Some('d'), &["decompress"]) || name.starts_with("un") {
                        s.rsplit_once('.')
                            .map_or(s.clone(), |(stem, _)| stem.to_owned())
                    } else {
                        format!(
                            "{s}.{}",
                            if name == "lz4" {
                                "lz4"
                            } else if name == "brotli" {
                                "br"
                            } else {
                                "zst"
                            }
                        )
                    };
                    if !(name == "lz4" && o.operands.len() == 2) {
                        self.write(&Field::Known(out), scope, false, name);
                    }
                } else {
                    self.write(&super::under(f), scope, false, name);
                }
            }
        } else if !to_stdout {
            let recursive = o.has(Some('r'), &["recursive"]);
            let decompress = name.starts_with("gun")
                || name.starts_with("un")
                || name.starts_with("bun")
                || o.has(Some('d'), &["decompress", "uncompress"]);
            // `-N` restores the name kept in the archive: any name in its folder.
            let named = decompress && o.has(Some('N'), &["name"]);
            // The new file's name is the old one plus a suffix, or less it: `-S SUF`, else
            // a default the environment may change (`GZIP`, `XZ_OPT`): unknown then.
            let suffix = o.value(Some('S'), &["suffix"]).and_then(Field::known);
            for f in &o.operands {
                self.write(f, scope, recursive, name);
                let how = format!("{name} (the file it makes)");
                match (f.known(), suffix, decompress) {
                    (Some(s), Some(suf), false) => {
                        self.write(&Field::Known(format!("{s}{suf}")), scope, false, &how);
                    }
                    (Some(s), Some(suf), true) => {
                        if let Some(stem) = s.strip_suffix(suf) {
                            self.write(&Field::Known(stem.to_owned()), scope, recursive, &how);
                        }
                    }
                    (Some(s), None, false) => {
                        let made = Field::Partial {
                            prefix: s.to_owned(),
                            suffix: String::new(),
                        };
                        self.write(&made, scope, false, &how);
                    }
                    _ => {}
                }
                if named {
                    let dir = f
                        .known()
                        .and_then(|s| s.rsplit_once('/'))
                        .map_or(".", |(d, _)| d);
                    let anywhere = Field::Partial {
                        prefix: format!("{}/", if dir.is_empty() { "/" } else { dir }),
                        suffix: String::new(),
                    };
                    self.write(
                        &anywhere,
                        scope,
                        false,
                        &format!("{name} -N (the name kept in the archive)"),
                    );
                }
                // Decompressing `x.pem.xz` writes `x.pem`; gzip also takes `-gz`, `_z`,
                // `-z` off, and makes `.tar` of `.tgz` and `.taz`.
                if decompress && let Field::Known(s) = f {
                    for sep in ['.', '-', '_'] {
                        let Some((stem, ext)) = s.rsplit_once(sep) else {
                            continue;
                        };
                        if stem.is_empty() || stem.ends_with('/') {
                            continue;
                        }
                        self.write(&Field::Known(stem.to_owned()), scope, recursive, name);
                        if matches!(ext, "tgz" | "taz") {
                            let tar = Field::Known(format!("{stem}.tar"));
                            self.write(&tar, scope, recursive, name);
                        }
                    }
                }
            }
        }
        for f in o.all(Some('o'), &["output"]) {
            self.write(f, scope, false, name);
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

/// Where the first `#N` of curl's output name is: its start, its length, and N.
fn glob_reference(name: &str) -> Option<(usize, usize, usize)> {
    let bytes = name.as_bytes();
    (0..bytes.len()).find_map(|i| {
        let digits = bytes[i + 1..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let n: usize = name.get(i + 1..i + 1 + digits)?.parse().ok()?;
        (bytes[i] == b'#' && n > 0).then_some((i, 1 + digits, n))
    })
}

/// The globs of a curl URL in order: a `{a,b}` set's words, or `None` for a `[1-9]`
/// range (letters or digits only).
fn url_globs(url: &str) -> Vec<Option<Vec<String>>> {
    let mut out = Vec::new();
    let mut chars = url.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '{' => {
                let body: String = chars.by_ref().take_while(|c| *c != '}').collect();
                out.push(Some(body.split(',').map(str::to_owned).collect()));
            }
            '[' => {
                chars.by_ref().take_while(|c| *c != ']').for_each(drop);
                out.push(None);
            }
            _ => {}
        }
    }
    out
}
