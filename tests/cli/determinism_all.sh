#!/usr/bin/env bash
# Every deterministic experiment's quick config (one replicate) exports the
# same CSV from one process on 2 threads as from 3 shards on 1 thread each,
# merged: one comparison that changes both the thread count and the shard
# count. The shards run side by side, as they would on a cluster.
# Measured (timing) experiments are left out: `expertlab list` flags them.
source "$(dirname "$0")/common.sh"
measured=$("$exe" list | sed -n 's/^  \([a-z0-9_]*\): .*\[measured\]$/\1/p')
checked=0
for e in $("$exe" list --names experiment); do
  if grep -qx "$e" <<< "$measured"; then echo "skip $e: measured"; continue; fi
  args=("$e" --quick reps=1 --quiet)
  "$exe" run "${args[@]}" --threads 2 --out "$work/$e/t2"
  pids=()
  for i in 0 1 2; do
    "$exe" run "${args[@]}" --threads 1 --shard "$i/3" --out "$work/$e/s3" & pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || fail "$e: a shard failed"; done
  "$exe" merge "$work/$e/s3" > /dev/null 2>&1
  cmp "$work/$e/t2/$e.csv" "$work/$e/s3/$e.csv" || fail "$e: 2 threads vs 3 shards on 1 thread differ"
  pass "$e: 2 threads = 3 shards on 1 thread ($(wc -l < "$work/$e/t2/$e.csv") lines)"
  checked=$((checked + 1))
done
[ "$checked" -ge 1 ] || fail "no deterministic experiment found"
