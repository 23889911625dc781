#include "experiments/offload_cell.h"

#include <algorithm>
#include <cmath>

#include "algorithms/offload/policy.h"
#include "algorithms/offload/simulator.h"
#include "algorithms/offload/trace_generator.h"
#include "experiments/charlm_model.h"
#include "experiments/once_per_process.h"
#include "sim/check.h"
#include "sim/registry.h"
#include "theory/offload_cost.h"

namespace expertlab::experiments {

using offload::CachePolicy;
using offload::Trace;

namespace {

enum OffloadStream : uint64_t {
  kOffloadPolicyStream = 1,
  kOffloadTraceStream = 2,
  kOffloadCharLmRouterStream = 3,
  kOffloadCharLmKeyStream = 4
};

constexpr const char* kTraceFilePrefix = "file:";
constexpr const char* kTraceCharLm = "charlm";

// The tokens of requests [first, last) of a trace, in order.
Trace RequestSlice(const Trace& trace, size_t first, size_t last) {
  Trace slice = trace;
  slice.request.clear();
  slice.ids.clear();
  const size_t per_token = static_cast<size_t>(trace.layers * trace.top_k);
  size_t seen = 0;
  for (size_t t = 0; t < trace.request.size(); ++t) {
    if (t > 0 && trace.request[t] != trace.request[t - 1]) ++seen;
    if (seen < first || seen >= last) continue;
    slice.request.push_back(trace.request[t]);
    slice.ids.insert(slice.ids.end(), trace.ids.begin() + static_cast<ptrdiff_t>(t * per_token),
                     trace.ids.begin() + static_cast<ptrdiff_t>((t + 1) * per_token));
  }
  return slice;
}

// The char-LM MoE transformer (charlm_model.h) in the trace's shape:
// blocks = layers, E = experts, k = top_k, context = tokens, with the
// char-LM's other defaults (300 AdamW steps on Debian's licence texts).
Params CharLmTraceParams(const Params& params) {
  const int64_t windows = params.Int("calibration") + params.Int("requests");
  return BuildParams(CharLmParameters(),
                     {{"blocks", std::to_string(params.Int("layers"))},
                      {"E", std::to_string(params.Int("experts"))},
                      {"k", std::to_string(params.Int("top_k"))},
                      {"context", std::to_string(params.Int("tokens"))},
                      {"val_windows", std::to_string(windows)}},
                     "trace=charlm");
}

// The experts the model routes each position of held-out windows
// [first, first + windows) to, every window read as one causal sequence
// (the routing a decoder of that text would see): a request per window.
Trace RecordCharLmRouting(CharLm& lm, int64_t first, int64_t windows) {
  const moe::SequenceConfig& c = lm.model->config();
  Trace trace;
  trace.layers = static_cast<int>(c.blocks);
  trace.experts = static_cast<int>(c.moe.experts);
  trace.top_k = static_cast<int>(c.moe.top_k);
  const int64_t L = c.context;
  for (int64_t w = first; w < first + windows; ++w) {
    lm.model->Forward({1, L, lm.val_tokens.data() + w * L, lm.val_targets.data() + w * L}, false,
                      &lm.router_rng);
    for (int64_t i = 0; i < L; ++i) {
      trace.request.push_back(static_cast<int>(w));
      for (int64_t l = 0; l < c.blocks; ++l) {
        const moe::MoeState<float>& state = lm.model->state(l);
        for (int64_t s = 0; s < c.moe.top_k; ++s)
          trace.ids.push_back(state.expert[static_cast<size_t>(i * state.slots + s)]);
      }
    }
  }
  offload::CheckTrace(trace);
  return trace;
}

// Trains the trace's char-LM (once per process for the replicate and trace
// keys) and records its routing: the first `calibration` held-out windows
// calibrate, the next `requests` are replayed.
OffloadTraces CharLmTraces(const Params& params, CellContext& context) {
  const Params lm_params = CharLmTraceParams(params);
  const std::string key = std::to_string(context.DataStream(kOffloadCharLmKeyStream).NextU64());
  return *OncePerProcess<OffloadTraces>(key, [&] {
    const auto lm = MakeCharLm(lm_params, context, context.DataStream(kOffloadCharLmRouterStream));
    TrainCharLm(*lm, lm_params, context);
    const int64_t calibration = params.Int("calibration"), requests = params.Int("requests");
    EXPERTLAB_CHECK(!lm->diverged) << "trace=charlm: the model's training diverged";
    EXPERTLAB_CHECK(lm->val_windows == calibration + requests)
        << "trace=charlm: the held-out text has " << lm->val_windows << " windows of "
        << params.Int("tokens") << " characters; calibration + requests = "
        << calibration + requests << " are needed";
    auto traces = std::make_shared<OffloadTraces>();
    traces->calibration = RecordCharLmRouting(*lm, 0, calibration);
    traces->replay = RecordCharLmRouting(*lm, calibration, requests);
    return std::shared_ptr<const OffloadTraces>(traces);
  });
}

}  // namespace

OffloadTraces BuildOffloadTraces(const Params& params, CellContext& context) {
  const std::string& source = params.String("trace");
  const size_t calibration = static_cast<size_t>(params.Int("calibration"));
  OffloadTraces traces;
  if (source.rfind(kTraceFilePrefix, 0) == 0) {
    const Trace all = offload::LoadTrace(source.substr(std::string(kTraceFilePrefix).size()));
    traces.calibration = RequestSlice(all, 0, calibration);
    traces.replay = RequestSlice(all, calibration, all.request.size());
    EXPERTLAB_CHECK(traces.replay.tokens() > 0)
        << "trace " << source << ": no request left to replay after the " << calibration
        << " calibration requests";
    return traces;
  }
  if (source == kTraceCharLm) return CharLmTraces(params, context);
  Rng data = context.DataStream(kOffloadTraceStream);
  const offload::TraceModel model = offload::DrawTraceModel(OffloadTraceShape(params), data);
  traces.calibration = offload::SampleTrace(model, static_cast<int>(calibration), data);
  traces.replay =
      offload::SampleTrace(model, model.shape.requests, data, static_cast<int>(calibration));
  return traces;
}

offload::TraceShape OffloadTraceShape(const Params& params) {
  offload::TraceShape shape;
  shape.layers = static_cast<int>(params.Int("layers"));
  shape.experts = static_cast<int>(params.Int("experts"));
  shape.top_k = static_cast<int>(params.Int("top_k"));
  shape.requests = static_cast<int>(params.Int("requests"));
  shape.tokens = static_cast<int>(params.Int("tokens"));
  shape.zipf = params.Double("zipf");
  shape.topics = static_cast<int>(params.Int("topics"));
  shape.rho = params.Double("rho");
  shape.beta = params.Double("beta");
  shape.alpha = params.Double("alpha");
  return shape;
}

std::vector<ParamSpec> PolicyAndTraceKeys(const OffloadDefaults& d, const TraceKeyLimits& t) {
  return {
      SpecParam<CachePolicy>("policy", d.policy, "offload cache policy spec"),
      ParamSpec::Double("capacity", d.capacity, Bounds{0, 1, true, false},
                        "cache size as a fraction of the layers x experts (>= top_k experts)"),
      ParamSpec::Int("layers", t.layers, Bounds::Closed(1, t.max_layers), "MoE layers L"),
      ParamSpec::Int("experts", t.experts, Bounds::Closed(1, t.max_experts),
                     "experts per layer E"),
      ParamSpec::Int("top_k", 2, Bounds::Closed(1, t.max_top_k), "experts per token per layer k"),
      ParamSpec::Int("requests", t.requests, Bounds::Closed(1, t.max_count), "requests replayed"),
      ParamSpec::Int("tokens", t.tokens, Bounds::Closed(1, t.max_count), "tokens per request"),
      ParamSpec::Double("zipf", 0.8, Bounds::AtLeast(0), "popularity skew s"),
      ParamSpec::Int("topics", 4, Bounds::Closed(1, 1 << 16), "request topics G"),
      ParamSpec::Double("rho", 0.5, Bounds::Closed(0, 1), "sticky reuse probability per slot"),
      ParamSpec::Double("beta", 0.5, Bounds::Closed(0, 1), "inter-layer transition weight"),
      ParamSpec::Double("alpha", 0.05, Bounds::Positive(), "transition rows' Dirichlet alpha"),
      ParamSpec::Int("calibration", t.calibration, Bounds::Closed(1, t.max_count),
                     "calibration requests (profiles and predictor tables)"),
  };
}

std::vector<ParamSpec> OffloadKeys(const OffloadDefaults& d) {
  std::vector<ParamSpec> keys = PolicyAndTraceKeys(d, TraceKeyLimits{});
  keys.insert(keys.begin() + 2, TraceSourceKey());
  keys.push_back(ParamSpec::Choice("tier", d.tier, {"pcie4", "pcie3", "nvme", "flash"},
                                   "transfer tier (bandwidth and latency per load)"));
  keys.push_back(ParamSpec::Double("expert_mb", 50.3, Bounds::Positive(),
                                   "MB (1e6 bytes) per expert"));
  keys.push_back(ParamSpec::Double("compute_us", 2900, Bounds::AtLeast(0),
                                   "compute time of one layer for one token, us"));
  return keys;
}

std::vector<std::string> OffloadDataKeys() {
  return {"trace", "layers", "experts", "top_k", "requests", "tokens",
          "zipf",  "topics", "rho",     "beta",  "alpha",    "calibration"};
}

void OffloadStudy::CheckCell(const Params& params) const {
  EXPERTLAB_CHECK(params.Int("top_k") <= params.Int("experts"))
      << "top_k must be <= experts, got top_k = " << params.Int("top_k")
      << " and experts = " << params.Int("experts");
  CheckTraceSource(params);
}

ParamSpec TraceSourceKey() {
  return ParamSpec::Text("trace", "synthetic",
                         "synthetic (the generator), charlm (recorded from the trained char-LM "
                         "MoE) or file:<path> (a recorded trace)");
}

void CheckTraceSource(const Params& params) {
  const std::string& source = params.String("trace");
  EXPERTLAB_CHECK(source == "synthetic" || source == kTraceCharLm ||
                  source.rfind(kTraceFilePrefix, 0) == 0)
      << "trace: expected synthetic, charlm or file:<path>, got '" << source << "'";
  if (source == kTraceCharLm) CheckCharLmCell(CharLmTraceParams(params));
}

void RunOffloadCell(const Params& params, CellContext& context) {
  const OffloadTraces traces = BuildOffloadTraces(params, context);
  const Trace& trace = traces.replay;
  const int capacity = std::max(
      trace.top_k, static_cast<int>(std::lround(params.Double("capacity") * trace.keys())));
  const offload::CacheSetup setup = offload::MakeSetup(trace, capacity, &traces.calibration);
  const theory::TransferTier& tier = theory::FindTier(params.String("tier"));
  offload::CostModel cost;
  cost.expert_bytes = params.Double("expert_mb") * 1e6;
  cost.bandwidth = tier.bandwidth_gbps * 1e9;
  cost.latency_seconds = tier.latency_us * 1e-6;
  cost.compute_seconds = params.Double("compute_us") * 1e-6;
  const auto policy = Registry<CachePolicy>::Instance().Create(params.String("policy"));
  Rng rng = context.Stream(kOffloadPolicyStream);
  const offload::ReplayResult r = offload::Replay(trace, *policy, setup, cost, rng);

  context.Record("hit_ratio", 0, r.HitRatio());
  context.Record("loads_per_token", 0, r.LoadsPerToken());
  context.Record("mb_per_token", 0, r.LoadsPerToken() * params.Double("expert_mb"));
  context.Record("stall_ms_per_token", 0, r.StallPerToken() * 1e3);
  context.Record("tokens_per_s", 0, r.TokensPerSecond());
  context.Record("prefetch_precision", 0, r.PrefetchPrecision());
  context.Record("prefetch_recall", 0, r.PrefetchRecall());
  context.Record("capacity_experts", 0, capacity);
  context.Record("theory.demand_tokens_per_s", 0,
                 theory::DemandTokensPerSecond(trace.layers, cost.compute_seconds,
                                               r.LoadsPerToken(), cost.MissSeconds()));
  context.Record("theory.compute_tokens_per_s", 0, 1.0 / (trace.layers * cost.compute_seconds));
}

}  // namespace expertlab::experiments
