//! Any text as an env file: parsed and read into the policy's configuration, or refused with a
//! message naming the setting or line; never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        match smguard_policy::Settings::parse_env_file(text, "fuzz.env") {
            Ok(settings) => {
                if let Err(error) = smguard_policy::PolicyConfig::from_settings(&settings) {
                    assert!(!error.to_string().is_empty());
                }
            }
            Err(error) => assert!(!error.to_string().is_empty()),
        }
    }
});
