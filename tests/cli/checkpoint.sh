#!/usr/bin/env bash
# kill -9 in the middle of long cells: the rerun resumes each cell from its
# last checkpoint and the CSV equals an uninterrupted run's, byte for byte.
# A checkpoint written by another sweep is refused before anything runs.
# $1 is the test binary, which acts as the command line with the test-only
# experiment test_long_cell registered.
source "$(dirname "$0")/common.sh"
export EXPERTLAB_TEST_AS_CLI=1
# Two cells of 200 steps x 10 ms (about 2 s each, side by side), a
# checkpoint every 10 steps.
grid=(test_long_cell steps=200 every=10 pause_ms=10 x=0,1 --config /dev/null --quiet --threads 2)
"$exe" run "${grid[@]}" --out "$work/clean"

"$exe" run "${grid[@]}" --out "$work/killed" &
pid=$!
checkpoints() { sqlite3 "$work/killed/store.db" "SELECT COUNT(*) FROM checkpoint" 2>/dev/null || echo 0; }
for _ in $(seq 1 200); do
  [ "$(checkpoints)" -ge 2 ] && break
  sleep 0.05
done
sleep 0.4  # a few checkpoints further into both cells
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
[ "$(checkpoints)" -eq 2 ] || fail "expected a checkpoint of each cell, found $(checkpoints)"
stored=$(sqlite3 "$work/killed/store.db" "SELECT COUNT(*) FROM cell")
[ "$stored" -eq 0 ] || fail "the kill did not land mid-cell ($stored items finished)"

# Another sweep's checkpoint (its fingerprint differs) is an error, with
# nothing written.
cp -r "$work/killed" "$work/foreign"
sqlite3 "$work/foreign/store.db" "UPDATE checkpoint SET fingerprint = fingerprint + 1"
before=$(sha256sum "$work/foreign/store.db")
if "$exe" run "${grid[@]}" --out "$work/foreign" 2> "$work/foreign.err"; then
  fail "a foreign checkpoint was accepted"
fi
grep -q "holds a checkpoint written by another sweep" "$work/foreign.err" ||
  fail "unclear error: $(cat "$work/foreign.err")"
[ "$(sha256sum "$work/foreign/store.db")" = "$before" ] || fail "the refused run wrote to the store"
pass "foreign checkpoint refused: $(cat "$work/foreign.err")"

start=$(date +%s%N)
"$exe" run "${grid[@]}" --out "$work/killed" 2> "$work/resume.err"
resume_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$(grep -c "resumes from its checkpoint" "$work/resume.err")" -eq 2 ] ||
  fail "the cells did not resume from their checkpoints: $(cat "$work/resume.err")"
cmp "$work/clean/test_long_cell.csv" "$work/killed/test_long_cell.csv" ||
  fail "resumed CSV differs from the uninterrupted one"
[ "$(checkpoints)" -eq 0 ] || fail "finished items left their checkpoints behind"
pass "killed mid-cell, resumed from checkpoints in ${resume_ms} ms: CSV identical ($(wc -l < "$work/clean/test_long_cell.csv") lines)"
