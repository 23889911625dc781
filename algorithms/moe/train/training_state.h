// Checkpoints of a training run (sim/bytes.h), so a long training cell
// resumes after a kill with the rows of an uninterrupted run: every
// parameter of the model, the optimiser's step count and moments, and each
// block's router state (Router::SaveState). Random streams are saved by
// their owners (Rng::Save). Works with MoeModel and SequenceModel.
#pragma once

#include "algorithms/moe/train/adamw.h"
#include "sim/bytes.h"
#include "sim/check.h"

namespace expertlab::moe {

template <class Model, class S>
void SaveTraining(Model& model, const AdamW<S>& optimizer, ByteWriter& out) {
  const auto params = model.Params();
  out.Put<uint64_t>(params.size());
  for (const auto& p : params) {
    out.Put<int64_t>(p.size);
    for (int64_t i = 0; i < p.size; ++i) out.Put<S>(p.value[i]);
  }
  optimizer.Save(out);
  for (int64_t b = 0; b < model.blocks(); ++b) model.layer(b).router().SaveState(out);
}

// Restores what SaveTraining wrote into a model of the same configuration.
template <class Model, class S>
void RestoreTraining(ByteReader& in, Model& model, AdamW<S>& optimizer) {
  const auto params = model.Params();
  EXPERTLAB_CHECK(in.Get<uint64_t>() == params.size())
      << "checkpoint: the saved model has another number of parameter blocks";
  for (const auto& p : params) {
    EXPERTLAB_CHECK(in.Get<int64_t>() == p.size)
        << "checkpoint: a saved parameter block has another size";
    for (int64_t i = 0; i < p.size; ++i) p.value[i] = in.Get<S>();
  }
  model.ParamsChanged();
  optimizer.Restore(in);
  for (int64_t b = 0; b < model.blocks(); ++b) model.layer(b).router().RestoreState(in);
}

}  // namespace expertlab::moe
