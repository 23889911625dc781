#!/usr/bin/env bash
# SIGKILL a sweep at random points several times, rerun to completion: the
# CSV equals an uninterrupted run's (no lost and no duplicated rows).
source "$(dirname "$0")/common.sh"
# About 1-3 s of work on 2 cores, in 160 items (a quarter of it sanitized).
horizons=16384,65536
if $sanitized; then horizons=4096,16384; fi
grid=(hedge_regret "learner=hedge,ftl" n=64,256 T=$horizons reps=20
      --config /dev/null --quiet --threads 2)
start=$(date +%s%N)
"$exe" run "${grid[@]}" --out "$work/clean"
clean_ms=$(( ($(date +%s%N) - start) / 1000000 ))
rows=$(wc -l < "$work/clean/hedge_regret.csv")
echo "uninterrupted run: ${clean_ms} ms"

seed=${KILL_TEST_SEED:-$RANDOM}
echo "kill points drawn with RANDOM seed $seed"
RANDOM=$seed
kills=0
for attempt in 1 2 3 4 5 6; do
  "$exe" run "${grid[@]}" --out "$work/killed" &
  pid=$!
  # Kill after 1/40 to 1/8 of an uninterrupted run's time, whatever the
  # machine's speed: six kills then land early (schema, first commits) and
  # mid-run, and leave work for the final run.
  delay_ms=$(( clean_ms / 40 + RANDOM % (clean_ms / 10 + 1) ))
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  if kill -KILL "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
  wait "$pid" 2>/dev/null || true
done
stored=$(sqlite3 "$work/killed/store.db" "SELECT COUNT(*) FROM cell" 2>/dev/null || echo "?")
echo "killed $kills runs; $stored items stored before the final run"
"$exe" run "${grid[@]}" --out "$work/killed"
cmp "$work/clean/hedge_regret.csv" "$work/killed/hedge_regret.csv" ||
  fail "resumed CSV differs from the uninterrupted one"
dups=$(sqlite3 "$work/killed/store.db" \
  "SELECT COUNT(*) FROM (SELECT hash, replicate, seq FROM metric GROUP BY 1,2,3 HAVING COUNT(*) > 1)")
[ "$dups" = 0 ] || fail "$dups duplicated metric rows"
[ "$kills" -ge 1 ] || fail "no run was killed: the sweep is too short to test"
pass "resumed after $kills kills: $rows CSV lines identical, no duplicates"
