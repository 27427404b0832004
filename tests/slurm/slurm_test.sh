#!/usr/bin/env bash
# Runs a small sweep as a two-task Slurm job array on a one-node cluster on localhost, merges the shards and
# checks that the merged runs.csv is byte-identical to that of the same sweep run locally with -j 2.
#
# Usage: tests/slurm/slurm_test.sh [MIXSIM]   (default: build/ci/sim/mixsim)
#
# Needs root on Debian 12: it installs slurm-wlm and munge with apt-get when they are missing, and runs munged,
# slurmctld and slurmd itself (no systemd needed). Everything they write (key, configuration, state, logs,
# sockets) goes to a scratch folder. They listen on loopback only, on ports found free, and are stopped by the
# PIDs in their pid files when the test ends, also when it fails. Without root the test skips with a message.
set -euo pipefail

readonly job_limit_s=180     # time the job array may take before the test fails
readonly daemon_limit_s=60   # time the daemons may take to come up

if [[ $(id -u) -ne 0 ]]; then
  echo "slurm_test: SKIPPED: installing and running Slurm and munge needs root; run this script as root"
  exit 0
fi

# The local reference run must cover the whole sweep, also when this test itself runs in a job array.
unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_COUNT SLURM_ARRAY_TASK_MIN SLURM_ARRAY_TASK_STEP JOB_COMPLETION_INDEX

repo=$(cd "$(dirname "$0")/../.." && pwd)
mixsim=$(realpath "${1:-$repo/build/ci/sim/mixsim}")
if [[ ! -x $mixsim ]]; then
  echo "slurm_test: $mixsim is not an executable; build mixsim first (cmake --build --preset ci)" >&2
  exit 1
fi

# Installs slurm-wlm and munge from Debian when any of their commands is missing.
install_packages() {
  local command
  for command in munged munge unmunge slurmctld slurmd sbatch squeue sinfo scontrol; do
    if ! command -v "$command" >/dev/null; then
      echo "slurm_test: installing slurm-wlm and munge"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -q
      apt-get install -y -q --no-install-recommends slurm-wlm munge
      return
    fi
  done
}

# Prints a TCP port on 127.0.0.1 that nothing listens on, from the range 20000-29999.
free_port() {
  local port
  for ((attempt = 0; attempt < 200; ++attempt)); do
    port=$((20000 + RANDOM % 10000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  echo "slurm_test: found no free port in 20000-29999" >&2
  return 1
}

# Polls a command every 0.2 s until it succeeds; fails after LIMIT seconds. Usage: wait_for LIMIT WHAT COMMAND...
wait_for() {
  local limit=$1 what=$2
  shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS > deadline)); then
      echo "slurm_test: FAILED: $what within ${limit}s" >&2
      return 1
    fi
    sleep 0.2
  done
}

trap 'echo "slurm_test: FAILED: line $LINENO: $BASH_COMMAND" >&2' ERR

scratch=$(mktemp -d /tmp/mixsim-slurm.XXXXXX)
chmod 755 "$scratch"

# Stops a daemon by the PID in its pid file: SIGTERM, then SIGKILL if it has not ended after 10 s.
stop_daemon() {
  local pid_file=$1
  [[ -s $pid_file ]] || return 0
  local pid
  pid=$(<"$pid_file")
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 50; ++i)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  stop_daemon "$scratch/slurmd.pid"
  stop_daemon "$scratch/slurmctld.pid"
  stop_daemon "$scratch/munge/munged.pid"
  if ((status != 0)); then
    echo "slurm_test: logs of the failed run:" >&2
    tail -n 20 "$scratch"/log/* "$scratch"/job/*.out 2>/dev/null >&2 || true
  fi
  rm -rf "$scratch"
}
trap cleanup EXIT

install_packages

# munged with its own key and socket, so that it neither needs nor disturbs a munged the machine may run.
# munged wants its key in a private folder and its socket in one that every user can enter.
mkdir -p "$scratch/munge" "$scratch/munge-socket"
dd if=/dev/urandom of="$scratch/munge/munge.key" bs=1024 count=1 status=none
chown -R munge:munge "$scratch/munge" "$scratch/munge-socket"
chmod 700 "$scratch/munge"
chmod 755 "$scratch/munge-socket"
chmod 400 "$scratch/munge/munge.key"
socket=$scratch/munge-socket/munge.socket
su -s /bin/sh munge -c "munged --key-file=$scratch/munge/munge.key --socket=$socket \
  --pid-file=$scratch/munge/munged.pid --log-file=$scratch/munge/munged.log --seed-file=$scratch/munge/munged.seed"
wait_for "$daemon_limit_s" "munged answers" sh -c "munge -n -S '$socket' | unmunge -S '$socket'"

# A one-node cluster on this machine, reachable on 127.0.0.1 only.
host=$(hostname -s)
cpus=$(nproc)
memory_mib=$(($(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) / 1024 * 9 / 10))
controller_port=$(free_port)
node_port=$(free_port)
while [[ $node_port == "$controller_port" ]]; do node_port=$(free_port); done
mkdir -p "$scratch/state" "$scratch/spool" "$scratch/log" "$scratch/job"
cat >"$scratch/slurm.conf" <<EOF
ClusterName=mixsimtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$controller_port
SlurmdPort=$node_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$scratch/state
SlurmdSpoolDir=$scratch/spool
SlurmctldPidFile=$scratch/slurmctld.pid
SlurmdPidFile=$scratch/slurmd.pid
SlurmctldLogFile=$scratch/log/slurmctld.log
SlurmdLogFile=$scratch/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory_mib State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$scratch/slurm.conf

slurmctld
wait_for "$daemon_limit_s" "slurmctld answers" scontrol ping
slurmd
wait_for "$daemon_limit_s" "the node becomes idle" sh -c "sinfo -h -N -o %t | grep -qx idle"

# The sweep: two strategies, two seeds of the batch tests' small scenario; four runs, two per shard.
mkdir -p "$scratch/sweep"
cp "$repo/tests/batch/tiny.yaml" "$scratch/sweep/"
cat >"$scratch/sweep/small.yaml" <<'EOF'
name: slurm-small
scenario: tiny.yaml
matrix:
  strategy:
    path: "scaleSets[web].skuProfile.allocationStrategy"
    values: [LowestPrice, CapacityOptimized]
seeds: 1..2
EOF
cd "$scratch/sweep"
"$mixsim" sweep small.yaml -j 2 --out "$scratch/local" --quiet

job=$(sbatch --parsable --array=0-1 --cpus-per-task=1 --chdir="$scratch/sweep" \
  --output="$scratch/job/%A_%a.out" --export=ALL,MIXSIM="$mixsim" \
  "$repo/scripts/slurm/sweep.sbatch" small.yaml "$scratch/shards")
job=${job%%;*}
echo "slurm_test: submitted job array $job"
wait_for "$job_limit_s" "job array $job ends" sh -c "[ -z \"\$(squeue -h -j $job 2>/dev/null)\" ]"

states=$(scontrol -o show job "$job" | grep -o 'JobState=[A-Z_]*' | sort | uniq -c)
echo "slurm_test: task states: $(echo $states)"
for task in 0 1; do
  if ! grep -q "(shard $task/2)" "$scratch/job/${job}_$task.out"; then
    echo "slurm_test: FAILED: task $task did not run shard $task/2; its output:" >&2
    cat "$scratch/job/${job}_$task.out" >&2
    exit 1
  fi
done

"$mixsim" merge "$scratch/merged" "$scratch/shards"/shard-*
if ! cmp "$scratch/local/runs.csv" "$scratch/merged/runs.csv"; then
  echo "slurm_test: FAILED: the merged runs.csv differs from the local run's" >&2
  diff "$scratch/local/runs.csv" "$scratch/merged/runs.csv" >&2 || true
  exit 1
fi
echo "slurm_test: ok: the merged runs.csv of a two-task Slurm job array equals the local -j 2 run's"
