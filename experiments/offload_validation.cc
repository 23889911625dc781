// offload_validation: the trace-driven simulator (algorithms/offload/
// simulator.h) against the real disk-backed engine (engine.h) on the same
// trace. Per cell: a random MoE stack is written to an expert file in a
// fresh directory under $TMPDIR (removed after the cell); five rounds
// follow, each a calibration over the calibration requests (an LRU pass:
// the stall beyond the loads' own time per waiting layer as the hand-off,
// compute per layer; a pass of the cell's policy: load bandwidth, bytes
// over the seconds of whole loads) and a run of the cell's trace through
// the engine (routing forced to the trace, so both harnesses see the same
// accesses); the simulator replays the trace with the rounds' median
// costs, against the runs' median stall, and with each round's costs, whose
// range is the calibrations' own spread.
// The counts (hit ratio, loads, prefetches) must agree exactly for any policy whose draws are the
// cell's stream (both harnesses make the same calls); stall agrees to the extent the simulator's
// one-channel, constant-cost model describes the host, and is set against the host's
// run-to-run spread (the engine runs' range and the calibrations' range). The simulator's replay
// speed (tokens per wall second) is set against the engine's tokens/s. Timings are measurements
// (the experiment is Measured and Exclusive).
//
// Grid keys: policy, capacity (fraction of L x E, >= top_k experts), the
// trace source (synthetic | charlm: recorded from the trained char-LM MoE
// | file:<path>; offload_cell.h) and the generator's keys
// (trace_generator.h: layers, experts, top_k, requests, tokens, zipf,
// topics, rho, beta, alpha, calibration), d_model and d_ff (expert size:
// 4 x 3 d f bytes in fp32), format (fp32 | int8 | int4 | int2, group 32),
// direct_io (O_DIRECT reads), background (prefetch thread).
//
// Rows (step 0): hit_ratio, sim.hit_ratio, loads_per_token,
// sim.loads_per_token, stall_ms_per_token (median of the engine's five
// runs), stall_run_spread (their range over that median), sim.stall_ms_per_token,
// sim.stall_calibration_spread (the range of the simulator's stall under
// each round's costs over its stall under the median costs),
// compute_ms_per_token, load_ms_per_token, read_gbs (pread only),
// load_gbs, sim.load_gbs (the median of the calibrations), tokens_per_s
// (engine, median run), sim.replay_tokens_per_s (simulator wall speed),
// speed_ratio.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "algorithms/offload/engine.h"
#include "algorithms/offload/scratch_dir.h"
#include "algorithms/offload/simulator.h"
#include "algorithms/offload/trace_generator.h"
#include "experiments/offload_cell.h"
#include "sim/check.h"
#include "sim/experiment.h"
#include "sim/registry.h"
#include "sim/samplers.h"
#include "sim/timing.h"

namespace expertlab::experiments {
namespace {

// (Data stream 2 draws the synthetic traces: BuildOffloadTraces.)
enum ValidationStream : uint64_t { kValidationModelStream = 1, kValidationPolicyStream = 3 };

// Wall seconds of `replays` simulator replays (each from a fresh policy
// and the same stream), and the last replay's result. The policies are
// built from their spec before the clock starts, as the engine's timing
// starts after its session is set up.
struct TimedReplay {
  offload::ReplayResult result;
  double seconds = 0;
};

TimedReplay TimeReplays(const std::string& spec, const offload::Trace& trace,
                        const offload::CacheSetup& setup, const offload::CostModel& cost,
                        const CellContext& context, int replays) {
  TimedReplay timed;
  std::vector<std::unique_ptr<offload::CachePolicy>> policies;
  for (int i = 0; i < replays; ++i)
    policies.push_back(Registry<offload::CachePolicy>::Instance().Create(spec));
  const auto start = std::chrono::steady_clock::now();
  for (auto& policy : policies) {
    Rng rng = context.Stream(kValidationPolicyStream);
    timed.result = offload::Replay(trace, *policy, setup, cost, rng);
  }
  timed.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return timed;
}

// Rounds of measurement per cell: each round is a calibration (LRU and
// the cell's policy over the calibration requests) then a run of the
// cell's trace, so that a drift of the host moves both alike; medians
// over the rounds are compared, as one hiccup of the virtual machine
// moves a single run by tens of percent.
constexpr int kRounds = 5;  // a median robust to two hiccups

// Measures the simulator's cost model on the engine over `calibration`:
// an LRU pass gives the per-wait hand-off and the compute per layer, a
// pass of the cell's policy the load bandwidth (bytes over the seconds of
// whole loads: pread, checksum, install). The policy's own pass, because
// an fp32 load's install is faster into a cache slot still warm in the
// CPU caches, and which slots a policy refills is its own pattern (LFU
// cycles a few slots: its loads ran 0.7x LRU's on the development host).
class HostCalibration {
 public:
  // Runs a discarded warm-up pass: a fresh engine's first loads pay
  // one-time costs that made the calibrated loads up to 3x slower than
  // the run's.
  HostCalibration(offload::OffloadEngine& engine, const offload::Trace& calibration,
                  std::string spec, Rng& rng, int layers)
      : engine_(engine),
        calibration_(calibration),
        spec_(std::move(spec)),
        rng_(rng),
        layers_(layers),
        inputs_(static_cast<size_t>(calibration.tokens() * engine.config().d_model)) {
    for (auto& v : inputs_) v = static_cast<float>(Normal(rng, 0.0, 1.0));
    RunLru();
  }

  // One calibration: the LRU pass, then the policy's pass planned with
  // that pass's costs.
  offload::CostModel Measure() {
    const offload::EngineResult lru = RunLru();
    offload::CostModel cost;
    cost.expert_bytes = static_cast<double>(engine_.header().stride);
    cost.bandwidth = lru.LoadBandwidth() > 0 ? lru.LoadBandwidth() : 1e18;
    // Without prefetch every load is waited for, so the stall beyond the
    // loads' own time is the hand-off (waking the loader and the waiting
    // thread), paid once per waiting layer however many loads it waits for.
    if (lru.counts.waits > 0)
      cost.wait_seconds =
          std::max(0.0, (lru.counts.stall_seconds - lru.load_seconds) / double(lru.counts.waits));
    cost.compute_seconds = lru.compute_seconds / (double(calibration_.tokens()) * layers_);
    if (spec_ != "lru") {
      offload::CacheSetup setup = engine_.Setup(&calibration_);
      setup.miss_seconds = cost.MissSeconds();
      setup.compute_seconds = cost.compute_seconds;
      auto policy = Registry<offload::CachePolicy>::Instance().Create(spec_);
      const offload::EngineResult own = engine_.Run(inputs_, *policy, setup, &calibration_, rng_);
      if (own.LoadBandwidth() > 0) cost.bandwidth = own.LoadBandwidth();
    }
    return cost;
  }

 private:
  offload::EngineResult RunLru() {
    auto lru = Registry<offload::CachePolicy>::Instance().Create("lru");
    return engine_.Run(inputs_, *lru, engine_.Setup(nullptr), &calibration_, rng_);
  }

  offload::OffloadEngine& engine_;
  const offload::Trace& calibration_;
  std::string spec_;
  Rng& rng_;
  int layers_;
  std::vector<float> inputs_;
};

// The range of `values` over `center` (0 when center is 0): a run-to-run
// spread.
double RangeOver(const std::vector<double>& values, double center) {
  const auto [low, high] = std::minmax_element(values.begin(), values.end());
  return center > 0 ? (*high - *low) / center : 0.0;
}

// The per-field medians of `costs`.
offload::CostModel MedianCost(const std::vector<offload::CostModel>& costs) {
  const auto median = [&](double offload::CostModel::*field) {
    std::vector<double> values;
    for (const auto& c : costs) values.push_back(c.*field);
    return MedianOf(values);
  };
  offload::CostModel cost = costs.front();
  cost.bandwidth = median(&offload::CostModel::bandwidth);
  cost.wait_seconds = median(&offload::CostModel::wait_seconds);
  cost.compute_seconds = median(&offload::CostModel::compute_seconds);
  return cost;
}

class OffloadValidation final : public Experiment {
 public:
  bool Measured() const override { return true; }
  bool Exclusive() const override { return true; }

  std::vector<ParamSpec> Parameters() const override {
    std::vector<ParamSpec> keys =
        PolicyAndTraceKeys({.policy = "lru", .capacity = 0.5}, {.layers = 4,
                                                                .experts = 16,
                                                                .requests = 4,
                                                                .tokens = 32,
                                                                .calibration = 2,
                                                                .max_layers = 64,
                                                                .max_experts = 256,
                                                                .max_top_k = 16,
                                                                .max_count = 1 << 16});
    keys.insert(
        keys.end(),
        {ParamSpec::Int("d_model", 256, Bounds::Closed(8, 8192), "model width d"),
         ParamSpec::Int("d_ff", 512, Bounds::Closed(8, 32768), "expert hidden width f"),
         TraceSourceKey(),
         ParamSpec::Choice("format", "fp32", {"fp32", "int8", "int4", "int2"},
                           "expert weight format in the file (groups of 32)"),
         ParamSpec::Bool("direct_io", false, "read experts with O_DIRECT (page cache bypassed)"),
         ParamSpec::Bool("background", true, "load on a background thread (prefetch overlap)")});
    return keys;
  }

  std::vector<std::string> DataKeys() const override {
    return {"trace",  "layers", "experts", "top_k", "requests",    "tokens",  "zipf",
            "topics", "rho",    "beta",    "alpha", "calibration", "d_model", "d_ff"};
  }

  void CheckCell(const Params& params) const override {
    EXPERTLAB_CHECK(params.Int("top_k") <= params.Int("experts"))
        << "top_k must be <= experts, got top_k = " << params.Int("top_k")
        << " and experts = " << params.Int("experts");
    EXPERTLAB_CHECK(params.Int("d_model") % 32 == 0 && params.Int("d_ff") % 32 == 0)
        << "d_model and d_ff must be multiples of 32 (the quantisation group), got "
        << params.Int("d_model") << " and " << params.Int("d_ff");
    CheckTraceSource(params);
  }

  void RunCell(const Params& params, CellContext& context) const override {
    const offload::TraceShape shape = OffloadTraceShape(params);
    const OffloadTraces traces = BuildOffloadTraces(params, context);
    const offload::Trace& calibration = traces.calibration;
    const offload::Trace& trace = traces.replay;

    moe::MoeConfig config;
    config.d_model = params.Int("d_model");
    config.d_ff = params.Int("d_ff");
    config.experts = shape.experts;
    config.top_k = shape.top_k;
    // One kernel thread: batch-1 decode gains nothing from a second, and an
    // idle OpenMP worker spinning would take the loader thread's core.
    config.threads = 1;
    Rng model_rng = context.DataStream(kValidationModelStream);
    const offload::MoeStack stack = offload::RandomMoeStack(config, shape.layers, model_rng);
    std::vector<float> inputs(static_cast<size_t>(trace.tokens() * config.d_model));
    for (auto& v : inputs) v = static_cast<float>(Normal(model_rng, 0.0, 1.0));

    const offload::ScratchDir scratch(
        "offload_validation_" + std::to_string(context.Stream(kValidationModelStream).NextU64()));
    offload::WriteExpertFile(scratch.ExpertFile(), stack,
                             offload::ParseWeightFormat(params.String("format")), 32);
    const int capacity = std::max(
        shape.top_k, static_cast<int>(std::lround(params.Double("capacity") * trace.keys())));
    offload::EngineOptions options;
    options.direct_io = params.Bool("direct_io");
    options.background = params.Bool("background");
    options.threads = config.threads;
    {
      const offload::OffloadEngine probe(scratch.ExpertFile(),
                                         {.capacity_bytes = int64_t{1} << 62});
      options.capacity_bytes = capacity * probe.header().stride;
    }
    offload::OffloadEngine engine(scratch.ExpertFile(), options);
    // Rounds of calibration and run. The policies plan (look-ahead's first
    // distance) with the first calibration, in both harnesses alike; the
    // simulator replays with the rounds' median costs (its look-ahead plans
    // with those: the distance, ceil(k x load / compute) capped at 4, is 4
    // for these experts whichever round is taken).
    const std::string spec = params.String("policy");
    HostCalibration host(engine, calibration, spec, model_rng, shape.layers);
    std::vector<offload::CostModel> costs{host.Measure()};
    offload::CacheSetup setup = offload::MakeSetup(trace, capacity, &calibration);
    setup.miss_seconds = costs[0].MissSeconds();
    setup.compute_seconds = costs[0].compute_seconds;
    // Each round's run replays the trace with a fresh policy on the same
    // stream: the engine's stall and tokens/s are the runs' medians, and
    // their range over the median is the host's run-to-run spread, the
    // yardstick for the simulator's gap.
    std::optional<offload::EngineResult> first;  // the runs agree on every count
    std::vector<double> stalls, totals;
    for (int i = 0; i < kRounds; ++i) {
      if (i > 0) costs.push_back(host.Measure());
      auto policy = Registry<offload::CachePolicy>::Instance().Create(spec);
      Rng rng = context.Stream(kValidationPolicyStream);
      offload::EngineResult run = engine.Run(inputs, *policy, setup, &trace, rng);
      stalls.push_back(run.counts.stall_seconds);
      totals.push_back(run.counts.total_seconds);
      EXPERTLAB_CHECK(!first || (run.counts.hits == first->counts.hits &&
                                 run.counts.loads == first->counts.loads))
          << "offload_validation: the engine's counts differ between two runs of policy " << spec
          << " on the same trace and stream";
      if (!first) first = std::move(run);
    }
    const offload::CostModel cost = MedianCost(costs);
    const offload::EngineResult& run = *first;
    const double tokens = static_cast<double>(trace.tokens());
    const double stall = MedianOf(stalls);
    const double engine_tokens_per_s = tokens / MedianOf(totals);
    // Enough replays for a measurable wall time (the simulator is fast).
    const TimedReplay sim = TimeReplays(spec, trace, setup, cost, context, 20);
    const offload::ReplayResult& s = sim.result;
    // The calibrations' own spread: the simulator's stall under each
    // round's costs, their range over the stall under the median costs.
    std::vector<double> sim_stalls;
    for (const offload::CostModel& round_cost : costs)
      sim_stalls.push_back(
          TimeReplays(spec, trace, setup, round_cost, context, 1).result.stall_seconds);
    const offload::ReplayResult& e = run.counts;

    context.Record("capacity_experts", 0, capacity);
    context.Record("hit_ratio", 0, e.HitRatio());
    context.Record("sim.hit_ratio", 0, s.HitRatio());
    context.Record("loads_per_token", 0, e.LoadsPerToken());
    context.Record("sim.loads_per_token", 0, s.LoadsPerToken());
    context.Record("prefetch_loads", 0, static_cast<double>(e.prefetch_loads));
    context.Record("sim.prefetch_loads", 0, static_cast<double>(s.prefetch_loads));
    context.Record("stall_ms_per_token", 0, stall / tokens * 1e3);
    context.Record("stall_run_spread", 0, RangeOver(stalls, stall));
    context.Record("sim.stall_ms_per_token", 0, s.StallPerToken() * 1e3);
    context.Record("sim.stall_calibration_spread", 0, RangeOver(sim_stalls, s.stall_seconds));
    context.Record("compute_ms_per_token", 0, run.compute_seconds / tokens * 1e3);
    context.Record("load_ms_per_token", 0, run.load_seconds / tokens * 1e3);
    context.Record("read_gbs", 0, run.ReadBandwidth() / 1e9);
    context.Record("load_gbs", 0, run.LoadBandwidth() / 1e9);
    context.Record("sim.load_gbs", 0, cost.bandwidth / 1e9);
    context.Record("expert_mb", 0, cost.expert_bytes / 1e6);
    context.Record("tokens_per_s", 0, engine_tokens_per_s);
    context.Record("sim.tokens_per_s", 0, s.TokensPerSecond());
    const double replay_speed = 20 * tokens / std::max(sim.seconds, 1e-9);
    context.Record("sim.replay_tokens_per_s", 0, replay_speed);
    context.Record("speed_ratio", 0, replay_speed / std::max(engine_tokens_per_s, 1e-9));
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(OffloadValidation, "offload_validation",
                              "the offload simulator vs the real disk-backed engine on the same "
                              "trace: hit ratio, stall per token, tokens/s")

}  // namespace expertlab::experiments
