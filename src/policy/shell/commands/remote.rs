//! Remote shells: `ssh`, `scp` and `sftp`. What they do on the other machine is not this
//! guard's business; what they do on this one is: the options that run a local command
//! (`ProxyCommand`, `LocalCommand`, `KnownHostsCommand`, `Match exec`, scp's and sftp's
//! `-S PROGRAM`, sftp's `!command`), the files they write here (`-E` logs, control
//! sockets, known-hosts files, scp's and sftp's downloads), and a settings file given with
//! `-F`, which may hold any of those.

use std::collections::HashMap;

use super::super::ShellError;
use super::super::args::Opts;
use super::super::expand::Field;
use super::super::walk::{Out, Scope, Walker};
use super::{Call, Model};

pub(super) const MODELS: &[Model] = &[
    Model {
        names: &["ssh", "scp", "sftp", "slogin"],
        run: |w, c| w.remote(c),
    },
    Model {
        names: &["ssh-keygen"],
        run: |w, c| {
            w.ssh_keygen(c.args, c.scope);
            Ok(Out::Unknown)
        },
    },
];

/// Where ssh's options end: at its first operand (the host).
fn options_end(args: &[Field], valued: &str) -> usize {
    let mut end = 0;
    while let Some(a) = args.get(end).and_then(Field::known) {
        if a == "--" || a.len() < 2 || !a.starts_with('-') {
            break;
        }
        // The first letter that takes a value ends the group; with nothing after it in
        // the word, the value is the next argument.
        if let Some(i) = a[1..].find(|ch| valued.contains(ch))
            && i + 2 == a.len()
        {
            end += 1;
        }
        end += 1;
    }
    end.min(args.len())
}

/// Settings whose value is a command ssh runs on this machine.
const RUNS: &[&str] = &["proxycommand", "localcommand", "knownhostscommand"];

/// Settings whose value is a file ssh writes on this machine.
const WRITES: &[&str] = &["controlpath", "userknownhostsfile", "globalknownhostsfile"];

impl Walker<'_> {
    fn remote(&mut self, c: Call<'_>) -> Result<Out, ShellError> {
        let name = c.name;
        // Options taking a value, per program (ssh(1), scp(1), sftp(1)).
        let valued = match name {
            "scp" => "cFiJlPoSDX",
            "sftp" => "BbcDFiJlPoRSsX",
            _ => "BbcDEeFIiJLlmOoPpQRSWw",
        };
        // ssh's options end at the host: what follows is the remote command.
        let options = if name == "scp" || name == "sftp" {
            c.args
        } else {
            &c.args[..options_end(c.args, valued)]
        };
        let o = Opts::parse(options, valued, &[]);
        let mut settings: Vec<Option<String>> = o
            .all(Some('o'), &[])
            .into_iter()
            .map(|v| v.known().map(str::to_owned))
            .collect();
        // `-F /dev/null` or `-F none`: no settings file at all.
        if let Some(f) = o
            .value(Some('F'), &[])
            .filter(|f| !matches!(f.known(), Some("/dev/null" | "none")))
        {
            match f
                .known()
                .and_then(|p| self.read_file(&self.home_path(p), c.scope))
            {
                Some(text) => settings.extend(text.lines().map(|l| Some(l.to_owned()))),
                None => settings.push(None),
            }
        }
        // A control socket is made only by a master connection (`-M`, `ControlMaster`).
        let master = o.has(Some('M'), &[])
            || settings.iter().any(|s| {
                s.as_deref().is_none_or(|s| {
                    let s = s.trim().to_ascii_lowercase();
                    s.starts_with("controlmaster") && !s.ends_with("no")
                })
            });
        for setting in settings {
            self.ssh_setting(name, setting.as_deref(), master, c.scope)?;
        }
        if name == "ssh" || name == "slogin" {
            for (letter, what) in [('E', "log file"), ('S', "control socket")] {
                if let Some(f) = o
                    .value(Some(letter), &[])
                    .filter(|_| letter == 'E' || master)
                {
                    let f = f
                        .known()
                        .map_or(f.clone(), |p| Field::Known(self.home_path(p)));
                    self.write(&f, c.scope, false, &format!("{name} -{letter} ({what})"));
                }
            }
        } else if let Some(program) = o.value(Some('S'), &[]) {
            // `-S PROGRAM`: the program it runs in place of ssh.
            let how = format!("{name} -S (the program it runs as ssh)");
            self.run_text(program, c.scope, &HashMap::new(), &[], &how)?;
        }
        match name {
            "scp" => {
                if let Some(dest) = o
                    .operands
                    .last()
                    .filter(|d| d.known().is_none_or(|s| !s.contains(':')))
                    && o.operands.len() >= 2
                {
                    self.write(dest, c.scope, true, "scp (destination)");
                }
            }
            "sftp" => self.sftp_batch(o.value(Some('b'), &[]), &c.stdin, c.scope)?,
            _ => {}
        }
        self.trusted_reach(name, c.args, c.scope);
        Ok(Out::Unknown)
    }

    /// `ssh-keygen`: printing a key's fingerprint or public half, or looking a host up,
    /// writes nothing; otherwise it writes its key file (`-f FILE` and `FILE.pub`, by
    /// default a new key in `~/.ssh`), a certificate beside each key it signs, or the
    /// known-hosts file it edits.
    fn ssh_keygen(&mut self, args: &[Field], scope: &Scope) {
        let o = Opts::parse(args, "abCDEfFgIJjKmMnNOPrRsStVwYzZ", &[]);
        let writes_known_hosts = o.has(Some('R'), &[]) || o.has(Some('H'), &[]);
        let prints = ['l', 'y', 'e', 'i', 'B', 'D', 'L', 'Q', 'F']
            .iter()
            .any(|f| o.has(Some(*f), &[]));
        if prints && !writes_known_hosts {
            return;
        }
        let how = "ssh-keygen";
        if o.has(Some('s'), &[]) {
            for key in &o.operands {
                let cert = match key.known() {
                    Some(k) => {
                        Field::Known(format!("{}-cert.pub", k.strip_suffix(".pub").unwrap_or(k)))
                    }
                    None => Field::unknown(),
                };
                self.write(&cert, scope, false, "ssh-keygen -s (the certificate)");
            }
            return;
        }
        match o.value(Some('f'), &[]) {
            Some(f) => {
                let f = f
                    .known()
                    .map_or(f.clone(), |p| Field::Known(self.home_path(p)));
                let public = match &f {
                    Field::Known(p) => Field::Known(format!("{p}.pub")),
                    other => other.clone(),
                };
                self.write(&f, scope, false, how);
                self.write(&public, scope, false, how);
            }
            None if writes_known_hosts => {
                let file = Field::Known(self.home_path("~/.ssh/known_hosts"));
                self.write(&file, scope, false, how);
            }
            None => {
                let dir = Field::Known(self.home_path("~/.ssh"));
                self.write(&dir, scope, true, "ssh-keygen (a new key in ~/.ssh)");
            }
        }
    }

    /// One ssh setting, `Key=Value` or `Key Value` (`None`: only known at run time).
    fn ssh_setting(
        &mut self,
        name: &str,
        setting: Option<&str>,
        master: bool,
        scope: &Scope,
    ) -> Result<(), ShellError> {
        let Some(setting) = setting else {
            self.write_anything(&format!("{name} with settings only known at run time"));
            return Ok(());
        };
        let setting = setting.trim();
        let split = setting
            .find(|ch: char| ch == '=' || ch.is_whitespace())
            .unwrap_or(setting.len());
        let key = setting[..split].to_ascii_lowercase();
        let value = setting[split..]
            .trim_start_matches(|ch: char| ch == '=' || ch.is_whitespace())
            .trim_matches('"');
        if RUNS.contains(&key.as_str()) {
            let how = format!("{name} {} (a command it runs here)", &setting[..split]);
            self.run_text(
                &Field::Known(value.to_owned()),
                scope,
                &HashMap::new(),
                &[],
                &how,
            )?;
        } else if key == "match" && value.to_ascii_lowercase().contains("exec") {
            self.write_anything(&format!("{name} Match exec (a command it runs here)"));
        } else if WRITES.contains(&key.as_str())
            && !value.eq_ignore_ascii_case("none")
            && (master || key != "controlpath")
        {
            let how = format!("{name} {} (a file it writes here)", &setting[..split]);
            for file in value.split_whitespace() {
                let file = Field::Known(self.home_path(file));
                self.write(&file, scope, false, &how);
            }
        } else if key == "include" {
            self.write_anything(&format!("{name} Include (settings read from elsewhere)"));
        }
        Ok(())
    }

    /// sftp's batch of commands (`-b FILE`, `-b -` for stdin): `!command` runs here, and
    /// downloads and local folder changes write here.
    fn sftp_batch(
        &mut self,
        batch: Option<&Field>,
        stdin: &Out,
        scope: &Scope,
    ) -> Result<(), ShellError> {
        let Some(batch) = batch else {
            return Ok(());
        };
        let text = match batch.known() {
            Some("-") => match stdin {
                Out::Text(t) => Some(t.clone()),
                _ => None,
            },
            Some(p) => self.read_file(p, scope),
            None => None,
        };
        let Some(text) = text else {
            self.write_anything("sftp -b with a batch only known at run time");
            return Ok(());
        };
        for line in text.lines() {
            let line = line.trim().trim_start_matches(['-', '@']);
            if let Some(command) = line.strip_prefix('!') {
                let how = "sftp ! (a command it runs here)";
                self.run_text(
                    &Field::Known(command.to_owned()),
                    scope,
                    &HashMap::new(),
                    &[],
                    how,
                )?;
            } else if ["get", "reget", "mget", "lcd", "lmkdir", "lln", "lrm"]
                .iter()
                .any(|c| line.split_whitespace().next() == Some(c))
            {
                self.write_anything("sftp -b downloading or changing local files");
            }
        }
        Ok(())
    }
}
