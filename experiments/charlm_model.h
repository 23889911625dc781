// The character-level MoE language model that routing_charlm compares
// routers on and offload_quant quantises: a small MoE transformer
// (algorithms/moe/train/sequence_model.h: causal attention + an MoE FFN
// per block) trained with AdamW on next-character prediction over text
// Debian ships (by default the licence texts of base-files,
// /usr/share/common-licenses), scored in bits per character on a held-out
// split; or, with task=algorithmic, on generated algorithmic problems
// (copy, reverse, sort, increment; moe/train/algorithmic_text.h) with a
// held-out text generated apart, also scored by exact match.
//
// Random streams (common random numbers): the training windows and the
// model's initial weights come from CellContext::DataStream, keyed by the
// corpus and model-shape keys (CharLmDataKeys) and the replicate only, so
// every cell of one replicate trains the same initial model on the same
// windows in the same order; a stochastic router draws from the stream
// the caller hands TrainCharLm.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "algorithms/moe/train/algorithmic_text.h"
#include "algorithms/moe/train/char_corpus.h"
#include "algorithms/moe/train/sequence_model.h"
#include "sim/experiment.h"

namespace expertlab::experiments {

// The model's keys: router, shape (context, d_model, heads, blocks, d_ff,
// E, k), capacity_factor and the auxiliary loss weights (balance, z).
std::vector<ParamSpec> CharLmModelParameters();
// The model's keys, then the task, corpus, training and validation keys.
std::vector<ParamSpec> CharLmParameters();
// task=algorithmic: the generator of `lines` problems the keys describe.
moe::AlgorithmicTextSpec CharLmAlgorithmicSpec(const Params& p, int64_t lines);
// The sequence model those keys describe, for a vocabulary of `vocab`.
moe::SequenceConfig CharLmModelConfig(const Params& p, int64_t vocab, int threads);
std::vector<std::string> CharLmDataKeys();
// Errors naming the key: a missing corpus, heads not dividing d_model, k > E,
// bad algorithmic lengths.
void CheckCharLmCell(const Params& p);
// CheckCharLmCell, and an error naming `task` unless it is algorithmic
// (`why`: the experiment's reason, e.g. "<name> scores exact match").
void CheckAlgorithmicCharLmCell(const Params& p, const std::string& why);

struct CharLmEvaluation {
  double bpc = 0;
  double load_entropy = 0;
  double dead_experts = 0;
  double experts_per_token = 0;
  // task=algorithmic: teacher-forced argmax accuracy on answer characters
  // and exact match of whole answers (moe/train/algorithmic_text.h).
  moe::ExactMatch exact;
};

// A model, its corpus and held-out windows (MakeCharLm, TrainCharLm).
struct CharLm {
  std::unique_ptr<moe::CharCorpus> corpus;
  std::vector<int32_t> val_tokens, val_targets;
  int64_t val_windows = 0;
  int64_t eval_batch = 1;    // windows per validation forward (the training batch)
  bool algorithmic = false;  // task=algorithmic: score exact match too
  std::unique_ptr<moe::SequenceModel<float>> model;
  Rng router_rng{0, 0, 0, 0};  // the router's draws, training then evaluation
  bool diverged = false;       // a training loss was not finite (training stopped)
  double tail_train_bits = 0;  // mean training loss of the last tenth of the steps, in bits

  // Bits per character over the held-out windows, with routing statistics.
  CharLmEvaluation Evaluate() { return EvaluateOn(val_tokens, val_targets, val_windows); }
  // The same over `windows` windows of `tokens` and `targets`.
  CharLmEvaluation EvaluateOn(const std::vector<int32_t>& tokens,
                              const std::vector<int32_t>& targets, int64_t windows);
};

// The cell's corpus, held-out windows and initial model; a stochastic
// router draws from `router_rng`.
std::unique_ptr<CharLm> MakeCharLm(const Params& p, CellContext& context, Rng router_rng);
// Trains lm's model for `steps` AdamW steps; `at_step(step, lm)` runs after
// each step (may be empty). `resumable`: the training saves checkpoints
// (experiments/training_checkpoints.h) and resumes from the cell's last
// one; only for a model that belongs to this one cell (not one shared
// between cells of a process).
void TrainCharLm(CharLm& lm, const Params& p, CellContext& context,
                 const std::function<void(int64_t, CharLm&)>& at_step = {}, bool resumable = false);

// Fine-tunes `model` (e.g. a reduced copy of lm's) for `steps` AdamW steps
// at `lr` on windows of lm's training text drawn from `data` (a copy, so
// callers can hand every model the same windows); `after_step(model)`
// runs after each update (may be empty: e.g. a projection back onto tied
// experts). False when a loss or gradient was not finite (stopped there).
bool FineTuneCharLm(CharLm& lm, moe::SequenceModel<float>& model, int64_t steps, int64_t batch,
                    double lr, Rng data,
                    const std::function<void(moe::SequenceModel<float>&)>& after_step = {});

// The model inference-time studies probe: MakeCharLm (the router drawing
// from cell stream 0) trained by TrainCharLm (resumable), with the row
// diverged at `steps`; null when training diverged.
std::unique_ptr<CharLm> TrainCharLmForProbes(const Params& p, CellContext& context);

// A copy of `trained` that routes with `router` and k experts per token
// (inference-time probes of one trained model).
std::unique_ptr<moe::SequenceModel<float>> CopyCharLmWithRouter(moe::SequenceModel<float>& trained,
                                                                const std::string& router,
                                                                int64_t k);

// A model of `config` (the shapes of trained's, e.g. another router or
// auxiliary-loss weights) holding a copy of trained's parameters.
std::unique_ptr<moe::SequenceModel<float>> CopySequenceModel(moe::SequenceModel<float>& trained,
                                                             const moe::SequenceConfig& config);

// A copy of `trained` routed by mote(mode=<mode>) (top-k renormalised, as
// trained) with, in each block l, the experts off[l] switched off and on[l]
// forced on (algorithms/moe/routers/mote.h); empty lists: none.
std::unique_ptr<moe::SequenceModel<float>> CopyCharLmWithIntervention(
    moe::SequenceModel<float>& trained, const std::string& mode,
    const std::vector<std::vector<int32_t>>& off, const std::vector<std::vector<int32_t>>& on);

// The held-out answers of lm (task=algorithmic) decoded by the argmax of
// the logits `logits_of` gives for each validation batch ([positions x
// vocab]), teacher forced: for whole answers the same as free-running
// greedy decoding. One score per entry of `op_sets`: the lines of those
// ops (empty: all).
std::vector<moe::ExactMatch> DecodeAnswers(
    CharLm& lm,
    const std::function<const std::vector<float>&(const moe::SequenceBatch&)>& logits_of,
    const std::vector<std::string>& op_sets = {""});

// The held-out answers of lm decoded greedily by `model` (all ops).
moe::ExactMatch DecodeAnswersOf(CharLm& lm, moe::SequenceModel<float>& model);

// Rows exact_match.<name> (share of whole answers right) and
// answer_accuracy.<name> (share of answer characters right) at `step`.
void RecordExactMatch(const std::string& name, const moe::ExactMatch& x, int64_t step,
                      CellContext& context);

}  // namespace expertlab::experiments
