# Shared helpers for the end-to-end CLI tests. Usage: source it, then `exe`
# is the expertlab binary given as $1 and `work` a fresh temp directory
# removed on exit.
set -euo pipefail
exe=$(realpath "$1")
work=$(mktemp -d)
cleanup_hooks=("rm -rf '$work'")
on_exit() { local h; for h in "${cleanup_hooks[@]}"; do eval "$h" || true; done; }
trap on_exit EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }
