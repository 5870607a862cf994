#!/bin/sh
# Builds the static release hook binaries, installs them into $PREFIX/bin (default
# ~/.local), and shows the guard working on a throwaway project: a protected write is
# denied in each host's own channel, a harmless command allowed. Safe to run again.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
prefix=${PREFIX:-"$HOME/.local"}
bindir="$prefix/bin"
target=x86_64-unknown-linux-gnu
hooks="protected-path-write-guard"

command -v cargo >/dev/null 2>&1 || {
  echo "install.sh: cargo is not installed; install the Rust toolchain (rustup) first" >&2
  exit 1
}

echo "building static release binaries (target $target)..."
(cd "$here" && cargo build --release --locked --target "$target")

mkdir -p "$bindir"
for h in $hooks; do
  install -m 0755 "$here/target/$target/release/$h" "$bindir/$h"
  echo "installed $bindir/$h"
done

demo=$(mktemp -d "${TMPDIR:-/tmp}/wazir-demo.XXXXXX")
trap 'rm -rf "$demo"' EXIT
mkdir -p "$demo/roles" "$demo/src"
printf 'protected_paths:\n  - roles\n  - "**/.env"\n' > "$demo/wazir.hooks.yaml"
echo "executor" > "$demo/roles/executor.md"

show() {
  host=$1 payload=$2
  printf '\n$ echo %s | protected-path-write-guard --host %s\n' "'$payload'" "$host"
  set +e
  out=$(printf '%s' "$payload" | "$bindir/protected-path-write-guard" --host "$host" 2>&1)
  code=$?
  set -e
  printf '%s\n[exit %s]\n' "${out:-(no output: allowed)}" "$code"
}

echo
echo "demo project: $demo (protects roles/ and **/.env)"
show claude "{\"hook_event_name\":\"PreToolUse\",\"cwd\":\"$demo\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"sed -i s/a/b/ roles/executor.md\"}}"
show codex "{\"hook_event_name\":\"PreToolUse\",\"turn_id\":\"1\",\"cwd\":\"$demo\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"cd src && echo KEY=1 > .env\"}}"
show gemini "{\"hook_event_name\":\"BeforeTool\",\"cwd\":\"$demo\",\"tool_name\":\"write_file\",\"tool_input\":{\"file_path\":\"$demo/roles/new.md\",\"content\":\"x\"}}"
show cursor "{\"hook_event_name\":\"beforeShellExecution\",\"cwd\":\"$demo\",\"command\":\"cargo test 2>&1 | tail -5\"}"

case ":$PATH:" in
  *":$bindir:"*) ;;
  *) echo; echo "note: $bindir is not on your PATH" ;;
esac
