#include "algorithms/debate/calibration.h"

#include <catch2/catch.hpp>

namespace expertlab::debate {
namespace {

TEST_CASE("calibration: Brier, argmax accuracy, ECE and selective accuracy by hand",
          "[theory]") {
  // Stated P(true) = 0.93, 0.22, 0.64, 0.5: confidences 0.93, 0.78, 0.64,
  // 0.5; the argmax choice is right, wrong, right and a tie (1/2).
  //   Brier = (0.07^2 + 0.78^2 + 0.36^2 + 0.5^2) / 4 = 0.9929 / 4
  //   argmax accuracy = 2.5 / 4
  //   ECE with 5 bins (one question in each of four bins):
  //     (0.07 + 0.78 + 0.36 + 0) / 4; with one bin: |2.5 - 2.85| / 4
  //   coverage 1/2 keeps 0.93 and 0.22 (accuracy 1/2), 1/4 keeps 0.93.
  const std::vector<double> truth = {0.93, 0.22, 0.64, 0.5};
  const Calibration five = Calibrate(truth, 5, 0.5);
  CHECK(five.brier == Approx(0.9929 / 4).epsilon(1e-12));
  CHECK(five.argmax_accuracy == Approx(0.625).epsilon(1e-12));
  CHECK(five.calibration_error == Approx(1.21 / 4).epsilon(1e-12));
  CHECK(five.selective_accuracy == Approx(0.5).epsilon(1e-12));
  const Calibration one = Calibrate(truth, 1, 0.25);
  CHECK(one.calibration_error == Approx(0.35 / 4).epsilon(1e-12));
  CHECK(one.selective_accuracy == Approx(1.0).epsilon(1e-12));
  CHECK(Calibrate(truth, 1, 1.0).selective_accuracy == Approx(0.625).epsilon(1e-12));
}

TEST_CASE("calibration: a judge that always says 1/2 + e", "[theory]") {
  // Brier (1/2 - e)^2, always right, confidence 1/2 + e: ECE 1/2 - e.
  const Calibration c = Calibrate(std::vector<double>(7, 0.6), 10, 0.3);
  CHECK(c.brier == Approx(0.16).epsilon(1e-12));
  CHECK(c.argmax_accuracy == 1.0);
  CHECK(c.calibration_error == Approx(0.4).epsilon(1e-12));
}

TEST_CASE("calibration: bad input is refused", "[unit]") {
  CHECK_THROWS_WITH(Calibrate({}, 10, 0.5), Catch::Contains("no questions"));
  CHECK_THROWS_WITH(Calibrate({0.5}, 0, 0.5), Catch::Contains("bins"));
  CHECK_THROWS_WITH(Calibrate({0.5}, 10, 0.0), Catch::Contains("coverage"));
  CHECK_THROWS_WITH(Calibrate({1.5}, 10, 0.5), Catch::Contains("outside [0, 1]"));
}

}  // namespace
}  // namespace expertlab::debate
