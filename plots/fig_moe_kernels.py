"""moe_kernels: MoE layer throughput against tokens per expert, with the roofline.

One panel per expert shape (d, f, E) and values of any other parameter that
varies in the CSV (the router, the timing settings); x = tokens per expert T k / E (log),
y = GFLOP/s (log). Lines: the fast layer (one per k), the dense
FLOP-equivalent SwiGLU MLP (OpenBLAS or Eigen, as its `dense` column says),
the per-expert gather -> OpenBLAS -> scatter reference and the per-expert
Eigen loop (the "naive loop"), and the roofline min(peak, intensity x STREAM
triad) the experiment measured and emitted (theory/roofline.h). Plots never
recompute theory: every curve comes from metric rows.

headline() puts our numbers beside published anchors
(MegaBlocks, Gale et al. MLSys 2023; MLX gather_qmm): ≥128 rows per expert
→ 90–100% of dense, ~40 rows → 60–70%; 70–90% of STREAM is good at decode.
"""

import math
from collections import defaultdict

import common

EXPERIMENT = "moe_kernels"
SHAPE = ("d", "f", "E", "k", "T")

SERIES = [
    ("fast_gflops", "fast MoE kernels", "#0072B2", "o", "-"),
    ("dense_gflops", "dense SwiGLU MLP, width k·f (same FLOPs)", "#009E73", "s", "--"),
    ("ref_blas_gflops", "gather → OpenBLAS → scatter", "#E69F00", "^", ":"),
    ("ref_eigen_gflops", "gather → Eigen → scatter (naive loop)", "#D55E00", "v", ":"),
    ("roofline_gflops", "roofline min(peak, I·triad)", "0.45", None, "-."),
]


def _num(value):
    return float(value) if not isinstance(value, (int, float)) else value


def extra_keys(rows):
    """Parameter columns beyond the shape that vary in the CSV."""
    return tuple(common.extra_keys(rows, set(SHAPE)))


def cells(rows):
    """{(d, f, E, k, T, *extra values): {metric: median over replicates}}."""
    extra = extra_keys(rows)
    acc = defaultdict(lambda: defaultdict(list))
    for r in rows:
        key = tuple(int(_num(r[c])) for c in SHAPE) + tuple(r[c] for c in extra)
        acc[key][r["metric"]].append(_num(r["value"]))
    out = {}
    for key, metrics in acc.items():
        out[key] = {m: sorted(v)[len(v) // 2] for m, v in metrics.items()}
    return out


def plot(rows, figures_dir):
    plt = common.use_style()
    data = cells(rows)
    extra = extra_keys(rows)
    # Panels: (d, f, E) and the extra keys' values; lines: k.
    shapes = sorted({key[:3] + key[5:] for key in data}, key=str)
    ks = sorted({key[3] for key in data})
    cols = min(len(shapes), 2)
    nrows = int(math.ceil(len(shapes) / cols))
    fig, axes = plt.subplots(nrows, cols, figsize=(5.6 * cols, 4.4 * nrows),
                             squeeze=False)
    for ax, shape in zip(axes.flat, shapes):
        d, f, e = shape[:3]
        ax.set_xscale("log", base=2)
        ax.set_yscale("log", base=10)
        for ki, k in enumerate(ks):
            pts = sorted((key[4], m) for key, m in data.items()
                         if key[:3] + key[5:] == shape and key[3] == k)
            if not pts:
                continue
            x = [m["rows_per_expert"] for t, m in pts]
            for metric, label, color, marker, style in SERIES:
                y = [m.get(metric, float("nan")) for t, m in pts]
                if all(math.isnan(v) for v in y):
                    continue
                ax.plot(x, y, color=color, marker=marker, linestyle=style,
                        markersize=4 if ki == 0 else 3,
                        alpha=1.0 if ki == 0 else 0.6,
                        label=("%s (k=%d)" % (label, k)) if len(ks) > 1 else label)
        peak = [m.get("peak_gflops") for key, m in data.items() if key[:3] + key[5:] == shape]
        if peak:
            ax.axhline(max(peak), color="0.7", linewidth=0.8)
        described = common.describe_keys(extra, shape[3:])
        ax.set_title("d=%d, f=%d, E=%d" % (d, f, e) + ("\n" + described if described else ""))
        ax.set_xlabel("tokens per expert  T·k/E")
        ax.set_ylabel("GFLOP/s (6·T·k·d·f / time)")
    for ax in list(axes.flat)[len(shapes):]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=2)
    threads = sorted({int(m.get("threads", 0)) for m in data.values()})
    fig.suptitle("Sparse-MoE forward throughput vs tokens per expert (%s thread%s)"
                 % ("/".join(str(t) for t in threads), "" if threads == [1] else "s"))
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def headline(rows):
    data = cells(rows)
    if not data:
        return "## moe_kernels\n\nNo rows.\n"
    any_cell = next(iter(data.values()))
    out = ["## moe_kernels: MoE layer kernels vs dense SGEMM and references\n\n",
           "Forward throughput of the fast layer (counting sort, grouped GEMM "
           "with gather-on-pack, fused SwiGLU, weighted down-projection, "
           "deterministic combine) against a dense SwiGLU MLP of width k·f "
           "(same FLOPs), the per-expert gather→GEMM→scatter loop with "
           "OpenBLAS and with Eigen, and the roofline from the measured "
           "machine limits (peak %.0f GFLOP/s from an FMA loop, STREAM triad "
           "%.1f GB/s). Variants timed in interleaved rounds in the same "
           "cell, every call starting with cold caches: GFLOP/s are medians "
           "over rounds, ratios medians of per-round ratios.\n\n"
           % (any_cell.get("peak_gflops", float("nan")),
              any_cell.get("triad_gbs", float("nan")))]
    body = []
    extra = extra_keys(rows)
    for key, m in sorted(data.items(), key=lambda kv: tuple(common.sort_key(v) for v in kv[0])):
        d, f, e, k, t = key[:5]
        body.append([
            "%d/%d/%d/%d" % (d, f, e, k)] + list(key[5:]) + [t, common.fmt(m.get("rows_per_expert")),
            common.fmt(m.get("fast_gflops")), common.fmt(m.get("dense_gflops")),
            common.fmt(m.get("pct_dense")), common.fmt(m.get("x_vs_ref_blas")),
            common.fmt(m.get("x_vs_ref_eigen")), common.fmt(m.get("weight_gbs")),
            common.fmt(m.get("roofline_gflops")),
            common.fmt(100.0 * m["fast_gflops"] / m["roofline_gflops"]
                       if m.get("roofline_gflops") else float("nan"))])
    out.append(common.markdown_table(
        ["d/f/E/k"] + list(extra) + ["T", "rows/expert", "fast GFLOP/s", "dense GFLOP/s",
         "% of dense", "× vs gather-BLAS", "× vs gather-Eigen", "weight GB/s",
         "roofline GFLOP/s", "% of roofline"], body, align="l" * (1 + len(extra)) + "rrrrrrrrrr"))
    out.append(
        "\nAnchors (MegaBlocks, Gale et al. MLSys 2023; MLX): grouped GEMM reaches 90–100% of dense at "
        "≥128 rows per expert and 60–70% at ~40 (MLX sorted gather_qmm ≈69% at "
        "~43 rows); below ~16 rows it is a bandwidth-bound GEMV, where 70–90% "
        "of STREAM is good. Targets: ≥85% of dense at prefill, ≥60% at "
        "~32 rows per expert, decode weight bandwidth ≥70% of triad, ≥1.5× "
        "(prefill) and ≥3× (decode) over the gather→GEMM→scatter reference. "
        "Full-shape numbers, backward and 2-thread scaling: "
        "bench/moe_bench.cc.\n")
    return "".join(out)
