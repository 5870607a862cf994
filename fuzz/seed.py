#!/usr/bin/env python3
"""Seeds fuzz/seeds/<target>/ from the repository's fixtures (run from the repo root).

The seeds are the starting point of a fuzzing run; the kept corpora (fuzz/corpus/) are
what `cargo fuzz cmin` left of them after the runs.
"""
import hashlib
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "fuzz" / "seeds"


def put(target, data):
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


HOSTS = ["claude", "cursor", "gemini", "codex", "wazir"]

# host_payload: byte 0 picks the host (Host::ALL order), the rest is the payload.
for path in sorted((ROOT / "tests/fixtures/hosts").rglob("*.json")):
    payload = path.read_bytes()
    host = path.relative_to(ROOT / "tests/fixtures/hosts").parts[0]
    pick = HOSTS.index(host) if host in HOSTS else 0
    put("host_payload", bytes([pick]) + payload)
    put("host_payload", bytes([(pick + 1) % 5]) + payload)

# shell_command: the commands of the shell corpus.
for path in sorted((ROOT / "tests/fixtures/shell").glob("*.jsonl")):
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        put("shell_command", json.loads(line)["cmd"].encode())
for cmd in [
    "$(" * 40 + "x" + ")" * 40,
    "cat <<EOF > roles/x\n" + "line\n" * 200 + "EOF\n",
    "if true; then " * 20 + "rm roles" + "; fi" * 20,
    "bash -c 'bash -c \"rm roles/x\"'",
    "eval \"$(echo rm input)\"",
    "echo {a,b}{c,d}{e,f} > x",
]:
    put("shell_command", cmd.encode())

# patch_text: byte 0 is the strip count, the rest a patch.
for path in sorted((ROOT / "tests/fixtures/hosts/codex/patches").glob("*.patch")):
    put("patch_text", b"\x01" + path.read_bytes())
put(
    "patch_text",
    b"\x01diff --git a/roles/x.md b/roles/x.md\nrename from a/x\nrename to b/y\n"
    b"--- a/roles/x.md\t2020-01-01\n+++ b/roles/x.md\n@@ -1 +1 @@\n-a\n+b\n",
)

# config_text: byte 0 % 4: 0 hooks file only, 1 manifest only, 2/3 both (NUL between).
HOOKS = """protected_paths:
  - roles
  - "**/.env"
  - secrets/*.pem
  - ~/notes
  - /etc/hosts
approved_flows: [host_export_regeneration]
on_error: deny
loop_caps:
  default: 10
  phases:
    review: 3
  max_repeated_failures: 5
  max_identical_calls: 8
  max_tool_calls: 0
  max_continuations: 5
capture:
  noisy_commands: ["cargo test", "npm install"]
  inline_max_bytes: 4096
  offload_over_bytes: 30000
  keep_runs: 20
  redact: ["sk-[A-Za-z0-9]{20,}", "(?i)password=\\\\S+"]
session_start:
  skill_bootstrap: true
  handoff: false
  summary: true
  max_chars: 10000
"""
MANIFEST = """manifest_version: 2
project:
  name: demo
paths:
  state_root_default: .wazir/state
protected_paths:
  - input
  - roles
  - workflows
  - exports/hosts
other: {keys: [are, ignored]}
"""
MANIFEST_JSON = '{"manifest_version": 2, "project": {"name": "x"}, "protected_paths": ["input", "roles/*.md"]}'
for text in [
    HOOKS,
    "on_error: allow\n",
    "loop_caps:\n  default: x\n",
    "bogus: 1\n",
    "protected_paths: [\"\"]\n",
    "protected_paths: [\"a[\"]\n",
    "capture:\n  redact: [\"(\"]\n",
    "session_start:\n  max_chars: 20000\n",
    "a: &x [1, 2]\nb: *x\n",
]:
    put("config_text", b"\x00" + text.encode())
for text in [MANIFEST, MANIFEST_JSON, "protected_paths: roles\n"]:
    put("config_text", b"\x01" + text.encode())
put("config_text", b"\x02" + MANIFEST.encode() + b"\x00" + HOOKS.encode())
