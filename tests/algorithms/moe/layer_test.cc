#include "algorithms/moe/layer.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "algorithms/moe/reference.h"
#include "algorithms/moe/topk_softmax.h"
#include "sim/check.h"
#include "sim/registry.h"
#include "sim/samplers.h"

namespace expertlab::moe {
namespace {

struct Case {
  const char* name;
  int64_t T, d, f, E, k, shared;
  Activation act;
  double cf;
  bool renorm;
  bool zero_router;  // all logits equal: every token on experts 0..k-1
  // A registered router spec; null = topk_softmax with `renorm`.
  const char* router = nullptr;
  // Routed experts' widths (heterogeneous experts); empty = all f.
  std::vector<int64_t> widths = {};
};

const Case kCases[] = {
    {"E does not divide T", 13, 16, 24, 5, 2, 0, Activation::kSwiGlu, 0, true, false},
    {"k = E", 6, 8, 12, 3, 3, 0, Activation::kSwiGlu, 0, false, false},
    {"all tokens on one expert", 11, 8, 20, 6, 1, 0, Activation::kSwiGlu, 0, false, true},
    {"capacity drops", 17, 12, 16, 4, 2, 0, Activation::kSwiGlu, 0.5, true, false},
    {"shared experts + relu", 9, 10, 7, 4, 2, 2, Activation::kRelu, 0, false, false},
    {"gelu, many experts, empty ones", 5, 33, 40, 16, 1, 1, Activation::kGelu, 0, false, false},
    {"wide tile tails", 37, 70, 50, 3, 2, 0, Activation::kSwiGlu, 1.25, true, false},
    {"expert choice", 12, 8, 10, 4, 2, 0, Activation::kSwiGlu, 0, false, false,
     "expert_choice(capacity_factor=1.5)"},
    {"top-p, variable experts per token", 10, 8, 10, 5, 2, 1, Activation::kSwiGlu, 0, false, false,
     "top_p(p=0.5)"},
    {"gw-moe broadcast", 9, 8, 10, 4, 1, 0, Activation::kRelu, 0, false, false,
     "gw_moe(gamma=0.5)"},
    {"gshard top-2", 11, 8, 10, 4, 2, 0, Activation::kSwiGlu, 1.0, false, false, "gshard_top2"},
    {"switch, capacity drops", 13, 8, 10, 4, 1, 0, Activation::kSwiGlu, 0.5, false, false,
     "switch"},
    {"deepseek-moe, fine-grained routed + shared", 10, 8, 6, 6, 3, 2, Activation::kSwiGlu, 0, false,
     false, "deepseek_moe(devices=3,device_balance=0.2)"},
    {"heterogeneous widths (HMoE) + a shared expert", 12, 8, 16, 4, 2, 1, Activation::kSwiGlu, 0,
     false, false, nullptr, std::vector<int64_t>{5, 16, 9, 33}},
    {"heterogeneous widths, relu, capacity drops", 13, 7, 10, 3, 2, 0, Activation::kRelu, 0.5, true,
     false, nullptr, std::vector<int64_t>{1, 20, 7}},
    {"sam, two groups, capacity drops", 11, 8, 10, 6, 2, 0, Activation::kSwiGlu, 0.5, false, false,
     "sam(groups=2,align=0.1)"},
    {"aoe, factorised gates", 12, 8, 10, 4, 2, 0, Activation::kSwiGlu, 0, false, false,
     "aoe(rank=3)"},
    {"aoe, code weights, capacity drops, empty experts", 13, 9, 7, 6, 2, 0, Activation::kSwiGlu,
     0.5, false, false, "aoe(rank=5,weights=code,match_params=false)"},
};

MoeConfig ConfigOf(const Case& c) {
  MoeConfig cfg;
  cfg.d_model = c.d;
  cfg.d_ff = c.f;
  cfg.experts = c.E;
  cfg.top_k = c.k;
  cfg.shared_experts = c.shared;
  cfg.activation = c.act;
  cfg.capacity_factor = c.cf;
  cfg.expert_widths = c.widths;
  cfg.check_numerics = true;
  return c.router ? LayerShapeFor(c.router, cfg) : cfg;
}

template <class S>
MoeLayer<S> MakeLayer(const Case& c, uint64_t seed, int threads = 1) {
  MoeConfig cfg = ConfigOf(c);
  cfg.threads = threads;
  Rng rng(seed, 0, 0, 1);
  auto w = MoeWeights<S>::Random(cfg, rng, 3.0);
  if (c.zero_router) std::fill(w.router.begin(), w.router.end(), S(0));
  std::unique_ptr<Router> router = c.router ? Registry<Router>::Instance().Create(c.router)
                                            : std::make_unique<TopKSoftmax>(c.renorm);
  return MoeLayer<S>(cfg, std::move(router), std::move(w));
}

template <class S>
std::vector<S> Input(int64_t T, int64_t d, uint64_t seed) {
  Rng rng(seed, 0, 0, 2);
  std::vector<S> x(T * d);
  for (auto& v : x) v = static_cast<S>(Normal(rng));
  return x;
}

TEST_CASE(
    "fast MoE layer equals the naive loop and the gather-GEMM-scatter "
    "reference",
    "[theory][moe]") {
  const uint64_t seed = 101;
  INFO("seed " << seed);
  for (const Case& c : kCases) {
    INFO(c.name);
    auto layer = MakeLayer<float>(c, seed);
    const auto x = Input<float>(c.T, c.d, seed);
    std::vector<float> y(c.T * c.d);
    MoeState<float> state;
    Rng routing(seed, 0, 0, 4);
    layer.Forward(x.data(), c.T, y.data(), &state, false, &routing);
    if (c.cf > 0 && c.cf < 1) CHECK(state.stats.dropped > 0);
    if (c.zero_router) {
      CHECK(state.stats.kept[0] == c.T);
      for (int64_t e = 1; e < c.E; ++e) CHECK(state.stats.kept[e] == 0);
    }
    // The naive loop in double on the same (float) weights and routing.
    const auto wd = ConvertWeights<double>(layer.weights());
    std::vector<double> xd(x.begin(), x.end()), wts(state.weight.begin(), state.weight.end());
    std::vector<double> yd(c.T * c.d);
    NaiveForward(layer.config(), wd, xd.data(), c.T, state.slots, state.expert.data(), wts.data(),
                 yd.data());
    // Float vs exact: relative to the output scale; float dot products of
    // length <= 70 with N(0,1)-scaled terms err by < 70 * 2^-24 relative
    // to sum |terms| (Higham Thm 3.1), below 1e-5 of max|y| here.
    double scale = 0;
    for (double v : yd) scale = std::max(scale, std::abs(v));
    double err = 0;
    for (int64_t i = 0; i < c.T * c.d; ++i) err = std::max(err, std::abs(y[i] - yd[i]));
    CHECK(err <= 1e-5 * (scale + 1e-30));
    std::vector<float> yg(c.T * c.d);
    GatherGemmScatterForward(layer.config(), layer.weights(), x.data(), c.T, state.slots,
                             state.expert.data(), state.weight.data(), yg.data());
    double err_g = 0;
    for (int64_t i = 0; i < c.T * c.d; ++i) err_g = std::max(err_g, std::abs(yg[i] - yd[i]));
    CHECK(err_g <= 1e-5 * (scale + 1e-30));
  }
}

TEST_CASE("fast MoE layer equals the naive loop on random shapes", "[theory][moe]") {
  const uint64_t seed = 111;
  INFO("seed " << seed);
  Rng rng(seed, 0, 0, 9);
  const Activation acts[] = {Activation::kSwiGlu, Activation::kRelu, Activation::kGelu};
  for (int trial = 0; trial < 40; ++trial) {
    Case c{"random", 0, 0, 0, 0, 0, 0, Activation::kSwiGlu, 0, false, false};
    c.T = 1 + static_cast<int64_t>(rng.UniformInt(40));
    c.d = 1 + static_cast<int64_t>(rng.UniformInt(40));
    c.f = 1 + static_cast<int64_t>(rng.UniformInt(50));
    c.E = 1 + static_cast<int64_t>(rng.UniformInt(10));
    c.k = 1 + static_cast<int64_t>(rng.UniformInt(static_cast<uint64_t>(c.E)));
    c.shared = static_cast<int64_t>(rng.UniformInt(3));
    c.act = acts[rng.UniformInt(3)];
    c.cf = rng.UniformInt(2) ? 0.0 : 0.25 + 2.0 * rng.Uniform();
    c.renorm = rng.UniformInt(2) == 1;
    INFO("trial " << trial << ": T=" << c.T << " d=" << c.d << " f=" << c.f << " E=" << c.E
                  << " k=" << c.k << " shared=" << c.shared << " cf=" << c.cf);
    auto layer = MakeLayer<float>(c, seed + trial);
    const auto x = Input<float>(c.T, c.d, seed + trial);
    std::vector<float> y(c.T * c.d);
    MoeState<float> state;
    layer.Forward(x.data(), c.T, y.data(), &state);
    const auto wd = ConvertWeights<double>(layer.weights());
    std::vector<double> xd(x.begin(), x.end()), wts(state.weight.begin(), state.weight.end());
    std::vector<double> yd(c.T * c.d);
    NaiveForward(layer.config(), wd, xd.data(), c.T, state.slots, state.expert.data(), wts.data(),
                 yd.data());
    // Same tolerance argument as above (dot products of length <= 50).
    double scale = 0, err = 0;
    for (double v : yd) scale = std::max(scale, std::abs(v));
    for (int64_t i = 0; i < c.T * c.d; ++i) err = std::max(err, std::abs(y[i] - yd[i]));
    CHECK(err <= 1e-5 * scale + 1e-30);
  }
}

TEST_CASE(
    "Route + edited slots + RunExperts, and PackExpert, match the "
    "naive loop",
    "[unit][moe]") {
  const uint64_t seed = 121;
  INFO("seed " << seed);
  const Case c{"edit", 9, 12, 10, 4, 2, 1, Activation::kSwiGlu, 0, true, false};
  auto layer = MakeLayer<float>(c, seed);
  const auto x = Input<float>(c.T, c.d, seed);
  // An inference method acting between routing and compute: drop the second
  // choice of every even token and halve the first weight of token 1.
  MoeState<float> state;
  layer.Route(x.data(), c.T, &state, false, nullptr);
  for (int64_t t = 0; t < c.T; t += 2) state.expert[t * state.slots + 1] = -1;
  state.weight[1 * state.slots] *= 0.5f;
  // Change expert 2 in place and repack only it.
  auto& w = layer.expert_weights_for_update();
  for (int64_t i = 0; i < c.d * c.f; ++i) w.Gate(2)[i] *= -1.5f;
  layer.PackExpert(2);
  std::vector<float> y(c.T * c.d), yn(c.T * c.d);
  layer.RunExperts(y.data(), &state);
  NaiveForward(layer.config(), layer.weights(), x.data(), c.T, state.slots, state.expert.data(),
               state.weight.data(), yn.data());
  double scale = 0, err = 0;
  for (int64_t i = 0; i < c.T * c.d; ++i) {
    scale = std::max(scale, double(std::abs(yn[i])));
    err = std::max(err, double(std::abs(y[i] - yn[i])));
  }
  // Float against float, dot products of length <= 12: well inside 1e-5.
  CHECK(err <= 1e-5 * scale);
  state.expert[0] = 99;
  CHECK_THROWS_WITH(layer.RunExperts(y.data(), &state), Catch::Contains("names expert 99"));
}

TEST_CASE("MoE layer handles zero tokens", "[unit][moe]") {
  auto layer = MakeLayer<float>(kCases[0], 1);
  MoeState<float> state;
  layer.Forward(nullptr, 0, nullptr, &state, true);
  MoeWeights<float> grads;
  layer.Backward(nullptr, state, nullptr, &grads);
  CHECK(state.dispatch.rows() == 0);
}

// Gradient of L = <R, y> + a_b balance + a_z z-loss with respect to every
// parameter and input, against central differences, all in double.
void GradientCheck(const Case& c, uint64_t seed) {
  auto layer = MakeLayer<double>(c, seed);
  auto x = Input<double>(c.T, c.d, seed);
  Rng rng(seed, 0, 0, 3);
  std::vector<double> R(c.T * c.d);
  for (auto& v : R) v = Normal(rng);
  const AuxLossWeights aux{0.3, layer.config().gate_rank > 0 ? 0.0 : 0.05};
  // Every forward draws from the same stream: the same jitter, noise and
  // sampled experts at every point of the difference.
  auto forward = [&](std::vector<double>* y, MoeState<double>* st) {
    Rng routing(seed, 0, 0, 4);
    layer.Forward(x.data(), c.T, y->data(), st, true, &routing);
  };
  auto loss = [&]() {
    std::vector<double> y(c.T * c.d);
    MoeState<double> st;
    forward(&y, &st);
    double l = aux.balance * st.stats.balance_loss + aux.z * st.stats.z_loss + st.stats.router_loss;
    for (int64_t i = 0; i < c.T * c.d; ++i) l += R[i] * y[i];
    return l;
  };
  std::vector<double> y(c.T * c.d), dx(c.T * c.d);
  MoeState<double> state;
  forward(&y, &state);
  MoeWeights<double> grads;
  layer.Backward(R.data(), state, dx.data(), &grads, aux);
  const double h = 1e-6;
  // Central differences in double: truncation O(h^2) ~ 1e-12, rounding
  // ~ 1e-16 |L| / h ~ 1e-9; 1e-6 relative leaves a wide margin while any
  // wrong term (a missing factor, a transposed index) is O(1).
  auto check = [&](double analytic, double numeric) {
    return std::abs(analytic - numeric) <= 1e-6 * (1 + std::abs(numeric));
  };
  int bad = 0, total = 0;
  auto blocks = layer.mutable_weights().Blocks();
  auto gblocks = grads.Blocks();
  for (size_t b = 0; b < blocks.size(); ++b) {
    for (size_t i = 0; i < blocks[b]->size(); ++i) {
      double& w = (*blocks[b])[i];
      const double w0 = w;
      w = w0 + h;
      layer.Pack();
      const double lp = loss();
      w = w0 - h;
      layer.Pack();
      const double lm = loss();
      w = w0;
      const double fd = (lp - lm) / (2 * h);
      if (!check((*gblocks[b])[i], fd)) {
        ++bad;
        UNSCOPED_INFO("block " << b << " index " << i << " analytic " << (*gblocks[b])[i]
                               << " numeric " << fd);
      }
      ++total;
    }
  }
  layer.Pack();
  for (int64_t i = 0; i < c.T * c.d; ++i) {
    const double x0 = x[i];
    x[i] = x0 + h;
    const double lp = loss();
    x[i] = x0 - h;
    const double lm = loss();
    x[i] = x0;
    const double fd = (lp - lm) / (2 * h);
    if (!check(dx[i], fd)) {
      ++bad;
      UNSCOPED_INFO("x index " << i << " analytic " << dx[i] << " numeric " << fd);
    }
    ++total;
  }
  INFO(c.name << ": " << bad << " of " << total << " gradients off");
  CHECK(bad == 0);
}

TEST_CASE("MoE layer gradients match central finite differences (double)", "[theory][moe]") {
  const uint64_t seed = 202;
  INFO("seed " << seed);
  const Case small[] = {
      {"swiglu top-2 renormalised", 5, 4, 6, 4, 2, 0, Activation::kSwiGlu, 0, true, false},
      {"swiglu top-1 + shared", 6, 5, 3, 3, 1, 1, Activation::kSwiGlu, 0, false, false},
      {"relu top-2, capacity drops", 7, 4, 5, 3, 2, 0, Activation::kRelu, 0.5, false, false},
      {"gelu k = E", 4, 3, 4, 3, 3, 0, Activation::kGelu, 0, true, false},
      {"switch with input jitter", 6, 4, 5, 3, 1, 0, Activation::kSwiGlu, 0, false, false,
       "switch(jitter=0.2)"},
      {"noisy top-2", 5, 4, 5, 4, 2, 0, Activation::kSwiGlu, 0, false, false, "noisy_topk"},
      {"expert choice", 6, 4, 5, 3, 2, 0, Activation::kSwiGlu, 0, false, false,
       "expert_choice(capacity_factor=1)"},
      {"top-p with its entropy loss", 5, 4, 5, 4, 2, 0, Activation::kSwiGlu, 0, false, false,
       "top_p(p=0.6,entropy_loss=0.3)"},
      {"gw-moe broadcast", 6, 4, 5, 3, 1, 0, Activation::kSwiGlu, 0, false, false,
       "gw_moe(gamma=0.5)"},
      {"gshard top-2 sampled", 6, 4, 5, 4, 2, 0, Activation::kSwiGlu, 0, false, false,
       "gshard_top2"},
      {"moec with dropout and its variance loss", 6, 4, 5, 4, 1, 0, Activation::kSwiGlu, 0, false,
       false, "moec(groups=2,var_loss=0.5)"},
      {"deepseek-moe with its device loss and a shared expert", 6, 4, 4, 4, 2, 1,
       Activation::kSwiGlu, 0, false, false, "deepseek_moe(devices=2,device_balance=0.5)"},
      {"sam with its alignment loss", 6, 4, 5, 4, 2, 0, Activation::kSwiGlu, 0, false, false,
       "sam(groups=2,align=0.5)"},
      {"heterogeneous widths + a shared expert", 6, 4, 5, 4, 2, 1, Activation::kSwiGlu, 0, false,
       false, nullptr, std::vector<int64_t>{2, 7, 3, 5}},
      {"heterogeneous widths, gelu", 6, 4, 5, 3, 2, 0, Activation::kGelu, 0, false, false, nullptr,
       std::vector<int64_t>{6, 1, 4}},
      {"hmoe's P-Penalty on heterogeneous widths", 6, 4, 5, 4, 2, 0, Activation::kSwiGlu, 0, false,
       false, "hmoe(penalty=0.5)", std::vector<int64_t>{2, 9, 3, 6}},
      {"hmoe top-p with its entropy loss", 6, 4, 5, 4, 2, 0, Activation::kSwiGlu, 0, false, false,
       "hmoe(p=0.6,penalty=0.5,entropy_loss=0.3)", std::vector<int64_t>{2, 9, 3, 6}},
      {"aoe, factorised gates and their norms", 6, 5, 5, 4, 2, 0, Activation::kSwiGlu, 0, false,
       false, "aoe(rank=2)"},
      {"aoe, code weights, capacity drops", 7, 5, 4, 3, 2, 0, Activation::kSwiGlu, 0.5, false,
       false, "aoe(rank=3,weights=code,match_params=false)"},
      {"smear, merged experts per token", 5, 4, 5, 3, 1, 0, Activation::kSwiGlu, 0, false, false,
       "smear"},
      {"smear, groups of 3 (the last one short)", 7, 4, 5, 3, 1, 0, Activation::kSwiGlu, 0, false,
       false, "smear(group=3)"},
  };
  for (const Case& c : small) GradientCheck(c, seed);
}

TEST_CASE("MoE forward and backward are bit-identical for 1 and 2 threads", "[determinism][moe]") {
  const uint64_t seed = 303;
  INFO("seed " << seed);
  const Case cases[] = {
      {"prefill-like", 300, 64, 96, 8, 2, 1, Activation::kSwiGlu, 1.5, true, false},
      // 400 tokens: over the row-wise passes' threading threshold (65536
      // hidden values) with ragged rows.
      {"heterogeneous widths", 400, 64, 96, 8, 2, 1, Activation::kSwiGlu, 0, true, false, nullptr,
       std::vector<int64_t>{16, 24, 32, 40, 48, 56, 64, 160}},
      // Over the SiLU pass's threading threshold (4 chunks of 16384).
      {"aoe, factorised gates", 400, 64, 96, 8, 2, 0, Activation::kSwiGlu, 0, true, false,
       "aoe(rank=16)"},
      {"smear, merged experts per group of 4", 400, 64, 96, 8, 1, 0, Activation::kSwiGlu, 0, true,
       false, "smear(group=4)"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    std::vector<std::vector<float>> outs;
    for (int threads : {1, 2}) {
      auto layer = MakeLayer<float>(c, seed, threads);
      const auto x = Input<float>(c.T, c.d, seed);
      std::vector<float> y(c.T * c.d), dx(c.T * c.d);
      MoeState<float> state;
      layer.Forward(x.data(), c.T, y.data(), &state, true);
      MoeWeights<float> grads;
      layer.Backward(y.data(), state, dx.data(), &grads,
                     {0.01, layer.config().gate_rank > 0 ? 0.0 : 0.001});
      std::vector<float> all = y;
      all.insert(all.end(), dx.begin(), dx.end());
      for (auto* b : grads.Blocks()) all.insert(all.end(), b->begin(), b->end());
      outs.push_back(all);
    }
    REQUIRE(outs[0].size() == outs[1].size());
    CHECK(std::memcmp(outs[0].data(), outs[1].data(), outs[0].size() * sizeof(float)) == 0);
  }
}

TEST_CASE("experts of ragged widths equal the same experts zero-padded to the widest",
          "[theory][moe]") {
  // Independent of the ragged layout: a uniform layer of width f_max whose
  // expert g has zero gate/up columns and zero down rows past f_g computes
  // the same outputs (silu(0) * 0 = 0 and relu(0) = 0 hidden units add
  // nothing), and its gradients restricted to the first f_g columns are the
  // ragged layer's.
  const std::vector<int64_t> widths = {3, 11, 1, 8};
  for (Activation act : {Activation::kSwiGlu, Activation::kRelu}) {
    Case ragged{"ragged", 9, 6, 11, 4, 2, 1, act, 0, false, false, nullptr, widths};
    Case padded = ragged;
    padded.widths = {};
    auto a = MakeLayer<double>(ragged, 7);
    MoeConfig cfg = ConfigOf(padded);
    auto w = MoeWeights<double>::Zeros(cfg);
    const MoeWeights<double>& r = a.weights();
    w.router = r.router;
    const bool swiglu = act == Activation::kSwiGlu;
    for (int64_t g = 0; g < cfg.groups(); ++g)
      for (int64_t i = 0; i < r.Width(g); ++i) {
        for (int64_t j = 0; j < cfg.d_model; ++j) {
          w.Gate(g)[j * cfg.d_ff + i] = r.Gate(g)[j * r.Width(g) + i];
          if (swiglu) w.Up(g)[j * cfg.d_ff + i] = r.Up(g)[j * r.Width(g) + i];
          w.Down(g)[i * cfg.d_model + j] = r.Down(g)[i * cfg.d_model + j];
        }
      }
    MoeLayer<double> b(cfg, std::make_unique<TopKSoftmax>(false), w);
    const auto x = Input<double>(ragged.T, ragged.d, 7);
    std::vector<double> ya(ragged.T * ragged.d), yb = ya, dxa = ya, dxb = ya;
    MoeState<double> sa, sb;
    a.Forward(x.data(), ragged.T, ya.data(), &sa, true);
    b.Forward(x.data(), ragged.T, yb.data(), &sb, true);
    for (size_t i = 0; i < ya.size(); ++i) CHECK(ya[i] == Approx(yb[i]).margin(1e-12));
    MoeWeights<double> ga, gb;
    a.Backward(ya.data(), sa, dxa.data(), &ga, {0.01, 0.001});
    b.Backward(ya.data(), sb, dxb.data(), &gb, {0.01, 0.001});
    for (size_t i = 0; i < dxa.size(); ++i) CHECK(dxa[i] == Approx(dxb[i]).margin(1e-12));
    for (int64_t g = 0; g < cfg.groups(); ++g)
      for (int64_t i = 0; i < r.Width(g); ++i)
        for (int64_t j = 0; j < cfg.d_model; ++j) {
          CHECK(ga.Gate(g)[j * r.Width(g) + i] ==
                Approx(gb.Gate(g)[j * cfg.d_ff + i]).margin(1e-12));
          if (swiglu)
            CHECK(ga.Up(g)[j * r.Width(g) + i] == Approx(gb.Up(g)[j * cfg.d_ff + i]).margin(1e-12));
          CHECK(ga.Down(g)[i * cfg.d_model + j] ==
                Approx(gb.Down(g)[i * cfg.d_model + j]).margin(1e-12));
        }
  }
  MoeConfig bad = ConfigOf(kCases[0]);
  bad.expert_widths = {4, 4};
  CHECK_THROWS_WITH(bad.Validate(), Catch::Contains("expert_widths") && Catch::Contains("E = "));
}

TEST_CASE("MoE layer rejects bad configurations and inputs", "[unit][moe]") {
  auto make = [](MoeConfig cfg) {
    return MoeLayer<float>(cfg, std::make_unique<TopKSoftmax>(false));
  };
  MoeConfig ok;
  ok.d_model = 4;
  ok.d_ff = 8;
  ok.experts = 4;
  ok.top_k = 2;
  CHECK_NOTHROW(make(ok));
  auto bad = ok;
  bad.top_k = 5;
  CHECK_THROWS_WITH(make(bad), Catch::Contains("top_k"));
  bad = ok;
  bad.top_k = 0;
  CHECK_THROWS_WITH(make(bad), Catch::Contains("top_k"));
  bad = ok;
  bad.d_model = 0;
  CHECK_THROWS_WITH(make(bad), Catch::Contains("d_model"));
  bad = ok;
  bad.d_ff = 0;
  CHECK_THROWS_WITH(make(bad), Catch::Contains("d_ff"));
  bad = ok;
  bad.capacity_factor = -1;
  CHECK_THROWS_WITH(make(bad), Catch::Contains("capacity_factor"));

  // Mismatched weight shapes.
  auto w = MoeWeights<float>::Zeros(ok);
  w.w_down.pop_back();
  CHECK_THROWS_WITH(MoeLayer<float>(ok, std::make_unique<TopKSoftmax>(false), w),
                    Catch::Contains("w_down"));
  MoeConfig other = ok;
  other.d_ff = 6;
  CHECK_THROWS_WITH(
      MoeLayer<float>(ok, std::make_unique<TopKSoftmax>(false), MoeWeights<float>::Zeros(other)),
      Catch::Contains("f=6"));

  // A router the layer's options cannot host: expert choice sets each
  // expert's capacity itself, so a layer capacity on top is refused.
  MoeConfig capped = ok;
  capped.capacity_factor = 1.25;
  CHECK_THROWS_WITH(MoeLayer<float>(capped, Registry<Router>::Instance().Create("expert_choice")),
                    Catch::Contains("capacity_factor"));
  capped.capacity_factor = 0;
  CHECK_NOTHROW(MoeLayer<float>(capped, Registry<Router>::Instance().Create("expert_choice")));

  // NaN in the input, detected in check mode.
  ok.check_numerics = true;
  auto layer = make(ok);
  std::vector<float> x(3 * 4, 0.5f), y(3 * 4);
  x[5] = std::numeric_limits<float>::quiet_NaN();
  MoeState<float> state;
  CHECK_THROWS_WITH(layer.Forward(x.data(), 3, y.data(), &state),
                    Catch::Contains("non-finite") && Catch::Contains("input x"));
  // Backward without a training forward.
  x[5] = 0.5f;
  layer.Forward(x.data(), 3, y.data(), &state, false);
  MoeWeights<float> grads;
  CHECK_THROWS_WITH(layer.Backward(y.data(), state, x.data(), &grads),
                    Catch::Contains("training=true"));
}

}  // namespace
}  // namespace expertlab::moe
