// End-to-end checks of offload_quant (experiments/offload_quant.cc): the
// stored bytes follow the formats' closed forms, a mixed setting with no
// or every expert low equals the uniform formats on the same trained
// model, and bad settings stop the plan.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/check.h"
#include "tests/sim/one_cell.h"

namespace expertlab::offload {
namespace {

double QuantRow(const std::vector<std::string>& overrides, const std::string& metric) {
  std::vector<std::string> all = {"steps=40", "d_model=32", "d_ff=32", "blocks=1",
                                  "val_windows=16", "group=16"};
  all.insert(all.end(), overrides.begin(), overrides.end());
  for (const auto& r : expertlab::testing::RunOneCell("offload_quant", all))
    if (r.name == metric) return r.value;
  FAIL("no row " << metric);
  return 0;
}

TEST_CASE("offload_quant: bytes follow the formats, mixed extremes equal uniform formats",
          "[unit]") {
  if (!std::filesystem::is_directory("/usr/share/common-licenses")) {
    WARN("no /usr/share/common-licenses (package base-files): nothing to check");
    return;
  }
  // Memory over fp32 per weight: code bits / 32 plus one fp32 scale per
  // 16 weights (2 bits a weight).
  CHECK(QuantRow({"format=fp32"}, "memory_ratio") == 1.0);
  CHECK(QuantRow({"format=fp32"}, "delta_bpc") == 0.0);
  CHECK(QuantRow({"format=int8"}, "bits_per_weight") == 10.0);
  CHECK(QuantRow({"format=int4"}, "memory_ratio") == Approx(6.0 / 32).epsilon(1e-12));
  CHECK(QuantRow({"format=int2"}, "bits_per_weight") == Approx(4.0).epsilon(1e-12));
  // The cells share one trained model: no expert low is all int4, every
  // expert low is all int2, whatever the order.
  const double int4 = QuantRow({"format=int4"}, "val_bpc");
  const double int2 = QuantRow({"format=int2"}, "val_bpc");
  CHECK(QuantRow({"format=mixed", "low=int2", "low_fraction=0"}, "val_bpc") == int4);
  CHECK(QuantRow({"format=mixed", "low=int2", "low_fraction=1", "order=random"}, "val_bpc") ==
        int2);
  CHECK(QuantRow({"format=mixed", "low=int2", "low_fraction=1"}, "low_experts") == 8.0);
}

TEST_CASE("offload_quant: a group that does not fit the model stops the plan", "[unit]") {
  CHECK_THROWS_WITH(expertlab::testing::PlanQuickSweep("offload_quant", {"group=24"}, "quant"),
                    Catch::Contains("group"));
  CHECK_THROWS_WITH(expertlab::testing::PlanQuickSweep("offload_quant", {"low=int8"}, "quant"),
                    Catch::Contains("low"));
  CHECK_FALSE(std::filesystem::exists(expertlab::testing::NeverWrittenDir("quant")));
}

}  // namespace
}  // namespace expertlab::offload
