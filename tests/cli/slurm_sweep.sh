#!/usr/bin/env bash
# A sweep as a real Slurm job array, on a single-node Slurm this script starts (Debian's munge,
# slurmctld and slurmd; facts from docs/sweeps.md "Slurm"): the campaign is emitted with two runs
# per array task, one task is killed before it runs, the others run; `sweep collect` finds the
# two runs missing, a second emit runs only those, and the aggregated CSV equals the one of the
# same campaign run locally (same seed, same runs: same numbers).
#   usage: slurm_sweep.sh MCXSIM SWEEP_FILE      (as root)
set -euo pipefail
mcxsim=$1
sweep=$2
[ "$(id -u)" -eq 0 ] || { echo "slurm_sweep.sh: runs munged and the Slurm daemons as root" >&2; exit 1; }

state=$(mktemp -d /tmp/mcx-slurm-XXXXXX)
chmod 0755 "$state"
pids=()
stop() {
  # Our daemons only, by the PIDs we started (never by name: a real Slurm may run here too).
  for pid in "${pids[@]}"; do
    if grep -qa -e munged -e slurmctld -e slurmd "/proc/$pid/cmdline" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
  done
  # slurmctld takes about 4 s after SIGTERM (and then has reaped its slurmscriptd).
  for pid in "${pids[@]}"; do
    for _ in $(seq 80); do [ -e "/proc/$pid" ] || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$state"
}
trap stop EXIT
fail() {
  echo "slurm_sweep.sh: $*" >&2
  for f in "$state"/ctld.log "$state"/d.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -20 "$f" >&2; }; done
  exit 1
}

# munge: its socket's directory must be mode 0711.
mkdir -p "$state/munge"
chmod 0711 "$state/munge"
dd if=/dev/urandom of="$state/munge/munge.key" bs=1024 count=1 status=none
chmod 0600 "$state/munge/munge.key"
socket=$state/munge/munge.socket.2
setsid munged -F -f --key-file="$state/munge/munge.key" --socket="$socket" --pid-file="$state/munge/munged.pid" \
  --log-file="$state/munge/munged.log" --seed-file="$state/munge/munged.seed" </dev/null >"$state/munged.out" 2>&1 &
pids+=($!)
disown $!
for _ in $(seq 100); do [ -S "$socket" ] && break; sleep 0.05; done
[ -S "$socket" ] || fail "munged did not start: $(cat "$state/munged.out")"

# The controller is this host (slurmctld accepts only its own name), the node too, both reached
# at 127.0.0.1 (no DNS); the node has the topology slurmd finds; ports of our own so a system
# Slurm is not disturbed.
host=$(hostname -s)
node=$(slurmd -C | head -1 | sed "s/^NodeName=[^ ]*/NodeName=$host NodeAddr=127.0.0.1/")
mkdir -p "$state/ctld" "$state/spool"
cat >"$state/slurm.conf" <<EOF
ClusterName=mcxtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/ctld.pid
SlurmdPidFile=$state/d.pid
SlurmctldLogFile=$state/ctld.log
SlurmdLogFile=$state/d.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
MailProg=/bin/true
ReturnToService=2
MinJobAge=600
$node
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$state/slurm.conf
setsid slurmctld -D -i -c -f "$SLURM_CONF" </dev/null >"$state/ctld.out" 2>&1 &
pids+=($!)
disown $!
setsid slurmd -D -f "$SLURM_CONF" -N "$host" </dev/null >"$state/d.out" 2>&1 &
pids+=($!)
disown $!
node_state() { timeout 5 sinfo -h -n "$host" -o %t 2>/dev/null || true; }
deadline=$((SECONDS + 30))
until [ "$(node_state)" = idle ]; do
  [ $SECONDS -lt $deadline ] || fail "the node did not come up in 30 s: $(timeout 5 sinfo 2>&1)"
  sleep 0.1
done

wait_job() {
  local deadline=$((SECONDS + 240))
  while [ -n "$(timeout 5 squeue -h -j "$1" 2>/dev/null)" ]; do
    [ $SECONDS -lt $deadline ] || fail "job $1 did not end in 240 s"
    sleep 0.2
  done
}
# Emits the campaign's missing runs and prints the sbatch script's path.
emit() {
  "$mcxsim" sweep "$sweep" --dir "$state/campaign" --emit slurm "$@" | sed -n 's/^.* runs to do: //p'
}

# 1. Six runs, two per array task, submitted held; task 1 is killed; the rest run.
script=$(emit --chunk 2 --throttle 2)
[ -f "$script" ] || fail "no sbatch script emitted"
grep -q -- '--array=0-2%2' "$script" || fail "expected 3 array tasks, at most 2 at once: $(grep array "$script")"
job=$(sbatch --parsable --hold "$script")
scancel "${job}_1"
scontrol release "$job"
wait_job "$job"
out=$("$mcxsim" sweep collect "$state/campaign")
echo "$out"
case $out in *"collected 4 runs"*"2 of 6 planned runs have no finished folder"*) ;; *) fail "after the killed task: $out" ;; esac

# 2. Resume: only the two missing runs, in one more job.
script=$(emit)
grep -q -- '--array=0-1$' "$script" || fail "the resume should have 2 tasks: $(grep array "$script")"
job=$(sbatch --parsable "$script")
wait_job "$job"
out=$("$mcxsim" sweep collect "$state/campaign")
case $out in *"collected 2 runs"*"0 of 6 planned runs"*) ;; *) fail "after the resume: $out" ;; esac
"$mcxsim" sweep status "$state/campaign" | grep -q "completed         6" || fail "not all completed"

# 3. The same numbers as the same campaign run here.
"$mcxsim" sweep export "$state/campaign" >/dev/null
"$mcxsim" sweep "$sweep" --dir "$state/local" --jobs 2 --quiet
"$mcxsim" sweep export "$state/local" >/dev/null
cmp "$state/campaign/export/aggregated.csv" "$state/local/export/aggregated.csv" ||
  fail "Slurm's aggregated numbers differ from the local run's"
rows=$(grep -c ',voice_frames_received,3,' "$state/campaign/export/aggregated.csv")
[ "$rows" -eq 2 ] || fail "expected voice_frames_received over 3 runs at 2 points, found $rows rows"
echo "slurm_sweep.sh: job array with a killed task, resumed and collected; aggregated numbers equal the local run's"
