#!/usr/bin/env bash
# Submits a salesim study to Slurm: an array of N shards, then a merge that runs
# only when every shard has succeeded (--dependency=afterok).
#
#   deploy/slurm/submit.sh [options] [run|sweep|sensitivity] [SCENARIO.toml] [flags...]
#
# Options (everything else is passed to the salesim command, `run` unless named, unchanged):
#   --out DIR        study folder on a filesystem every node sees (default ./study);
#                    shard i writes DIR/shard-i-of-N/, the merge writes the results to DIR
#   --shards N       array tasks (default 4)
#   --cpus C         CPUs per task, also salesim's --threads (default 2)
#   --salesim PATH   the salesim binary, visible from every node (default: `salesim` on PATH)
#   --logs DIR       folder for Slurm's job logs (default DIR-logs next to the study)
#   --no-report      have the merge skip report.html
#   --parsable       print only "ARRAY_JOB_ID MERGE_JOB_ID"
# Partition, account, time limit and so on come from sbatch's own environment
# variables (SBATCH_PARTITION, SBATCH_ACCOUNT, SBATCH_TIMELIMIT, ...).
#
# Example: deploy/slurm/submit.sh --out /scratch/$USER/june --shards 16 \
#            scenarios/national.toml --replications 400 --variant alibaba --variant strict
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="study"
shards=4
cpus=2
salesim="${SALESIM:-}"
logs=""
merge_args=()
parsable=""
run_args=()

die() {
  echo "submit.sh: $*" >&2
  exit 2
}
need() { [ "$#" -ge 2 ] || die "$1 needs a value"; }
while [ "$#" -gt 0 ]; do
  case "$1" in
    --out) need "$@"; out="$2"; shift 2 ;;
    --out=*) out="${1#*=}"; shift ;;
    --shards) need "$@"; shards="$2"; shift 2 ;;
    --shards=*) shards="${1#*=}"; shift ;;
    --cpus) need "$@"; cpus="$2"; shift 2 ;;
    --cpus=*) cpus="${1#*=}"; shift ;;
    --salesim) need "$@"; salesim="$2"; shift 2 ;;
    --salesim=*) salesim="${1#*=}"; shift ;;
    --logs) need "$@"; logs="$2"; shift 2 ;;
    --logs=*) logs="${1#*=}"; shift ;;
    --no-report) merge_args+=(--no-report); run_args+=(--no-report); shift ;;
    --parsable) parsable=1; shift ;;
    --shard | --shard=*) die "--shard is chosen per array task; use --shards N" ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) run_args+=("$1"); shift ;;
  esac
done

case "$shards" in '' | *[!0-9]* | 0) die "--shards must be a positive whole number, not '$shards'" ;; esac
case "$cpus" in '' | *[!0-9]* | 0) die "--cpus must be a positive whole number, not '$cpus'" ;; esac
command -v sbatch >/dev/null 2>&1 || die "sbatch not found: run this on a Slurm login node"

# Absolute paths, so that the jobs find the same files whatever their directory.
abspath() { realpath -m -- "$1"; }
if [ -z "$salesim" ]; then
  salesim="$(command -v salesim || true)"
  [ -n "$salesim" ] || die "salesim not on PATH; give --salesim /shared/path/to/salesim"
elif [ "${salesim#*/}" != "$salesim" ]; then
  salesim="$(abspath "$salesim")"
fi
[ -x "$salesim" ] || [ -x "$(command -v "$salesim" 2>/dev/null || true)" ] ||
  die "'$salesim' is not an executable"
out="$(abspath "$out")"
[ -n "$logs" ] || logs="${out%/}-logs"
logs="$(abspath "$logs")"
mkdir -p "$out" "$logs"
# A scenario file given relative to here must be found from the job's directory too.
for i in "${!run_args[@]}"; do
  a="${run_args[$i]}"
  case "$a" in
    -*) ;;
    *.toml) if [ -f "$a" ]; then run_args[i]="$(abspath "$a")"; fi ;;
  esac
done

export SALESIM="$salesim"
array_id="$(
  sbatch --parsable \
    --export=ALL \
    --array="0-$((shards - 1))" \
    --cpus-per-task="$cpus" \
    --output="$logs/shard-%A_%a.out" \
    "$here/salesim-array.sbatch" "${run_args[@]}" --out "$out"
)"
array_id="${array_id%%;*}"
merge_id="$(
  sbatch --parsable \
    --export=ALL \
    --dependency="afterok:$array_id" \
    --kill-on-invalid-dep=yes \
    --output="$logs/merge-%j.out" \
    "$here/salesim-merge.sbatch" "$out" "${merge_args[@]}"
)"
merge_id="${merge_id%%;*}"

if [ -n "$parsable" ]; then
  echo "$array_id $merge_id"
  exit 0
fi
cat <<EOF
Submitted array job $array_id ($shards shards of $cpus CPUs) and merge job $merge_id
(runs when every shard has succeeded).
  study:  $out
  logs:   $logs
Watch:    squeue -j $array_id,$merge_id
Details:  scontrol show job $merge_id
Cancel:   scancel $array_id $merge_id
The results (summary.csv, report.html, ...) appear in $out when the merge is done.
If a shard fails, the merge is cancelled; fix the cause and resubmit only that shard:
  SALESIM=$salesim sbatch --array=I $here/salesim-array.sbatch ${run_args[*]} --out $out --shard I/$shards --resume
then the merge: sbatch $here/salesim-merge.sbatch $out ${merge_args[*]}
EOF
