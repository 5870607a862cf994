//! Pure decisions over normalized events: configuration, protected-path matching, and the
//! write targets hidden in shell commands and patches. Nothing here sees a host's JSON or
//! prints anything.

pub mod capture;
pub mod config;
pub mod loops;
pub mod patch;
pub mod paths;
pub mod powershell;
pub mod shell;
