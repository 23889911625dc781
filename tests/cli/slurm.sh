#!/usr/bin/env bash
# The cluster path on a real single-node Slurm: a private munged and a
# slurmctld + slurmd configured in a temp dir run cluster/slurm_array.sbatch
# as a 4-task job array, a dependent job merges the shards, and the merged CSV
# must equal a plain single-process run byte for byte. Then one task is
# resubmitted (SHARDS=4 --array=2) and must find all its items stored.
#
# Exit 77 (skipped) when Slurm or munge cannot be installed or started here:
# not root, no apt, daemons that do not come up. Every daemon started is
# stopped through its pid file on exit; the system's own munged/slurm (if any)
# are never touched: ours use their own socket, ports, state and log files.
source "$(dirname "$0")/common.sh"
repo=$(cd "$(dirname "$0")/../.." && pwd)
sbatch_script=$repo/cluster/slurm_array.sbatch
start_time=$SECONDS

skip() { echo "SKIP: $*"; exit 77; }
log_tail() {
  local f
  for f in "$work"/log/*.log "$work"/out/*.out; do
    [ -f "$f" ] && { echo "--- $f"; tail -n 20 "$f"; }
  done
  return 0
}
die() { echo "FAIL: $*" >&2; log_tail >&2; exit 1; }

# A job array around us must not leak into the reference run or the daemons.
unset "${!SLURM_@}"

# --- 1. packages --------------------------------------------------------------
need=(slurmctld slurmd sbatch squeue scontrol scancel munged)
missing_tools() { local t; for t in "${need[@]}"; do command -v "$t" >/dev/null || return 0; done; return 1; }
if missing_tools; then
  command -v apt-get >/dev/null || skip "slurm/munge not installed and no apt-get"
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    sudo -n true 2>/dev/null || skip "slurm/munge not installed; need root or passwordless sudo to install"
    sudo=(sudo -n)
  fi
  echo "installing slurm-wlm munge"
  export DEBIAN_FRONTEND=noninteractive
  { "${sudo[@]}" apt-get update -qq &&
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends slurm-wlm munge; } \
    >"$work/apt.log" 2>&1 </dev/null || { tail -5 "$work/apt.log"; skip "apt-get install slurm-wlm munge failed"; }
  missing_tools && skip "slurm-wlm installed but its tools are not on PATH"
fi
# slurmd runs jobs as their owner and needs root to do so.
[ "$(id -u)" -eq 0 ] || skip "slurmd must run as root for a real Slurm test (running as $(id -un))"

# --- 2. daemons ------------------------------------------------------------------
mkdir -p "$work"/{state,spool,log,run,out}
chmod 700 "$work"
pids=()  # pid files of the daemons we started, stopped in reverse order

stop_daemons() {
  # Jobs first, so no slurmstepd outlives the test.
  if [ -f "$work/slurm.conf" ] && [ -n "$(cat "$work/run/slurmctld.pid" 2>/dev/null)" ]; then
    SLURM_CONF=$work/slurm.conf timeout 10 scancel --quiet --user "$(id -un)" 2>/dev/null || true
  fi
  local i pid pidfile
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pidfile=${pids[$i]}
    pid=$(cat "$pidfile" 2>/dev/null) || continue
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || continue
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  done
  return 0
}
# Stop the daemons before common.sh removes their directory.
cleanup_hooks=("stop_daemons" "${cleanup_hooks[@]}")

# Waits up to $1 seconds for a pid file to name a live process.
wait_pid() {
  local file=$1 limit=$2 pid
  for _ in $(seq $((limit * 10))); do
    pid=$(cat "$file" 2>/dev/null || true)
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# munge: our own key, socket, pid, log and seed files.
dd if=/dev/urandom of="$work/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge.key"
socket=$work/run/munge.socket
munged --force --key-file="$work/munge.key" --socket="$socket" \
  --pid-file="$work/run/munged.pid" --log-file="$work/log/munged.log" \
  --seed-file="$work/state/munged.seed" >"$work/log/munged.start.log" 2>&1 ||
  { cat "$work/log/munged.start.log"; skip "munged does not start here"; }
pids+=("$work/run/munged.pid")
wait_pid "$work/run/munged.pid" 10 || skip "munged did not come up"

# Free TCP ports for slurmctld and slurmd (loopback only).
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ctld_port=
for base in $(seq $((20000 + $$ % 20000)) 7 $((20000 + $$ % 20000 + 700))); do
  if port_free "$base" && port_free $((base + 1)); then ctld_port=$base; break; fi
done
[ -n "$ctld_port" ] || skip "no free TCP port pair for slurmctld/slurmd"

host=$(hostname -s)
cpus=$(nproc)
cat >"$work/slurm.conf" <<CONF
ClusterName=expertlabtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$((ctld_port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
MpiDefault=none
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
ReturnToService=2
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/run/slurmctld.pid
SlurmdPidFile=$work/run/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf

slurmctld -f "$SLURM_CONF" -i >"$work/log/slurmctld.start.log" 2>&1 ||
  { cat "$work/log/slurmctld.start.log"; skip "slurmctld does not start here"; }
pids+=("$work/run/slurmctld.pid")
wait_pid "$work/run/slurmctld.pid" 15 || { log_tail; skip "slurmctld did not come up"; }
slurmd -f "$SLURM_CONF" >"$work/log/slurmd.start.log" 2>&1 ||
  { cat "$work/log/slurmd.start.log"; skip "slurmd does not start here"; }
pids+=("$work/run/slurmd.pid")
wait_pid "$work/run/slurmd.pid" 15 || { log_tail; skip "slurmd did not come up"; }

state=
for _ in $(seq 60); do
  state=$(timeout 5 sinfo -h -n "$host" -o %T 2>/dev/null | head -1 || true)
  case "$state" in idle*|mixed*|allocated*) break ;; esac
  sleep 0.5
done
case "$state" in idle*|mixed*|allocated*) ;; *) log_tail; skip "node $host not idle after 30 s (state '${state:-none}')" ;; esac
pass "single-node Slurm up on $host ($cpus CPUs, ports $ctld_port-$((ctld_port + 1))) in $((SECONDS - start_time)) s"

# --- 3. the sweep, as a job array and as one process ------------------------------
sweep=(n=2,4 T=64,128 --reps 2 --quick)
out=$work/results/hedge_regret
jobid=$(cd "$work" && EXPERIMENT=hedge_regret ARGS="${sweep[*]}" OUT=$out \
  EXPERTLAB=$exe timeout 20 sbatch --parsable --array=0-3 \
  --output="$work/out/task-%a.out" "$sbatch_script") || die "sbatch of the array failed"
jobid=${jobid%%;*}
mergeid=$(cd "$work" && timeout 20 sbatch --parsable --dependency=afterok:"$jobid" \
  --output="$work/out/merge.out" --wrap "'$exe' merge '$out'") || die "sbatch of the merge job failed"
mergeid=${mergeid%%;*}
echo "submitted array job $jobid (4 tasks) and merge job $mergeid"

"$exe" run hedge_regret "${sweep[@]}" --out "$work/local" --quiet

# Waits (bounded) until none of the given jobs is pending or running.
wait_jobs() {
  local limit=$1; shift
  local deadline=$((SECONDS + limit)) left
  while :; do
    left=$(timeout 10 squeue -h -j "$(IFS=,; echo "$*")" -o %i 2>/dev/null | wc -l) || left=1
    [ "$left" -eq 0 ] && return 0
    [ $SECONDS -ge $deadline ] && return 1
    sleep 1
  done
}
wait_jobs 180 "$jobid" "$mergeid" || die "jobs $jobid/$mergeid not done after 180 s"

job_state() { timeout 10 scontrol -o show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | sort -u | tr '\n' ' '; }
array_state=$(job_state "$jobid")
merge_state=$(job_state "$mergeid")
[ "$array_state" = "JobState=COMPLETED " ] || die "array tasks ended as: ${array_state:-unknown}"
[ "$merge_state" = "JobState=COMPLETED " ] || die "merge job ended as: ${merge_state:-unknown}"
shards=$(ls "$out/shards" | tr '\n' ' ')
[ "$shards" = "shard-0-of-4.db shard-1-of-4.db shard-2-of-4.db shard-3-of-4.db " ] ||
  die "expected 4 shard stores, found: $shards"
cmp "$work/local/hedge_regret.csv" "$out/hedge_regret.csv" ||
  die "merged Slurm array CSV differs from the single-process run"
pass "4-task Slurm array + dependent merge == one process ($(wc -l <"$out/hedge_regret.csv") lines)"

# --- 4. resume: a resubmitted task finds its items stored -------------------------
rerun=$(cd "$work" && SHARDS=4 EXPERIMENT=hedge_regret ARGS="${sweep[*]}" OUT=$out \
  EXPERTLAB=$exe timeout 20 sbatch --parsable --array=2 \
  --output="$work/out/rerun-%a.out" "$sbatch_script") || die "sbatch of the rerun failed"
rerun=${rerun%%;*}
wait_jobs 60 "$rerun" || die "rerun job $rerun not done after 60 s"
[ "$(job_state "$rerun")" = "JobState=COMPLETED " ] || die "rerun ended as: $(job_state "$rerun")"
grep -q "shard 2/4" "$work/out/rerun-2.out" || die "rerun did not run shard 2/4"
grep -Eq "[^0-9]0 items run" "$work/out/rerun-2.out" ||
  { cat "$work/out/rerun-2.out"; die "rerun of shard 2/4 recomputed stored items"; }
"$exe" merge "$out" >/dev/null 2>&1 || die "second merge failed"
cmp "$work/local/hedge_regret.csv" "$out/hedge_regret.csv" || die "CSV changed after rerun + merge"
pass "resubmitted task 2 (SHARDS=4 --array=2) skipped its stored items; merge unchanged"

stop_daemons
echo "slurm test done in $((SECONDS - start_time)) s"
