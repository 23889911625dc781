#!/usr/bin/env bash
# The exported CSV is byte-identical for --threads 1 vs 2, for one process
# vs 3 shards merged, and for an MPI run with 3 ranks vs a plain run.
source "$(dirname "$0")/common.sh"
grid=(hedge_regret "learner=hedge,hedge(schedule=anytime),ftl" "instance=planted_bernoulli,ftl_trap"
      n=2,16 T=128,1024 reps=3 --config /dev/null --quiet)

"$exe" run "${grid[@]}" --threads 1 --out "$work/t1"
"$exe" run "${grid[@]}" --threads 2 --out "$work/t2"
cmp "$work/t1/hedge_regret.csv" "$work/t2/hedge_regret.csv" || fail "threads 1 vs 2 differ"
pass "threads 1 vs 2 identical ($(wc -l < "$work/t1/hedge_regret.csv") lines)"

for i in 0 1 2; do "$exe" run "${grid[@]}" --shard "$i/3" --out "$work/s3"; done
"$exe" merge "$work/s3" >/dev/null
cmp "$work/t1/hedge_regret.csv" "$work/s3/hedge_regret.csv" || fail "1 vs 3 shards differ"
pass "1 shard vs 3 shards merged identical"

if ! command -v mpirun >/dev/null; then
  echo "SKIP: mpirun not installed"; exit 77
fi
# Open MPI refuses root unless told; CI runs as root.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Under the asan preset, LeakSanitizer reports Open MPI's own allocations at
# exit (inside libmpi and its plugins, not ours): leak checks stay on for
# every other run of the binary.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
mpirun -np 3 --oversubscribe "$exe" run "${grid[@]}" --mpi --out "$work/mpi" \
  > "$work/mpi.log" 2>&1 || { cat "$work/mpi.log"; fail "mpirun failed"; }
cmp "$work/t1/hedge_regret.csv" "$work/mpi/hedge_regret.csv" || fail "MPI vs plain differ"
pass "MPI 3 ranks vs plain identical"
