#include "algorithms/offload/engine.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "algorithms/offload/expert_loader.h"
#include "algorithms/offload/io_buffer.h"
#include "algorithms/offload/resident_set.h"
#include "algorithms/offload/stack_decode.h"
#include "sim/check.h"

namespace expertlab::offload {
namespace {

using EngineClock = std::chrono::steady_clock;
double EngineSecondsSince(EngineClock::time_point start) {
  return std::chrono::duration<double>(EngineClock::now() - start).count();
}

}  // namespace

// One run's cache: residency (ResidentSet), a buffer per cached expert and
// the loader, which installs each arriving expert in its layer's slot.
class OffloadEngine::Session {
 public:
  Session(OffloadEngine& engine, CachePolicy& policy, const CacheSetup& setup, ReplayResult& counts)
      : engine_(engine),
        set_(engine.header_.keys(), setup.capacity, policy),
        counts_(counts),
        slot_(static_cast<size_t>(engine.header_.keys()), -1),
        buffers_(setup.capacity, engine.header_.stride) {
    for (int i = 0; i < setup.capacity; ++i) free_.push_back(i);
    loader_ = std::make_unique<ExpertLoader>(
        engine.path_, engine.header_, engine.options_.direct_io, engine.options_.background,
        [this](int key, const uint8_t* blob) { Install(key, blob); });
  }

  ExpertLoader& loader() { return *loader_; }
  bool Resident(int key) const { return set_.Resident(key); }

  // Marks an access; a hit whose load is still queued becomes urgent, and
  // `loading` tells whether a hit's load has yet to finish.
  bool Touch(int key, bool* loading) {
    bool prefetch_used = false;
    const bool hit = set_.Touch(key, &prefetch_used);
    counts_.prefetch_used += prefetch_used;
    *loading = hit && loader_->Expedite(key);
    return hit;
  }

  // Makes `key` resident and queues its load; false when every resident
  // is in `keep`.
  bool Admit(const Access& at, int key, std::span<const int> keep, bool prefetch) {
    int evicted = -1;
    if (!set_.Admit(at, key, keep, prefetch, &evicted)) return false;
    if (evicted >= 0) Release(evicted);
    const int slot = free_.back();
    free_.pop_back();
    slot_[static_cast<size_t>(key)] = slot;
    loader_->Submit(key, buffers_.Slot(slot), !prefetch);
    ++counts_.loads;
    if (prefetch) ++counts_.prefetch_loads;
    return true;
  }

  // Blocks until `key` has arrived and is installed.
  void Ready(int key) { loader_->Wait(key); }

  // The cache slot of a resident key, and its blob.
  int Slot(int key) const { return slot_[static_cast<size_t>(key)]; }
  std::span<const uint8_t> Blob(int key) const {
    return {buffers_.Slot(Slot(key)), static_cast<size_t>(engine_.header_.stride)};
  }

 private:
  void Release(int key) {
    loader_->Wait(key);  // its buffer may still be being written
    free_.push_back(slot_[static_cast<size_t>(key)]);
    slot_[static_cast<size_t>(key)] = -1;
  }

  // On the loading thread: an fp32 expert is decoded into its slot of the
  // slot layer (quantised experts are computed from the blob itself).
  void Install(int key, const uint8_t* blob) {
    if (!engine_.slots_) return;
    const int slot = Slot(key);
    DecodeExpert(engine_.header_, {blob, static_cast<size_t>(engine_.header_.stride)},
                 engine_.slots_->expert_weights_for_update(), slot);
    engine_.slots_->PackExpert(slot);
  }

  OffloadEngine& engine_;
  ResidentSet set_;
  ReplayResult& counts_;
  std::vector<int> slot_;  // buffer of a resident key, -1 otherwise
  IoBuffer buffers_;
  std::vector<int> free_;
  // Declared last: destroyed first, so no load writes a freed buffer.
  std::unique_ptr<ExpertLoader> loader_;
};

OffloadEngine::OffloadEngine(const std::string& path, const EngineOptions& options)
    : path_(path), options_(options) {
  EXPERTLAB_CHECK(options.threads >= 1) << "threads: expected >= 1, got " << options.threads;
  const int fd = ::open(path.c_str(), O_RDONLY);
  EXPERTLAB_CHECK(fd >= 0) << "expert file " << path << ": cannot open: " << std::strerror(errno);
  std::vector<std::vector<float>> routers;
  try {
    header_ = ReadExpertFileHeader(fd, path);
    routers = ReadRouters(fd, header_, path);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  config_.d_model = header_.d_model;
  config_.d_ff = header_.d_ff;
  config_.experts = header_.experts;
  config_.top_k = header_.top_k;
  config_.activation = header_.activation;
  config_.threads = options.threads;
  EXPERTLAB_CHECK(CapacityExperts() >= header_.top_k)
      << "capacity_bytes: expected room for at least top_k = " << header_.top_k << " experts of "
      << header_.stride << " bytes, got " << options.capacity_bytes;
  for (int l = 0; l < header_.layers; ++l)
    routers_.push_back(MakeRouterLayer(config_, routers[static_cast<size_t>(l)]));
  if (header_.format == WeightFormat::kFp32) {
    moe::MoeConfig slots = config_;
    slots.experts = CapacityExperts();
    slots_ = std::make_unique<moe::MoeLayer<float>>(
        MakeStackLayer(slots, moe::MoeWeights<float>::Zeros(slots)));
    slots_->PackExpert(0);  // packs every slot now, so installs touch one slot each
  }
}

OffloadEngine::~OffloadEngine() = default;

int OffloadEngine::CapacityExperts() const {
  return static_cast<int>(
      std::min<int64_t>(options_.capacity_bytes / header_.stride, header_.keys()));
}

CacheSetup OffloadEngine::Setup(const Trace* calibration) const {
  Trace shape;
  shape.layers = header_.layers;
  shape.experts = header_.experts;
  shape.top_k = header_.top_k;
  return MakeSetup(shape, CapacityExperts(), calibration);
}

EngineResult OffloadEngine::Run(std::span<const float> inputs, CachePolicy& policy,
                                const CacheSetup& setup, const Trace* forced, Rng& rng) {
  const int64_t d = config_.d_model;
  const int L = header_.layers, E = header_.experts, k = header_.top_k;
  EXPERTLAB_CHECK(inputs.size() % static_cast<size_t>(d) == 0)
      << "offload engine: inputs are not [tokens x " << d << "]";
  const int64_t tokens = static_cast<int64_t>(inputs.size()) / d;
  if (forced != nullptr) CheckForcedTrace(*forced, L, config_, tokens);
  EXPERTLAB_CHECK(setup.layers == L && setup.experts == E && setup.capacity == CapacityExperts())
      << "offload engine: the setup does not match the model and a cache of " << CapacityExperts()
      << " experts (use Setup())";
  EXPERTLAB_CHECK(forced != nullptr || !policy.ReadsFuture())
      << "offload engine: this policy reads the future; give the engine a forced trace";
  policy.Start(setup, policy.ReadsFuture() ? forced : nullptr, rng);

  EngineResult result;
  result.output.assign(inputs.begin(), inputs.end());
  result.trace.layers = L;
  result.trace.experts = E;
  result.trace.top_k = k;
  ReplayResult& counts = result.counts;
  counts.tokens = tokens;
  Session session(*this, policy, setup, counts);
  moe::MoeState<float> state;
  std::vector<float> y(static_cast<size_t>(d)), hidden;
  std::vector<int> need(static_cast<size_t>(k));
  std::vector<ExpertView> views;
  const EngineClock::time_point run_start = EngineClock::now();
  for (int64_t t = 0; t < tokens; ++t) {
    TokenLatency latency;
    const double load_before = session.loader().LoadSeconds();
    const int64_t loads_before = counts.loads;
    const int request = forced != nullptr ? forced->request[static_cast<size_t>(t)] : 0;
    result.trace.request.push_back(request);
    const std::span<float> h(result.output.data() + t * d, static_cast<size_t>(d));
    for (int l = 0; l < L; ++l) {
      const EngineClock::time_point route_start = EngineClock::now();
      RouteToken(routers_[static_cast<size_t>(l)], h.data(), &state, forced, t, l);
      latency.compute += EngineSecondsSince(route_start);

      const EngineClock::time_point stall_start = EngineClock::now();
      Access at{(t * L + l) * k, t, l, request};
      for (int j = 0; j < k; ++j) {
        need[static_cast<size_t>(j)] = l * E + state.expert[static_cast<size_t>(j)];
        result.trace.ids.push_back(state.expert[static_cast<size_t>(j)]);
      }
      bool waits = false;  // a miss, or a prefetch of a needed expert still loading
      for (int j = 0; j < k; ++j, ++at.position) {
        const int key = need[static_cast<size_t>(j)];
        bool loading = false;
        const bool hit = session.Touch(key, &loading);
        waits = waits || !hit || loading;
        // capacity >= top_k leaves a candidate outside the layer's other experts.
        if (!hit) {
          EXPERTLAB_CHECK(session.Admit(at, key, need, false))
              << "offload engine: no expert to evict";
        }
        policy.OnAccess(at, key, hit);
        counts.hits += hit;
      }
      counts.accesses += k;
      counts.waits += waits;
      for (int key : need) session.Ready(key);
      for (int key : policy.Prefetch(at)) {
        EXPERTLAB_CHECK(key >= 0 && key < header_.keys())
            << "offload policy prefetched key " << key << ", outside [0, " << header_.keys() << ")";
        if (!session.Resident(key) && !session.Admit(at, key, need, true)) break;
      }
      latency.stall += EngineSecondsSince(stall_start);

      const EngineClock::time_point compute_start = EngineClock::now();
      if (slots_) {
        for (int j = 0; j < k; ++j)
          state.expert[static_cast<size_t>(j)] = session.Slot(need[static_cast<size_t>(j)]);
        slots_->RunExperts(y.data(), &state);
      } else {
        views.clear();
        for (int key : need) views.push_back(ExpertViewOf(header_, session.Blob(key)));
        ApplyExpertViews(views, state.weight, h, y, &hidden, options_.threads);
      }
      AddResidual(h, y);
      latency.compute += EngineSecondsSince(compute_start);
    }
    latency.load = session.loader().LoadSeconds() - load_before;
    latency.loads = counts.loads - loads_before;
    result.per_token.push_back(latency);
    result.compute_seconds += latency.compute;
    counts.stall_seconds += latency.stall;
  }
  counts.total_seconds = EngineSecondsSince(run_start);
  session.loader().Drain();  // prefetches still in flight count in the loads
  result.read_seconds = session.loader().ReadSeconds();
  result.load_seconds = session.loader().LoadSeconds();
  result.bytes_read = session.loader().BytesRead();
  return result;
}

}  // namespace expertlab::offload
