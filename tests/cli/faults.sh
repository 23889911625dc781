#!/usr/bin/env bash
# Faults a results store must survive without ever exporting a wrong CSV:
# random bit flips in a store and in one of three shards (export, merge and
# resume), SIGKILL during merge, hand edits, foreign files, two runs into
# one directory, a full filesystem, a low memory limit, a failed export.
# A trial counts as "refused" (clear error, non-zero exit), "identical"
# (exit 0, CSV equal to the clean run's) or "wrong" (exit 0, another CSV);
# wrong must be 0. FAULT_TEST_SEED fixes the random draws (default 2026).
source "$(dirname "$0")/common.sh"
seed=${FAULT_TEST_SEED:-2026}
echo "fault draws from RANDOM seed $seed"
RANDOM=$seed
python=/usr/bin/python3

grid=(hedge_regret "learner=hedge,ftl" n=2,16 T=256,4096 reps=10 --config /dev/null --quiet
      --threads 2)
"$exe" run "${grid[@]}" --out "$work/clean"
clean_csv="$work/clean/hedge_regret.csv"
for i in 0 1 2; do "$exe" run "${grid[@]}" --shard "$i/3" --out "$work/shards"; done
"$exe" merge "$work/shards" > /dev/null 2>&1
cmp -s "$clean_csv" "$work/shards/hedge_regret.csv" || fail "merged shards differ from one run"
rm -f "$work/shards/store.db" "$work/shards/hedge_regret.csv"

# flip <file>: inverts one random bit of the file.
flip() {
  local size offset
  size=$(stat -c %s "$1")
  offset=$(( (RANDOM * 32768 + RANDOM) % size ))
  "$python" -c 'import sys
p, o, b = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(p, "r+b") as f:
    f.seek(o); x = f.read(1)[0]; f.seek(o); f.write(bytes([x ^ (1 << b)]))' "$1" "$offset" $((RANDOM % 8))
}

declare -A counts
# judge <label> <csv> <command...>: runs the command and classifies it.
judge() {
  local label=$1 csv=$2; shift 2
  if "$@" > "$work/judge.out" 2> "$work/judge.err"; then
    if cmp -s "$clean_csv" "$csv"; then
      counts[$label.identical]=$(( ${counts[$label.identical]:-0} + 1 ))
    else
      counts[$label.wrong]=$(( ${counts[$label.wrong]:-0} + 1 ))
      echo "WRONG ($label): exit 0 with a CSV that differs; stderr: $(cat "$work/judge.err")" >&2
    fi
  else
    counts[$label.refused]=$(( ${counts[$label.refused]:-0} + 1 ))
    [ "$(wc -l < "$work/judge.err")" -ge 1 ] || fail "$label: refused without a message"
  fi
}
report() {
  local label=$1
  echo "$label: $2 trials, refused ${counts[$label.refused]:-0}," \
       "identical ${counts[$label.identical]:-0}, wrong ${counts[$label.wrong]:-0}"
  [ "${counts[$label.wrong]:-0}" -eq 0 ] || fail "$label: a damaged store gave a wrong CSV"
}

trials=${FAULT_TRIALS:-50}
if $sanitized; then trials=${FAULT_TRIALS:-20}; fi
for _ in $(seq "$trials"); do
  rm -rf "$work/t" && mkdir "$work/t" && cp "$work/clean/store.db" "$work/t/"
  flip "$work/t/store.db"
  judge export "$work/t/hedge_regret.csv" "$exe" export "$work/t"
  # run: damaged items are recomputed or the store is refused, never trusted.
  judge run "$work/t/hedge_regret.csv" "$exe" run "${grid[@]}" --out "$work/t"
done
report export "$trials"
report run "$trials"

for _ in $(seq "$trials"); do
  rm -rf "$work/m" && cp -r "$work/shards" "$work/m"
  flip "$work/m/shards/shard-$((RANDOM % 3))-of-3.db"
  judge merge "$work/m/hedge_regret.csv" "$exe" merge "$work/m"
  [ -e "$work/m/hedge_regret.csv" ] && [ "${counts[merge.refused]:-0}" -gt 0 ] &&
    ! cmp -s "$clean_csv" "$work/m/hedge_regret.csv" && fail "a refused merge left a CSV"
done
report merge "$trials"

# SIGKILL during merge, then merge again: the CSV is the clean one.
start=$(date +%s%N)
rm -rf "$work/k" && cp -r "$work/shards" "$work/k" && "$exe" merge "$work/k" > /dev/null 2>&1
merge_us=$(( ($(date +%s%N) - start) / 1000 ))
for attempt in 1 2 3 4 5; do
  rm -rf "$work/k" && cp -r "$work/shards" "$work/k"
  "$exe" merge "$work/k" > /dev/null 2>&1 &
  pid=$!
  delay_us=$(( (RANDOM * 32768 + RANDOM) % (merge_us + 1) ))
  sleep "$(printf '%d.%06d' $((delay_us / 1000000)) $((delay_us % 1000000)))"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  "$exe" merge "$work/k" > /dev/null 2>&1 || fail "merge after a killed merge failed"
  cmp -s "$clean_csv" "$work/k/hedge_regret.csv" || fail "merge after a kill gave another CSV"
done
pass "SIGKILL during merge (${merge_us} us each), 5 times: the next merge gives the clean CSV"

# Hand edits: every one is refused by export, and a rerun recomputes it.
edits=(
  "DELETE FROM metric WHERE hash = (SELECT hash FROM cell LIMIT 1) AND replicate = 0"
  "UPDATE cell SET replicate = 99 WHERE rowid = 3"
  "UPDATE cell SET params = replace(params, 'hedge', 'ftl') WHERE params LIKE '%hedge%'"
  "UPDATE metric SET value = value + 1 WHERE seq = 2 AND replicate = 1"
  "DELETE FROM sweep"
  "DELETE FROM cell WHERE rowid = 7"
)
for edit in "${edits[@]}"; do
  rm -rf "$work/e" && mkdir "$work/e" && cp "$work/clean/store.db" "$work/e/"
  sqlite3 "$work/e/store.db" "$edit"
  if "$exe" export "$work/e" > /dev/null 2> "$work/edit.err"; then fail "export accepted: $edit"; fi
  grep -q "is damaged" "$work/edit.err" || fail "unclear error for '$edit': $(cat "$work/edit.err")"
  "$exe" run "${grid[@]}" --out "$work/e" 2> "$work/edit.err" || fail "rerun failed after: $edit"
  cmp -s "$clean_csv" "$work/e/hedge_regret.csv" || fail "rerun after '$edit' gave another CSV"
done
pass "${#edits[@]} hand edits refused by export and recomputed by a rerun"

# Foreign files say what they are.
mkdir -p "$work/f1" "$work/f2"
echo "not a database" > "$work/f1/store.db"
sqlite3 "$work/f2/store.db" "CREATE TABLE t(x)"
"$exe" export "$work/f1" 2> "$work/f.err" && fail "exported a text file"
grep -q "not an SQLite database" "$work/f.err" || fail "text file: $(cat "$work/f.err")"
"$exe" export "$work/f2" 2> "$work/f.err" && fail "exported a foreign database"
grep -q "not an expertlab results store" "$work/f.err" || fail "foreign db: $(cat "$work/f.err")"
pass "foreign files named as such"

# A failed export says why, removes its .tmp and keeps the old CSV.
cp "$clean_csv" "$work/clean/keep.csv"
if (trap '' XFSZ; ulimit -f 100; exec "$exe" export "$work/clean") 2> "$work/x.err"; then
  fail "export past the file-size limit succeeded"
fi
grep -q "File too large" "$work/x.err" || fail "export error lacks its reason: $(cat "$work/x.err")"
[ ! -e "$clean_csv.tmp" ] || fail "a failed export left its .tmp"
cmp -s "$clean_csv" "$work/clean/keep.csv" || fail "a failed export changed the CSV"
pass "failed export: $(cat "$work/x.err")"

# Two runs into one directory: the second is refused at once (within a
# second plus twice the binary's own start-up, measured here: a sanitized
# binary on a loaded host starts slowly).
start=$(date +%s%N)
"$exe" list > /dev/null
startup_ms=$(( ($(date +%s%N) - start) / 1000000 ))
long_T=65536
if $sanitized; then long_T=16384; fi
long=(hedge_regret n=64 T=$long_T "learner=hedge,ftl" reps=50 --config /dev/null --quiet)
"$exe" run "${long[@]}" --threads 1 --out "$work/busy" 2> "$work/term.err" &
pid=$!
for _ in $(seq 100); do [ -e "$work/busy/store.db.lock" ] && break; sleep 0.02; done
start=$(date +%s%N)
if "$exe" run "${long[@]}" --threads 1 --out "$work/busy" 2> "$work/busy.err"; then
  fail "a second run into a busy directory was allowed"
fi
second_ms=$(( ($(date +%s%N) - start) / 1000000 ))
grep -q "is in use by another expertlab (pid $pid" "$work/busy.err" ||
  fail "unclear busy error: $(cat "$work/busy.err")"
[ "$second_ms" -lt $((1000 + 2 * startup_ms)) ] ||
  fail "the second run took ${second_ms} ms to be refused (start-up ${startup_ms} ms)"
kill -TERM "$pid"
wait "$pid" && fail "SIGTERM: exit 0"
grep -q "SIGTERM: stopped; .* items are stored in .*; rerun the same command to resume" \
  "$work/term.err" || fail "SIGTERM message: $(cat "$work/term.err")"
pass "second run refused in ${second_ms} ms; $(tail -1 "$work/term.err")"

# A full filesystem: the sweep stops within a second of the failure, and
# the store stays consistent and resumable.
full="$work/full"
mkdir -p "$full"
if mount -t tmpfs -o size=192k tmpfs "$full" 2>/dev/null; then
  cleanup_hooks=("umount '$full'" "${cleanup_hooks[@]}")
  limit=(); how="a 192 KiB tmpfs"
else
  limit=(ulimit -f 192); how="a 192 KiB file-size limit"
fi
start=$(date +%s%N)
status=0
(trap '' XFSZ; "${limit[@]:-true}"; exec "$exe" run "${long[@]}" --threads 2 --out "$full/r") \
  2> "$work/full.err" || status=$?
full_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$status" -eq 1 ] || fail "full disk: exit $status, $(cat "$work/full.err")"
grep -Eq "disk is full|I/O error" "$work/full.err" || fail "full disk: $(cat "$work/full.err")"
stored=$(sqlite3 "$full/r/store.db" "SELECT COUNT(*) FROM cell")
[ "$stored" -lt 100 ] || fail "the disk never filled"
cp -r "$full/r" "$work/resumed"
[ "$(sqlite3 "$work/resumed/store.db" "PRAGMA integrity_check")" = ok ] ||
  fail "store damaged by the full disk"
"$exe" run "${long[@]}" --threads 2 --out "$work/resumed"
"$exe" run "${long[@]}" --threads 2 --out "$work/unbroken"
cmp -s "$work/unbroken/hedge_regret.csv" "$work/resumed/hedge_regret.csv" ||
  fail "resumed after a full disk: CSV differs"
# Stopping at once: the failed run took no longer than a run with nothing
# left to do (start-up, verification, export; twice, for the host's load
# changing between the two runs), plus the items it stored and the two in
# flight, plus one second; and less than half of what going on through all
# 100 items on 2 threads would have taken.
start=$(date +%s%N)
"$exe" run "${long[@]}" --threads 2 --out "$work/unbroken"
idle_ms=$(( ($(date +%s%N) - start) / 1000000 ))
item_ms=$(sqlite3 "$work/unbroken/store.db" \
  "SELECT CAST(1000 * AVG(seconds) AS INTEGER) FROM cell")
bound_ms=$(( 2 * idle_ms + (stored + 2) * item_ms + 1000 ))
going_on_ms=$(( idle_ms + 100 * item_ms / 2 / 2 ))
[ "$going_on_ms" -ge "$bound_ms" ] || bound_ms=$going_on_ms
[ "$full_ms" -le "$bound_ms" ] ||
  fail "the sweep went on for ${full_ms} ms after the disk filled (bound ${bound_ms} ms)"
pass "full disk ($how): stopped after ${full_ms} ms (bound ${bound_ms} ms) with $stored items stored; resumed to the same CSV"

# Low memory: a clear error and exit 1, never an abort. (AddressSanitizer
# reserves terabytes of address space, so a sanitized binary cannot start
# under any such limit.)
if $sanitized; then
  echo "skipped the low-memory checks: sanitized binary"
  exit 0
fi
# The limits start at the smallest that lets the binary start at all (its
# loader and static initialisation need some address space, which grows
# with the binary), found in 1000 KiB steps from 12000 KiB.
floor=12000
until (ulimit -v "$floor"; exec "$exe" --help) > /dev/null 2>&1; do
  floor=$((floor + 1000))
  [ "$floor" -le 200000 ] || fail "the binary does not start under 200000 KiB of address space"
done
for kb in $floor $((floor + 9000)) $((floor + 14000)) $((floor + 24000)) $((floor + 44000)); do
  status=0
  (ulimit -v "$kb"; exec "$exe" run "${grid[@]}" --out "$work/mem$kb") 2> "$work/mem.err" ||
    status=$?
  [ "$status" -le 1 ] || fail "ulimit -v $kb: exit $status ($(cat "$work/mem.err"))"
  [ "$status" -eq 0 ] || grep -Eq "out of memory|cannot start a thread" "$work/mem.err" ||
    fail "ulimit -v $kb: unclear error: $(cat "$work/mem.err")"
done
pass "low memory limits from ${floor} KiB (the least the binary starts under): exit 0 or a clear out-of-memory error, never an abort"
