// The MoE layer allocates nothing in steady state: once a Forward and a
// Backward have run on some input, a second pass on it reuses the layer's,
// the router's, the state's and the engine's buffers. Counted by
// replacing the global allocation functions (for the whole test binary; they
// only count and forward to malloc / aligned_alloc).
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <vector>

#include "algorithms/moe/layer.h"
#include "algorithms/moe/topk_softmax.h"
#include "sim/rng.h"
#include "sim/samplers.h"

namespace {
// Allocations made by this thread (the layer runs on it with threads = 1).
thread_local int64_t allocations = 0;

void* AllocateOrNull(std::size_t size, std::size_t align) noexcept {
  ++allocations;
  if (size == 0) size = 1;
  return align <= alignof(std::max_align_t)
             ? std::malloc(size)
             : std::aligned_alloc(align, (size + align - 1) / align * align);
}

void* Allocate(std::size_t size, std::size_t align) {
  void* p = AllocateOrNull(size, align);
  if (!p) throw std::bad_alloc();
  return p;
}
}  // namespace

// Every form is replaced, so each allocation and its release meet in the
// same allocator (under AddressSanitizer too, whose own forms would otherwise
// pair with these and report a mismatch).
void* operator new(std::size_t size) { return Allocate(size, alignof(std::max_align_t)); }
void* operator new[](std::size_t size) { return Allocate(size, alignof(std::max_align_t)); }
void* operator new(std::size_t size, std::align_val_t align) {
  return Allocate(size, static_cast<std::size_t>(align));
}
void* operator new[](std::size_t size, std::align_val_t align) {
  return Allocate(size, static_cast<std::size_t>(align));
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return AllocateOrNull(size, alignof(std::max_align_t));
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return AllocateOrNull(size, alignof(std::max_align_t));
}
void* operator new(std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
  return AllocateOrNull(size, static_cast<std::size_t>(align));
}
void* operator new[](std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
  return AllocateOrNull(size, static_cast<std::size_t>(align));
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }

namespace expertlab::moe {
namespace {

template <class S>
void CheckSteadyStateAllocations(Activation activation, double capacity_factor) {
  MoeConfig config;
  config.d_model = 24;
  config.d_ff = 40;
  config.experts = 5;
  config.top_k = 2;
  config.shared_experts = 1;
  config.activation = activation;
  config.capacity_factor = capacity_factor;
  config.check_numerics = true;
  Rng rng(7, 0, 0, 1);
  MoeLayer<S> layer(config, std::make_unique<TopKSoftmax>(true),
                    MoeWeights<S>::Random(config, rng, 3.0));
  const int64_t tokens = 19;
  std::vector<S> x(tokens * config.d_model), dy(x.size()), y(x.size()), dx(x.size());
  for (auto& v : x) v = static_cast<S>(Normal(rng));
  for (auto& v : dy) v = static_cast<S>(Normal(rng));
  MoeState<S> state;
  MoeWeights<S> grads;
  const AuxLossWeights aux{0.01, 0.001};
  auto step = [&] {
    layer.Forward(x.data(), tokens, y.data(), &state, /*training=*/true);
    layer.Backward(dy.data(), state, dx.data(), &grads, aux);
  };
  const int64_t start = allocations;
  step();  // sizes every buffer
  const int64_t before = allocations;
  CHECK(before > start);  // the counter sees the layer's allocations
  step();
  CHECK(allocations - before == 0);
}

TEST_CASE("MoE layer: Forward and Backward allocate nothing in steady state", "[moe]") {
  SECTION("float SwiGLU, dropless") { CheckSteadyStateAllocations<float>(Activation::kSwiGlu, 0); }
  SECTION("float GELU, capacity") { CheckSteadyStateAllocations<float>(Activation::kGelu, 1.0); }
  SECTION("double ReLU") { CheckSteadyStateAllocations<double>(Activation::kRelu, 0); }
}

}  // namespace
}  // namespace expertlab::moe
