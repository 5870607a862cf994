//! The one module that writes to stdout and stderr. A process answers exactly once: the
//! normal path, the panic hook and the watchdog race to answer, and only the first one
//! speaks, so the host never reads two answers or a torn one.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::event::Answer;

static ANSWERED: AtomicBool = AtomicBool::new(false);

/// Writes the answer if nobody has answered yet. Returns whether this call answered.
pub(crate) fn answer_once(answer: &Answer) -> bool {
    if ANSWERED.swap(true, Ordering::SeqCst) {
        return false;
    }
    // Write errors (a host that closed its end) are ignored: there is nobody left to tell.
    if !answer.stdout.is_empty() {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(answer.stdout.as_bytes());
        let _ = out.flush();
    }
    if !answer.stderr.is_empty() {
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(answer.stderr.as_bytes());
        if !answer.stderr.ends_with('\n') {
            let _ = err.write_all(b"\n");
        }
        let _ = err.flush();
    }
    true
}

/// Answers and ends the process at once, from any thread (panic hook, watchdog).
pub(crate) fn answer_and_exit(answer: &Answer) -> ! {
    if answer_once(answer) {
        #[allow(clippy::exit)]
        std::process::exit(i32::from(answer.exit));
    }
    // Someone else is answering right now; let them finish and exit.
    loop {
        std::thread::park();
    }
}
