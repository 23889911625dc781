// The memory model measured by allocation: a counting allocator (this test
// binary replaces malloc and its relatives, forwarding to glibc's) meters
// every byte a learner allocates inside its own calls. A bounded-memory
// learner with S words must never make an allocation of O(n) size, and a
// full-memory learner must be charged (MemoryWords) for every number it
// keeps. Sanitizer builds bring their own allocator, so there the test is
// skipped.
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <string>

#include "algorithms/experts/instance.h"
#include "algorithms/experts/learner.h"
#include "sim/registry.h"
#include "tests/algorithms/experts/test_util.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define EXPERTLAB_ALLOCATION_METER 0
#else
#define EXPERTLAB_ALLOCATION_METER 1

namespace {

std::atomic<bool> meter_on{false};
std::atomic<int64_t> meter_total{0};    // bytes allocated while on
std::atomic<int64_t> meter_largest{0};  // largest single allocation while on

void MeterNote(size_t bytes) {
  if (!meter_on.load(std::memory_order_relaxed)) return;
  const auto size = static_cast<int64_t>(bytes);
  meter_total.fetch_add(size, std::memory_order_relaxed);
  if (size > meter_largest.load(std::memory_order_relaxed))
    meter_largest.store(size, std::memory_order_relaxed);
}

}  // namespace

extern "C" {
void* __libc_malloc(size_t size) noexcept;
void __libc_free(void* pointer) noexcept;
void* __libc_calloc(size_t count, size_t size) noexcept;
void* __libc_realloc(void* pointer, size_t size) noexcept;
void* __libc_memalign(size_t alignment, size_t size) noexcept;

void* malloc(size_t size) noexcept {
  MeterNote(size);
  return __libc_malloc(size);
}
void free(void* pointer) noexcept { __libc_free(pointer); }
void* calloc(size_t count, size_t size) noexcept {
  MeterNote(count * size);
  return __libc_calloc(count, size);
}
void* realloc(void* pointer, size_t size) noexcept {
  MeterNote(size);
  return __libc_realloc(pointer, size);
}
void* memalign(size_t alignment, size_t size) noexcept {
  MeterNote(size);
  return __libc_memalign(alignment, size);
}
void* aligned_alloc(size_t alignment, size_t size) noexcept {
  MeterNote(size);
  return __libc_memalign(alignment, size);
}
int posix_memalign(void** out, size_t alignment, size_t size) noexcept {
  MeterNote(size);
  *out = __libc_memalign(alignment, size);
  return *out != nullptr ? 0 : ENOMEM;
}
}
#endif

namespace expertlab::experts {
namespace {

#if EXPERTLAB_ALLOCATION_METER

struct Metered {
  int64_t total = 0;
  int64_t largest = 0;
};

// Runs `call` with the meter on and returns what it allocated.
template <class Call>
Metered Meter(Call&& call) {
  meter_total.store(0);
  meter_largest.store(0);
  meter_on.store(true);
  call();
  meter_on.store(false);
  return {meter_total.load(), meter_largest.load()};
}

// One day's losses served one expert at a time (what the harness gives a
// bounded learner), so the game itself allocates nothing of size n.
class StreamedDay final : public LossSource {
 public:
  explicit StreamedDay(const LossSequence& sequence) : sequence_(sequence) {}
  void set_day(int64_t day) { day_ = day; }
  double At(int expert) const override { return sequence_.Loss(day_, expert); }

 private:
  const LossSequence& sequence_;
  int64_t day_ = 1;
};

// Plays `days` days of a planted instance with n experts, metering the
// learner's calls only: Start, and every day's Act, ExpectedLoss, Observe.
struct GameMeter {
  Metered start;
  int64_t daily_largest = 0;
};

GameMeter MeterGame(ExpertsLearner& learner, int n, int64_t days) {
  auto sequence = testing::MakeSequence("planted_bernoulli(delta=0.25)");
  sequence->Start(n, days, testing::TestRng(2));
  GameMeter result;
  result.start = Meter([&] { learner.Start(n, days, testing::TestRng(1)); });
  StreamedDay day_losses(*sequence);
  Eigen::ArrayXd dense;
  const bool full = learner.MemoryBudget() >= n;
  if (full) dense.resize(n);
  for (int64_t day = 1; day <= days; ++day) {
    day_losses.set_day(day);
    if (full)
      for (int i = 0; i < n; ++i) dense[i] = sequence->Loss(day, i);
    const LossView view = full ? LossView(dense, learner, true) : LossView(day_losses, n, learner);
    const Metered today = Meter([&] {
      learner.Act();
      learner.ExpectedLoss(view);
      learner.Observe(view);
    });
    result.daily_largest = std::max(result.daily_largest, today.largest);
  }
  return result;
}

TEST_CASE("no bounded-memory learner allocates O(n)", "[theory][memory]") {
  // n = 2^20 experts, S = 32 words: an array over the experts would be at
  // least 2^20 * 4 bytes in one allocation; S words of (id, statistic) with
  // an id index and scratch of the pool's size take a few KiB. Every
  // registered learner with a memory budget is checked (new learners too).
  const int n = 1 << 20;
  const int64_t memory = 32, days = 3000;
  const int64_t ceiling = 64 * memory + 4096;  // bytes in any one allocation
  for (const auto& entry : Registry<ExpertsLearner>::Instance().Describe()) {
    if (std::none_of(entry.params.begin(), entry.params.end(),
                     [](const ParamSpec& param) { return param.name == "memory"; }))
      continue;
    const std::string spec = entry.name + "(memory=" + std::to_string(memory) + ")";
    INFO(spec << ": largest single allocation must stay <= " << ceiling << " bytes");
    auto learner = testing::MakeLearner(spec);
    const GameMeter meter = MeterGame(*learner, n, days);
    CHECK(meter.start.largest <= ceiling);
    CHECK(meter.daily_largest <= ceiling);
    CHECK(learner->MemoryWords() <= memory);
  }
}

TEST_CASE("full-memory learners are charged for every number they keep", "[theory][memory]") {
  // What Start allocates is what the learner keeps between days (nothing is
  // freed before day 1); it must fit in the words it is charged (8 bytes
  // each, plus a small constant for the object's own bookkeeping), and a
  // day's work must not allocate more than that either.
  const int n = 1 << 14;
  for (const std::string spec : {"hedge", "hedge(schedule=anytime)", "mw", "ftpl", "ftl"}) {
    auto learner = testing::MakeLearner(spec);
    const GameMeter meter = MeterGame(*learner, n, 200);
    const int64_t charged = 8 * learner->MemoryWords();
    INFO(spec << ": Start allocated " << meter.start.total << " bytes, charged " << charged);
    CHECK(meter.start.total <= charged + 1024);
    CHECK(meter.start.total >= 8 * n);  // it does keep its per-expert arrays
    CHECK(meter.daily_largest <= charged);
  }
}

#endif

}  // namespace
}  // namespace expertlab::experts
