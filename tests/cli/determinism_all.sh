#!/usr/bin/env bash
# Every deterministic experiment's quick config (one replicate) exports the
# same CSV for --threads 1 vs 2 and for one process vs 3 shards merged.
# Measured (timing) experiments are left out: `expertlab list` flags them.
source "$(dirname "$0")/common.sh"
measured=$("$exe" list | sed -n 's/^  \([a-z0-9_]*\): .*\[measured\]$/\1/p')
checked=0
for e in $("$exe" list --names experiment); do
  if grep -qx "$e" <<< "$measured"; then echo "skip $e: measured"; continue; fi
  args=("$e" --quick reps=1 --quiet)
  "$exe" run "${args[@]}" --threads 1 --out "$work/$e/t1"
  "$exe" run "${args[@]}" --threads 2 --out "$work/$e/t2"
  for i in 0 1 2; do "$exe" run "${args[@]}" --threads 1 --shard "$i/3" --out "$work/$e/s3"; done
  "$exe" merge "$work/$e/s3" > /dev/null 2>&1
  cmp "$work/$e/t1/$e.csv" "$work/$e/t2/$e.csv" || fail "$e: threads 1 vs 2 differ"
  cmp "$work/$e/t1/$e.csv" "$work/$e/s3/$e.csv" || fail "$e: 1 vs 3 shards differ"
  pass "$e: threads 1 = 2 = 3 shards ($(wc -l < "$work/$e/t1/$e.csv") lines)"
  checked=$((checked + 1))
done
[ "$checked" -ge 1 ] || fail "no deterministic experiment found"
