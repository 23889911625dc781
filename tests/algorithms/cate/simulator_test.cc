#include "algorithms/cate/simulator.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <numbers>

#include "algorithms/cate/covariates.h"
#include "tests/algorithms/cate/conformance.h"

namespace expertlab::cate {
namespace {

TEST_CASE("simulator masks: prognostic and mu_0 on 0..m-1, tau's w_1 on m..2m-1", "[unit]") {
  Rng rng = testing::TestRng(21);
  const Simulator simulator(10, 3, Outcome::kLinear, rng);
  CHECK(simulator.MaxShift() == 2);
  const Eigen::MatrixXd basis = Eigen::MatrixXd::Identity(10, 10);
  const Potential p = simulator.Evaluate(basis);
  for (int j = 0; j < 10; ++j) {
    CAPTURE(j);
    CHECK((p.prog(j) != 0) == (j < 3));
    CHECK((p.mu1(j) - p.prog(j) != 0) == (j >= 3 && j < 6));
    CHECK((p.mu0(j) - p.prog(j) != 0) == (j < 3));
  }
  // Shift d = 1: the first 2 features of every mask move to 6 and 7.
  const Potential shifted = simulator.Evaluate(basis, 1);
  CHECK(shifted.prog(0) == 0);
  CHECK(shifted.prog(6) == p.prog(0));
  CHECK(shifted.prog(7) == p.prog(1));
  CHECK(shifted.prog(2) == p.prog(2));
  CHECK(shifted.mu1(3) - shifted.prog(3) == 0);
}

TEST_CASE("nonlinear outcomes apply h(l) = l/2 + 1/(2(1 + l^2)) to every linear score",
          "[theory]") {
  Rng linear_rng = testing::TestRng(22), nonlinear_rng = testing::TestRng(22);
  const Simulator linear(6, 2, Outcome::kLinear, linear_rng);
  const Simulator nonlinear(6, 2, Outcome::kNonlinear, nonlinear_rng);
  const Eigen::MatrixXd x = Eigen::MatrixXd::Constant(1, 6, 0.7);
  const Potential l = linear.Evaluate(x), h = nonlinear.Evaluate(x);
  auto link = [](double v) { return v / 2 + 1 / (2 * (1 + v * v)); };
  CHECK(h.prog(0) == Approx(link(l.prog(0))));
  CHECK(h.mu0(0) - h.prog(0) == Approx(link(l.mu0(0) - l.prog(0))));
  CHECK(h.mu1(0) - h.prog(0) == Approx(link(l.mu1(0) - l.prog(0))));
}

TEST_CASE("policies: sigmoid(beta zscore(score)), bad beta and d are errors", "[unit]") {
  Rng rng = testing::TestRng(23);
  const Eigen::MatrixXd x = SyntheticCovariates(500, 100, 0.5, rng);
  const Simulator simulator(100, 40, Outcome::kLinear, rng);
  const Eigen::VectorXd z = ZScore(simulator.Evaluate(x).Tau());
  CHECK(z.mean() == Approx(0).margin(1e-12));
  CHECK(z.squaredNorm() / 500 == Approx(1));
  const Eigen::VectorXd pi = PolicyPropensity(simulator, x, PolicyKind::kPredictive, 2.0, 0);
  for (int i : {0, 17, 499}) CHECK(pi(i) == Approx(1 / (1 + std::exp(-2 * z(i)))));
  CHECK((PolicyPropensity(simulator, x, PolicyKind::kPrognostic, 0.0, 3).array() == 0.5).all());
  CHECK_THROWS_WITH(PolicyPropensity(simulator, x, PolicyKind::kPredictive, -1, 0),
                    Catch::Contains("beta = -1"));
  CHECK_THROWS_WITH(PolicyPropensity(simulator, x, PolicyKind::kPredictive, 1, 11),
                    Catch::Contains("d = 11; expected 0 <= d <= 10"));
  CHECK_THROWS_WITH(Simulator(50, 30, Outcome::kLinear, rng), Catch::Contains("mask = 30"));
}

TEST_CASE("synthetic covariates: uniform margins, copula correlation 6/pi asin(rho/2)",
          "[theory]") {
  // For a Gaussian copula with correlation rho, the Pearson correlation of
  // the uniform margins is (6/pi) asin(rho/2) (Spearman's rho of a
  // bivariate normal); n = 20000 gives sd <= 1/sqrt(n) = 0.007: 4 sd = 0.03.
  Rng rng = testing::TestRng(24);
  const Eigen::MatrixXd x = SyntheticCovariates(20000, 5, 0.5, rng);
  CHECK(x.minCoeff() >= 0);
  CHECK(x.maxCoeff() <= 1);
  const Eigen::VectorXd a = x.col(1).array() - x.col(1).mean();
  const Eigen::VectorXd b = x.col(2).array() - x.col(2).mean();
  const double corr = a.dot(b) / (a.norm() * b.norm());
  CHECK(corr == Approx(6 / std::numbers::pi * std::asin(0.25)).margin(0.03));
  CHECK(x.col(3).mean() == Approx(0.5).margin(4 * std::sqrt(1.0 / 12 / 20000)));
}

std::string WriteCateTempCsv(const std::string& name, const std::string& text) {
  const std::string path = "/tmp/expertlab_cate_" + name + ".csv";
  std::ofstream(path) << text;
  return path;
}

TEST_CASE("covariate CSV: preprocessing and clear errors", "[unit]") {
  const std::string good = WriteCateTempCsv("good", "g1,g2,g3,g4\n0,5,3,1\n3,5,0,1\n7,5,1,2\n");
  const Eigen::MatrixXd raw = ReadCovariateCsv(good);
  REQUIRE(raw.rows() == 3);
  REQUIRE(raw.cols() == 4);
  // Counts: log(1 + x); g2 is constant and dropped; min-max to [0, 1].
  const Eigen::MatrixXd x = PreprocessCovariates(raw, 100, 1);
  REQUIRE(x.cols() == 3);
  CHECK(x(1, 0) == Approx(std::log(4.0) / std::log(8.0)));
  CHECK(x.col(2).maxCoeff() == 1);
  CHECK(PreprocessCovariates(raw, 2, 1).cols() == 2);
  CHECK_THROWS_WITH(PreprocessCovariates(raw, 100, 80), Catch::Contains("at least 80"));
  CHECK_THROWS_WITH(ReadCovariateCsv(WriteCateTempCsv("nan", "1,2\n3,nan\n")),
                    Catch::Contains("line 2 column 2") && Catch::Contains("finite"));
  CHECK_THROWS_WITH(ReadCovariateCsv(WriteCateTempCsv("width", "1,2\n3,4,5\n")),
                    Catch::Contains("3 columns; expected 2"));
  CHECK_THROWS_WITH(ReadCovariateCsv("/nonexistent/covariates.csv"),
                    Catch::Contains("cannot read"));
  // The labelled layout of data/ (header "rows,features,classes..."): the
  // label column goes, the rest is read as numbers.
  const Eigen::MatrixXd labelled = ReadCovariateCsv(
      WriteCateTempCsv("labelled", "2,3,no,yes\n1.5,2,3,0\n4,5,6.25,1\n"),
      CsvLayout::kLabelledDataset);
  REQUIRE(labelled.rows() == 2);
  REQUIRE(labelled.cols() == 3);
  CHECK(labelled(1, 2) == 6.25);
  CHECK_THROWS_WITH(ReadCovariateCsv(WriteCateTempCsv("header", "g1,g2\n1,2\n"),
                                     CsvLayout::kLabelledDataset),
                    Catch::Contains("expected the header 'rows,features"));
  CHECK_THROWS_WITH(ReadCovariateCsv(WriteCateTempCsv("unlabelled", "2,3\n1,2,3\n"),
                                     CsvLayout::kLabelledDataset),
                    Catch::Contains("3 columns; expected 4"));
  CHECK_THROWS_WITH(ReadCovariateCsv("/nonexistent/satellite.csv", CsvLayout::kLabelledDataset),
                    Catch::Contains("cannot read") && Catch::Contains("./lab run prepares data/"));
  for (const char* name : {"good", "nan", "width", "labelled", "header", "unlabelled"})
    std::remove(("/tmp/expertlab_cate_" + std::string(name) + ".csv").c_str());
}

}  // namespace
}  // namespace expertlab::cate
