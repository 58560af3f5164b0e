//! The two duration syntaxes Alertmanager reads.
//!
//! - [`PromDuration`]: Prometheus durations (`30s`, `1h30m`, `5d`, `1y`) as in configuration files
//!   and silences, mirroring `prometheus/common/model` `ParseDuration` / `Duration.String`
//!   (`model/time.go`).
//! - [`GoDuration`]: Go `time.ParseDuration` / `time.Duration.String` syntax (`1.5s`, `300ms`,
//!   `1h30m0s`), never negative, as used by command-line flags such as `--data.retention` and
//!   by amtool.
//! - [`SignedGoDuration`]: the same syntax as a signed Go `time.Duration`, for the few
//!   configuration fields upstream declares as `time.Duration`.

mod go_time;
mod prom;

pub use go_time::{GoDuration, GoDurationError, SignedGoDuration};
pub use prom::{PromDuration, PromDurationError};
