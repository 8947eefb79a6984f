#!/usr/bin/env bash
# Brings up a single-node Slurm cluster on this machine, for CI and for trying
# deploy/slurm/ on a workstation. It is idempotent: run it as often as you like.
#
#   - installs Debian's slurm-wlm and munge when `sbatch` is absent (needs root
#     or sudo, and apt-get);
#   - creates a munge key and starts munged when it is not running;
#   - writes a minimal /etc/slurm/slurm.conf for this host (only when there is
#     none, or when the existing one was written by this script);
#   - starts slurmctld and slurmd directly (no systemd needed);
#   - waits until `sinfo` shows the node idle, resuming it if it came up
#     down or drained.
#
# When Slurm already answers (a real cluster, or an earlier run), it changes
# nothing and only checks that a partition is up.
#
# Exits 0 when `sbatch` can be used; otherwise non-zero with a message saying why.
# Environment: SLURM_UP_TIMEOUT (seconds to wait for the node, default 60).
set -euo pipefail

TIMEOUT="${SLURM_UP_TIMEOUT:-60}"
CONF=/etc/slurm/slurm.conf
MARKER="# Written by salesim deploy/slurm/ci-up.sh"

say() { echo "slurm-up: $*" >&2; }
die() {
  say "ERROR: $*"
  exit 1
}

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo"
  fi
fi
as_root() {
  if [ "$(id -u)" -eq 0 ] || [ -n "$sudo" ]; then
    $sudo "$@"
  else
    die "need root (or passwordless sudo) to run: $*"
  fi
}

# True when the controller answers and some node in the default partition is
# usable (idle, mixed or allocated).
slurm_ready() {
  command -v sinfo >/dev/null 2>&1 || return 1
  local states
  states="$(sinfo --noheader --responding -o '%t' 2>/dev/null)" || return 1
  echo "$states" | grep -Eq '^(idle|mix|alloc|comp)' || return 1
}

if slurm_ready && { [ ! -f "$CONF" ] || ! grep -qF "$MARKER" "$CONF"; }; then
  say "Slurm is already up (not configured by this script); leaving it alone"
  sinfo >&2
  exit 0
fi
if slurm_ready && [ "$(id -u)" -ne 0 ] && [ -z "$sudo" ]; then
  say "Slurm is up; not root, so not checking its configuration"
  exit 0
fi

# --- 1. packages ----------------------------------------------------------
need_pkgs=()
for pair in sbatch:slurm-client slurmctld:slurmctld slurmd:slurmd munged:munge; do
  cmd="${pair%%:*}"
  if ! command -v "$cmd" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$cmd" ]; then
    need_pkgs+=("${pair#*:}")
  fi
done
if [ "${#need_pkgs[@]}" -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 ||
    die "Slurm is not installed (missing ${need_pkgs[*]}) and apt-get is not available to install it"
  say "installing slurm-wlm and munge with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  # Package scripts must not try to start services (there may be no init system).
  policy_rc=/usr/sbin/policy-rc.d
  made_policy=""
  if [ ! -e "$policy_rc" ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy_rc" >/dev/null
    as_root chmod 755 "$policy_rc"
    made_policy=1
  fi
  install_ok=""
  if as_root apt-get install -y -q --no-install-recommends slurm-wlm munge >/dev/null 2>&1; then
    install_ok=1
  elif as_root apt-get update -q >/dev/null 2>&1 &&
    as_root apt-get install -y -q --no-install-recommends slurm-wlm munge >/dev/null 2>&1; then
    install_ok=1
  fi
  if [ -n "$made_policy" ]; then as_root rm -f "$policy_rc"; fi
  [ -n "$install_ok" ] || die "apt-get could not install slurm-wlm and munge"
fi
export PATH="$PATH:/usr/sbin:/sbin"
for cmd in sbatch sinfo scontrol slurmctld slurmd munged; do
  command -v "$cmd" >/dev/null 2>&1 || die "$cmd is still missing after installation"
done

# --- 2. munge -------------------------------------------------------------
munge_user=root
if id munge >/dev/null 2>&1; then munge_user=munge; fi
as_root mkdir -p /etc/munge /var/lib/munge /var/log/munge /run/munge
if [ ! -s /etc/munge/munge.key ]; then
  say "creating /etc/munge/munge.key"
  if command -v mungekey >/dev/null 2>&1; then
    as_root mungekey --create --keyfile=/etc/munge/munge.key --force
  else
    as_root dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
  fi
fi
as_root chown -R "$munge_user:" /etc/munge /var/lib/munge /var/log/munge /run/munge
as_root chmod 700 /etc/munge /var/lib/munge /var/log/munge
as_root chmod 755 /run/munge
as_root chmod 400 /etc/munge/munge.key
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  say "starting munged"
  # A stale socket/pid from a killed munged makes a new one refuse to start.
  if ! pgrep -x munged >/dev/null 2>&1; then
    as_root rm -f /run/munge/munged.pid /run/munge/munge.socket.2 /run/munge/munge.socket.2.lock
  fi
  if [ "$munge_user" = root ]; then
    as_root munged --force
  else
    as_root runuser -u munge -- munged
  fi
  for _ in $(seq 1 20); do
    if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then break; fi
    sleep 0.5
  done
  munge -n 2>/dev/null | unmunge >/dev/null 2>&1 ||
    die "munged does not answer (see /var/log/munge/munged.log)"
fi

# --- 3. slurm.conf --------------------------------------------------------
node="$(hostname -s)"
cpus="$(nproc)"
# A modest RealMemory: slurmd drains a node whose memory is below the configured
# figure, so stay well under what the machine has.
mem_mb="$(awk '/MemTotal/ { printf "%d", $2 / 1024 / 2 }' /proc/meminfo)"
if [ "$mem_mb" -gt 4096 ]; then mem_mb=4096; fi
if [ "$mem_mb" -lt 256 ]; then mem_mb=256; fi

if [ -f "$CONF" ] && ! grep -qF "$MARKER" "$CONF"; then
  die "$CONF exists and was not written by this script, but Slurm does not answer; fix that cluster or move $CONF away"
fi
new_conf="$(
  cat <<EOF
$MARKER
# A single-node cluster for tests: everything runs as root on $node.
ClusterName=salesim-ci
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
MaxArraySize=10001
MinJobAge=600
InactiveLimit=0
KillWait=30
Waittime=0
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
)"
changed=""
if [ ! -f "$CONF" ] || [ "$(cat "$CONF")" != "$new_conf" ]; then
  say "writing $CONF (node $node, $cpus CPUs, RealMemory=$mem_mb)"
  as_root mkdir -p /etc/slurm
  echo "$new_conf" | as_root tee "$CONF" >/dev/null
  changed=1
fi
as_root mkdir -p /var/spool/slurmctld /var/spool/slurmd /var/log/slurm

# --- 4. daemons -----------------------------------------------------------
if [ -n "$changed" ]; then
  # A new configuration: stop the daemons an earlier run started (by the pid
  # files the configuration names) so that they read it.
  for d in slurmd slurmctld; do
    pidfile="/run/$d.pid"
    if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      say "stopping $d (pid $(cat "$pidfile")) to apply the new configuration"
      as_root kill "$(cat "$pidfile")" || true
      for _ in $(seq 1 20); do
        kill -0 "$(cat "$pidfile")" 2>/dev/null || break
        sleep 0.5
      done
    fi
  done
fi
if ! pgrep -x slurmctld >/dev/null 2>&1; then
  say "starting slurmctld"
  as_root slurmctld || die "slurmctld did not start (see /var/log/slurm/slurmctld.log)"
fi
for _ in $(seq 1 20); do
  if scontrol ping 2>/dev/null | grep -q 'is UP'; then break; fi
  sleep 0.5
done
scontrol ping 2>/dev/null | grep -q 'is UP' ||
  die "slurmctld does not answer (see /var/log/slurm/slurmctld.log)"
if ! pgrep -x slurmd >/dev/null 2>&1; then
  say "starting slurmd"
  as_root slurmd || die "slurmd did not start (see /var/log/slurm/slurmd.log)"
fi

# --- 5. wait for the node -------------------------------------------------
deadline=$((SECONDS + TIMEOUT))
resumed=""
while :; do
  state="$(sinfo --noheader -n "$node" -o '%t' 2>/dev/null | head -n 1 | tr -d ' *')"
  case "$state" in
    idle | mix | alloc | comp)
      break
      ;;
    down* | drain* | drng* | fail*)
      if [ -z "$resumed" ] || [ $((SECONDS % 10)) -eq 0 ]; then
        say "node $node is $state; resuming it"
        as_root scontrol update nodename="$node" state=resume 2>/dev/null || true
        resumed=1
      fi
      ;;
  esac
  if [ "$SECONDS" -ge "$deadline" ]; then
    sinfo -N -l >&2 || true
    scontrol show node "$node" 2>/dev/null | grep -i reason >&2 || true
    die "node $node is not idle after ${TIMEOUT}s (state '${state:-none}'; see /var/log/slurm/)"
  fi
  sleep 1
done
say "Slurm is up ($(sinfo --version)): node $node is $state"
sinfo >&2
