//! Fuzzes the whole configuration loader: any input must give a config or errors, never a panic,
//! and a loaded config must print to YAML that loads again.
#![no_main]

use am_config::load::{LoadOptions, load_str};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else { return };
    if let Ok(config) = load_str(input, Some("fuzz.yml"), &LoadOptions::default()) {
        let printed = config.to_yaml();
        // Secrets print as <secret>, which may fail validation of URL fields; only panics matter.
        let _ = load_str(&printed, Some("printed.yml"), &LoadOptions::default());
    }
});
