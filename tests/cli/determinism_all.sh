#!/usr/bin/env bash
# Every deterministic experiment's quick config (one replicate): every
# seventh item in the canonical order (shard 0/7) exports the same CSV from
# one process on 2 threads as from the two shards 0/14 and 7/14 that hold
# those items, run side by side on 1 thread each and merged: one comparison
# that changes both the thread count and the shard count. A stride of 7,
# prime to the usual grid lengths, visits every value of the fastest keys,
# and keeps this test's time a small fraction of `lab run`'s as families
# grow; each algorithm's own [determinism] tests cover all of it.
# Measured (timing) experiments are left out: `expertlab list` flags them.
source "$(dirname "$0")/common.sh"
measured=$("$exe" list | sed -n 's/^  \([a-z0-9_]*\): .*\[measured\]$/\1/p')
checked=0
for e in $("$exe" list --names experiment); do
  if grep -qx "$e" <<< "$measured"; then echo "skip $e: measured"; continue; fi
  args=("$e" --quick reps=1 --quiet)
  "$exe" run "${args[@]}" --threads 2 --shard 0/7 --out "$work/$e/t2"
  pids=()
  for i in 0 7; do
    "$exe" run "${args[@]}" --threads 1 --shard "$i/14" --out "$work/$e/s14" & pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || fail "$e: a shard failed"; done
  for dir in t2 s14; do "$exe" merge "$work/$e/$dir" > /dev/null 2>&1; done
  cmp "$work/$e/t2/$e.csv" "$work/$e/s14/$e.csv" || fail "$e: 2 threads vs 2 shards on 1 thread differ"
  pass "$e: 2 threads = 2 shards on 1 thread ($(wc -l < "$work/$e/t2/$e.csv") lines)"
  checked=$((checked + 1))
done
[ "$checked" -ge 1 ] || fail "no deterministic experiment found"
