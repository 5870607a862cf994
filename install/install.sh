#!/bin/sh
# Builds the static release binaries, installs them into $PREFIX/bin (default ~/.local),
# wires the hooks into the project's host settings with `wazir-hooks install`, and runs
# `wazir-hooks doctor`, which proves every registered guard denies a protected write.
# Safe to run again: binaries are replaced atomically and a second install changes
# nothing.
#
#   sh install/install.sh [--project DIR] [--host claude|cursor|gemini|codex]...
#                         [--scope project|user] [--trust]
#
# Defaults: the project around the current directory, all four hosts, project scope.
set -eu

usage() {
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
}

here=$(cd "$(dirname "$0")/.." && pwd)
prefix=${PREFIX:-"$HOME/.local"}
bindir="$prefix/bin"
target=x86_64-unknown-linux-gnu
bins="session-start protected-path-write-guard loop-cap-guard pre-tool-capture-route post-tool-capture pre-compact-summary stop-handoff-harvest wazir-hooks"

# Options passed on to `wazir-hooks install` and `doctor`.
set --  "$@" --end
install_args=""
doctor_args=""
while [ "$1" != --end ]; do
  case $1 in
    --project|--host|--scope)
      [ "$2" != --end ] || { echo "install.sh: $1 needs a value" >&2; exit 2; }
      install_args="$install_args $1 $2"
      [ "$1" = --scope ] || doctor_args="$doctor_args $1 $2"
      shift 2 ;;
    --trust) install_args="$install_args --trust"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

missing() {
  echo "install.sh: $1" >&2
  exit 1
}
command -v cargo >/dev/null 2>&1 ||
  missing "cargo is not installed: install the Rust toolchain (https://rustup.rs), then run this again"
command -v cc >/dev/null 2>&1 ||
  missing "no C compiler/linker (cc): install one (Debian/Ubuntu: apt-get install build-essential)"
if command -v rustup >/dev/null 2>&1 && ! rustup target list --installed 2>/dev/null | grep -qx "$target"; then
  echo "adding the Rust target $target..."
  rustup target add "$target"
fi

echo "building static release binaries (target $target)..."
(cd "$here" && cargo build --release --locked --target "$target")

mkdir -p "$bindir"
for b in $bins; do
  # Copy beside, then rename: a host running a hook meanwhile never sees half a binary.
  cp "$here/target/$target/release/$b" "$bindir/.$b.new"
  chmod 0755 "$bindir/.$b.new"
  mv -f "$bindir/.$b.new" "$bindir/$b"
done
echo "installed $bins"
echo "     into $bindir"

echo
echo "wiring the hooks: wazir-hooks install$install_args"
# shellcheck disable=SC2086 # the options are words on purpose
"$bindir/wazir-hooks" install $install_args

echo
echo "checking: wazir-hooks doctor$doctor_args"
set +e
# shellcheck disable=SC2086
"$bindir/wazir-hooks" doctor $doctor_args
code=$?
set -e

case ":$PATH:" in
  *":$bindir:"*) ;;
  *) echo; echo "note: $bindir is not on your PATH (the hosts use full paths; your shell does not)" ;;
esac

case $code in
  0) echo; echo "done: every wired host runs the hooks and every guard denies." ;;
  3) echo; echo "done: the hooks are wired and every guard denies; do the TODO lines above so each host runs them." ;;
  *) echo; echo "install.sh: doctor found a problem (the FAIL lines above)" >&2; exit 1 ;;
esac
