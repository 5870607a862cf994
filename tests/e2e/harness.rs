//! What every end-to-end scenario needs: the real clients (installed once from the npm
//! registry into a cache folder, at pinned versions), a fresh HOME and project per
//! scenario with our hooks wired by `wazir-hooks install`, a scripted model server on
//! loopback that logs every request, and readers for the run's state.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The folder holding our binaries (cargo builds every [[bin]] for integration tests).
pub(crate) fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_wazir-hooks"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn target_tmp() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
}

/// Where the clients are installed: `$WAZIR_E2E_CACHE`, else beside the build's temp
/// folder (kept between runs, so only the first run downloads).
pub(crate) fn cache_dir() -> PathBuf {
    match std::env::var_os("WAZIR_E2E_CACHE") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => target_tmp().join("..").join("e2e-clients"),
    }
}

/// A pinned package on the npm registry with an executable: a client, or a tool server a
/// client starts.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Client {
    pub package: &'static str,
    pub version: &'static str,
    /// The executable under `node_modules/.bin`.
    pub bin: &'static str,
}

pub(crate) const CLAUDE: Client = Client {
    package: "@anthropic-ai/claude-code",
    version: "2.1.328",
    bin: "claude",
};
pub(crate) const CODEX: Client = Client {
    package: "@openai/codex",
    version: "0.169.0",
    bin: "codex",
};
pub(crate) const GEMINI: Client = Client {
    package: "@google/gemini-cli",
    version: "0.61.0",
    bin: "gemini",
};
/// The official filesystem MCP server (a Node script), which a client starts over stdio.
pub(crate) const MCP_FILESYSTEM: Client = Client {
    package: "@modelcontextprotocol/server-filesystem",
    version: "2026.8.31",
    bin: "mcp-server-filesystem",
};

/// The package's executable, installed on first use. A package that cannot be installed
/// fails the test that needs it, with npm's own words: a scenario is never skipped.
pub(crate) fn client(c: Client) -> PathBuf {
    static INSTALLS: OnceLock<Mutex<()>> = OnceLock::new();
    let _one_at_a_time = INSTALLS.get_or_init(|| Mutex::new(())).lock();
    let dir = cache_dir().join(format!("{}-{}", c.bin, c.version));
    let exe = dir.join("node_modules/.bin").join(c.bin);
    if exe.exists() {
        return exe;
    }
    std::fs::create_dir_all(&dir).unwrap();
    // Across test processes too: npm must not install into one folder twice at once.
    let lock = std::fs::File::create(dir.join(".install.lock")).unwrap();
    lock.lock().unwrap();
    if exe.exists() {
        return exe;
    }
    let spec = format!("{}@{}", c.package, c.version);
    let out = Command::new("npm")
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            "--prefix",
        ])
        .arg(&dir)
        .arg(&spec)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run npm to install {spec} (is Node.js with npm installed?): {e}")
        });
    if !(out.status.success() && exe.exists()) {
        // Leave no half-installed client for the next run to trust.
        let _ = std::fs::remove_dir_all(&dir);
    }
    assert!(
        out.status.success() && exe.exists(),
        "could not install {spec} into {}: npm exited {}:\n{}{}",
        dir.display(),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

/// A fresh HOME and a fresh project (a git repository with `wazir.hooks.yaml` and a few
/// files), and a state root of its own.
pub(crate) struct Sandbox {
    _dir: tempfile::TempDir,
    pub home: PathBuf,
    pub project: PathBuf,
    pub state: PathBuf,
}

/// The files every project starts with.
pub(crate) const PROJECT_FILES: &[(&str, &str)] = &[
    ("roles/executor.md", "executor\n"),
    ("src/main.rs", "fn main() {}\n"),
    ("README.md", "# demo\n"),
    (".env", "KEY=1\n"),
];

/// The default configuration: `roles/` and every `.env` are protected.
pub(crate) const CONFIG: &str = "protected_paths:\n  - roles\n  - \"**/.env\"\n";

impl Sandbox {
    /// A sandbox whose project has `config` as its `wazir.hooks.yaml`.
    pub(crate) fn new(config: &str) -> Sandbox {
        let base = target_tmp().join("e2e");
        std::fs::create_dir_all(&base).unwrap();
        let dir = tempfile::Builder::new()
            .prefix("scenario-")
            .tempdir_in(&base)
            .unwrap();
        let home = dir.path().join("home");
        let project = dir.path().join("project");
        let state = dir.path().join("state");
        for d in [&home, &project, &state] {
            std::fs::create_dir_all(d).unwrap();
        }
        for (rel, text) in PROJECT_FILES {
            let path = project.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        std::fs::write(project.join("wazir.hooks.yaml"), config).unwrap();
        let git = Command::new("git")
            .args(["init", "-q"])
            .current_dir(&project)
            .status()
            .unwrap();
        assert!(git.success());
        Sandbox {
            home: home.canonicalize().unwrap(),
            project: project.canonicalize().unwrap(),
            state: state.canonicalize().unwrap(),
            _dir: dir,
        }
    }

    /// `wazir-hooks <args>` against this sandbox's home and project.
    pub(crate) fn wazir(&self, args: &[&str]) -> Output {
        Command::new(bin_dir().join("wazir-hooks"))
            .args(args)
            .arg("--home")
            .arg(&self.home)
            .current_dir(&self.project)
            .env("HOME", &self.home)
            .env_remove("CODEX_HOME")
            .env("WAZIR_STATE_ROOT", &self.state)
            .output()
            .unwrap()
    }

    /// Wires our hooks for `host` the way a user would (with `--trust`, which records
    /// Codex's and Gemini CLI's trust as a person would in their own UI).
    pub(crate) fn install_hooks(&self, host: &str) {
        let out = self.wazir(&["install", "--host", host, "--trust"]);
        assert!(
            out.status.success(),
            "wazir-hooks install --host {host} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The environment every client run gets: this HOME, our state root, nothing
    /// approved, no proxy, no telemetry.
    pub(crate) fn command(&self, exe: &Path) -> Command {
        let mut cmd = Command::new(exe);
        cmd.current_dir(&self.project)
            .env("HOME", &self.home)
            .env("WAZIR_STATE_ROOT", &self.state)
            .env_remove("WAZIR_APPROVED_FLOW")
            .env_remove("CODEX_HOME")
            .env("NO_PROXY", "127.0.0.1,localhost")
            .env("DISABLE_TELEMETRY", "1")
            .stdin(Stdio::null());
        for var in [
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "http_proxy",
            "https_proxy",
            "ALL_PROXY",
        ] {
            cmd.env_remove(var);
        }
        cmd
    }

    pub(crate) fn read(&self, rel: &str) -> Option<String> {
        std::fs::read_to_string(self.project.join(rel)).ok()
    }

    /// The runs under the state root (one per host session).
    pub(crate) fn runs(&self) -> Vec<PathBuf> {
        let mut runs: Vec<PathBuf> = std::fs::read_dir(self.state.join("runs"))
            .map(|d| {
                d.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.is_dir())
                    .collect()
            })
            .unwrap_or_default();
        runs.sort();
        runs
    }

    /// Every event of every run.
    pub(crate) fn events(&self) -> Vec<Value> {
        let mut all = Vec::new();
        for run in self.runs() {
            if let Ok(text) = std::fs::read_to_string(run.join("events.ndjson")) {
                all.extend(
                    text.lines()
                        .map(|l| serde_json::from_str(l).expect("every event line is JSON")),
                );
            }
        }
        all
    }

    /// The `handoff.md` files written so far.
    pub(crate) fn handoffs(&self) -> Vec<String> {
        self.runs()
            .iter()
            .filter_map(|r| std::fs::read_to_string(r.join("handoff.md")).ok())
            .collect()
    }
}

/// Runs a client to the end, killing it after `limit`; a client that overruns fails the
/// test with what it printed.
pub(crate) fn run(cmd: Command, limit: Duration) -> Output {
    run_limited(cmd, limit).unwrap_or_else(|out| {
        panic!(
            "the client did not finish within {limit:?}; stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Runs a client to the end in a process group of its own, killing the whole group after
/// `limit` (`Err` then holds what it printed until then). The npm launchers start the
/// native client as a child under Node 20: killing the launcher alone would leave that
/// child holding the output pipes, and reading them would never end.
pub(crate) fn run_limited(mut cmd: Command, limit: Duration) -> Result<Output, Output> {
    use std::os::unix::process::CommandExt;
    cmd.process_group(0)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the client starts");
    let collect = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = collect(child.stdout.take().map(|p| Box::new(p) as _));
    let err = collect(child.stderr.take().map(|p| Box::new(p) as _));
    let start = Instant::now();
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            timed_out = true;
            let group = format!("-{}", child.id());
            let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    };
    if timed_out { Err(output) } else { Ok(output) }
}

/// One HTTP request the model server received.
#[derive(Clone, Debug)]
pub(crate) struct Request {
    pub method: String,
    pub path: String,
    pub body: Value,
}

/// What the server answers: status, content type, body.
pub(crate) struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Reply {
    pub(crate) fn json(value: &Value) -> Reply {
        Reply {
            status: 200,
            content_type: "application/json",
            body: value.to_string().into_bytes(),
        }
    }

    /// Server-sent events: each `(event name or "", data)` becomes one event.
    pub(crate) fn sse(events: &[(&str, Value)]) -> Reply {
        let mut body = String::new();
        for (name, data) in events {
            if !name.is_empty() {
                body.push_str(&format!("event: {name}\n"));
            }
            body.push_str(&format!("data: {data}\n\n"));
        }
        Reply {
            status: 200,
            content_type: "text/event-stream",
            body: body.into_bytes(),
        }
    }

    pub(crate) fn not_found() -> Reply {
        Reply {
            status: 404,
            content_type: "application/json",
            body: b"{\"error\":\"not found\"}".to_vec(),
        }
    }
}

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

/// A scripted model server on 127.0.0.1: every request is logged (in memory and, one
/// JSON line each, in `log_file`) and answered by the handler.
pub(crate) struct ModelServer {
    pub port: u16,
    log: Arc<Mutex<Vec<Request>>>,
}

impl ModelServer {
    pub(crate) fn start(log_file: PathBuf, handler: Box<Handler>) -> ModelServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::from(handler);
        let shared = Arc::clone(&log);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let log = Arc::clone(&shared);
                let handler = Arc::clone(&handler);
                let log_file = log_file.clone();
                std::thread::spawn(move || serve(stream, &log, &log_file, &*handler));
            }
        });
        ModelServer { port, log }
    }

    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The requests so far, oldest first.
    pub(crate) fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, log: &Mutex<Vec<Request>>, log_file: &Path, handler: &Handler) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    // Keep-alive: serve requests on this connection until the client closes it.
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_owned();
        let path = parts.next().unwrap_or("").to_owned();
        let mut length = 0usize;
        let mut chunked = false;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((name, value)) = h.split_once(':') {
                let value = value.trim();
                match name.to_ascii_lowercase().as_str() {
                    "content-length" => length = value.parse().unwrap_or(0),
                    "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
                    _ => {}
                }
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                let mut size = String::new();
                reader.read_line(&mut size).unwrap_or(0);
                let n = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16)
                    .unwrap_or(0);
                let mut chunk = vec![0; n + 2];
                if reader.read_exact(&mut chunk).is_err() {
                    return;
                }
                if n == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..n]);
            }
        } else {
            body.resize(length, 0);
            if reader.read_exact(&mut body).is_err() {
                return;
            }
        }
        let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let request = Request { method, path, body };
        {
            let mut log = log.lock().unwrap();
            log.push(request.clone());
            if let Ok(mut f) = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(log_file)
            {
                let entry = serde_json::json!({
                    "method": request.method, "path": request.path, "body": request.body
                });
                let _ = writeln!(f, "{entry}");
            }
        }
        let reply = handler(&request);
        let head = format!(
            "HTTP/1.1 {} {}\r\ncontent-type: {}\r\ncontent-length: {}\r\n\r\n",
            reply.status,
            if reply.status == 200 {
                "OK"
            } else {
                "Not Found"
            },
            reply.content_type,
            reply.body.len()
        );
        if writer.write_all(head.as_bytes()).is_err() || writer.write_all(&reply.body).is_err() {
            return;
        }
        let _ = writer.flush();
    }
}

/// A client that cannot be installed fails the scenario that needs it, in npm's words;
/// nothing is skipped.
#[test]
#[should_panic(expected = "could not install @wazir-hooks-e2e/no-such-client@0.0.0")]
fn a_client_that_cannot_be_installed_fails_loudly() {
    let missing = Client {
        package: "@wazir-hooks-e2e/no-such-client",
        version: "0.0.0",
        bin: "no-such-client",
    };
    client(missing);
}
