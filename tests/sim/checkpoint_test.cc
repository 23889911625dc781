// Long cells resume from their last checkpoint with the rows an
// uninterrupted run gives, byte for byte. tests/cli/checkpoint.sh kills
// test_long_cell with SIGKILL mid-cell through the real command line.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "sim/bytes.h"
#include "sim/check.h"
#include "sim/executor.h"
#include "sim/experiment.h"
#include "tests/sim/memory_checkpoints.h"

namespace expertlab {
namespace {

// A random walk of `steps` steps that checkpoints every `every` steps and
// may pause between steps (so a CLI test can kill it mid-cell). Its state
// is the walk's position; each step's draw comes from a stream of its own,
// so the walk does not depend on where it was resumed.
class LongCell final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override {
    return {ParamSpec::Int("steps", 64, Bounds::Closed(1, 1 << 20), "steps of the walk"),
            ParamSpec::Int("every", 8, Bounds::Closed(1, 1 << 20), "steps between checkpoints"),
            ParamSpec::Int("pause_ms", 0, Bounds::Closed(0, 1000), "pause after each step"),
            ParamSpec::Int("x", 0, Bounds::Closed(0, 100), "a grid value")};
  }
  void RunCell(const Params& p, CellContext& context) const override {
    int64_t step = 0;
    double position = 0;
    if (auto resumed = context.Resume()) {
      step = resumed->step;
      ByteReader state(resumed->state);
      position = state.Get<double>();
    }
    context.Attribute("walk", "gaussian");
    const int64_t steps = p.Int("steps");
    while (step < steps) {
      position += context.Stream(static_cast<uint64_t>(step)).Uniform() - 0.5;
      ++step;
      context.Record("position", step, position);
      std::this_thread::sleep_for(std::chrono::milliseconds(p.Int("pause_ms")));
      if (step % p.Int("every") == 0 && step < steps) {
        ByteWriter state;
        state.Put<double>(position);
        context.SaveCheckpoint(step, state.bytes());
      }
    }
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(LongCell, "test_long_cell",
                              "engine test: a long cell that checkpoints")

namespace {

using testing::MemoryCheckpoints;
using testing::SameRows;

std::vector<MetricRow> Walk(CheckpointIo* io, const std::atomic<bool>* stop) {
  Params params(
      {{"steps", int64_t{40}}, {"every", int64_t{7}}, {"pause_ms", int64_t{0}}, {"x", int64_t{0}}});
  CellContext context(3, 11, 12, 0, 1, io, stop);
  LongCell().RunCell(params, context);
  CHECK(context.attributes().size() == 1);
  return context.rows();
}

TEST_CASE("a stopped long cell resumes to the uninterrupted rows", "[unit][determinism]") {
  const std::vector<MetricRow> whole = Walk(nullptr, nullptr);
  REQUIRE(whole.size() == 40);
  for (int stop_after : {1, 2, 5}) {
    INFO("stopped after checkpoint " << stop_after);
    MemoryCheckpoints io;
    io.stop_after = stop_after;
    CHECK_THROWS_AS(Walk(&io, &io.stop), CellStopped);
    REQUIRE(io.blob_);
    io.stop = false;
    CHECK(SameRows(Walk(&io, &io.stop), whole));
  }
}

TEST_CASE("Resume comes first and rejects foreign bytes", "[unit]") {
  MemoryCheckpoints io;
  io.blob_ = "not a checkpoint at all";
  CellContext context(3, 11, 12, 0, 1, &io, nullptr);
  CHECK_THROWS_WITH(context.Resume(), Catch::Contains("checkpoint state is truncated") ||
                                          Catch::Contains("not a cell checkpoint"));
  CellContext recorded(3, 11, 12, 0, 1, &io, nullptr);
  recorded.Record("x", 0, 1.0);
  CHECK_THROWS_WITH(recorded.Resume(), Catch::Contains("before anything is recorded"));
}

}  // namespace
}  // namespace expertlab
