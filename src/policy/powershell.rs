//! Finds every file a PowerShell command (Claude Code's `PowerShell` tool) may write, the
//! way [`crate::policy::shell`] does for bash: a tokenizer and parser for PowerShell's
//! own grammar (strings, here-strings, script blocks, subexpressions, parameters,
//! redirections, .NET calls), then a walk that follows the location, variables, pipelines,
//! the writing cmdlets and their aliases, and the code that runs other code.
//!
//! The model is positive: a command, method or value the analysis cannot show harmless
//! is reported as reaching what it names. An unknown command (a native program, a
//! function, a module's cmdlet) writes each literal argument, all the way down; a value
//! only known when the command runs is a [`Target::Partial`], which the caller denies
//! when it could be protected.
//!
//! What it does not see: code that runs from files it cannot read (modules, profiles,
//! programs' own scripts), a function or alias from outside the command that shadows a
//! read-only cmdlet, and objects whose type decides what a method does (`Replace` on a
//! `FileInfo` held in an unknown variable).

mod cmdlets;
mod effects;
mod parse;
mod walk;

#[cfg(doc)]
use crate::policy::shell::Target;
use crate::policy::shell::{Context, ShellError, Write};

/// Longest command analysed.
const MAX_LEN: usize = 256 * 1024;
/// Nesting above which the analysis gets its own large stack.
const THREAD_ABOVE_NESTING: usize = 16;
/// That stack: reserved address space, touched only as far as it is used.
const DEEP_STACK: usize = 256 * 1024 * 1024;

/// Every write `command` may make when PowerShell runs it in `ctx`.
///
/// [`ShellError::Parse`] when PowerShell would not parse it either (an unterminated
/// string, bracket or here-string); [`ShellError::TooComplex`] past the bounds of a
/// hook's budget: longer than 256 KiB, nested more than 64 deep (brackets, blocks, code
/// in strings), more than 200 000 statements and commands to follow.
pub fn analyze(command: &str, ctx: &Context) -> Result<Vec<Write>, ShellError> {
    if command.len() > MAX_LEN {
        return Err(ShellError::TooComplex(format!(
            "it is longer than {} KiB",
            MAX_LEN / 1024
        )));
    }
    let run = || {
        let mut walker = walk::Walker::new(ctx);
        let mut state = walk::State::new(ctx.cwd.clone());
        walker.top(command, &mut state)?;
        Ok(walker.into_writes())
    };
    // Parsing and walking recurse with the command's nesting, and a stack overflow aborts
    // the process (a crashed hook lets the call through on most hosts). Commands that
    // nest deeply get a thread whose stack does not depend on the host's limit; ordinary
    // ones pay for no thread. Code nested in strings (`iex '…'`) counts toward the same
    // cap as brackets, so the depth stays bounded either way.
    if parse::nesting(command) <= THREAD_ABOVE_NESTING && !nests_code_in_strings(command) {
        return run();
    }
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(DEEP_STACK)
            .spawn_scoped(s, run)
            .map_err(|e| ShellError::TooComplex(format!("no thread to analyse it on: {e}")))?
            .join()
            .unwrap_or_else(|_| Err(ShellError::TooComplex("the analysis failed".into())))
    })
}

/// Whether `command` may nest code in strings deeper than a few levels, which the
/// bracket count cannot see: past the first levels, quotes must be doubled or escaped
/// (`iex 'iex ''…'''`), or the code base64-encoded (`pwsh -EncodedCommand`). Script files
/// nest too.
fn nests_code_in_strings(command: &str) -> bool {
    let lower = command.to_lowercase();
    ["''", "\"\"", "`'", "`\"", "-e", "/e", ".ps1"]
        .iter()
        .any(|w| lower.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::shell::Target;
    use std::path::{Path, PathBuf};

    fn ctx_with<'a>(
        env: &'a (dyn Fn(&str) -> Option<String> + Sync),
        relevant: &'a (dyn Fn(&Path) -> bool + Sync),
    ) -> Context<'a> {
        Context {
            cwd: PathBuf::from("/w"),
            home: Some(PathBuf::from("/h")),
            env,
            relevant,
        }
    }

    fn show(w: &Write) -> String {
        let t = match &w.target {
            Target::Path(p) => crate::policy::paths::normalize(p).display().to_string(),
            Target::Partial {
                dir,
                name_prefix,
                suffix,
            } => {
                let dir = dir.as_ref().map_or("?".into(), |d| {
                    crate::policy::paths::normalize(d).display().to_string()
                });
                format!("{}/{name_prefix}…{suffix}", dir.trim_end_matches('/'))
            }
            Target::Operator(c) => format!("operator: {c}"),
        };
        if w.recursive { format!("{t} (r)") } else { t }
    }

    fn writes(command: &str) -> Vec<Write> {
        let env = |k: &str| (k == "SAFE").then(|| "build".to_owned());
        let relevant = |_: &Path| true;
        analyze(command, &ctx_with(&env, &relevant))
            .unwrap_or_else(|e| panic!("{command:?} did not analyse: {e}"))
    }

    /// The write targets of `command` run in `/w` (which does not exist, so nothing is
    /// read from disk), as `path` or `dir/prefix…suffix`, `(r)` when recursive; without
    /// the stand-in for files a native program makes where it runs.
    fn targets(command: &str) -> Vec<String> {
        writes(command)
            .iter()
            .map(show)
            .filter(|t| !t.ends_with("(a file it makes here)"))
            .collect()
    }

    fn error(command: &str) -> ShellError {
        let env = |_: &str| None;
        let relevant = |_: &Path| true;
        analyze(command, &ctx_with(&env, &relevant)).expect_err(command)
    }

    const NONE: [&str; 0] = [];

    #[test]
    fn process_start_runs_its_program_with_windows_split_arguments() {
        assert_eq!(
            targets("[Diagnostics.Process]::Start('sh', '-c \"rm -rf roles\"').WaitForExit()"),
            ["/w/roles (r)"]
        );
        assert_eq!(
            targets("[System.Diagnostics.Process]::Start('cp', '/etc/hostname roles/a.md')"),
            ["/w/roles/a.md"]
        );
        assert!(targets("[Diagnostics.Process]::Start($p, 'x')").contains(&"?/… (r)".to_owned()));
    }

    #[test]
    fn remove_item_and_its_aliases() {
        for c in [
            "Remove-Item roles/a.md",
            "remove-item roles/a.md",
            "REMOVE-ITEM roles/a.md",
            "ri roles/a.md",
            "del roles/a.md",
            "erase roles/a.md",
            "rd roles/a.md",
            "Remove-Item -Path roles/a.md",
            "Remove-Item -LiteralPath roles/a.md",
            "Remove-Item -PSPath roles/a.md",
            "Remove-Item -LP roles/a.md",
            "Remove-Item -Pa roles/a.md",
            "Remove-Item -Lit roles/a.md -Force",
            "Remove-Item -Path:roles/a.md",
            "Remove-Item -Recurse -Force roles/a.md",
            "Microsoft.PowerShell.Management\\Remove-Item roles/a.md",
        ] {
            assert_eq!(targets(c), ["/w/roles/a.md (r)"], "{c}");
        }
        let w = &writes("Remove-Item roles/a.md")[0];
        assert_eq!((w.how.as_str(), w.follow), ("Remove-Item", false));
        assert_eq!(writes("rm -r roles")[0].how, "rm");
        // `rmdir` and `rm` are also the native programs on Linux and macOS.
        assert!(targets("rmdir roles").contains(&"/w/roles (r)".to_owned()));
        assert_eq!(targets("Remove-Item a, b"), ["/w/a (r)", "/w/b (r)"]);
        // A parameter it does not know may take a value: any positional value may be
        // the path then.
        assert_eq!(
            targets("Set-Content -Bogus x roles/a.md 'text'"),
            ["/w/x", "/w/roles/a.md", "/w/text"]
        );
    }

    #[test]
    fn content_writers() {
        assert_eq!(targets("Set-Content roles/a.md 'x'"), ["/w/roles/a.md"]);
        assert_eq!(
            targets("Set-Content -Value x -Path out.txt"),
            ["/w/out.txt"]
        );
        assert_eq!(
            targets("sc -Value roles/a.md -Path out.txt"),
            ["/w/out.txt"]
        );
        assert_eq!(targets("Add-Content log.txt 'line'"), ["/w/log.txt"]);
        assert_eq!(targets("ac -Pa log.txt -Va x"), ["/w/log.txt"]);
        assert_eq!(targets("Clear-Content roles/a.md"), ["/w/roles/a.md"]);
        assert_eq!(targets("clc roles/a.md"), ["/w/roles/a.md"]);
        assert_eq!(targets("'x' | Out-File roles/a.md"), ["/w/roles/a.md"]);
        assert_eq!(
            targets("'x' | Out-File -FilePath o.txt -Append"),
            ["/w/o.txt"]
        );
        assert_eq!(targets("'x' | Out-File -LiteralPath o.txt"), ["/w/o.txt"]);
        assert_eq!(
            targets("Get-Date | Tee-Object -FilePath t.txt"),
            ["/w/t.txt"]
        );
        assert_eq!(targets("Get-Date | tee t.txt"), ["/w/t.txt"]);
        assert_eq!(targets("gps | Export-Csv p.csv"), ["/w/p.csv"]);
        assert_eq!(
            targets("gps | epcsv -Path p.csv -NoTypeInformation"),
            ["/w/p.csv"]
        );
        assert_eq!(targets("gps | Export-Clixml p.xml"), ["/w/p.xml"]);
        assert_eq!(targets("Export-Alias -Path a.txt"), ["/w/a.txt"]);
        assert_eq!(targets("Start-Transcript -Path t.log"), ["/w/t.log"]);
        assert_eq!(
            targets("Start-Transcript -OutputDirectory logs"),
            ["/w/logs/PowerShell_transcript.….txt (r)"]
        );
    }

    #[test]
    fn item_writers() {
        assert_eq!(targets("New-Item roles/b.md"), ["/w/roles/b.md"]);
        assert_eq!(targets("ni -ItemType File roles/b.md"), ["/w/roles/b.md"]);
        assert_eq!(targets("mkdir newdir"), ["/w/newdir"]);
        assert_eq!(targets("md newdir"), ["/w/newdir"]);
        assert_eq!(
            targets("New-Item -Path roles -Name b.md"),
            ["/w/roles/b.md"]
        );
        assert_eq!(targets("New-Item -Name b.md"), ["/w/b.md"]);
        assert_eq!(targets("Copy-Item a.md roles/a.md"), ["/w/roles/a.md (r)"]);
        assert_eq!(targets("cpi a.md -Destination roles"), ["/w/roles (r)"]);
        assert_eq!(targets("copy -Dest roles a.md"), ["/w/roles (r)"]);
        assert_eq!(targets("cpi /tmp/x.md"), ["/w/x.md (r)"]);
        assert_eq!(
            targets("Move-Item roles/a.md /tmp/a.md"),
            ["/w/roles/a.md (r)", "/tmp/a.md (r)"]
        );
        assert_eq!(targets("move x roles"), ["/w/x (r)", "/w/roles (r)"]);
        assert_eq!(targets("mi x y"), ["/w/x (r)", "/w/y (r)"]);
        assert_eq!(
            targets("Rename-Item roles/a.md b.md"),
            ["/w/roles/a.md (r)", "/w/roles/b.md (r)"]
        );
        assert_eq!(
            targets("ren -Path x.txt -NewName roles"),
            ["/w/x.txt (r)", "/w/roles (r)"]
        );
        assert_eq!(targets("rni a b"), ["/w/a (r)", "/w/b (r)"]);
        assert_eq!(targets("Clear-Item roles/a.md"), ["/w/roles/a.md (r)"]);
        assert_eq!(targets("cli roles/a.md"), ["/w/roles/a.md (r)"]);
        assert_eq!(targets("Set-Item roles/a.md x"), ["/w/roles/a.md (r)"]);
        assert_eq!(targets("si roles/a.md x"), ["/w/roles/a.md (r)"]);
        assert_eq!(targets("Unblock-File roles/a.md"), ["/w/roles/a.md"]);
        assert_eq!(
            targets("Set-ItemProperty roles/a.md IsReadOnly $true"),
            ["/w/roles/a.md (r)"]
        );
        assert_eq!(
            targets("sp -Path roles/a.md -Name IsReadOnly -Value $false"),
            ["/w/roles/a.md (r)"]
        );
        assert_eq!(targets("New-ItemProperty roles x"), ["/w/roles (r)"]);
        assert_eq!(targets("Remove-ItemProperty roles x"), ["/w/roles (r)"]);
        assert_eq!(targets("Clear-ItemProperty roles x"), ["/w/roles (r)"]);
        assert_eq!(targets("Rename-ItemProperty roles x y"), ["/w/roles (r)"]);
        assert_eq!(targets("Copy-ItemProperty src roles x"), ["/w/roles (r)"]);
        assert_eq!(
            targets("Move-ItemProperty src roles x"),
            ["/w/src (r)", "/w/roles (r)"]
        );
        assert_eq!(targets("Set-Acl roles $acl"), ["/w/roles (r)"]);
    }

    #[test]
    fn links() {
        assert_eq!(
            targets("New-Item -ItemType SymbolicLink -Path l -Target roles"),
            ["/w/l (r)"]
        );
        // A link made earlier in the command is followed by later writes through it.
        assert_eq!(
            targets("New-Item -ItemType SymbolicLink -Path l -Value roles; Set-Content l/a.md x"),
            ["/w/l (r)", "/w/roles/a.md", "/w/l/a.md"]
        );
        assert_eq!(
            targets("ni -ItemType HardLink -Path h -Target roles/a.md"),
            ["/w/h (r)", "/w/roles/a.md"]
        );
        assert!(!writes("New-Item -ItemType SymbolicLink l -Value x")[0].follow);
    }

    #[test]
    fn archives_downloads_and_the_rest() {
        assert_eq!(
            targets("Expand-Archive a.zip -DestinationPath roles"),
            ["/w/roles (r)"]
        );
        assert_eq!(targets("Expand-Archive x/a.zip"), ["/w/a (r)"]);
        assert_eq!(
            targets("Compress-Archive src out"),
            ["/w/out.zip", "/w/out"]
        );
        assert_eq!(
            targets("Invoke-WebRequest https://x -OutFile roles/a.md"),
            ["/w/roles/a.md (r)"]
        );
        assert_eq!(
            targets("iwr https://x -o roles/a.md"),
            ["/w/roles/a.md (r)"]
        );
        assert_eq!(targets("irm https://x -OutF r.json"), ["/w/r.json (r)"]);
        // `curl` and `wget` alias the cmdlet on Windows and name the programs elsewhere.
        for c in [
            "curl -o roles/a.md https://x",
            "wget -O roles/a.md https://x",
        ] {
            assert!(targets(c).contains(&"/w/roles/a.md (r)".to_owned()), "{c}");
        }
        assert_eq!(targets("Invoke-RestMethod https://x"), NONE);
        assert_eq!(
            targets("Start-BitsTransfer https://x roles/a.md"),
            ["/w/roles/a.md (r)"]
        );
        assert_eq!(
            targets("Save-Help -DestinationPath roles"),
            ["/w/roles (r)"]
        );
    }

    #[test]
    fn wildcards_are_partial_except_in_literal_paths() {
        assert_eq!(targets("Remove-Item roles/*.md"), ["/w/roles/… (r)"]);
        assert_eq!(targets("Remove-Item r*"), ["/w/r… (r)"]);
        assert_eq!(targets("Remove-Item ro?es/a.md"), ["/w/ro… (r)"]);
        assert_eq!(targets("Remove-Item 'a[1].md'"), ["/w/a… (r)"]);
        assert_eq!(
            targets("Remove-Item -LiteralPath 'a[1].md'"),
            ["/w/a[1].md (r)"]
        );
    }

    #[test]
    fn redirections() {
        assert_eq!(targets("Get-Date > roles/a.md"), ["/w/roles/a.md"]);
        assert_eq!(targets("Get-Date >> log.txt"), ["/w/log.txt"]);
        assert_eq!(
            targets("git status 2> err.txt"),
            ["/w/status (r)", "/w/err.txt"]
        );
        assert_eq!(targets("Get-Date *>> all.txt"), ["/w/all.txt"]);
        assert_eq!(targets("Get-Date 3>> w.txt"), ["/w/w.txt"]);
        // `x>out.txt` is one word to PowerShell's tokenizer; the file counts anyway.
        assert_eq!(targets("Write-Output x>roles/a.md"), ["/w/roles/a.md"]);
        assert_eq!(targets("Get-Date *> $null"), NONE);
        assert_eq!(targets("Get-Date > $null 2>&1"), NONE);
        assert_eq!(targets("Get-Date 2>&1 >$null"), NONE);
        // More text after `$null` makes one expandable word: a file.
        assert_eq!(targets("Get-Date >$null/out.txt"), ["/out.txt"]);
        assert_eq!(targets("'x' > \"$HOME/o\""), ["/h/o"]);
        assert_eq!(writes("Get-Date 2>> e.txt")[0].how, "2>>");
        assert_eq!(targets("Get-Date > $p"), ["?/… (r)"]);
    }

    #[test]
    fn read_only_commands_write_nothing() {
        for c in [
            "Get-Content roles/a.md | Select-String x",
            "gc roles/a.md",
            "cat roles/a.md",
            "type roles/a.md",
            "Get-ChildItem roles -Recurse | Where-Object { $_.Length -gt 0 } | Sort-Object Name",
            "gci roles | Format-Table",
            "ls roles",
            "dir roles",
            "Get-Item roles/a.md | Select-Object FullName",
            "Test-Path roles/a.md",
            "Resolve-Path roles/a.md",
            "sls pattern roles/a.md",
            "Get-Location",
            "pwd",
            "Write-Output roles/a.md",
            "echo roles/a.md",
            "Write-Host roles/a.md",
            "Get-FileHash roles/a.md | Out-String",
            "Get-Content roles/a.md | ConvertFrom-Json | ConvertTo-Json -Depth 5",
            "Join-Path roles a.md",
            "Split-Path roles/a.md -Leaf",
            "Get-Acl roles",
            "Start-Sleep 1",
            "Get-Content roles/a.md | Measure-Object -Line",
            "Get-Command Remove-Item",
            "Get-Help Remove-Item",
            "gci | % { $_.Name }",
            "Get-Content roles/a.md | Out-Null",
            "Get-Content roles/a.md | ConvertFrom-Yaml | ConvertTo-Json | Format-Table",
        ] {
            assert_eq!(targets(c), NONE, "{c}");
        }
    }

    #[test]
    fn what_if_writes_nothing() {
        assert_eq!(targets("Remove-Item roles -Recurse -WhatIf"), NONE);
        assert_eq!(
            targets("Remove-Item roles -WhatIf:$false"),
            ["/w/roles (r)"]
        );
    }

    #[test]
    fn the_location_is_followed() {
        assert_eq!(
            targets("Set-Location roles; Remove-Item a.md"),
            ["/w/roles/a.md (r)"]
        );
        assert_eq!(targets("cd roles; del a.md"), ["/w/roles/a.md (r)"]);
        assert_eq!(targets("sl /tmp; ri x"), ["/tmp/x (r)"]);
        assert_eq!(targets("cd ~; ri x"), ["/h/x (r)"]);
        assert_eq!(targets("cd sub; cd ..; ri x"), ["/w/x (r)"]);
        assert_eq!(
            targets("Push-Location roles; ri a.md; Pop-Location; ri b.md"),
            ["/w/roles/a.md (r)", "/w/b.md (r)"]
        );
        assert_eq!(targets("pushd /tmp; popd; ri b"), ["/w/b (r)"]);
        // An unknown location leaves relative paths unknown.
        assert_eq!(targets("cd $d; ri x"), ["?/…x (r)"]);
        assert_eq!(targets("Set-Location -Path $env:NOPE; ri x"), ["?/…x (r)"]);
        assert_eq!(targets("cd -; ri x"), ["?/…x (r)"]);
        assert_eq!(targets("cd roles; cd..; ri x"), ["/w/x (r)"]);
        // Code made from text may move the location before a function defined earlier
        // runs.
        assert_eq!(
            targets("function g { ri a.md }; $s = [scriptblock]::Create('cd roles'); g"),
            ["?/…a.md (r)"]
        );
        assert_eq!(targets("D:; ri x"), ["?/…x (r)"]);
        assert_eq!(targets("cd\\; ri x"), ["?/…x (r)"]);
        // Parameters are whatever the caller passes.
        assert_eq!(targets("$p = 'a'; param($p); ri $p"), ["?/… (r)"]);
        // After code the analysis cannot see is loaded, `cd` may not be `Set-Location`.
        assert_eq!(
            targets("Import-Module m; cd roles; ri a.md"),
            ["/w/m (r)", "/w/roles (r)", "?/…a.md (r)", "?/…a.md (r)"]
        );
        // The location may have changed in a branch.
        assert_eq!(targets("if ($x) { cd roles }; ri a.md"), ["?/…a.md (r)"]);
    }

    #[test]
    fn variables_are_followed() {
        assert_eq!(
            targets("$p = 'roles/a.md'; Remove-Item $p"),
            ["/w/roles/a.md (r)"]
        );
        assert_eq!(
            targets("$p=\"roles/a.md\"; Remove-Item $p"),
            ["/w/roles/a.md (r)"]
        );
        assert_eq!(
            targets("$d = 'roles'; ri \"$d/a.md\""),
            ["/w/roles/a.md (r)"]
        );
        assert_eq!(targets("$d = 'roles'; ri $d/a.md"), ["/w/roles/a.md (r)"]);
        assert_eq!(targets("$d = 'roles'; ri ${d}"), ["/w/roles (r)"]);
        assert_eq!(targets("$global:d = 'roles'; ri $d"), ["/w/roles (r)"]);
        assert_eq!(targets("Set-Variable p roles; ri $p"), ["/w/roles (r)"]);
        assert_eq!(targets("ri \"$env:SAFE/x\""), ["/w/build/x (r)"]);
        assert_eq!(
            targets("$env:SAFE = 'roles'; ri \"$env:SAFE/x\""),
            ["/w/roles/x (r)"]
        );
        assert_eq!(targets("ri $HOME/x"), ["/h/x (r)"]);
        // What is only known when the command runs may be anything.
        assert_eq!(targets("Remove-Item $p"), ["?/… (r)"]);
        assert_eq!(targets("ri \"roles/$n.md\""), ["/w/roles/….md (r)"]);
        assert_eq!(targets("ri ($a + 'x')"), ["?/… (r)"]);
        assert_eq!(targets("ri (('a','b') -join '/')"), ["?/… (r)"]);
        assert_eq!(targets("ri (Join-Path $d x)"), ["?/… (r)"]);
        assert_eq!(targets("ri (Join-Path roles a.md)"), ["/w/roles/a.md (r)"]);
        assert_eq!(targets("ri $(Get-Random)"), ["?/… (r)"]);
        assert_eq!(targets("$p = 'a'; $p += 'b'; ri $p"), ["?/… (r)"]);
        // Either branch may have run.
        assert_eq!(
            targets("$p = 'a'; if ($x) { $p = 'b' }; ri $p"),
            ["?/… (r)"]
        );
        assert_eq!(
            targets("$p = 'a'; if ($x) { $p = 'b' } else { $p = 'b' }; ri $p"),
            ["/w/b (r)"]
        );
        // `-OutVariable` assigns.
        assert_eq!(
            targets("$p = 'a'; Get-Foo -OutVariable p; ri $p"),
            ["/w/p (r)", "?/… (r)"]
        );
    }

    #[test]
    fn pipelines_carry_paths() {
        assert_eq!(targets("'roles/a.md' | Remove-Item"), ["/w/roles/a.md (r)"]);
        assert_eq!(targets(",'roles' | Remove-Item"), ["/w/roles (r)"]);
        assert_eq!(
            targets("Get-Item roles/a.md | Remove-Item"),
            ["/w/roles/a.md (r)"]
        );
        assert_eq!(
            targets("Get-ChildItem roles | Remove-Item"),
            ["/w/roles/… (r)", "/w/roles (r)"]
        );
        assert_eq!(
            targets("gci roles -Filter *.md | ? { $_.Length } | rm"),
            ["/w/roles/… (r)", "/w/roles (r)"]
        );
        assert_eq!(
            targets("$f = gi roles/a.md; $f | ri"),
            ["/w/roles/a.md (r)"]
        );
        assert_eq!(targets("Get-Content list.txt | Remove-Item"), ["?/… (r)"]);
        assert_eq!(
            targets("gci roles | % { Remove-Item $_.FullName }"),
            ["/w/roles/… (r)", "/w/roles (r)"]
        );
        assert_eq!(
            targets("gci roles | ForEach-Object Delete"),
            ["/w/roles/… (r)", "/w/roles (r)"]
        );
        assert_eq!(
            targets("gci *.txt | Rename-Item -NewName { $_.Name + '.bak' }"),
            ["/w/… (r)", "?/… (r)"]
        );
        assert_eq!(
            targets("'roles' | Set-Content -Path out.txt"),
            ["/w/out.txt"]
        );
    }

    #[test]
    fn script_blocks_are_analysed() {
        assert_eq!(
            targets("1..3 | ForEach-Object { Remove-Item roles/a.md }"),
            ["/w/roles/a.md (r)"]
        );
        assert_eq!(targets("gci | % { ri roles }"), ["/w/roles (r)"]);
        assert_eq!(targets("gci | where { ri roles; $true }"), ["/w/roles (r)"]);
        assert_eq!(targets("& { Remove-Item roles }"), ["/w/roles (r)"]);
        assert_eq!(targets(". { Remove-Item roles }"), ["/w/roles (r)"]);
        assert_eq!(
            targets("function f { Remove-Item roles }"),
            ["/w/roles (r)"]
        );
        assert_eq!(
            targets("function f($p) { Remove-Item $p }; f roles"),
            ["?/… (r)", "/w/roles (r)"]
        );
        assert_eq!(
            targets("$sb = { Set-Content roles/a.md x }"),
            ["/w/roles/a.md"]
        );
        assert_eq!(
            targets("foreach ($f in 'a','b') { ri $f }"),
            ["/w/a (r)", "/w/b (r)"]
        );
        assert_eq!(
            targets("for ($i = 0; $i -lt 3; $i++) { ri \"f$i\" }"),
            ["/w/f… (r)"]
        );
        assert_eq!(
            targets("while ($true) { ri roles; break }"),
            ["/w/roles (r)"]
        );
        assert_eq!(targets("do { ri roles } until ($x)"), ["/w/roles (r)"]);
        assert_eq!(
            targets("try { ri a } catch { ri b } finally { ri c }"),
            ["/w/a (r)", "/w/b (r)", "/w/c (r)"]
        );
        assert_eq!(
            targets("switch ($x) { 'a' { ri roles } default { } }"),
            ["/w/roles (r)"]
        );
        assert_eq!(targets("(1,2).ForEach({ ri roles })"), ["/w/roles (r)"]);
        assert_eq!(targets("@{ a = (ri roles) }"), ["/w/roles (r)"]);
        assert_eq!(targets("$x = @(ri roles)"), ["/w/roles (r)"]);
        assert_eq!(targets("\"$(ri roles)\""), ["/w/roles (r)"]);
        assert_eq!(
            targets("class C { [void] M() { Remove-Item roles } }"),
            ["/w/roles (r)"]
        );
        // A loop body may see what an earlier pass assigned.
        assert_eq!(
            targets("$p = 'a'; foreach ($i in 1,2) { ri $p; $p = 'roles' }"),
            ["?/… (r)"]
        );
        // A function runs later, when the location may have moved.
        assert_eq!(
            targets("function f { ri a.md }; cd roles; f"),
            ["?/…a.md (r)"]
        );
    }

    #[test]
    fn unknown_commands_write_their_arguments() {
        assert_eq!(
            targets("git checkout roles/a.md"),
            ["/w/checkout (r)", "/w/roles/a.md (r)"]
        );
        assert_eq!(
            writes("git checkout roles/a.md")
                .iter()
                .map(|w| w.how.as_str())
                .collect::<Vec<_>>(),
            ["git", "git"]
        );
        assert_eq!(targets("python x.py"), ["/w/x.py (r)"]);
        // A program's option letter and its value, written as one word.
        assert!(targets("7z x a.7z -oroles").contains(&"/w/roles (r)".to_owned()));
        assert_eq!(
            targets("robocopy a b /LOG:roles/l.txt"),
            [
                "/w/a (r)",
                "/w/b (r)",
                "/LOG:roles/l.txt (r)",
                "/w/roles/l.txt (r)"
            ]
        );
        assert_eq!(
            targets("node -e 1 --out=roles/a.md"),
            ["/w/1 (r)", "/w/--out=roles/a.md (r)", "/w/roles/a.md (r)"]
        );
        // Parameter names are not paths.
        assert_eq!(targets("Get-Foo -Path"), NONE);
        assert_eq!(targets("Get-Foo -Path:x"), ["/w/x (r)"]);
        assert_eq!(targets("git $cmd roles"), ["/w/roles (r)", "?/… (r)"]);
        assert_eq!(targets("& $tool roles"), ["/w/roles (r)", "?/… (r)"]);
        assert_eq!(targets("& 'C:/x y/tool.exe' roles"), ["/w/roles (r)"]);
        assert_eq!(targets("./build.sh roles"), ["/w/roles (r)"]);
        // Another program cannot move the location or touch variables, even in a loop.
        assert_eq!(
            targets("$d = 'build'; foreach ($i in 1, 2) { ./make.sh; ri $d }"),
            ["/w/build (r)"]
        );
        assert_eq!(targets("Invoke-Command { ri roles }"), ["?/…roles (r)"]);
        assert_eq!(
            targets("Start-Process notepad roles/a.md"),
            ["/w/roles/a.md (r)"]
        );
        assert_eq!(
            targets("Start-Process pwsh -ArgumentList '-c','Remove-Item roles/a.md'"),
            ["/w/roles/a.md (r)"]
        );
        let t = targets("saps cmd -Args '/c del roles\\a.md' -Wait");
        assert!(t.contains(&"/w/roles/a.md (r)".to_owned()), "{t:?}");
        assert_eq!(targets("Start-Process $exe"), ["?/… (r)"]);
        assert_eq!(
            targets("Start-Process x -RedirectStandardOutput roles/a.md"),
            ["/w/roles/a.md"]
        );
        // Code the command cannot see.
        assert_eq!(targets("./missing.ps1"), ["?/… (r)"]);
        assert_eq!(
            targets("Import-Module ./m.psm1; gc roles/a.md"),
            ["/w/m.psm1 (r)", "/w/roles/a.md (r)"]
        );
    }

    #[test]
    fn bash_and_cmd() {
        // `-c` is a parameter name, not a path; bash's own analysis finds the rest.
        assert_eq!(
            targets("bash -c 'rm -rf roles'"),
            ["/w/rm -rf roles (r)", "/w/roles (r)"]
        );
        assert!(targets("sh -c 'echo x > roles/a.md'").contains(&"/w/roles/a.md".to_owned()));
        // cmd's grammar is not analysed: every word of its command line counts.
        let t = targets("cmd /c \"del roles\\a.md\"");
        assert!(t.contains(&"/w/roles/a.md (r)".to_owned()), "{t:?}");
        assert!(t.contains(&"/w/del (r)".to_owned()), "{t:?}");
        assert!(targets("cmd /c del %X%").contains(&"?/… (r)".to_owned()));
    }

    #[test]
    fn nested_powershell() {
        for c in [
            "pwsh -c 'Remove-Item roles/a.md'",
            "pwsh -Command \"Remove-Item roles/a.md\"",
            "pwsh -NoProfile -NonInteractive -Command Remove-Item roles/a.md",
            "powershell.exe -nop -c \"ri roles/a.md\"",
            "powershell Remove-Item roles/a.md",
            "pwsh -wd roles -c 'ri a.md'",
            "iex 'Remove-Item roles/a.md'",
            "Invoke-Expression -Command 'ri roles/a.md'",
            "'ri roles/a.md' | iex",
            "'ri roles/a.md' | pwsh -c -",
        ] {
            assert_eq!(targets(c), ["/w/roles/a.md (r)"], "{c}");
        }
        // `Remove-Item roles/a.md` in UTF-16LE, base64.
        let encoded: String = {
            let bytes: Vec<u8> = "Remove-Item roles/a.md"
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect();
            base64(&bytes)
        };
        assert_eq!(
            targets(&format!("pwsh -EncodedCommand {encoded}")),
            ["/w/roles/a.md (r)"]
        );
        assert_eq!(
            targets(&format!("powershell -enc {encoded}")),
            ["/w/roles/a.md (r)"]
        );
        assert_eq!(targets("iex $code"), ["?/… (r)"]);
        assert_eq!(targets("pwsh -c $code"), ["?/… (r)"]);
        assert!(targets("pwsh -EncodedCommand $x").contains(&"?/… (r)".to_owned()));
        // Invoke-Expression runs in this scope: its location change holds.
        assert_eq!(targets("iex 'cd roles'; ri a.md"), ["/w/roles/a.md (r)"]);
        assert_eq!(targets("pwsh -c 'cd roles'; ri a.md"), ["/w/a.md (r)"]);
    }

    fn base64(bytes: &[u8]) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for c in bytes.chunks(3) {
            let n = (u32::from(c[0]) << 16)
                | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                | u32::from(*c.get(2).unwrap_or(&0));
            for i in 0..4 {
                if i <= c.len() {
                    out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    #[test]
    fn dotnet_calls() {
        assert_eq!(
            targets("[IO.File]::WriteAllText('roles/a.md', 'x')"),
            ["/w/roles/a.md"]
        );
        assert_eq!(
            targets("[System.IO.File]::AppendAllText(\"$PWD/roles/a.md\", $text)"),
            ["/w/roles/a.md"]
        );
        assert_eq!(
            targets("[IO.File]::Delete('roles/a.md')"),
            ["/w/roles/a.md (r)"]
        );
        assert!(!writes("[IO.File]::Delete('roles/a.md')")[0].follow);
        assert_eq!(
            targets("[IO.File]::Move('a', 'roles/a.md')"),
            ["/w/a (r)", "/w/roles/a.md (r)"]
        );
        assert_eq!(
            targets("[IO.Directory]::Delete('roles', $true)"),
            ["/w/roles (r)"]
        );
        assert_eq!(targets("[IO.File]::WriteAllText($p, 'x')"), ["?/… (r)"]);
        assert_eq!(
            writes("[IO.File]::WriteAllText('a', 'x')")[0].how,
            "[IO.File]::WriteAllText"
        );
        // Readers and pure functions.
        assert_eq!(targets("[IO.File]::ReadAllText('roles/a.md')"), NONE);
        assert_eq!(targets("[IO.File]::Exists('roles/a.md')"), NONE);
        assert_eq!(targets("[IO.Path]::Combine($a, 'b')"), NONE);
        assert_eq!(targets("[Math]::Max(1, 2)"), NONE);
        assert_eq!(targets("[Convert]::ToBase64String($b)"), NONE);
        assert_eq!(
            targets("[IO.File]::Delete([IO.Path]::Combine('roles', 'a.md'))"),
            ["/w/roles/a.md (r)"]
        );
        // .NET resolves relative paths against the process's directory, which
        // `Set-Location` does not move.
        assert_eq!(
            targets("cd sub; [IO.File]::Delete('a')"),
            ["/w/a (r)", "/w/sub/a (r)"]
        );
        // Instance methods.
        assert_eq!(
            targets("(Get-Item roles/a.md).Delete()"),
            ["/w/roles/a.md (r)"]
        );
        assert_eq!(writes("(gi x).Delete()")[0].how, ".Delete()");
        assert_eq!(targets("$f.Delete()"), ["?/… (r)"]);
        assert_eq!(
            targets("$f.MoveTo('roles/a.md')"),
            ["?/… (r)", "/w/roles/a.md (r)"]
        );
        assert_eq!(targets("$xml.Save('roles/a.xml')"), ["/w/roles/a.xml (r)"]);
        assert_eq!(targets("$s.Trim().ToLower().Split(',')"), NONE);
        assert_eq!(
            targets("(Get-Content a).Replace('x', 'y') | Set-Content b"),
            ["/w/x (r)", "/w/y (r)", "/w/b"]
        );
        assert_eq!(
            targets("$w.DownloadFile($url, 'roles/a.md')"),
            ["/w/roles/a.md (r)"]
        );
        assert_eq!(
            targets("[IO.StreamWriter]::new('roles/a.md')"),
            ["/w/roles/a.md (r)"]
        );
        assert_eq!(targets("[Text.StringBuilder]::new($x)"), NONE);
        assert_eq!(
            targets("New-Object IO.StreamWriter roles/a.md"),
            ["/w/roles/a.md (r)"]
        );
        assert_eq!(targets("New-Object System.Collections.ArrayList"), NONE);
        assert_eq!(
            targets("$f = gi roles/a.md; $f.IsReadOnly = $false"),
            ["/w/roles/a.md"]
        );
    }

    #[test]
    fn paths_in_powershell_spellings() {
        assert_eq!(targets("Remove-Item roles\\a.md"), ["/w/roles/a.md (r)"]);
        assert_eq!(targets("Remove-Item .\\roles\\a.md"), ["/w/roles/a.md (r)"]);
        assert_eq!(
            targets("Remove-Item FileSystem::/w/roles"),
            ["/w/roles (r)"]
        );
        assert_eq!(
            targets("Remove-Item Microsoft.PowerShell.Core\\FileSystem::roles\\a.md"),
            ["/w/roles/a.md (r)"]
        );
        assert_eq!(targets("Remove-Item ~/x"), ["/h/x (r)"]);
        assert_eq!(targets("Remove-Item ~\\x"), ["/h/x (r)"]);
        // Not files: variables, the environment, the registry.
        assert_eq!(targets("Remove-Item variable:p; Set-Item env:X y"), NONE);
        assert_eq!(targets("Remove-Item HKCU:\\Software\\x"), NONE);
        // A drive the command may have made itself.
        assert_eq!(
            targets("New-PSDrive -Name P -PSProvider FileSystem -Root roles; Remove-Item P:/a.md"),
            ["/w/P (r)", "/w/FileSystem (r)", "/w/roles (r)", "?/… (r)"]
        );
        assert_eq!(targets("${C:/x/y} = 'data'"), ["?/… (r)"]);
    }

    #[test]
    fn aliases_and_functions_defined_by_the_command() {
        assert_eq!(
            targets("Set-Alias gc Remove-Item; gc roles/a.md"),
            ["/w/roles/a.md (r)"]
        );
        assert_eq!(
            targets("function Get-Content { param($p) }; Get-Content roles/a.md"),
            ["/w/roles/a.md (r)"]
        );
        assert_eq!(targets("New-Alias x $y; x roles"), ["/w/roles (r)"]);
        assert_eq!(
            targets("Set-Item alias:gc Remove-Item; gc roles/a.md"),
            ["/w/roles/a.md (r)"]
        );
        assert_eq!(
            targets("Set-Item -Path function:gc -Value 'x'; gc roles/a.md"),
            ["/w/roles/a.md (r)"]
        );
        assert_eq!(
            targets("Set-Item variable:p roles; ri $p"),
            ["/w/roles (r)"]
        );
        // Loading code may redefine anything: commands are then unknown.
        assert_eq!(
            targets("Add-Type -Path x.dll; [Evil]::Go('roles')"),
            ["/w/x.dll (r)", "/w/roles (r)", "?/… (r)"]
        );
    }

    #[test]
    fn text_that_becomes_code() {
        for c in [
            "[scriptblock]::Create('Remove-Item roles/a.md')",
            "$ExecutionContext.InvokeCommand.InvokeScript('ri roles/a.md')",
            "$ExecutionContext.InvokeCommand.NewScriptBlock('ri roles/a.md')",
            "$ExecutionContext.InvokeCommand.ExpandString('$(ri roles/a.md)')",
            "[powershell]::Create().AddScript('ri roles/a.md').Invoke()",
            "Set-Item -Path function:f -Value 'ri roles/a.md'",
            "New-Item function:f -Value { ri roles/a.md }",
        ] {
            // Where the code runs may be unknown (it may run after a `cd` of its own),
            // but it reaches roles/a.md.
            assert!(writes(c).iter().any(hits_roles), "{c}: {:?}", targets(c));
        }
        assert_eq!(targets("[scriptblock]::Create($code)"), ["?/… (r)"]);
        assert_eq!(
            targets("[powershell]::Create().AddCommand('Remove-Item').AddArgument('roles')"),
            ["/w/Remove-Item (r)", "/w/roles (r)"]
        );
    }

    #[test]
    fn grammar() {
        // Here-strings: their text is not code.
        assert_eq!(
            targets("$t = @'\nRemove-Item roles\n'@\nSet-Content out.txt $t"),
            ["/w/out.txt"]
        );
        assert_eq!(
            targets("Set-Content @\"\n$x\n\"@ -Path out.txt"),
            ["/w/out.txt"]
        );
        // Comments.
        assert_eq!(targets("# Remove-Item roles\nGet-Date"), NONE);
        assert_eq!(targets("<# Remove-Item roles #> Get-Date"), NONE);
        assert_eq!(targets("Get-Date # > roles/a.md"), NONE);
        // A `#` inside a word is part of it.
        assert_eq!(targets("ri a#b"), ["/w/a#b (r)"]);
        // Backtick line continuation and escapes.
        assert_eq!(
            targets("Remove-Item `\n  roles/a.md"),
            ["/w/roles/a.md (r)"]
        );
        assert_eq!(targets("Remove-Item `\r\n -Path roles"), ["/w/roles (r)"]);
        assert_eq!(targets("ri ro`les"), ["/w/roles (r)"]);
        // Quotes: '' escapes a quote, nothing expands in single quotes.
        assert_eq!(targets("ri 'it''s'"), ["/w/it's (r)"]);
        assert_eq!(targets("ri '$HOME'"), ["/w/$HOME (r)"]);
        assert_eq!(targets("ri \"a`\"b\""), ["/w/a\"b (r)"]);
        assert_eq!(targets("ri ‘roles’"), ["/w/roles (r)"]);
        // A word that starts with a quote ends there: what follows is another argument.
        assert_eq!(
            targets("git 'x'roles/a.md"),
            ["/w/x (r)", "/w/roles/a.md (r)"]
        );
        assert_eq!(targets("ri ro'les'"), ["/w/roles (r)"]);
        // Separators.
        assert_eq!(
            targets("ri a; ri b\nri c"),
            ["/w/a (r)", "/w/b (r)", "/w/c (r)"]
        );
        assert_eq!(
            targets("Test-Path x && ri a || ri b"),
            ["/w/a (r)", "/w/b (r)"]
        );
        assert_eq!(
            targets("Get-ChildItem\n| Remove-Item"),
            ["/w/… (r)", "/w (r)"]
        );
        assert_eq!(targets("ri a &"), ["/w/a (r)"]);
        // En dash parameters.
        assert_eq!(targets("Remove-Item –Path roles"), ["/w/roles (r)"]);
        // `--%` passes the rest verbatim.
        assert_eq!(
            targets("icacls --% roles /grant x"),
            ["/w/roles (r)", "/grant (r)", "/w/x (r)"]
        );
        // Hashtables, arrays, type literals, casts, member access in arguments.
        assert_eq!(
            targets("$h = @{ Path = 'x'; Value = 1 }; [string]$s = 'a'; ri ([string]'roles')"),
            ["/w/roles (r)"]
        );
        assert_eq!(targets("[int]$x = 5; $y = $x + 1"), NONE);
        assert_eq!(targets("$a = [ordered]@{}; $a['k'] = 1"), NONE);
        assert_eq!(targets("$x = if ($y) { 1 } else { 2 }"), NONE);
        assert_eq!(targets("$r = $a ? 'x' : 'y'"), NONE);
        assert_eq!(
            targets("param([Parameter(Mandatory)][string]$p = 'x')"),
            NONE
        );
        assert_eq!(targets(":outer foreach ($i in 1..3) { break outer }"), NONE);
        assert_eq!(targets("enum Color { Red = 1; Green }"), NONE);
        assert_eq!(targets("using namespace System.IO"), NONE);
        assert_eq!(targets("$x = 0x1F + 1kb - 2.5e3; $y = -not $x"), NONE);
        assert_eq!(targets("${my var} = 1"), NONE);
        assert_eq!(targets(""), NONE);
        assert_eq!(targets("   \n\n ; ;"), NONE);
    }

    #[test]
    fn parse_errors_and_limits() {
        for c in [
            "ri 'open",
            "ri \"open",
            "ri $(x",
            "ri (x",
            "ri {x",
            "@'\nnever closed",
            "@'x\n'@",
            "<# open",
            "ri x >",
            "ri x < y",
            "if ($x) {",
            "foreach ($x) { }",
            "ri x |",
            "| ri x",
            ")",
            "}",
            "$x = [int",
        ] {
            assert!(matches!(error(c), ShellError::Parse(_)), "{c:?}");
        }
        let deep = format!("{}x{}", "$(".repeat(100), ")".repeat(100));
        assert!(matches!(error(&deep), ShellError::TooComplex(_)));
        let deep = format!("{}x{}", "{".repeat(100), "}".repeat(100));
        assert!(matches!(error(&deep), ShellError::TooComplex(_)));
        let long = "a".repeat(MAX_LEN + 1);
        assert!(matches!(error(&long), ShellError::TooComplex(_)));
        // Code nested in strings counts toward the same cap as brackets. Quotes double
        // at each level, so the length limit bounds string nesting on its own too.
        let mut nested = String::from("ri x");
        for _ in 0..12 {
            nested = format!("iex '{}'", nested.replace('\'', "''"));
        }
        assert_eq!(targets(&nested), ["/w/x (r)"]);
        let deep = format!("{}{nested}{}", "& {".repeat(56), "}".repeat(56));
        assert!(matches!(error(&deep), ShellError::TooComplex(_)));
        assert!(matches!(
            error("configuration C { }"),
            ShellError::TooComplex(_)
        ));
    }

    #[test]
    fn script_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("s.ps1"), "Remove-Item roles/a.md\ncd sub\n").unwrap();
        let env = |_: &str| None;
        let relevant = |_: &Path| true;
        let ctx = Context {
            cwd: dir.path().to_path_buf(),
            home: None,
            env: &env,
            relevant: &relevant,
        };
        let root = dir.path().display().to_string();
        let shown = |c: &str| -> Vec<String> {
            analyze(c, &ctx)
                .unwrap()
                .iter()
                .map(show)
                .map(|s| s.replace(&root, "<d>"))
                .collect()
        };
        assert_eq!(
            shown("./s.ps1; ri x"),
            ["<d>/roles/a.md (r)", "<d>/sub/x (r)"]
        );
        assert_eq!(shown(". ./s.ps1"), ["<d>/roles/a.md (r)"]);
        assert_eq!(shown("& .\\s.ps1"), ["<d>/roles/a.md (r)"]);
        assert_eq!(
            shown("pwsh -File s.ps1; ri x"),
            ["<d>/roles/a.md (r)", "<d>/x (r)"]
        );
        assert_eq!(shown("pwsh s.ps1"), ["<d>/roles/a.md (r)"]);
        // A script written earlier in the same command is not the one on disk.
        assert_eq!(
            shown("Set-Content s.ps1 'x'; ./s.ps1"),
            ["<d>/s.ps1", "?/… (r)"]
        );
    }

    #[test]
    fn native_wildcards_expand_from_the_disk() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "").unwrap();
        std::fs::write(dir.path().join("b.txt"), "").unwrap();
        std::fs::create_dir(dir.path().join("roles")).unwrap();
        let env = |_: &str| None;
        let relevant = |_: &Path| true;
        let ctx = Context {
            cwd: dir.path().to_path_buf(),
            home: None,
            env: &env,
            relevant: &relevant,
        };
        let root = dir.path().display().to_string();
        let shown = |c: &str| -> Vec<String> {
            analyze(c, &ctx)
                .unwrap()
                .iter()
                .map(show)
                .map(|s| s.replace(&root, "<d>"))
                .collect()
        };
        // PowerShell expands them for a native program.
        assert_eq!(shown("git add *.md"), ["<d>/add (r)", "<d>/a.md (r)"]);
        assert_eq!(shown("git add r*"), ["<d>/add (r)", "<d>/roles (r)"]);
        assert_eq!(shown("git add *.none"), ["<d>/add (r)", "<d>/*.none (r)"]);
        // A file made earlier in the command matches too.
        assert_eq!(
            shown("New-Item c.md; git add *.md"),
            ["<d>/c.md", "<d>/add (r)", "<d>/a.md (r)", "<d>/c.md (r)"]
        );
        // A cmdlet's wildcard is resolved when it runs: everything beneath may match.
        assert_eq!(shown("Remove-Item *.md"), ["<d>/… (r)"]);
    }

    #[test]
    fn odd_inputs_never_panic() {
        let pieces = [
            "'",
            "\"",
            "`",
            "$",
            "$(",
            "@(",
            "@{",
            "{",
            "}",
            "(",
            ")",
            "[",
            "]",
            "@'",
            "'@",
            "@\"",
            "\"@",
            "\n",
            "\r\n",
            "#",
            "<#",
            "#>",
            "|",
            "||",
            "&&",
            "&",
            ";",
            ",",
            "-",
            "--",
            "--%",
            "-Path:",
            ">",
            ">>",
            "2>&1",
            "*>",
            "<",
            "::",
            ".",
            "..",
            "?",
            ":",
            "=",
            "+=",
            "ri",
            "iex",
            "pwsh -c",
            "cd",
            "x",
            "roles/a.md",
            " ",
            "$x",
            "${",
            "‘",
            "“",
            "–",
            "\0",
            "\u{a0}",
            "é",
            "[IO.File]::",
            ".Delete(",
            "function",
            "if",
            "else",
            "switch",
            "foreach",
            "param(",
            "class",
            "@",
            "%",
            "`u{",
            "0x",
            "1kb",
            "!",
            "++",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let env = |_: &str| None;
        let relevant = |_: &Path| true;
        let ctx = ctx_with(&env, &relevant);
        for _ in 0..3000 {
            let mut cmd = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            for k in 0..(seed % 24) {
                let i = ((seed >> (k % 40)) as usize + k as usize * 7) % pieces.len();
                cmd.push_str(pieces[i]);
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            }
            let _ = analyze(&cmd, &ctx);
        }
        for deep in [
            "(".repeat(5000),
            "{".repeat(5000),
            "$(".repeat(5000),
            "@(".repeat(5000),
            "[".repeat(5000),
            "!".repeat(5000),
            "-not ".repeat(5000),
            "$a.b".repeat(5000),
            "1+".repeat(5000) + "1",
            "$a = ".repeat(5000),
            "`".repeat(5000),
            "'".repeat(5001),
            "iex ".repeat(5000),
            "\"$(".repeat(2000),
            "a,".repeat(5000),
            "ri x;".repeat(20_000),
        ] {
            let _ = analyze(&deep, &ctx);
        }
    }

    /// Whether `w` may reach `/w/roles` or beneath, as the guard's matcher sees it.
    fn hits_roles(w: &Write) -> bool {
        let m = crate::policy::paths::Matcher::new(
            Path::new("/w"),
            &["roles".to_owned()],
            Some(Path::new("/h")),
        );
        match &w.target {
            Target::Path(p) => m.check(p, w.recursive, w.follow).is_ok_and(|h| h.is_some()),
            Target::Partial {
                dir,
                name_prefix,
                suffix,
            } => m
                .check_partial(dir.as_deref(), name_prefix, suffix)
                .is_some(),
            Target::Operator(_) => true,
        }
    }

    /// Statements that change variables, branches, scopes and aliases, but not the
    /// location, before a write the guard must still see.
    const NOISE: &[&str] = &[
        "$x = 1",
        "$p = 'safe'",
        "if ($y) { $p = 'other' } else { $q = 2 }",
        "Get-ChildItem",
        "foreach ($i in 1, 2) { $q = $i }",
        "function g { Remove-Item tmp }",
        "try { Get-Content a } catch { $e = $_ }",
        "$env:A = 'b'",
        "Set-Alias foo Get-Date",
        "git status",
        "& { $z = 1 }",
        "Push-Location roles; Pop-Location",
        "$null = 1",
        "switch ($x) { 1 { $p = 2 } }",
        "Import-Module m",
        "$t = $p + 'x'",
        "gci | % { $_.Name }",
        "Test-Path x && Write-Output y",
    ];

    const WRITERS: &[&str] = &[
        "Remove-Item roles/a.md",
        "Set-Content -Path roles\\a.md -Value x",
        "'x' > roles/a.md",
        "[IO.File]::Delete('roles/a.md')",
        "Copy-Item x roles",
        "$t = 'roles'; ri $t",
        "Get-Item roles | ri",
        "iex 'ri roles/a.md'",
        "Move-Item roles /tmp/r",
        "ri $zz9",
        "Remove-Item r*",
        "git checkout roles/a.md",
        "pwsh -c 'ri roles/a.md'",
        "(Get-Item roles/a.md).Delete()",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            cases: 512,
            failure_persistence: None,
            ..proptest::test_runner::Config::default()
        })]

        /// Any text at all: an answer (writes or an error), never a panic.
        #[test]
        fn any_text_gets_an_answer(
            text in "[ -~\n\t\r'\"`$@(){}\\[\\];|&<>#,.:=*?\u{2018}\u{2019}\u{201c}\u{2013}\u{a0}é]{0,160}"
        ) {
            let env = |_: &str| None;
            let relevant = |_: &Path| true;
            let _ = analyze(&text, &ctx_with(&env, &relevant));
        }

        /// Statements before a write never hide it.
        #[test]
        fn noise_never_hides_a_write(
            noise in proptest::collection::vec(proptest::sample::select(NOISE), 0..6),
            writer in proptest::sample::select(WRITERS),
        ) {
            let mut cmd = noise.join("; ");
            cmd.push_str("; ");
            cmd.push_str(writer);
            let ws = writes(&cmd);
            proptest::prop_assert!(ws.iter().any(hits_roles), "{cmd}: {ws:?}");
        }
    }
}
