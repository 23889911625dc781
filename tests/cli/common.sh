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
# A sanitized (ASan + UBSan) binary runs a sweep 20-40 times slower than a
# release one: the timing-scaled tests shrink their sweeps for it. The whole
# ldd output is read first: with pipefail, a grep -q that stops early can
# kill ldd with SIGPIPE.
sanitized=false
if grep -q libasan <<< "$(ldd "$exe")"; then sanitized=true; fi
