fn main() -> std::process::ExitCode {
    wazir_hooks::cli::main()
}
