//! `install`, `uninstall` and `doctor`: the options they share, and their reports.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::error::CliError;
use super::{ExitStatus, Report};
use crate::event::Host;
use crate::install::apply::{self, Outcome, Request};
use crate::install::doctor::{self, Level};
use crate::install::layout::{Home, Layout, Scope};
use crate::policy::config::find_root;

/// Where: which hosts, which settings files, which binaries.
#[derive(Args, Clone, Debug)]
pub(crate) struct Target {
    /// A host (repeat for several): claude, cursor, gemini, codex
    #[arg(long = "host", value_name = "H", value_enum)]
    hosts: Vec<HostArg>,
    /// Every host (the default)
    #[arg(long, conflicts_with = "hosts")]
    all: bool,
    /// The project (default: the project around the current directory)
    #[arg(long, value_name = "DIR")]
    project: Option<PathBuf>,
    /// The home folder for user-level files (default: $HOME; Codex: $CODEX_HOME)
    #[arg(long, value_name = "DIR")]
    home: Option<PathBuf>,
    /// Where the hook binaries are (default: the folder of this wazir-hooks)
    #[arg(long = "bin-dir", value_name = "DIR")]
    bin_dir: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum HostArg {
    Claude,
    Cursor,
    Gemini,
    Codex,
}

/// Which settings files, and whether to write them.
#[derive(Args, Clone, Debug)]
pub(crate) struct Change {
    /// project: the project's settings files; user: your own
    #[arg(long, value_enum, default_value = "project")]
    scope: ScopeArg,
    /// Print the change as a diff; write nothing
    #[arg(long = "dry-run")]
    dry_run: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ScopeArg {
    /// The project's settings files (shared with everyone who opens it)
    Project,
    /// Your own settings files (every project on this machine)
    User,
}

impl From<ScopeArg> for Scope {
    fn from(s: ScopeArg) -> Scope {
        match s {
            ScopeArg::Project => Scope::Project,
            ScopeArg::User => Scope::User,
        }
    }
}

impl Target {
    pub(crate) fn hosts(&self) -> Vec<Host> {
        self.hosts
            .iter()
            .map(|h| match h {
                HostArg::Claude => Host::Claude,
                HostArg::Cursor => Host::Cursor,
                HostArg::Gemini => Host::Gemini,
                HostArg::Codex => Host::Codex,
            })
            .collect()
    }

    pub(crate) fn project(&self, cwd: &Path) -> PathBuf {
        let dir = match &self.project {
            Some(p) => cwd.join(p),
            None => find_root(cwd),
        };
        dir.canonicalize().unwrap_or(dir)
    }

    pub(crate) fn home(&self) -> Result<Home, CliError> {
        if let Some(home) = &self.home {
            return Ok(Home::new(absolute(home)?, None));
        }
        let dir = std::env::var_os("HOME")
            .map(PathBuf::from)
            .or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf()))
            .ok_or_else(|| CliError::Usage("no home folder: set HOME or pass --home".into()))?;
        let codex = std::env::var_os("CODEX_HOME").map(PathBuf::from);
        Ok(Home::new(dir, codex))
    }

    pub(crate) fn bin_dir(&self) -> Result<PathBuf, CliError> {
        match &self.bin_dir {
            Some(dir) => absolute(dir),
            None => std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(Path::to_path_buf))
                .ok_or_else(|| {
                    CliError::Usage("cannot tell where wazir-hooks is: pass --bin-dir".into())
                }),
        }
    }

    pub(crate) fn request(
        &self,
        cwd: &Path,
        change: &Change,
        trust: bool,
    ) -> Result<Request, CliError> {
        Ok(Request {
            hosts: self.hosts(),
            scope: change.scope.into(),
            project: self.project(cwd),
            home: self.home()?,
            bin_dir: self.bin_dir()?,
            dry_run: change.dry_run,
            trust,
        })
    }
}

fn absolute(path: &Path) -> Result<PathBuf, CliError> {
    std::path::absolute(path).map_err(|e| CliError::io("cannot resolve", path, e))
}

pub(crate) fn install(req: &Request) -> Result<Report, CliError> {
    apply::check_binaries(&req.bin_dir).map_err(|e| CliError::Usage(e.to_string()))?;
    let outcomes = apply::install(req);
    let mut report = outcome_report(req, &outcomes);
    let wrote_any = outcomes.iter().any(|o| o.result.is_ok());
    if wrote_any {
        let mut notes = Vec::new();
        for o in outcomes.iter().filter(|o| o.result.is_ok()) {
            if let Some(layout) = Layout::of(o.host) {
                notes.extend(layout.notes(req.scope, req.trust));
            }
        }
        if !notes.is_empty() {
            report
                .stdout
                .push_str("\nBefore the hosts run these hooks:\n");
            for note in notes {
                let _ = writeln!(report.stdout, "  - {note}");
            }
        }
        if !req.dry_run {
            report
                .stdout
                .push_str("\nCheck that every guard denies: wazir-hooks doctor\n");
        }
    }
    Ok(report)
}

pub(crate) fn uninstall(req: &Request) -> Result<Report, CliError> {
    let outcomes = apply::uninstall(req);
    Ok(outcome_report(req, &outcomes))
}

/// One line per settings file changed (or left as it was) on stdout; a file that could not
/// be changed is an error, so it goes to stderr (`wazir-hooks install > log` must not
/// hide it) and the command fails, after the other hosts were still wired.
fn outcome_report(req: &Request, outcomes: &[Outcome]) -> Report {
    let mut out = String::new();
    let mut errors = Vec::new();
    for o in outcomes {
        match &o.result {
            Ok(done) => {
                let _ = write!(
                    out,
                    "{:<7} {}: {}",
                    o.host.name(),
                    o.file.display(),
                    done.change.word(req.dry_run)
                );
                if let Some(b) = &done.backup {
                    let _ = write!(out, " (the original is saved as {})", b.display());
                }
                out.push('\n');
                for w in &done.warnings {
                    let _ = writeln!(out, "        warning: {w}");
                }
                for t in &done.trusted {
                    let verb = match (req.dry_run, req.trust) {
                        (true, true) => "would record trust for",
                        (false, true) => "recorded trust for",
                        (true, false) => "would take back",
                        (false, false) => "took back",
                    };
                    let _ = writeln!(out, "        {verb} {t}");
                }
                if req.dry_run && !done.diff.is_empty() {
                    out.push_str(&done.diff);
                }
            }
            Err(e) => errors.push(format!("{}: {e}", o.host.name())),
        }
    }
    let mut report = Report::text(out);
    if !errors.is_empty() {
        report.status = ExitStatus::Failure;
    }
    report.notes = errors;
    report
}

pub(crate) fn doctor(target: &Target, cwd: &Path) -> Result<Report, CliError> {
    let req = doctor::Request {
        hosts: target.hosts(),
        project: target.project(cwd),
        home: target.home()?,
    };
    let diagnosis = doctor::run(&req);
    let mut out = format!("Project {}\n", req.project.display());
    findings(&mut out, &diagnosis.project);
    for r in &diagnosis.hosts {
        let _ = writeln!(out, "\n{}", host_title(r.host));
        findings(&mut out, &r.findings);
    }
    let worst = diagnosis.worst();
    let wired = diagnosis.hosts.iter().filter(|r| r.wired).count();
    let verdict = match worst {
        Level::Fail => "some guard cannot deny, or a hook cannot run: fix the FAIL lines above",
        Level::Action => {
            "every guard denies, but a host holds hooks back until you do the TODO lines above"
        }
        _ if wired == 0 => "no host is wired here: run `wazir-hooks install`",
        _ => "every wired host runs the hooks and every guard denies",
    };
    let _ = writeln!(out, "\n{verdict}");
    let mut report = Report::text(out);
    report.status = match worst {
        Level::Fail => ExitStatus::Failure,
        Level::Action => ExitStatus::NeedsAction,
        _ if wired == 0 => ExitStatus::Failure,
        _ => ExitStatus::Success,
    };
    Ok(report)
}

fn findings(out: &mut String, list: &[doctor::Finding]) {
    for f in list {
        let mark = match f.level {
            Level::Ok => "ok  ",
            Level::Note => "note",
            Level::Action => "TODO",
            Level::Fail => "FAIL",
        };
        let _ = writeln!(out, "  {mark} {}", f.text);
    }
}

fn host_title(host: Host) -> &'static str {
    match host {
        Host::Claude => "Claude Code",
        Host::Cursor => "Cursor",
        Host::Gemini => "Gemini CLI",
        Host::Codex => "Codex",
        Host::Wazir => "wazir-hooks",
    }
}
