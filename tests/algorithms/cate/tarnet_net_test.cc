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
  // Central differences with step 1e-6 have truncation error O(h^2 f''')
  // ~ 1e-12 and rounding error ~ eps |f| / h ~ 1e-10 on an O(1) loss; a
  // ReLU kink within h of a pre-activation has probability ~1e-6 here.
  Rng rng = testing::TestRng(31);
  const TarNet net(3, 5, rng);
  const TarNetBatch batch = TarNetSmallBatch(rng);
  for (const TarNetTerms terms :
       {TarNetTerms{0, 0}, TarNetTerms{0.7, 0}, TarNetTerms{0, 1.3}, TarNetTerms{0.7, 1.3}}) {
    Eigen::VectorXd grad;
    net.Loss(batch, terms, &grad);
    TarNet probe = net;
    const double h = 1e-6;
    for (Eigen::Index k = 0; k < grad.size(); ++k) {
      const double saved = probe.theta()(k);
      probe.theta()(k) = saved + h;
      const double up = probe.Loss(batch, terms, nullptr);
      probe.theta()(k) = saved - h;
      const double down = probe.Loss(batch, terms, nullptr);
      probe.theta()(k) = saved;
      CAPTURE(k, terms.balance, terms.propensity);
      CHECK(grad(k) == Approx((up - down) / (2 * h)).margin(1e-7));
    }
  }
}

}  // namespace
}  // namespace expertlab::cate
