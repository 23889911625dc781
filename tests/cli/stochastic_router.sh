#!/usr/bin/env bash
# A stochastic router draws from the cell's stream, handed down by the
# layer: moe_kernels with noisy_topk routes identically for --threads 1 vs 2
# and for one process vs 3 shards merged. moe_kernels is a measured
# experiment (its timings differ between runs), so the rows compared are
# its routing metrics: routing_checksum (a hash of every token's experts and
# weights), load_max and experts_touched.
source "$(dirname "$0")/common.sh"
grid=(moe_kernels "router=noisy_topk(noise=1),noisy_topk(noise=0.25)" T=16,64 d=64 f=128 E=8
      k=2 repeats=1 references=false reps=2 --config /dev/null --quiet)

routing() {  # the routing rows of a CSV, sorted: parameters, replicate, metric, value
  /usr/bin/python3 - "$1" <<'PY'
import csv
import sys

keep = {"routing_checksum", "load_max", "experts_touched"}
params = ["router", "T", "d", "f", "E", "k", "repeats", "references"]
rows = sorted(tuple(r[c] for c in params + ["replicate", "metric", "value"])
              for r in csv.DictReader(open(sys.argv[1])) if r["metric"] in keep)
for row in rows:
    print(",".join(row))
PY
}

"$exe" run "${grid[@]}" --threads 1 --out "$work/t1"
"$exe" run "${grid[@]}" --threads 2 --out "$work/t2"
routing "$work/t1/moe_kernels.csv" > "$work/t1.rows"
routing "$work/t2/moe_kernels.csv" > "$work/t2.rows"
[ "$(wc -l < "$work/t1.rows")" -eq $((2 * 2 * 2 * 3)) ] || fail "expected 24 routing rows"
cmp "$work/t1.rows" "$work/t2.rows" || fail "threads 1 vs 2 route differently"
pass "noisy_topk: threads 1 vs 2 identical"

for i in 0 1 2; do "$exe" run "${grid[@]}" --threads 1 --shard "$i/3" --out "$work/s3"; done
"$exe" merge "$work/s3" > /dev/null
routing "$work/s3/moe_kernels.csv" > "$work/s3.rows"
cmp "$work/t1.rows" "$work/s3.rows" || fail "1 vs 3 shards route differently"
pass "noisy_topk: 1 shard vs 3 shards merged identical"

# The noise is drawn: the two replicates of one cell route differently.
checksums=$(grep routing_checksum "$work/t1.rows" | cut -d, -f1-9 | sort -u | wc -l)
distinct=$(grep routing_checksum "$work/t1.rows" | cut -d, -f1-8,11 | sort -u | wc -l)
[ "$distinct" -eq "$checksums" ] || fail "replicates of one cell share their routing"
pass "noisy_topk: each replicate draws its own noise"
