#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wazir_hooks::fuzzing::host_payload(data));
