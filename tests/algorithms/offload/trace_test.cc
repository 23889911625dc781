#include "algorithms/offload/trace.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>

#include "algorithms/offload/trace_generator.h"
#include "sim/check.h"
#include "tests/algorithms/offload/conformance.h"

namespace expertlab::offload {
namespace {

std::string OffloadTempPath(const std::string& name) {
  return std::string(P_tmpdir) + "/expertlab_offload_" + name + ".trace";
}

TEST_CASE("generated traces are well formed and reproducible", "[unit][determinism]") {
  TraceShape shape;
  const testing::TracePair a = testing::MakeTraces(shape, 11);
  const testing::TracePair b = testing::MakeTraces(shape, 11);
  CHECK_NOTHROW(CheckTrace(a.replay));
  CHECK(a.replay.tokens() == int64_t{shape.requests} * shape.tokens);
  CHECK(a.replay.ids == b.replay.ids);
  CHECK(a.replay.request.front() == 8);  // after the calibration requests
}

TEST_CASE("sticky reuse: P(same expert as the previous token) = rho + (1 - rho) / E", "[theory]") {
  // k = 1, balanced popularity (zipf 0), no inter-layer mixing: a slot is a
  // reuse with probability rho, otherwise uniform over E (which repeats the
  // previous expert with probability 1/E). Tolerance: 4 standard errors.
  TraceShape shape;
  shape.layers = 2;
  shape.experts = 10;
  shape.top_k = 1;
  shape.zipf = 0;
  shape.beta = 0;
  shape.rho = 0.4;
  shape.requests = 20;
  shape.tokens = 400;
  const Trace trace = testing::MakeTraces(shape, 5).replay;
  double same = 0, pairs = 0;
  for (int64_t t = 1; t < trace.tokens(); ++t) {
    if (trace.request[size_t(t)] != trace.request[size_t(t - 1)]) continue;
    for (int l = 0; l < shape.layers; ++l) {
      same += trace.At(t, l)[0] == trace.At(t - 1, l)[0];
      pairs += 1;
    }
  }
  const double expected = shape.rho + (1 - shape.rho) / shape.experts;
  CHECK(same / pairs == Approx(expected).margin(4 * std::sqrt(expected * (1 - expected) / pairs)));
}

TEST_CASE("Zipf popularity: the top expert's share is 1 / H(E, s)", "[theory]") {
  TraceShape shape;
  shape.layers = 1;
  shape.experts = 16;
  shape.top_k = 1;
  shape.zipf = 1.0;
  shape.topics = 1;
  shape.rho = 0;
  shape.beta = 0;
  shape.requests = 40;
  shape.tokens = 500;
  const Trace trace = testing::MakeTraces(shape, 9).replay;
  const std::vector<double> freq = KeyFrequencies(trace);
  double harmonic = 0;
  for (int r = 1; r <= shape.experts; ++r) harmonic += 1.0 / r;
  const double top = 1 / harmonic, n = double(trace.tokens());
  CHECK(*std::max_element(freq.begin(), freq.end()) ==
        Approx(top).margin(4 * std::sqrt(top * (1 - top) / n)));
}

TEST_CASE("trace files round-trip and bad files fail with the line", "[unit]") {
  TraceShape shape;
  shape.requests = 3;
  shape.tokens = 5;
  const Trace trace = testing::MakeTraces(shape, 2).replay;
  const std::string path = OffloadTempPath("roundtrip");
  SaveTrace(trace, path);
  const Trace back = LoadTrace(path);
  CHECK(back.ids == trace.ids);
  CHECK(back.request == trace.request);
  CHECK(back.top_k == trace.top_k);
  {
    std::ofstream out(path);
    out << "expertlab-trace 1 2 4 1\n0 1 2\n0 1 7\n";
  }
  CHECK_THROWS_WITH(LoadTrace(path), Catch::Contains("outside [0, 4)"));
  {
    std::ofstream out(path);
    out << "expertlab-trace 1 2 4 1\n0 1\n";
  }
  CHECK_THROWS_WITH(LoadTrace(path), Catch::Contains("line 2"));
  {
    std::ofstream out(path);
    out << "expertlab-trace 1 1 4 1\n0 1\n1 2\n0 3\n";
  }
  CHECK_THROWS_WITH(LoadTrace(path), Catch::Contains("consecutive"));
  std::remove(path.c_str());
  CHECK_THROWS_WITH(LoadTrace(path), Catch::Contains("cannot open"));
}

TEST_CASE("bad trace shapes are errors naming the field", "[unit]") {
  TraceShape shape;
  shape.top_k = 40;
  Rng rng = testing::TestRng(3);
  CHECK_THROWS_WITH(DrawTraceModel(shape, rng), Catch::Contains("top_k"));
  shape = TraceShape();
  shape.rho = 1.5;
  CHECK_THROWS_WITH(DrawTraceModel(shape, rng), Catch::Contains("rho"));
}

}  // namespace
}  // namespace expertlab::offload
