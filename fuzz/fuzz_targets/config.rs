//! The configuration loader (`src/config.rs`) against any text: `Config::from_toml` (which
//! validates) may refuse it, never panic; a configuration it accepts validates again.
//!
//! `from_toml` also reads `REPLYBOX_*` variables from the environment: run the fuzzer without
//! them (`scripts/fuzz` does nothing about them; they are not set on a developer's machine).
#![no_main]

use libfuzzer_sys::fuzz_target;
use replybox::config::Config;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(config) = Config::from_toml(&text) {
        if let Err(err) = config.validate() {
            panic!("from_toml accepted a configuration that does not validate: {err:#}");
        }
    }
});
