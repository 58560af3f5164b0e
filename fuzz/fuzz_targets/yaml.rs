//! Fuzzes the YAML reader: parsing and generic decoding must never panic or recurse unboundedly.
#![no_main]

use am_config::yaml::Document;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else { return };
    if let Ok(doc) = Document::parse(input) {
        let _ = doc.deserialize::<serde_json::Value>();
    }
});
