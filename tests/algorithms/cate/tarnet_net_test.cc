#include "algorithms/cate/tarnet_net.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "tests/algorithms/cate/conformance.h"

namespace expertlab::cate {
namespace {

TarNetBatch TarNetSmallBatch(Rng& rng) {
  TarNetBatch b;
  b.x = Eigen::MatrixXd(7, 3);
  b.a = Eigen::VectorXd(7);
  b.y = Eigen::VectorXd(7);
  b.weight = Eigen::VectorXd(7);
  for (int i = 0; i < 7; ++i) {
    for (int j = 0; j < 3; ++j) b.x(i, j) = Normal(rng);
    b.a(i) = i % 3 == 0 ? 1 : 0;
    b.y(i) = Normal(rng);
    b.weight(i) = 0.5 + rng.Uniform();
  }
  return b;
}

TEST_CASE("tarnet loss gradient matches central finite differences", "[theory]") {
  // A ReLU kink within h of a pre-activation has probability ~1e-6 here.
  Rng rng = testing::TestRng(31);
  const TarNet net(3, 5, rng);
  const TarNetBatch batch = TarNetSmallBatch(rng);
  for (const TarNetTerms terms :
       {TarNetTerms{0, 0}, TarNetTerms{0.7, 0}, TarNetTerms{0, 1.3}, TarNetTerms{0.7, 1.3}}) {
    Eigen::VectorXd grad;
    net.Loss(batch, terms, &grad);
    TarNet probe = net;
    CAPTURE(terms.balance, terms.propensity);
    testing::CheckCentralDifferences(net.theta(), grad, [&](const Eigen::VectorXd& theta) {
      probe.theta() = theta;
      return probe.Loss(batch, terms, nullptr);
    });
  }
}

}  // namespace
}  // namespace expertlab::cate
