// What every benchmark binary adds to the context of its JSON output
// (--benchmark_out=FILE --benchmark_out_format=json), beside Google
// Benchmark's own (host, logical CPUs, clock, caches, load): the CPU model.
// plots/bench_report.py reads it to describe the machine in
// results/BENCH.md, so a report made elsewhere still names the machine
// that measured.
#pragma once

#include <benchmark/benchmark.h>

#include "sim/executor.h"

namespace expertlab {

inline void AddMachineContext() {
  for (const TextAttribute& attribute : MachineAttributes())
    if (attribute.name == "cpu") benchmark::AddCustomContext("cpu_model", attribute.value);
}

}  // namespace expertlab

// BENCHMARK_MAIN() with the machine context added.
#define EXPERTLAB_BENCHMARK_MAIN()                                    \
  int main(int argc, char** argv) {                                   \
    benchmark::Initialize(&argc, argv);                               \
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1; \
    ::expertlab::AddMachineContext();                                 \
    benchmark::RunSpecifiedBenchmarks();                              \
    benchmark::Shutdown();                                            \
    return 0;                                                         \
  }
