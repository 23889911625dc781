#include "algorithms/offload/trace.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <unordered_set>

#include "sim/check.h"

namespace expertlab::offload {

void CheckTrace(const Trace& trace) {
  EXPERTLAB_CHECK(trace.layers >= 1 && trace.experts >= 1)
      << "trace: layers and experts must be >= 1, got " << trace.layers << " and " << trace.experts;
  EXPERTLAB_CHECK(trace.top_k >= 1 && trace.top_k <= trace.experts)
      << "trace: top_k must be in [1, experts = " << trace.experts << "], got " << trace.top_k;
  EXPERTLAB_CHECK(trace.ids.size() ==
                  trace.request.size() * static_cast<size_t>(trace.layers * trace.top_k))
      << "trace: expected " << trace.layers * trace.top_k << " ids per token";
  std::unordered_set<int> finished;
  for (int64_t t = 0; t < trace.tokens(); ++t) {
    const int r = trace.request[static_cast<size_t>(t)];
    EXPERTLAB_CHECK(r >= 0 && !finished.count(r))
        << "trace: token " << t << " has request " << r
        << "; requests must be non-negative and their tokens consecutive";
    if (t + 1 < trace.tokens() && trace.request[static_cast<size_t>(t + 1)] != r)
      finished.insert(r);
    for (int l = 0; l < trace.layers; ++l) {
      const std::span<const int> set = trace.At(t, l);
      for (size_t j = 0; j < set.size(); ++j) {
        EXPERTLAB_CHECK(set[j] >= 0 && set[j] < trace.experts)
            << "trace: token " << t << " layer " << l << " expert " << set[j] << " outside [0, "
            << trace.experts << ")";
        for (size_t i = 0; i < j; ++i)
          EXPERTLAB_CHECK(set[i] != set[j])
              << "trace: token " << t << " layer " << l << " lists expert " << set[j] << " twice";
      }
    }
  }
}

std::vector<double> KeyFrequencies(const Trace& trace) {
  std::vector<double> counts(static_cast<size_t>(trace.keys()), 0.0);
  for (int64_t p = 0; p < trace.accesses(); ++p) counts[static_cast<size_t>(trace.Key(p))] += 1;
  for (double& c : counts) c /= static_cast<double>(std::max<int64_t>(1, trace.tokens()));
  return counts;
}

Trace LoadTrace(const std::string& path) {
  std::ifstream in(path);
  EXPERTLAB_CHECK(in.good()) << "trace file " << path << ": cannot open";
  Trace trace;
  std::string line;
  int64_t number = 0;
  bool header = false;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    if (!header) {
      std::string magic;
      int version = 0;
      fields >> magic >> version >> trace.layers >> trace.experts >> trace.top_k;
      EXPERTLAB_CHECK(fields && magic == "expertlab-trace" && version == 1)
          << "trace file " << path << " line " << number
          << ": expected 'expertlab-trace 1 <layers> <experts> <top_k>'";
      header = true;
      continue;
    }
    int request = -1;
    fields >> request;
    const int per_token = trace.layers * trace.top_k;
    for (int i = 0, e = 0; i < per_token; ++i) {
      fields >> e;
      trace.ids.push_back(e);
    }
    std::string rest;
    EXPERTLAB_CHECK(fields && !(fields >> rest))
        << "trace file " << path << " line " << number << ": expected a request id and "
        << per_token << " expert ids";
    trace.request.push_back(request);
  }
  EXPERTLAB_CHECK(header) << "trace file " << path << ": no header line";
  try {
    CheckTrace(trace);
  } catch (const std::exception& error) {
    EXPERTLAB_CHECK(false) << "trace file " << path << ": " << error.what();
  }
  return trace;
}

void SaveTrace(const Trace& trace, const std::string& path) {
  CheckTrace(trace);
  std::ofstream out(path);
  EXPERTLAB_CHECK(out.good()) << "trace file " << path << ": cannot write";
  out << "expertlab-trace 1 " << trace.layers << ' ' << trace.experts << ' ' << trace.top_k << '\n';
  for (int64_t t = 0; t < trace.tokens(); ++t) {
    out << trace.request[static_cast<size_t>(t)];
    for (int l = 0; l < trace.layers; ++l)
      for (int e : trace.At(t, l)) out << ' ' << e;
    out << '\n';
  }
  EXPERTLAB_CHECK(out.good()) << "trace file " << path << ": write failed";
}

}  // namespace expertlab::offload
