#include "algorithms/offload/engine.h"

#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "algorithms/offload/io_buffer.h"
#include "algorithms/offload/scratch_dir.h"
#include "algorithms/offload/stack_decode.h"
#include "sim/samplers.h"
#include "tests/algorithms/offload/conformance.h"

namespace expertlab::offload {
namespace {

// A temporary directory removed with the object.
// The tiny model of every case: 2 layers of 8 experts, d = 32, f = 64, top-2.
MoeStack EngineTinyStack() {
  moe::MoeConfig config;
  config.d_model = 32;
  config.d_ff = 64;
  config.experts = 8;
  config.top_k = 2;
  Rng rng = testing::TestRng(11);
  return RandomMoeStack(config, 2, rng);
}

std::vector<float> EngineTinyInputs(int64_t tokens) {
  Rng rng = testing::TestRng(12);
  std::vector<float> x(static_cast<size_t>(tokens * 32));
  for (auto& v : x) v = static_cast<float>(Normal(rng, 0.0, 1.0));
  return x;
}

Trace EngineTinyTrace(int requests, int tokens) {
  TraceShape shape;
  shape.layers = 2;
  shape.experts = 8;
  shape.top_k = 2;
  shape.requests = requests;
  shape.tokens = tokens;
  shape.rho = 0.6;
  return testing::MakeTraces(shape, 5, 2).replay;
}

int64_t EngineStride(const std::string& file) {
  return OffloadEngine(file, {.capacity_bytes = int64_t{1} << 40}).header().stride;
}

EngineResult EngineRunSpec(const std::string& file, const std::string& spec, int capacity,
                           const std::vector<float>& inputs, const Trace* forced, bool background) {
  OffloadEngine engine(file,
                       {.capacity_bytes = capacity * EngineStride(file), .background = background});
  auto policy = Registry<CachePolicy>::Instance().Create(spec);
  Rng rng = testing::TestRng(2, 4);  // ReplaySpec's stream for seed 4
  return engine.Run(inputs, *policy, engine.Setup(nullptr), forced, rng);
}

bool EngineSameBits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

TEST_CASE("engine output equals the in-memory layers bit for bit at every capacity",
          "[unit][theory]") {
  // The engine computes with the in-memory layer's kernels on the blob it
  // loaded, so any difference at all (tolerance 0) means a wrong or stale
  // expert was used.
  const ScratchDir dir("engine_bits");
  const std::string file = dir.ExpertFile();
  const MoeStack stack = EngineTinyStack();
  WriteExpertFile(file, stack, WeightFormat::kFp32, 0);
  const std::vector<float> inputs = EngineTinyInputs(20);
  const std::vector<float> reference = DecodeInMemory(stack, inputs, nullptr);
  const Trace trace = EngineTinyTrace(4, 5);
  const std::vector<float> forced_reference = DecodeInMemory(stack, inputs, &trace);
  CHECK_FALSE(EngineSameBits(reference, forced_reference));
  for (int capacity : {2, 5, 16}) {
    for (bool background : {false, true}) {
      INFO("capacity " << capacity << " background " << background);
      CHECK(EngineSameBits(EngineRunSpec(file, "lru", capacity, inputs, nullptr, background).output,
                           reference));
      CHECK(EngineSameBits(EngineRunSpec(file, "lfu", capacity, inputs, nullptr, background).output,
                           reference));
      CHECK(EngineSameBits(
          EngineRunSpec(file, "speculative(recall=0.7)", capacity, inputs, &trace, background)
              .output,
          forced_reference));
    }
  }
}

TEST_CASE("engine hits, loads and prefetches equal the simulator's on the same trace", "[unit]") {
  // Both harnesses take the same eviction decisions from the same policy
  // calls (ResidentSet), so every count agrees exactly; only times (and so
  // which layers find a prefetch still loading) differ.
  const ScratchDir dir("engine_sim");
  const std::string file = dir.ExpertFile();
  WriteExpertFile(file, EngineTinyStack(), WeightFormat::kFp32, 0);
  const Trace trace = EngineTinyTrace(4, 6);
  const std::vector<float> inputs = EngineTinyInputs(trace.tokens());
  for (const char* spec : {"lru", "lfu", "speculative(recall=0.7)", "belady"}) {
    for (int capacity : {2, 6}) {
      INFO(spec << " capacity " << capacity);
      const EngineResult engine = EngineRunSpec(file, spec, capacity, inputs, &trace, true);
      const ReplayResult sim =
          testing::ReplaySpec(spec, trace, capacity, nullptr, testing::UnitCost(), 4);
      CHECK(engine.counts.hits == sim.hits);
      CHECK(engine.counts.loads == sim.loads);
      CHECK(engine.counts.prefetch_loads == sim.prefetch_loads);
      CHECK(engine.counts.prefetch_used == sim.prefetch_used);
      // Without prefetch a layer waits exactly when it misses, in both.
      if (sim.prefetch_loads == 0) CHECK(engine.counts.waits == sim.waits);
      CHECK(engine.bytes_read == engine.counts.loads * EngineStride(file));
      CHECK(engine.trace.ids == trace.ids);
    }
  }
}

TEST_CASE("the per-token breakdown adds up to the run's totals", "[unit]") {
  // Each token's stall, compute and queued transfers sum to the run's; the
  // loads finished during tokens are at most all loads, and every one of
  // them when loads are synchronous (no thread: each ends in its token).
  const ScratchDir dir("engine_latency");
  const std::string file = dir.ExpertFile();
  WriteExpertFile(file, EngineTinyStack(), WeightFormat::kFp32, 0);
  const Trace trace = EngineTinyTrace(4, 6);
  const std::vector<float> inputs = EngineTinyInputs(trace.tokens());
  for (bool background : {false, true}) {
    INFO("background " << background);
    const EngineResult r =
        EngineRunSpec(file, "speculative(recall=0.7)", 3, inputs, &trace, background);
    REQUIRE(r.per_token.size() == static_cast<size_t>(trace.tokens()));
    double stall = 0, compute = 0, load = 0;
    int64_t loads = 0;
    for (const TokenLatency& t : r.per_token) {
      stall += t.stall;
      compute += t.compute;
      load += t.load;
      loads += t.loads;
    }
    CHECK(loads == r.counts.loads);
    CHECK(stall == Approx(r.counts.stall_seconds).epsilon(1e-12));
    CHECK(compute == Approx(r.compute_seconds).epsilon(1e-12));
    CHECK(load <= r.load_seconds * (1 + 1e-12));
    if (!background) CHECK(load == Approx(r.load_seconds).epsilon(1e-12));
  }
}

// Overwrites one byte of `file` at `offset` with its complement.
void EngineFlipByte(const std::string& file, int64_t offset) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(offset);
  const char c = static_cast<char>(f.get());
  f.seekp(offset);
  f.put(static_cast<char>(~c));
}

TEST_CASE("the expert checksum changes with any one flipped bit or a dropped byte", "[unit]") {
  // 203 bytes: six 32-byte rounds of the four lanes, a tail word and 3 tail
  // bytes, so every stage of the checksum is covered.
  Rng rng(11, 0, 0, 0);
  std::vector<uint8_t> bytes(203);
  for (auto& b : bytes) b = static_cast<uint8_t>(rng.UniformInt(256));
  const uint64_t clean = Fnv1a64(bytes);
  for (size_t i = 0; i < bytes.size(); ++i)
    for (int bit = 0; bit < 8; ++bit) {
      bytes[i] ^= static_cast<uint8_t>(1 << bit);
      REQUIRE(Fnv1a64(bytes) != clean);
      bytes[i] ^= static_cast<uint8_t>(1 << bit);
    }
  CHECK(Fnv1a64(std::span<const uint8_t>(bytes).first(bytes.size() - 1)) != clean);
  CHECK(Fnv1a64(bytes) == clean);
}

TEST_CASE("a corrupted or truncated expert file is an error, never a wrong output", "[unit]") {
  const ScratchDir dir("engine_corrupt");
  const std::string file = dir.ExpertFile();
  WriteExpertFile(file, EngineTinyStack(), WeightFormat::kFp32, 0);
  const Trace trace = EngineTinyTrace(1, 4);
  const std::vector<float> inputs = EngineTinyInputs(trace.tokens());
  const ExpertFileHeader header = OffloadEngine(file, {.capacity_bytes = 1 << 30}).header();
  // The first expert token 0 needs at layer 1.
  const int key = header.experts + trace.At(0, 1)[0];
  SECTION("a flipped byte inside an expert") {
    EngineFlipByte(file, header.Offset(key) + header.expert_bytes / 2);
    for (bool background : {false, true})
      CHECK_THROWS_WITH(EngineRunSpec(file, "lru", 16, inputs, &trace, background),
                        Catch::Contains("checksum mismatch for layer 1 expert " +
                                        std::to_string(trace.At(0, 1)[0])));
  }
  SECTION("a flipped byte in the header or the routers") {
    EngineFlipByte(file, 8 * 6);
    CHECK_THROWS_WITH(EngineRunSpec(file, "lru", 16, inputs, &trace, true),
                      Catch::Contains("header checksum"));
    EngineFlipByte(file, 8 * 6);
    EngineFlipByte(file, header.router_offset + 5);
    CHECK_THROWS_WITH(EngineRunSpec(file, "lru", 16, inputs, &trace, true),
                      Catch::Contains("router checksum"));
  }
  SECTION("a truncated file") {
    std::filesystem::resize_file(file, header.FileBytes() - 1);
    CHECK_THROWS_WITH(EngineRunSpec(file, "lru", 16, inputs, &trace, true),
                      Catch::Contains("truncated"));
  }
}

TEST_CASE("engine options: capacity below top_k is rejected, and O_DIRECT gives the same output",
          "[unit]") {
  const ScratchDir dir("engine_options");
  const std::string file = dir.ExpertFile();
  const MoeStack stack = EngineTinyStack();
  WriteExpertFile(file, stack, WeightFormat::kFp32, 0);
  CHECK_THROWS_WITH(OffloadEngine(file, {.capacity_bytes = EngineStride(file)}),
                    Catch::Contains("capacity_bytes"));
  const std::vector<float> inputs = EngineTinyInputs(6);
  std::unique_ptr<OffloadEngine> engine;
  try {
    engine = std::make_unique<OffloadEngine>(
        file, EngineOptions{.capacity_bytes = 3 * EngineStride(file), .direct_io = true});
    auto policy = Registry<CachePolicy>::Instance().Create("lru");
    Rng rng = testing::TestRng(4);
    const EngineResult r = engine->Run(inputs, *policy, engine->Setup(nullptr), nullptr, rng);
    CHECK(EngineSameBits(r.output, DecodeInMemory(stack, inputs, nullptr)));
  } catch (const Error& e) {
    // Some file systems (tmpfs) refuse O_DIRECT; the error says so.
    CHECK_THAT(e.what(), Catch::Contains("O_DIRECT"));
    WARN("O_DIRECT not supported in " << dir.path() << ": " << e.what());
  }
}

TEST_CASE("a quantised expert file is computed from its cached codes at every capacity", "[unit]") {
  // The engine keeps a quantised expert as its blob and computes from the
  // codes, so it equals the in-memory decode of the same quantised experts
  // bit for bit (tolerance 0: any other expert or a stale blob differs),
  // and the model with dequantised weights up to float rounding.
  const ScratchDir dir("engine_quant");
  const std::string file = dir.ExpertFile();
  MoeStack stack = EngineTinyStack();
  const std::vector<float> inputs = EngineTinyInputs(12);
  const Trace trace = EngineTinyTrace(3, 4);
  for (WeightFormat format : {WeightFormat::kInt8, WeightFormat::kInt4}) {
    WriteExpertFile(file, stack, format, 16);
    const std::vector<float> reference = DecodeInMemory(stack, inputs, nullptr, format, 16);
    const std::vector<float> forced_reference = DecodeInMemory(stack, inputs, &trace, format, 16);
    for (int capacity : {2, 5, 16}) {
      INFO(FormatName(format) << " capacity " << capacity);
      CHECK(EngineSameBits(EngineRunSpec(file, "lru", capacity, inputs, nullptr, true).output,
                           reference));
      CHECK(EngineSameBits(
          EngineRunSpec(file, "speculative(recall=0.7)", capacity, inputs, &trace, true).output,
          forced_reference));
    }
    MoeStack dequantised = stack;
    for (auto& layer : dequantised.layers)
      for (auto* block : {&layer.w_gate, &layer.w_up, &layer.w_down}) {
        // Rows of 64 (gate, up) or 32 (down) values; groups of 16 split both.
        const int64_t cols = block == &layer.w_down ? 32 : 64;
        const int64_t rows = static_cast<int64_t>(block->size()) / cols;
        Dequantize(Quantize(*block, rows, cols, format, 16), *block);
      }
    const std::vector<float> dense = DecodeInMemory(dequantised, inputs, nullptr);
    for (size_t i = 0; i < dense.size(); ++i) CHECK(reference[i] == Approx(dense[i]).margin(1e-4));
  }
  WriteExpertFile(file, stack, WeightFormat::kInt4, 16);
  CHECK(EngineStride(file) == 8192);  // 3 x (1024 codes + 512 scale bytes), aligned up
}

TEST_CASE("io buffer slots are stride apart, zeroed and O_DIRECT aligned", "[unit]") {
  const int64_t stride = 3 * 4096;
  const IoBuffer buffer(5, stride);
  for (int s = 0; s < 5; ++s) {
    CHECK(buffer.Slot(s) - buffer.Slot(0) == s * stride);
    CHECK(reinterpret_cast<uintptr_t>(buffer.Slot(s)) % 4096 == 0);
  }
  const std::vector<uint8_t> zeros(static_cast<size_t>(5 * stride), 0);
  CHECK(std::memcmp(buffer.Slot(0), zeros.data(), zeros.size()) == 0);
  CHECK_THROWS_WITH(IoBuffer(2, 4000), Catch::Contains("multiple of 4096"));
}

}  // namespace
}  // namespace expertlab::offload
