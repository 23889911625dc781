#include "sim/experiment.h"

#include <algorithm>
#include <cmath>

#include "sim/bytes.h"

namespace expertlab {

namespace {

// Checkpoint blob: what the cell recorded so far, then its own step and
// state. The magic word tells a checkpoint from any other bytes.
constexpr uint64_t kCheckpointMagic = 0x31544b434c584500ULL;  // "\0EXLCKT1"

}  // namespace

void CellContext::Attribute(std::string_view name, std::string_view value) {
  for (TextAttribute& attribute : attributes_) {
    if (attribute.name == name) {
      attribute.value = value;
      return;
    }
  }
  attributes_.push_back({std::string(name), std::string(value)});
}

std::optional<CellCheckpoint> CellContext::Resume() {
  EXPERTLAB_CHECK(rows_.empty() && attributes_.empty())
      << "CellContext::Resume() must come before anything is recorded";
  if (!checkpoints_) return std::nullopt;
  const std::optional<std::string> blob = checkpoints_->Load();
  if (!blob) return std::nullopt;
  ByteReader in(*blob);
  EXPERTLAB_CHECK(in.Get<uint64_t>() == kCheckpointMagic) << "not a cell checkpoint";
  for (uint64_t i = 0, n = in.Get<uint64_t>(); i < n; ++i) {
    MetricRow row;
    row.step = in.Get<int64_t>();
    row.name = in.GetString();
    row.value = in.Get<double>();
    rows_.push_back(std::move(row));
  }
  for (uint64_t i = 0, n = in.Get<uint64_t>(); i < n; ++i) {
    std::string name = in.GetString();
    attributes_.push_back({std::move(name), in.GetString()});
  }
  CellCheckpoint checkpoint;
  checkpoint.step = in.Get<int64_t>();
  checkpoint.state = in.GetString();
  return checkpoint;
}

void CellContext::SaveCheckpoint(int64_t step, std::string_view state) {
  if (checkpoints_) {
    ByteWriter out;
    out.Put<uint64_t>(kCheckpointMagic);
    out.Put<uint64_t>(rows_.size());
    for (const MetricRow& row : rows_) {
      out.Put<int64_t>(row.step);
      out.PutString(row.name);
      out.Put<double>(row.value);
    }
    out.Put<uint64_t>(attributes_.size());
    for (const TextAttribute& attribute : attributes_) {
      out.PutString(attribute.name);
      out.PutString(attribute.value);
    }
    out.Put<int64_t>(step);
    out.PutString(state);
    checkpoints_->Save(out.Take());
  }
  if (StopRequested()) throw CellStopped{};
}

const Registry<Experiment>::Entry& FindExperiment(std::string_view name) {
  return Registry<Experiment>::Instance().Lookup(name);
}

std::vector<int64_t> LogCheckpoints(int64_t horizon, int per_octave) {
  EXPERTLAB_CHECK(horizon >= 1) << "horizon must be >= 1, got " << horizon;
  EXPERTLAB_CHECK(per_octave >= 1) << "per_octave must be >= 1";
  std::vector<int64_t> steps;
  const double octaves = std::log2(static_cast<double>(horizon));
  const int count = static_cast<int>(std::ceil(octaves * per_octave));
  for (int i = 0; i <= count; ++i) {
    const double t = std::exp2(static_cast<double>(i) / per_octave);
    steps.push_back(std::min<int64_t>(horizon, std::llround(t)));
  }
  steps.push_back(horizon);
  std::sort(steps.begin(), steps.end());
  steps.erase(std::unique(steps.begin(), steps.end()), steps.end());
  return steps;
}

}  // namespace expertlab
