//! Setup shared by the receiver tests (`receivers_*.rs`): building a validated `global`
//! section, validating one `receivers:` entry, and looking at what it prints.

// Each test binary uses only some of these helpers.
#![allow(dead_code)]

use am_config::error::ConfigError;
use am_config::global::{GlobalConfig, RawGlobal};
use am_config::receiver::{RawReceiver, Receiver};
use am_config::yaml::{YamlPath, from_str};
use serde_json::Value;

/// A validated `global` section from YAML; panics when it does not parse or validate.
pub fn global(yaml: &str) -> GlobalConfig {
    let (raw, _) = from_str::<RawGlobal>(yaml).expect("global parses");
    GlobalConfig::from_raw(Some(raw), &YamlPath::parse("global")).expect("global validates")
}

/// A receiver entry under test, standing at the given path (`receivers[1]`), which every error
/// message names.
pub struct Entry(pub &'static str);

impl Entry {
    /// Parses and validates `yaml` as this entry.
    pub fn load(&self, global: &GlobalConfig, yaml: &str) -> Result<Receiver, Vec<ConfigError>> {
        let (raw, _) = from_str::<RawReceiver>(yaml).expect("receiver parses");
        Receiver::from_raw(raw, global, &YamlPath::parse(self.0))
    }

    /// The validated receiver; panics on validation errors.
    pub fn ok(&self, global: &GlobalConfig, yaml: &str) -> Receiver {
        self.load(global, yaml)
            .unwrap_or_else(|e| panic!("unexpected errors: {e:?}"))
    }

    /// The validation errors, printed with their paths; panics when `yaml` is valid.
    pub fn errors(&self, global: &GlobalConfig, yaml: &str) -> Vec<String> {
        match self.load(global, yaml) {
            Ok(r) => panic!("expected errors, got {r:?}"),
            Err(e) => e.iter().map(ToString::to_string).collect(),
        }
    }
}

/// How a validated receiver prints (upstream's `Config.String()` shape), as JSON.
pub fn printed(r: &Receiver) -> Value {
    serde_json::to_value(r).expect("serializes")
}

/// The keys of a printed mapping, in order.
pub fn keys(v: &Value) -> Vec<&str> {
    v.as_object()
        .expect("a mapping")
        .keys()
        .map(String::as_str)
        .collect()
}
