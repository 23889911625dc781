#!/usr/bin/env bash
# Runs one expertlab sweep over MPI ranks on this machine (or, inside a Slurm
# allocation, over its nodes: Open MPI picks the hosts up from Slurm).
#
#   cluster/mpirun_example.sh [NP] [experiment] [key=value ... options]
#   cluster/mpirun_example.sh 8 hedge_regret --quick
#   NP=17 OUT=/nfs/results/hr cluster/mpirun_example.sh "" hedge_regret n=64,256
#
# Rank 0 only coordinates: it hands the next unfinished (cell, replicate) to
# whichever rank asks, so NP ranks give NP-1 workers, each running one item at
# a time on one thread (--threads does not apply under --mpi). Each worker
# writes <OUT>/shards/mpi-rank-<r>.db; when all items are done rank 0 merges
# them into <OUT>/store.db and exports <OUT>/<experiment>.csv. Rerunning
# resumes: items already stored in <OUT> (by any earlier run, sharded or
# not) are not handed out again. The CSV is byte-identical to a
# single-process run of the same sweep.
#
# Inside a batch job, e.g.:
#   #SBATCH --ntasks=33 --cpus-per-task=1
#   mpirun build/cluster/expertlab run hedge_regret --mpi --out "$OUT"
#
# Environment: EXPERTLAB (binary; default build/cluster/expertlab, else
# build/release/expertlab), OUT (default results/<experiment>), NP (default:
# cores + 1, since rank 0 mostly waits), MPIRUN (default mpirun).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
np=${1:-${NP:-}}
[ $# -gt 0 ] && shift
experiment=${1:-hedge_regret}
[ $# -gt 0 ] && shift
if [ -z "$np" ]; then np=$(( $(nproc) + 1 )); fi

if [ -z "${EXPERTLAB:-}" ]; then
  for candidate in "$root/build/cluster/expertlab" "$root/build/release/expertlab"; do
    if [ -x "$candidate" ]; then EXPERTLAB=$candidate; break; fi
  done
fi
[ -x "${EXPERTLAB:-}" ] || {
  echo "mpirun_example.sh: no expertlab binary; build one (cmake --preset cluster && cmake --build build/cluster) or set EXPERTLAB" >&2
  exit 2
}
out=${OUT:-results/$experiment}

extra=()
# Open MPI refuses to start as root unless told; allow it only then.
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
# More ranks than cores needs --oversubscribe (Open MPI) on a single machine.
if [ -z "${SLURM_JOB_ID:-}" ] && [ "$np" -gt "$(nproc)" ]; then
  extra+=(--oversubscribe)
fi

set -x
exec "${MPIRUN:-mpirun}" -np "$np" "${extra[@]}" \
  "$EXPERTLAB" run "$experiment" "$@" --mpi --out "$out"
