#!/usr/bin/env bash
# `./lab bench` -> results/BENCH.md: every counter a benchmark reports has a
# meaning in plots/bench_report.py, and a short run of two benchmarks gives
# a report with the machine and the same-run ratio. Exits 77 (skipped) when
# the bench binaries were not built beside the expertlab binary.
source "$(dirname "$0")/common.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
python=${EXPERTLAB_PYTHON:-/usr/bin/python3}
bench_dir=$(dirname "$exe")/bench
[ -x "$bench_dir/expertlab_experts_bench" ] || { echo "skip: no bench binaries"; exit 77; }

# Every counter name in bench/*.cc has a description (a new counter without
# one would reach BENCH.md unexplained).
grep -ho 'counters\["[^"]*"\]' "$root"/bench/*.cc | sed 's/counters\["\(.*\)"\]/\1/' | sort -u \
  > "$work/counters"
[ -s "$work/counters" ] || fail "no counters found in bench/*.cc"
PYTHONDONTWRITEBYTECODE=1 "$python" - "$root/plots" "$work/counters" <<'PY' || fail "counters without a meaning"
import sys
sys.path.insert(0, sys.argv[1])
import bench_report
missing = [c for c in open(sys.argv[2]).read().split()
           if bench_report.meaning("", c)[0].startswith("(no description")
           and not any(isinstance(k, tuple) and k[1] == c for k in bench_report.COUNTERS)
           and c not in bench_report.MACHINE_COUNTERS]
if missing:
    print("no meaning in plots/bench_report.py for: " + ", ".join(missing))
    sys.exit(1)
PY
pass "every benchmark counter has a meaning ($(wc -l < "$work/counters") counters)"

"$bench_dir/expertlab_experts_bench" --benchmark_filter='BM_HedgeSpeedup' \
  --benchmark_min_time=0.05 --benchmark_out="$work/experts.json" \
  --benchmark_out_format=json > /dev/null
"$bench_dir/expertlab_bench" --benchmark_filter='NO_SUCH_BENCHMARK' \
  --benchmark_out="$work/engine.json" --benchmark_out_format=json > /dev/null 2>&1
"$python" "$root/plots/bench_report.py" "$work/experts.json" "$work/engine.json" \
  --out "$work/BENCH.md" > /dev/null
for expected in "## Machine" "- CPU: " "## Same-run ratios" \
    "| BM_HedgeSpeedup | \`speedup\` | side by side |" "No benchmarks ran (filtered out)."; do
  grep -qF -- "$expected" "$work/BENCH.md" ||
    { cat "$work/BENCH.md"; fail "BENCH.md lacks '$expected'"; }
done
if grep -q "no description" "$work/BENCH.md"; then
  cat "$work/BENCH.md"
  fail "a counter in BENCH.md has no meaning"
fi
pass "BENCH.md from a short run: machine, ratios, an empty (filtered) binary"
