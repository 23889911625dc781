"""Writes results/BENCH.md from Google Benchmark JSON output.

    bench_report.py FILE.json [FILE.json ...] [--out results/BENCH.md]

Run by `./lab bench`, which runs every bench/ binary with
--benchmark_out=results/bench/<binary>.json --benchmark_out_format=json.
The report gives the machine (CPU model, logical CPUs, caches, the MoE
kernels' ISA and the limits bench/moe_bench.cc measures at start: FMA peak,
STREAM triad and read-only stream), then every ratio the benchmarks report
with its meaning and range, then each benchmark's rows. Ratios are the
numbers to compare across runs: both sides are timed in the same run
(interleaved rounds, median of per-round ratios, sim/timing.h), so a slow
phase of a shared machine cancels; absolute rates do not.

Only the standard library: it runs under any python3.
"""

import json
import os
import statistics
import sys

# Argument names of each benchmark family (the bench/*.cc Args lists).
ARGS = {
    "BM_Prefill": ["T", "f", "E", "k"],
    "BM_Backward": ["T", "f", "E", "k"],
    "BM_FineGrained": ["T", "m", "shared"],
    "BM_Heterogeneous": ["T"],
    "BM_AutonomyOfExperts": ["T", "r"],
    "BM_Scaling": ["T", "f", "E", "k"],
    "BM_PrefillFastOnly": ["T", "f", "E", "k"],
    "BM_Decode": ["T", "E", "k"],
    "BM_SequenceStep": ["d", "heads", "E", "k", "context", "batch"],
    "BM_DecodeFastOnly": ["T", "E", "k"],
    "BM_HedgeDay": ["n", "anytime"],
    "BM_ScalarHedgeDay": ["n"],
    "BM_HedgeSpeedup": ["n"],
    "BM_PoolDay": ["S"],
}

# What each benchmark measures, one line.
BENCHMARKS = {
    "BM_Prefill": "MoE layer forward at prefill shapes (d = 1024), against a dense "
                  "OpenBLAS SwiGLU MLP of the same FLOPs and the per-expert "
                  "gather→GEMM→scatter loops (OpenBLAS, Eigen)",
    "BM_FineGrained": "DeepSeekMoE's fine-grained layer (8 experts split into 8 m of 1/m the "
                      "width, top-2m, `shared` always on) against the plain layer it splits "
                      "and the dense SwiGLU of the same FLOPs",
    "BM_Heterogeneous": "HMoE's experts of different widths (2304 to 5888, top-2) against the "
                        "plain layer of the same total width and the dense SwiGLU of width k f",
    "BM_AutonomyOfExperts": "Autonomy-of-Experts' layer (d = 768, 8 experts, top-2, factorised "
                            "gates of rank r sized to d_ffn = 3072's parameters) against that "
                            "plain top-2 layer, and its all-experts cache GEMM alone",
    "BM_Backward": "MoE layer backward (12 T k d f FLOP) against the dense MLP's backward",
    "BM_Decode": "MoE layer forward at decode (d = 1024, f = 4096): a weight stream, "
                 "against the per-expert loops and the STREAM rates",
    "BM_Scaling": "MoE layer forward on 2 threads over 1, beside the dense OpenBLAS "
                  "MLP's scaling in the same run",
    "BM_PrefillFastOnly": "the MoE layer forward alone (for profiling)",
    "BM_SequenceStep": "one AdamW training step of the MoE transformer (sequence_model.h, "
                       "one block, d_ff = 2 d, vocab 96) against its MoE layer's forward + "
                       "backward at the same token count and the stack's dense GEMMs alone",
    "BM_DecodeFastOnly": "the MoE layer decode alone (for profiling)",
    "BM_HedgeDay": "one Hedge day (act, expected loss, observe) over n experts",
    "BM_ScalarHedgeDay": "the same day as a plain scalar loop (std::exp, linear scan)",
    "BM_HedgeSpeedup": "library Hedge and the scalar loop alternating in the same iterations",
    "BM_PoolDay": "one multiscale_pool day with memory S (n = 2^14, planted instance)",
    "BM_StoreTrivialCells": "100,000 one-row cells through the executor and SQLite "
                            "store on 2 threads",
    "BM_CpuBoundScaling": "a CPU-bound sweep (~2 ms per cell) on 1 and on 2 threads",
    "BM_PhiloxUniform": "uniform doubles from one Philox4x32-10 stream",
    "BM_RawNormal": "standard normals from sim/samplers' Normal (Box-Muller, cosine branch)",
    "BM_QuerierSum": "ranking Querier::Sum of t samples of one (expert, task) pair "
                     "(args: t, noise 0 Gaussian / 1 Rademacher)",
    "BM_NoiseVsRawNormal": "the ranking querier's Gaussian batches of t and the raw "
                           "Normal loop alternating in the same iterations",
    "BM_GmoeEmVsStream": "one EM iteration of a softmax Gaussian MoE (n = 2^18, k = 3, "
                         "tanh gate; arg: d), one pass reading the same n x d sample, and "
                         "one pass doing only an E-step's exp/tanh/log work, interleaved",
    "BM_OffloadColdLoad": "an expert file (64 experts of 1.6 MB) read cold (pages dropped): "
                          "sequentially in 1 MiB preads, then expert by expert in a shuffled "
                          "order by the offloading engine's loader",
    "BM_OffloadPrefetch": "the offloading engine decoding a sticky trace through 16 layers of "
                          "16 experts with half the experts "
                          "cached, the file in the page cache (first arg 0) or read with "
                          "O_DIRECT (1), its experts in fp32 (second arg 0) or int8 computed "
                          "from the codes (1): LRU, then ExpertFlow-style adaptive look-ahead "
                          "with background prefetch",
    "BM_QuantDecode": "decode of a stream of 16 tokens (T = 1 each) through one MoE layer "
                      "(d = 1024, f = 4096, E = 16, top-2, 2 threads), each token's two "
                      "experts unused by the previous four, caches evicted before the "
                      "stream: the in-memory fp32 layer, then the same routing with the "
                      "experts computed from their fp32, int8 and int4 codes (groups of "
                      "32); a STREAM triad pass is timed in the same rounds",
}

# Counter meanings: (benchmark, counter) first, then counter alone, with
# the counter's kind: RATIO compares two variants timed side by side in the
# same run; LIMIT compares a variant with the machine limits measured at the
# start of the same run; None is an absolute rate or a count.
RATIO = "ratio"
LIMIT = "limit"
COUNTERS = {
    "fast_gflops": ("GFLOP/s of the MoE layer", None),
    "dense_gflops": ("GFLOP/s of the dense OpenBLAS SwiGLU MLP of width k·f (same FLOPs)",
                     None),
    "pct_dense": ("MoE layer speed as % of the dense MLP of the same FLOPs "
                  "(100 = as fast as dense)", RATIO),
    "pct_peak": ("MoE layer GFLOP/s as % of the FMA peak measured at start", LIMIT),
    "plain_pct_dense": ("the plain layer's speed as % of the dense MLP of the same FLOPs",
                        RATIO),
    "fine_pct_dense": ("the fine-grained layer's (DeepSeekMoE: m x the experts at 1/m the "
                       "width) speed as % of the same dense MLP", RATIO),
    "fine_vs_plain": ("fine-grained layer speed over the plain layer's, same FLOPs and rows "
                      "per expert (target >= 0.8)", RATIO),
    "fine_gflops": ("GFLOP/s of the fine-grained layer", None),
    "hetero_pct_dense": ("the heterogeneous layer's (HMoE) GFLOP/s over its routed rows as % "
                         "of the dense MLP's", RATIO),
    "hetero_vs_plain": ("heterogeneous layer GFLOP/s over the plain layer's at the same rows "
                        "per expert (target >= 0.8)", RATIO),
    "hetero_gflops": ("GFLOP/s of the heterogeneous layer over its routed rows", None),
    "aoe_vs_moe": ("AoE layer speed over the plain top-2 layer of the same parameters "
                   "(paper: 0.97 throughput)", RATIO),
    "cache_fraction": ("the all-experts cache GEMM's time as a fraction of the AoE forward",
                       None),
    "cache_gflops": ("GFLOP/s of AoE's all-experts cache GEMM (T x d x E r)", None),
    "cache_pct_dense": ("the cache GEMM's GFLOP/s as % of the dense MLP's", RATIO),
    "d_wide": ("AoE's expert width from Eq. 5", None),
    "ref_blas_gflops": ("GFLOP/s of the per-expert loop gather → OpenBLAS GEMMs → scatter",
                        None),
    "x_vs_ref_blas": ("MoE layer speedup over the per-expert gather → OpenBLAS → scatter loop",
                      RATIO),
    "ref_eigen_gflops": ("GFLOP/s of the Eigen per-expert reference (reference.h)", None),
    "x_vs_ref_eigen": ("MoE layer speedup over the Eigen per-expert reference", RATIO),
    "rows_per_expert": ("mean rows (token, slot) per expert, T·k/E", None),
    "rows_min": ("rows of the least loaded expert (the router's load spread)", None),
    "rows_max": ("rows of the most loaded expert", None),
    "weight_gbs": ("weight bytes of the touched experts / MoE layer time, GB/s", None),
    "pct_triad": ("MoE layer weight stream as % of the STREAM triad measured at start", LIMIT),
    "ref_eigen_pct_triad": ("the Eigen reference's weight stream as % of triad", LIMIT),
    "max_x_vs_ref_eigen": ("roofline bound on any kernel's speedup over the Eigen reference: "
                           "its time over the weight bytes at the faster measured stream",
                           LIMIT),
    "experts_touched": ("experts with at least one row", None),
    "usec": ("MoE layer time per call, µs", None),
    "speedup_2_vs_1": ("MoE layer forward, 2 threads over 1", RATIO),
    "dense_speedup_2_vs_1": ("dense OpenBLAS MLP of the same FLOPs, 2 threads over 1 "
                             "(what the host gives a compute-bound GEMM)", RATIO),
    "gflops_1": ("MoE layer GFLOP/s on 1 thread", None),
    "gflops_2": ("MoE layer GFLOP/s on 2 threads", None),
    "gflops": ("MoE layer GFLOP/s", None),
    "step_ms": ("sequence-model training step, ms", None),
    "layer_ms": ("the step's MoE layer forward + backward alone, ms", None),
    "gemm_ms": ("the step's dense GEMMs alone (attention projections, head), ms", None),
    "layer_gemm_share": ("share of the step spent in the MoE layer and the dense GEMMs "
                         "((layer + GEMMs) / step)", RATIO),
    "overhead_vs_layer": ("the stack's own cost (step - layer - GEMMs) over the layer's "
                          "forward + backward (target < 1)", RATIO),
    "tokens_per_s": ("training tokens per second", None),
    "expert_updates/s": ("experts updated per second (a day updates n)", None),
    "vectorised_Mups": ("library Hedge, million expert-updates per second", None),
    "scalar_Mups": ("scalar std::exp loop, million expert-updates per second", None),
    ("BM_HedgeSpeedup", "speedup"): ("library Hedge over the scalar loop (one fused pass: "
                                     "update, exp, minimum, block sums)", RATIO),
    "days/s": ("pool days per second", None),
    "cells_per_s": ("cells run and stored per second", None),
    "t1_s": ("sweep seconds on 1 thread", None),
    "t2_s": ("sweep seconds on 2 threads", None),
    ("BM_CpuBoundScaling", "speedup"): ("sweep on 2 threads over 1, t(1)/t(2)", RATIO),
    "items_per_second": ("items per second", None),
    "samples/s": ("standard normals per second", None),
    "queries/s": ("(expert, task) samples per second, noise included", None),
    "querier_Mqps": ("ranking querier, million queries per second", None),
    "raw_Msps": ("raw Normal loop, million samples per second", None),
    "ratio_vs_raw": ("ranking querier's queries/s over the raw Normal sampler's samples/s "
                     "(target >= 0.5)", RATIO),
    "em_ms": ("one EM iteration (least squares, gate Newton steps, fused E-step), ms", None),
    "stream_ms": ("one pass reading the n x d sample and y, ms", None),
    "floor_ms": ("one pass doing only an E-step's transcendentals (k tanh, 2k exp, 2 log per "
                 "pair), ms", None),
    "em_vs_stream": ("EM iteration time over one streaming pass of the same data (target "
                     "<= 3 where a pass is memory-bound)", RATIO),
    "em_vs_floor": ("EM iteration time over the E-step's exp/tanh/log floor: E-step-sized "
                    "passes per iteration", RATIO),
    "floor_vs_stream": ("the exp/tanh/log floor over one streaming pass: > 1 means a pass "
                        "is bound by arithmetic, not memory", RATIO),
    "gate_passes": ("the gate's trial steps in the timed EM iteration (one pass each)", None),
    "seq_gbs": ("cold sequential read of the expert file, GB/s", None),
    "load_gbs": ("cold expert loads by the offloading engine's loader (read and checksum), "
                 "GB/s", None),
    "read_gbs": ("the same loads' reads alone (the bound the checksum keeps loads under), "
                 "GB/s", None),
    "load_vs_seq": ("cold expert-load bandwidth over the cold sequential read of the same "
                    "file (target >= 0.7)", RATIO),
    "stall_ms_lru": ("stall per token without prefetch (LRU), ms", None),
    "stall_ms_prefetch": ("stall per token with the look-ahead prefetcher, ms", None),
    "prefetch_vs_lru": ("stall per token with prefetch over without, half the experts cached "
                        "(target <= 0.5)", RATIO),
    "ms_per_load": ("one expert load by the engine (read, checksum, and for fp32 the decode "
                    "into the layer's slot), ms", None),
    "ms_compute_per_layer": ("one layer's compute for one token, ms: what each layer of "
                             "look-ahead can hide a load behind", None),
    "tokens_s": ("trace tokens the offload simulator replays per second (4 layers x 16 "
                 "experts, top-2, a quarter cached)", None),
    "layer_tokens_s": ("in-memory fp32 layer, tokens per second", None),
    "layer_pct_triad": ("in-memory fp32 layer, weight bytes per second, % of the STREAM "
                        "triad timed in the same rounds", LIMIT),
    "round_triad_gbs": ("STREAM triad over 96 MiB timed in the decode rounds, GB/s (median)",
                        None),
    "fp32_tokens_s": ("experts from fp32 codes, tokens per second", None),
    "int8_tokens_s": ("experts from int8 codes, tokens per second", None),
    "int4_tokens_s": ("experts from int4 codes, tokens per second", None),
    "fp32_gbs": ("experts from fp32 codes, weight GB/s (codes + scales read)", None),
    "int8_gbs": ("experts from int8 codes, weight GB/s (codes + scales read)", None),
    "int4_gbs": ("experts from int4 codes, weight GB/s (codes + scales read)", None),
    "fp32_pct_triad": ("fp32 codes' weight bandwidth, % of the STREAM triad timed in the "
                      "same rounds (median of per-round ratios; target >= 60)", LIMIT),
    "int8_pct_triad": ("int8 codes' weight bandwidth, % of the STREAM triad timed in the "
                      "same rounds (median of per-round ratios; target >= 60)", LIMIT),
    "int4_pct_triad": ("int4 codes' weight bandwidth, % of the STREAM triad timed in the "
                      "same rounds (median of per-round ratios; target >= 60)", LIMIT),
    "fp32_x_vs_layer": ("fp32 codes' tokens/s over the in-memory layer's", RATIO),
    "int8_x_vs_layer": ("int8 codes' tokens/s over the in-memory fp32 layer's (target >= 2.5)",
                        RATIO),
    "int4_x_vs_layer": ("int4 codes' tokens/s over the in-memory fp32 layer's (target >= 4)",
                        RATIO),
    "int8_x_vs_fp32": ("int8 codes' tokens/s over the fp32 codes'", RATIO),
    "int4_x_vs_fp32": ("int4 codes' tokens/s over the fp32 codes'", RATIO),
}

KIND_NAMES = {RATIO: "side by side", LIMIT: "vs limits"}

# Machine-wide values some benchmarks repeat on every row (in the Machine
# section instead).
MACHINE_COUNTERS = {"peak_gflops", "triad_gbs", "read_gbs", "simd_lanes"}

# Fields of a Google Benchmark run that are not user counters.
STANDARD = {"name", "family_index", "per_family_instance_index", "run_name", "run_type",
            "repetitions", "repetition_index", "threads", "iterations", "real_time",
            "cpu_time", "time_unit", "label", "error_occurred", "error_message",
            "aggregate_name", "aggregate_unit", "bytes_per_second"}


def fail(message):
    print("bench_report: error: " + message, file=sys.stderr)
    sys.exit(1)


def meaning(family, counter):
    """(text, kind) for a counter, or a placeholder saying none is known."""
    if (family, counter) in COUNTERS:
        return COUNTERS[(family, counter)]
    if counter in COUNTERS:
        return COUNTERS[counter]
    return ("(no description: add one to plots/bench_report.py)", None)


def family_of(run_name):
    return run_name.split("/")[0]


def args_of(run_name):
    """The numeric arguments of a run name, without Google Benchmark's
    suffixes (iterations:N, manual_time, real_time, repeats:N, threads:N)."""
    parts = run_name.split("/")[1:]
    return [p for p in parts if ":" not in p and p not in ("manual_time", "real_time")]


def number(value):
    if isinstance(value, str):
        return value
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1e6:
        return "%.3g" % value
    if magnitude >= 100:
        return "%.0f" % value
    if magnitude >= 10:
        return "%.1f" % value
    return "%.2f" % value


def load(paths):
    """[(binary name, context, runs)] with runs the medians when the file
    holds repetitions' aggregates, else the plain iterations."""
    out = []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
            # Google Benchmark leaves the file empty when its filter matched nothing.
            data = json.loads(text) if text.strip() else {}
        except (OSError, ValueError) as e:
            fail("cannot read %s: %s" % (path, e))
        runs = [b for b in data.get("benchmarks", []) if not b.get("error_occurred")]
        medians = [b for b in runs if b.get("run_type") == "aggregate"
                   and b.get("aggregate_name") == "median"]
        if medians:
            runs = medians
        else:
            runs = [b for b in runs if b.get("run_type", "iteration") == "iteration"]
        errors = [b for b in data.get("benchmarks", []) if b.get("error_occurred")]
        name = os.path.splitext(os.path.basename(path))[0]
        out.append((name, data.get("context", {}), runs, errors))
    return out


def machine_section(files):
    """Markdown lines describing the machine, from the files' contexts."""
    context = {}
    for _, c, _, _ in files:
        for key, value in c.items():
            context.setdefault(key, value)
    lines = ["## Machine", ""]
    lines.append("- CPU: %s" % context.get("cpu_model", "not recorded"))
    cpus = context.get("num_cpus")
    mhz = context.get("mhz_per_cpu")
    if cpus is not None:
        lines.append("- logical CPUs: %s%s" % (cpus, ", %s MHz" % mhz if mhz else ""))
    caches = context.get("caches") or []
    if caches:
        parts = []
        for cache in caches:
            size = cache.get("size", 0)
            text = ("%d MiB" % (size >> 20) if size % (1 << 20) == 0
                    else "%d KiB" % (size >> 10))
            level = "L%d%s" % (cache.get("level", 0),
                               {"Data": "d", "Instruction": "i"}.get(cache.get("type"), ""))
            shared = cache.get("num_sharing", 1)
            parts.append("%s %s%s" % (level, text,
                                      " (shared by %d)" % shared if shared > 1 else ""))
        lines.append("- caches: " + ", ".join(parts))
    if "moe_isa" in context:
        lines.append("- MoE float kernels: %s (%s floats per register)"
                     % (context["moe_isa"], context.get("moe_simd_lanes", "?")))
    if "dense_reference" in context:
        lines.append("- dense reference: %s" % context["dense_reference"])
    if "limit_peak_gflops" in context:
        lines.append("- limits measured at start on %s threads: FMA peak %s GFLOP/s, "
                     "STREAM triad %s GB/s, read-only stream %s GB/s"
                     % (context.get("limit_threads", "?"), context["limit_peak_gflops"],
                        context.get("limit_triad_gbs", "?"),
                        context.get("limit_read_gbs", "?")))
    if "gomp_spincount" in context:
        lines.append("- GOMP_SPINCOUNT: %s" % context["gomp_spincount"])
    load_avg = context.get("load_avg")
    if load_avg:
        lines.append("- load average at start: %s (other work on the machine slows "
                     "absolute rates; ratios are measured side by side)"
                     % ", ".join("%.2f" % v for v in load_avg))
    if context.get("date"):
        lines.append("- run: %s, host %s" % (context["date"], context.get("host_name", "?")))
    return lines + [""]


def counters_of(run):
    return [k for k in run if k not in STANDARD and k not in MACHINE_COUNTERS]


def ratios_section(files):
    """One row per (benchmark, ratio counter): meaning and range over rows."""
    lines = ["## Same-run ratios", "",
             "Kind *side by side*: two variants timed in interleaved rounds of this run "
             "(the number to compare between runs and machines). Kind *vs limits*: a "
             "variant against the machine limits measured at the start of this run. "
             "Range over the benchmark's rows (shapes), with the median.", "",
             "| benchmark | ratio | kind | meaning | min | median | max | rows |",
             "|---|---|---|---|---:|---:|---:|---:|"]
    found = False
    for _, _, runs, _ in files:
        by_family = {}
        for run in runs:
            by_family.setdefault(family_of(run.get("run_name", run["name"])), []).append(run)
        for family, family_runs in by_family.items():
            names = []
            for run in family_runs:
                names += [c for c in counters_of(run) if c not in names]
            for counter in names:
                text, kind = meaning(family, counter)
                if kind is None:
                    continue
                values = [r[counter] for r in family_runs if counter in r]
                found = True
                lines.append("| %s | `%s` | %s | %s | %s | %s | %s | %d |"
                             % (family, counter, KIND_NAMES[kind], text, number(min(values)),
                                number(statistics.median(values)), number(max(values)),
                                len(values)))
    if not found:
        lines.append("| — | — | — | no ratio counters in these runs | | | | |")
    return lines + [""]


def details_section(name, runs, errors):
    lines = ["## %s" % name, ""]
    if not runs and not errors:
        return lines + ["No benchmarks ran (filtered out).", ""]
    by_family = {}
    for run in runs:
        by_family.setdefault(family_of(run.get("run_name", run["name"])), []).append(run)
    for family, family_runs in by_family.items():
        lines.append("### %s" % family)
        lines.append("")
        if family in BENCHMARKS:
            lines += [BENCHMARKS[family] + ".", ""]
        arg_names = ARGS.get(family)
        counters = []
        for run in family_runs:
            counters += [c for c in counters_of(run) if c not in counters]
        width = max(len(args_of(r.get("run_name", r["name"]))) for r in family_runs)
        heads = (arg_names if arg_names and len(arg_names) == width
                 else ["arg%d" % i for i in range(width)])
        labels = any(r.get("label") for r in family_runs)
        header = heads + (["label"] if labels else []) + ["time"] + counters
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "|".join("---:" if h not in ("label",) else "---"
                                    for h in header) + "|")
        for run in family_runs:
            cells = args_of(run.get("run_name", run["name"]))
            cells += [""] * (len(heads) - len(cells))
            if labels:
                cells.append(run.get("label", ""))
            cells.append("%s %s" % (number(run["real_time"]), run.get("time_unit", "ns")))
            cells += [number(run[c]) if c in run else "" for c in counters]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
        if counters:
            for counter in counters:
                text, kind = meaning(family, counter)
                lines.append("- `%s`: %s%s" % (counter, text,
                                               " (%s)" % KIND_NAMES[kind] if kind else ""))
            lines.append("")
    for run in errors:
        lines.append("- %s failed: %s" % (run["name"], run.get("error_message", "")))
    if errors:
        lines.append("")
    return lines


def main(argv):
    if any(a in ("-h", "--help") for a in argv[1:]):
        print(__doc__.strip())
        return
    args = argv[1:]
    out = os.path.join("results", "BENCH.md")
    if "--out" in args:
        i = args.index("--out")
        if i + 1 >= len(args):
            fail("--out needs a path")
        out = args[i + 1]
        del args[i:i + 2]
    if not args:
        fail("usage: bench_report.py FILE.json [FILE.json ...] [--out PATH]")
    files = load(args)
    lines = ["# Benchmarks", "",
             "Written by `./lab bench` (Google Benchmark, `bench/`) from %s. Absolute "
             "rates depend on the machine and on what else runs on it; the ratios are "
             "measured side by side in one run (in `moe_bench` and `gmoe_bench`, "
             "interleaved rounds and the median of per-round ratios: `sim/timing.h`)." % ", ".join("`%s`" % p for p in args), ""]
    lines += machine_section(files)
    lines += ratios_section(files)
    for name, _, runs, errors in files:
        lines += details_section(name, runs, errors)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines).rstrip() + "\n")
    print("bench_report: wrote %s" % out)


if __name__ == "__main__":
    main(sys.argv)
