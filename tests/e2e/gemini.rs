//! Scenarios on the real gemini client. Being written.
