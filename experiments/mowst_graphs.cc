// mowst_graphs: a weak MLP and a strong GCN mixed by the MLP's confidence
// (Mowst; Zeng et al., ICLR 2024; algorithms/mowst/mowst.h), against each
// expert alone, on contextual SBM graphs with feature nodes (strong own
// features, class-blind edges) and structure nodes (weak features,
// homophilous edges; algorithms/mowst/graph.h). The graph and the split
// (half the nodes labelled for training, the rest scored) come from the
// cell's data stream, so every model of a replicate sees the same graph;
// the initial weights of the MLPs from cell stream 0, of the GCNs from
// stream 1 (each expert alone and in Mowst starts from the same draws). MLP and GCN alone train
// rounds * phase_steps AdamW steps on cross-entropy; Mowst as many steps
// per expert in alternating phases. Rows at step 0, over the test nodes:
//   accuracy.<m>               m in mlp, gnn, mowst (stochastic routing,
//                              in expectation), mowst_soft (C q + (1 - C) p)
//   accuracy.<m>.<kind>        the same on feature / structure nodes
//   gnn_fraction[.<kind>]      mean 1 - C: the share of nodes Mowst sends
//                              to the GCN (all, feature, structure)
//   confidence[.<kind>]        mean C (all, feature, structure)
#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "algorithms/mowst/graph.h"
#include "algorithms/mowst/mowst.h"
#include "sim/check.h"
#include "sim/experiment.h"
#include "sim/registry.h"
#include "sim/samplers.h"

namespace expertlab::experiments {
namespace {

using mowst::Graph;

constexpr uint64_t kGraphStream = 0;

mowst::CsbmSpec SpecOf(const Params& p) {
  mowst::CsbmSpec s;
  s.nodes = p.Int("nodes");
  s.classes = p.Int("classes");
  s.dim = p.Int("dim");
  s.structure_share = p.Double("structure_share");
  s.feature_signal = p.Double("feature_signal");
  s.structure_signal = p.Double("structure_signal");
  s.degree = p.Double("degree");
  s.cross_degree = p.Double("cross_degree");
  s.random_degree = p.Double("random_degree");
  return s;
}

// Mean of `value` over the test nodes, and over those of each kind.
void RecordByKind(const std::string& name, const std::vector<double>& value, const Graph& g,
                  const std::vector<int64_t>& test, CellContext& context) {
  double all = 0, sum[2] = {0, 0}, count[2] = {0, 0};
  for (int64_t i : test) {
    all += value[i];
    sum[g.structure[i] ? 1 : 0] += value[i];
    count[g.structure[i] ? 1 : 0] += 1;
  }
  context.Record(name, 0, all / double(test.size()));
  const char* kinds[] = {"feature", "structure"};
  for (int k = 0; k < 2; ++k)
    if (count[k] > 0) context.Record(name + "." + kinds[k], 0, sum[k] / count[k]);
}

class MowstGraphs final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override {
    return {
        ParamSpec::Int("nodes", 2400, Bounds::Closed(4, 20000), "graph nodes"),
        ParamSpec::Int("classes", 3, Bounds::Closed(2, 64), "classes K"),
        ParamSpec::Int("dim", 8, Bounds::Closed(1, 1024), "feature dimension"),
        ParamSpec::Double("structure_share", 0.5, Bounds::Closed(0, 1),
                          "share of structure nodes (weak features, homophilous edges)"),
        ParamSpec::Double("feature_signal", 3.0, Bounds::Closed(0, 100),
                          "class-mean scale of feature nodes"),
        ParamSpec::Double("structure_signal", 0.6, Bounds::Closed(0, 100),
                          "class-mean scale of structure nodes"),
        ParamSpec::Double("degree", 8, Bounds::Closed(0, 1000),
                          "same-class structure neighbours a structure node expects"),
        ParamSpec::Double("cross_degree", 1, Bounds::Closed(0, 1000),
                          "other-class structure neighbours a structure node expects"),
        ParamSpec::Double("random_degree", 6, Bounds::Closed(0, 1000),
                          "class-blind neighbours a feature node expects"),
        ParamSpec::Int("hidden", 16, Bounds::Closed(1, 4096), "hidden units of each expert"),
        ParamSpec::Int("rounds", 8, Bounds::Closed(1, 1000), "Mowst's alternations"),
        ParamSpec::Int("phase_steps", 100, Bounds::Closed(1, 100000),
                       "AdamW steps per phase (alone: rounds x phase_steps)"),
        ParamSpec::Double("lr", 0.01, Bounds::Positive(), "AdamW learning rate"),
        ParamSpec::Double("weight_decay", 5e-4, Bounds::Closed(0, 10),
                          "AdamW decoupled weight decay of the experts' weights"),
    };
  }
  std::vector<std::string> DataKeys() const override {
    return {"nodes",           "classes",        "dim",
            "structure_share", "feature_signal", "structure_signal",
            "degree",          "cross_degree",   "random_degree"};
  }
  void CheckCell(const Params& p) const override { SpecOf(p).Validate(); }

  void RunCell(const Params& p, CellContext& context) const override {
    Rng data = context.DataStream(kGraphStream);
    const Graph g = mowst::DrawCsbm(SpecOf(p), data);
    const int64_t n = p.Int("nodes");
    std::vector<int64_t> order(n);
    std::iota(order.begin(), order.end(), int64_t{0});
    Shuffle(data, order);
    const std::vector<int64_t> train(order.begin(), order.begin() + n / 2);
    const std::vector<int64_t> test(order.begin() + n / 2, order.end());
    mowst::MowstSettings s;
    s.hidden = p.Int("hidden");
    s.rounds = p.Int("rounds");
    s.phase_steps = p.Int("phase_steps");
    s.lr = p.Double("lr");
    s.weight_decay = p.Double("weight_decay");
    const int64_t dim = p.Int("dim"), K = p.Int("classes");
    // The MLPs start from the draws of stream 0, the GCNs from stream 1.
    const auto fresh = [&](uint64_t which) {
      Rng init = context.Stream(which);
      return mowst::TwoLayerNet(dim, s.hidden, K, init);
    };
    mowst::TwoLayerNet mlp_alone = fresh(0), gnn_alone = fresh(1);
    mowst::TrainAlone(mlp_alone, g, nullptr, train, s);
    mowst::TrainAlone(gnn_alone, g, &g.propagate, train, s);
    RecordByKind("accuracy.mlp", mowst::ArgmaxCorrect(mlp_alone.Forward(g.x, nullptr), g.label), g,
                 test, context);
    RecordByKind("accuracy.gnn",
                 mowst::ArgmaxCorrect(gnn_alone.Forward(g.x, &g.propagate), g.label), g, test,
                 context);

    mowst::TwoLayerNet mlp = fresh(0), gnn = fresh(1);
    mowst::Gate gate;
    mowst::TrainMowst(mlp, gnn, gate, g, train, s);
    const Eigen::MatrixXd zm = mlp.Forward(g.x, nullptr), zg = gnn.Forward(g.x, &g.propagate);
    std::vector<double> c;
    mowst::MowstObjective(zm, zg, g.label, train, gate, &c, false);
    const std::vector<double> mlp_right = mowst::ArgmaxCorrect(zm, g.label),
                              gnn_right = mowst::ArgmaxCorrect(zg, g.label);
    std::vector<double> expected(n), to_gnn(n);
    for (int64_t i = 0; i < n; ++i) {
      expected[i] = c[i] * mlp_right[i] + (1 - c[i]) * gnn_right[i];
      to_gnn[i] = 1 - c[i];
    }
    RecordByKind("accuracy.mowst", expected, g, test, context);
    const Eigen::MatrixXd soft =
        (mowst::Softmax(zm).array().colwise() * Eigen::Map<const Eigen::ArrayXd>(c.data(), n) +
         mowst::Softmax(zg).array().colwise() * (1 - Eigen::Map<const Eigen::ArrayXd>(c.data(), n)))
            .matrix();
    RecordByKind("accuracy.mowst_soft", mowst::ArgmaxCorrect(soft, g.label), g, test, context);
    RecordByKind("gnn_fraction", to_gnn, g, test, context);
    RecordByKind("confidence", c, g, test, context);
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(MowstGraphs, "mowst_graphs",
                              "Mowst: a weak MLP and a strong GCN mixed by the MLP's confidence, "
                              "against each alone, on contextual SBM graphs with feature and "
                              "structure nodes")

}  // namespace expertlab::experiments
