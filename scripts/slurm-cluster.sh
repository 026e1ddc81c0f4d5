#!/usr/bin/env bash
# scripts/slurm-cluster.sh — a real single-node Slurm cluster on this machine, for the test suite
# and for trying the sbatch templates in slurm/ exactly as users run them.
#
# Usage:
#   scripts/slurm-cluster.sh start     install (apt-get, as root) what is missing, start munged,
#                                      slurmctld and slurmd, wait until the node is idle
#   scripts/slurm-cluster.sh stop      stop slurmd and slurmctld (and munged if this script started it)
#   scripts/slurm-cluster.sh status    print sinfo (exit 1 when the cluster does not answer)
#   scripts/slurm-cluster.sh env       print `export SLURM_CONF=...` (use: eval "$(... env)")
#
# Every Slurm client command needs SLURM_CONF pointing at the generated configuration; `start`
# and `env` print the line to use:
#   export SLURM_CONF=/tmp/custseg-slurm/slurm.conf
# sbatch exports the submitting environment (SLURM_CONF included) into jobs, so srun inside a
# job finds the cluster too.
#
# Environment:
#   CUSTSEG_SLURM_DIR      state directory (slurm.conf, state, spool, logs, pid files);
#                          default /tmp/custseg-slurm
#   CUSTSEG_SLURM_CPUS     CPUs the node declares (default 8; more than the machine has is fine,
#                          SlurmdParameters=config_overrides lets 4-rank jobs fit on 2 cores)
#   CUSTSEG_SLURM_MEMORY   RealMemory of the node in MB (default 4096; also overridden)
#   CUSTSEG_SLURM_TIMEOUT  seconds `start` waits for the node to become idle (default 60)
#   CUSTSEG_SLURM_PORT     slurmctld's port (default 6817); slurmd uses the next one. A second
#                          cluster beside the first needs its own CUSTSEG_SLURM_DIR and port.
#   CUSTSEG_SLURM_NO_INSTALL=1   never run apt-get; fail if something is missing
#
# Configuration (generated into $CUSTSEG_SLURM_DIR/slurm.conf; settings known to work here):
#   one node named after `hostname -s`, partition `debug` (default), SlurmUser=root,
#   ProctrackType=proctrack/linuxproc, TaskPlugin=task/none (no cgroups, no systemd needed),
#   SlurmdParameters=config_overrides, SelectType=select/cons_tres with CR_Core_Memory (memory is
#   consumable: --mem/--mem-per-cpu above RealMemory are refused, DefMemPerCPU=RealMemory/CPUs
#   when a job gives neither), JobAcctGatherType=jobacct_gather/linux with OverMemoryKill and a
#   1 s sampling (a step above its memory is killed, the job ends OUT_OF_MEMORY; no cgroups here),
#   MpiDefault=none, no accounting (sacct does not work: use `sbatch --wait`'s exit status or
#   `scontrol show job`), ReturnToService=2.
#   Debian's packages install systemd units for munge/slurmctld/slurmd; there is no systemd on
#   these machines (their postinst "policy-rc.d denied execution"), so the daemons are started
#   here directly with -f pointing at the generated file.
#
# Verified on the development machine (Debian 12 in a gVisor sandbox, 2 cores, root, no systemd;
# slurm-wlm 22.05.8, munge 0.5.15, Open MPI 4.1.4, PMIx 4.2.2), 2026-11-23:
#   - `start` from nothing (packages purged, no munge key, no state dir) installs slurmctld,
#     slurmd, slurm-client, munge, slurm-wlm(-basic-plugins) and has the node idle in ~6 s; a
#     second `start` is a no-op; `stop` then `start` keeps the job-id sequence (state is kept);
#     a daemon that died is restarted alone; concurrent `start`s serialise on a lock.
#   - `sbatch --wait` runs a batch script; its exit status is the job's (0 / non-zero). It polls,
#     so it returns up to ~10 s after the job ended. It also returns 0 for a job cancelled because
#     its dependency failed (DependencyNeverSatisfied): check `scontrol show job` JobState too.
#   - inside a batch job `mpirun --allow-run-as-root --oversubscribe -np 2 hostname` works, and
#     so does an MPI program with -np 4 (Open MPI's mpirun reads the Slurm allocation).
#   - `srun --mpi=list` offers pmix (plugin versions: pmix_v4), pmi2, cray_shasta, none; inside
#     a batch job `srun --mpi=pmix -n 2 hostname` works, and so does an MPI program with
#     `srun --mpi=pmix -n 4` (4 ranks on 2 cores: the node declares CPUs=8).
#   - plain `srun` (MpiDefault=none) of an MPI program fails ("OMPI was not built with SLURM's
#     PMI support"): always pass --mpi=pmix, as the templates in slurm/ do.
#   - job arrays (--array=2-5, 2-6:2) and --dependency=afterok:<id> with
#     --kill-on-invalid-dep=yes work; sacct does not (no accounting).
#   - harmless noise in slurmd.log after srun --mpi=pmix steps: "rmdir_recursive: could not
#     open /tmp/spmix_appdir_...".
set -euo pipefail

readonly STATE_DIR=${CUSTSEG_SLURM_DIR:-/tmp/custseg-slurm}
readonly CONF=$STATE_DIR/slurm.conf
readonly NODE_CPUS=${CUSTSEG_SLURM_CPUS:-8}
readonly NODE_MEMORY=${CUSTSEG_SLURM_MEMORY:-4096}
readonly DEF_MEM_PER_CPU=$((NODE_MEMORY / NODE_CPUS))
readonly START_TIMEOUT=${CUSTSEG_SLURM_TIMEOUT:-60}
readonly CTLD_PORT=${CUSTSEG_SLURM_PORT:-6817}
readonly SLURMD_PORT=$((CTLD_PORT + 1))
readonly CTLD_PID=$STATE_DIR/run/slurmctld.pid
readonly SLURMD_PID=$STATE_DIR/run/slurmd.pid
readonly MUNGE_MARK=$STATE_DIR/run/munged.started-by-us
readonly MUNGE_KEY=/etc/munge/munge.key
readonly MUNGE_PID=/run/munge/munged.pid

die() { echo "slurm-cluster: error: $*" >&2; exit 1; }
say() { echo "slurm-cluster: $*" >&2; }

node_name() {
  local n
  n=$(hostname -s 2>/dev/null) || true
  [[ -n $n ]] || n=$(uname -n)
  [[ -n $n ]] || die "cannot determine the host name (hostname -s is empty)"
  printf '%s\n' "${n%%.*}"
}

# pid_alive PIDFILE NAME: true when PIDFILE names a live process whose command is NAME.
pid_alive() {
  local pidfile=$1 name=$2 pid comm
  [[ -r $pidfile ]] || return 1
  pid=$(tr -dc '0-9' <"$pidfile")
  [[ -n $pid ]] || return 1
  [[ -r /proc/$pid/comm ]] || return 1
  comm=$(</proc/"$pid"/comm)
  [[ $comm == "$name"* ]]
}

pid_of() { tr -dc '0-9' <"$1"; }

# port_in_use PORT: something accepts TCP connections on 127.0.0.1:PORT.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

show_logs() {
  local f
  for f in "$STATE_DIR"/log/daemon-start.log "$STATE_DIR"/log/slurmctld.log "$STATE_DIR"/log/slurmd.log; do
    [[ -r $f ]] || continue
    echo "---- last lines of $f ----" >&2
    tail -n 25 "$f" >&2
  done
}

need_root() {
  [[ $(id -u) -eq 0 ]] || die "must run as root (it installs packages and runs the daemons as root)"
}

install_missing() {
  local pkgs=()
  command -v slurmctld >/dev/null 2>&1 || [[ -x /usr/sbin/slurmctld ]] || pkgs+=(slurmctld)
  command -v slurmd >/dev/null 2>&1 || [[ -x /usr/sbin/slurmd ]] || pkgs+=(slurmd)
  command -v sbatch >/dev/null 2>&1 || pkgs+=(slurm-client)
  [[ -x /usr/sbin/munged ]] || pkgs+=(munge)
  [[ -e /usr/lib/x86_64-linux-gnu/slurm-wlm/mpi_pmix.so ]] || compgen -G '/usr/lib/*/slurm-wlm/mpi_pmix.so' >/dev/null \
    || pkgs+=(slurm-wlm-basic-plugins)
  command -v mpirun >/dev/null 2>&1 || pkgs+=(openmpi-bin)
  ((${#pkgs[@]} == 0)) && return 0
  [[ ${CUSTSEG_SLURM_NO_INSTALL:-0} == 1 ]] && die "missing packages: ${pkgs[*]} (CUSTSEG_SLURM_NO_INSTALL=1)"
  [[ ${pkgs[*]} == *slurmctld* ]] && pkgs+=(slurm-wlm)
  say "installing: ${pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || die "apt-get update failed"
  apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >&2 \
    || die "apt-get install ${pkgs[*]} failed"
  [[ -x /usr/sbin/slurmctld && -x /usr/sbin/slurmd && -x /usr/sbin/munged ]] \
    || die "slurmctld, slurmd or munged still missing after apt-get install"
}

munge_works() { munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; }

start_munge() {
  if munge_works; then return 0; fi
  if [[ ! -s $MUNGE_KEY ]]; then
    say "creating $MUNGE_KEY"
    install -d -m 0700 -o munge -g munge /etc/munge
    if command -v mungekey >/dev/null 2>&1; then
      mungekey --create --keyfile="$MUNGE_KEY" --force >&2 || die "mungekey --create failed"
    else
      dd if=/dev/urandom of="$MUNGE_KEY" bs=1024 count=1 status=none || die "cannot write $MUNGE_KEY"
    fi
  fi
  chown munge:munge "$MUNGE_KEY" && chmod 0400 "$MUNGE_KEY"
  install -d -m 0755 -o munge -g munge /run/munge
  install -d -m 0700 -o munge -g munge /var/log/munge
  install -d -m 0711 -o munge -g munge /var/lib/munge
  # A munged that died uncleanly leaves its socket and pid file behind; it refuses to start then.
  if [[ -e $MUNGE_PID ]] && ! pid_alive "$MUNGE_PID" munged; then
    rm -f "$MUNGE_PID" /run/munge/munge.socket.2 /run/munge/munge.socket.2.lock
  fi
  say "starting munged"
  runuser -u munge -- /usr/sbin/munged </dev/null 9>&- >>"$STATE_DIR/log/daemon-start.log" 2>&1 \
    || { tail -n 5 "$STATE_DIR/log/daemon-start.log" >&2; die "munged did not start (see /var/log/munge/munged.log)"; }
  : >"$MUNGE_MARK"
  local i
  for ((i = 0; i < 50; i++)); do
    munge_works && return 0
    sleep 0.1
  done
  die "munged started but munge -n | unmunge fails (see /var/log/munge/munged.log)"
}

write_conf() {
  local node=$1 tmp=$CONF.tmp.$$
  render_conf "$node" >"$tmp"
  mv -f "$tmp" "$CONF"
}

# conf_is_current NODE: the running cluster's slurm.conf is what this script would write now
# (false after an update of this script, e.g. the memory settings: stop and start to apply it).
conf_is_current() { cmp -s <(render_conf "$1") "$CONF"; }

# render_conf NODE: the slurm.conf of the cluster, on stdout.
render_conf() {
  local node=$1
  cat <<EOF
# Generated by scripts/slurm-cluster.sh — a single-node test cluster. Do not edit; it is
# rewritten on every start when the daemons are not running.
ClusterName=custseg
# The address in parentheses: clients need not resolve the host name.
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
StateSaveLocation=$STATE_DIR/state
SlurmdSpoolDir=$STATE_DIR/spool
SlurmctldPidFile=$CTLD_PID
SlurmdPidFile=$SLURMD_PID
SlurmctldLogFile=$STATE_DIR/log/slurmctld.log
SlurmdLogFile=$STATE_DIR/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
MailProg=/bin/true
# No cgroups and no systemd here: track processes through /proc, bind nothing.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
# Let the node declare more CPUs/memory than the machine has (4 MPI ranks on 2 cores).
SlurmdParameters=config_overrides
SelectType=select/cons_tres
# Memory is a consumable resource: sbatch --mem / --mem-per-cpu are checked against RealMemory
# (more is refused at submission) and count against the node; a job without either gets
# DefMemPerCPU per allocated CPU (RealMemory / CPUs), so the 2-task jobs of the tests fit 4 at once.
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=$DEF_MEM_PER_CPU
MpiDefault=none
SwitchType=switch/none
# No accounting: sacct is unavailable; use sbatch --wait's exit status or scontrol show job.
AccountingStorageType=accounting_storage/none
# Memory limits are enforced without cgroups: jobacct_gather/linux samples every step's processes
# (their RSS, through /proc) every second and OverMemoryKill cancels a step whose processes together
# use more than the step's memory (--mem per node, or --mem-per-cpu x its CPUs); the job then
# ends OUT_OF_MEMORY. Polling: a short spike between two samples is not seen.
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherParams=OverMemoryKill
JobAcctGatherFrequency=task=1
JobCompType=jobcomp/none
ReturnToService=2
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2
MinJobAge=3600
KillWait=10
InactiveLimit=0
SlurmctldTimeout=30
SlurmdTimeout=60
Waittime=0
MaxArraySize=1001
NodeName=$node NodeAddr=127.0.0.1 CPUs=$NODE_CPUS RealMemory=$NODE_MEMORY State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
}

node_state() { sinfo -h -N -n "$1" -o '%T' 2>/dev/null | head -n 1; }

cmd_env() { echo "export SLURM_CONF=$CONF"; }

cmd_start() {
  local node
  node=$(node_name)
  # Already up (perhaps started by root for a non-root test run): nothing to do.
  if pid_alive "$CTLD_PID" slurmctld && pid_alive "$SLURMD_PID" slurmd && [[ -r $CONF ]]; then
    local now
    now=$(SLURM_CONF=$CONF node_state "$node") || now=""
    case $now in
      idle* | mixed* | allocated* | completing*)
        say "already running; node $node is $now"
        conf_is_current "$node" ||
          say "warning: the running cluster uses an older $CONF than this script writes" \
            "(e.g. without memory limits); apply it with: $0 stop && $0 start"
        cmd_env
        return 0
        ;;
    esac
  fi
  need_root
  install_missing
  mkdir -p "$STATE_DIR"/{state,spool,log,run}
  export SLURM_CONF=$CONF

  local ctld_up=0 slurmd_up=0
  pid_alive "$CTLD_PID" slurmctld && ctld_up=1
  pid_alive "$SLURMD_PID" slurmd && slurmd_up=1
  if ((ctld_up == 0 && slurmd_up == 0)); then
    # A Slurm daemon not started from this state directory (another CUSTSEG_SLURM_DIR, or
    # Debian's service) may hold our ports; ours would then die or talk to the wrong cluster.
    local port
    for port in "$CTLD_PORT" "$SLURMD_PORT"; do
      if port_in_use "$port"; then
        die "port $port is already in use (running Slurm daemons: $(pgrep -a -x 'slurmctld|slurmd' | paste -sd ';' || true));" \
          "stop them first, or choose other ports with CUSTSEG_SLURM_PORT"
      fi
    done
    write_conf "$node"
  fi

  start_munge

  if ((ctld_up == 0)); then
    say "starting slurmctld"
    # Detached from our stdio: a daemon holding the caller's pipe open (ctest, $(...)) would
    # keep the caller waiting for end-of-file until the daemon exits.
    /usr/sbin/slurmctld -f "$CONF" </dev/null 9>&- >>"$STATE_DIR/log/daemon-start.log" 2>&1 \
      || { show_logs; die "slurmctld did not start"; }
  fi
  if ((slurmd_up == 0)); then
    say "starting slurmd"
    /usr/sbin/slurmd -f "$CONF" </dev/null 9>&- >>"$STATE_DIR/log/daemon-start.log" 2>&1 \
      || { show_logs; die "slurmd did not start"; }
  fi

  local deadline=$((SECONDS + START_TIMEOUT)) state="" resumed=0
  while ((SECONDS < deadline)); do
    state=$(node_state "$node") || state=""
    case $state in
      idle* | mixed* | allocated* | completing*) break ;;
      down* | drain*)
        if ((resumed == 0)); then
          scontrol update NodeName="$node" State=RESUME >/dev/null 2>&1 || true
          resumed=1
        fi
        ;;
    esac
    state=""
    sleep 1
  done
  if [[ -z $state ]]; then
    show_logs
    die "node $node did not become idle within ${START_TIMEOUT}s (sinfo says: '$(node_state "$node")')"
  fi
  if ((ctld_up == 1 && slurmd_up == 1)); then
    say "already running; node $node is $state"
  else
    say "cluster up; node $node is $state"
  fi
  cmd_env
}

# stop_daemon PIDFILE NAME
stop_daemon() {
  local pidfile=$1 name=$2 pid i
  pid_alive "$pidfile" "$name" || { rm -f "$pidfile"; return 0; }
  pid=$(pid_of "$pidfile")
  say "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    [[ -d /proc/$pid ]] || { rm -f "$pidfile"; return 0; }
    sleep 0.2
  done
  say "$name (pid $pid) ignored SIGTERM for 30 s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  sleep 0.5
  rm -f "$pidfile"
}

cmd_stop() {
  need_root
  stop_daemon "$SLURMD_PID" slurmd
  stop_daemon "$CTLD_PID" slurmctld
  if [[ -e $MUNGE_MARK ]]; then
    stop_daemon "$MUNGE_PID" munged
    rm -f "$MUNGE_MARK"
  fi
  say "stopped"
}

cmd_status() {
  export SLURM_CONF=$CONF
  [[ -r $CONF ]] || die "no $CONF: the cluster was never started (scripts/slurm-cluster.sh start)"
  local rc=0
  pid_alive "$CTLD_PID" slurmctld || { say "slurmctld is not running"; rc=1; }
  pid_alive "$SLURMD_PID" slurmd || { say "slurmd is not running"; rc=1; }
  sinfo || rc=1
  cmd_env
  return "$rc"
}

# lock: serialise start/stop of this state directory (several test runs may start it at once).
# The daemons are started with fd 9 closed: a daemon inheriting it would hold the lock forever.
lock() {
  mkdir -p "$STATE_DIR" 2>/dev/null || die "cannot create $STATE_DIR"
  if ! { exec 9>>"$STATE_DIR/.lock"; } 2>/dev/null; then
    # Not root and the lock is root's: only the "already running" path can succeed anyway.
    [[ $(id -u) -ne 0 ]] && return 0
    die "cannot open $STATE_DIR/.lock"
  fi
  flock -w 300 9 || die "another slurm-cluster.sh holds $STATE_DIR/.lock for 300 s"
}

case ${1:-} in
  start) lock && cmd_start ;;
  stop) need_root && lock && cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *)
    echo "usage: $0 start|stop|status|env" >&2
    exit 2
    ;;
esac
