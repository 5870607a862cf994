//! Scenarios on the real claude client. Being written.
