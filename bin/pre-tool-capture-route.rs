fn main() -> std::process::ExitCode {
    wazir_hooks::main(wazir_hooks::Hook::PreToolCaptureRoute)
}
