//! Typed errors. Each says what went wrong in words a person (or a model reading a deny
//! reason) can act on; the runtime decides how each becomes an answer.

use std::path::PathBuf;

/// stdin could not be read as one JSON payload.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("stdin was empty (expected one JSON payload)")]
    Empty,
    #[error("stdin is larger than the {0}-byte limit")]
    TooLarge(usize),
    #[error("stdin contains a NUL byte")]
    Nul,
    #[error("stdin is not UTF-8")]
    NotUtf8,
    #[error("stdin is not valid JSON: {0}")]
    Json(String),
    #[error("cannot read stdin: {0}")]
    Io(String),
}

/// The payload is JSON but not of a shape the hook can evaluate.
#[derive(Debug, thiserror::Error)]
pub enum PayloadError {
    #[error("the payload has no `{0}`")]
    Missing(&'static str),
    #[error("{0}")]
    Shape(String),
}

/// A configuration file that cannot be used. Names the file, the line and the key.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}:{line}: {key}: {message}", file.display())]
    Invalid {
        file: PathBuf,
        line: usize,
        key: String,
        message: String,
    },
    #[error("cannot read {}: {message}", file.display())]
    Io { file: PathBuf, message: String },
}

/// Anything that stops a hook from evaluating its payload.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error("invalid payload: {0}")]
    Payload(#[from] PayloadError),
    #[error("invalid configuration: {0}")]
    Config(#[from] ConfigError),
    #[error("bad arguments: {0}")]
    Usage(String),
    #[error("state directory: {0}")]
    State(#[from] std::io::Error),
}
