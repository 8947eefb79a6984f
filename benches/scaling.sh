#!/usr/bin/env bash
# How time and memory grow with the size of the sales force and with the horizon.
#
# Scales scenarios/national.toml (10,000 reps) to other head counts, keeping everything per
# rep the same (teams, hires, marketing inflow and buildings scale with the reps; the city's
# extent does not), and runs one replication of the baseline on one thread with
# `salesim bench --json`. Prints one Markdown table row per run.
#
#   benches/scaling.sh reps 1000 3000 10000 30000   # at DAYS working days (default 5)
#   DAYS=20 benches/scaling.sh reps 3000
#   benches/scaling.sh days 5 10 20 40              # at REPS reps (default 3000)
#
# Needs a release build (`cargo build --release`); SALESIM overrides the binary.
set -euo pipefail
cd "$(dirname "$0")/.."
salesim=${SALESIM:-target/release/salesim}
what=${1:?usage: benches/scaling.sh reps|days VALUE...}
shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# national.toml scaled to $1 reps over $2 working days, written to $3.
scaled() {
    python3 - "$1" "$2" "$3" <<'EOF'
import re, sys
reps, days, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
text = open("scenarios/national.toml").read()
f = reps / 10000
def scale(key, minimum=1):
    global text
    text = re.sub(rf"(?m)^{key} = (\d+)",
                  lambda m: f"{key} = {max(minimum, round(int(m.group(1)) * f))}", text)
for key in ["teams", "hires_per_batch", "buildings", "marketing_per_day"]:
    scale(key)
veterans = round(reps * 2 / 3)
text = re.sub(r"(?m)^veterans = \d+", f"veterans = {veterans}", text)
text = re.sub(r"(?m)^new_hires = \d+", f"new_hires = {reps - veterans}", text)
text = re.sub(r'(?m)^name = "national"', f'name = "national-{reps}"', text)
# The horizon goes into the file: validation bounds the leads a run may create by it.
text = re.sub(r"(?m)^days = \d+", f"days = {days}", text)
open(out, "w").write(text)
EOF
}

echo "| reps | days | rep-days | wall s | rep-days/s | events/s | peak MiB |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for value in "$@"; do
    case $what in
    reps) reps=$value days=${DAYS:-5} ;;
    days) reps=${REPS:-3000} days=$value ;;
    *) echo "first argument: reps or days" >&2; exit 2 ;;
    esac
    scaled "$reps" "$days" "$work/s.toml"
    "$salesim" bench "$work/s.toml" -n 1 -j 1 --json 2>"$work/err" >"$work/out" ||
        { cat "$work/err" >&2; exit 2; }
    python3 -c '
import json, sys
r = json.load(sys.stdin)
mib = r.get("peak_rss_bytes", 0) / 2**20
row = [sys.argv[1], r["days"], r["rep_days"], "%.1f" % r["wall_s"],
       "%.0f" % r["rep_days_per_s"], "%.0f" % r["events_per_s"], "%.0f" % mib]
print("| " + " | ".join(str(x) for x in row) + " |")' "$reps" <"$work/out"
done
