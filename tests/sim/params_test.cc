#include "sim/params.h"

#include <catch2/catch.hpp>

#include "sim/check.h"

namespace expertlab {
namespace {

std::vector<ParamSpec> Specs() {
  return {ParamSpec::Int("n", 4, Bounds::Closed(1, 64), "experts"),
          ParamSpec::Double("delta", 0.1, Bounds::Open(0, 0.5), "gap"),
          ParamSpec::AutoDouble("eta", Bounds::Positive(), "rate"),
          ParamSpec::Bool("flag", false, "a switch"),
          ParamSpec::Choice("mode", "a", {"a", "b"}, "mode")};
}

TEST_CASE("defaults fill unspecified parameters in declaration order", "[unit]") {
  const Params p = BuildParams(Specs(), {{"n", "8"}}, "test");
  CHECK(p.Int("n") == 8);
  CHECK(p.Double("delta") == 0.1);
  CHECK_FALSE(p.AutoDouble("eta").has_value());
  CHECK(p.Bool("flag") == false);
  CHECK(p.String("mode") == "a");
  CHECK(p.ToString() == "n=8, delta=0.1, eta=auto, flag=false, mode=a");
}

TEST_CASE("bad parameters produce one message naming key, value, expectation", "[unit]") {
  auto message = [](std::map<std::string, std::string> values) {
    try {
      BuildParams(Specs(), values, "algorithm 'x'");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message({{"m", "1"}}) ==
        "algorithm 'x': unknown parameter 'm'; expected one of {n, delta, eta, "
        "flag, mode}");
  CHECK(message({{"n", "abc"}}) ==
        "algorithm 'x': bad value 'abc' for 'n': expected an integer in [1, 64]");
  CHECK(message({{"n", "65"}}) ==
        "algorithm 'x': bad value '65' for 'n': out of range; expected an "
        "integer in [1, 64]");
  CHECK(message({{"delta", "0.5"}}) ==
        "algorithm 'x': bad value '0.5' for 'delta': out of range; expected a "
        "number in (0, 0.5)");
  CHECK(message({{"n", "2.5"}}).find("expected an integer") != std::string::npos);
  CHECK(message({{"mode", "c"}}).find("one of {a, b}") != std::string::npos);
  CHECK(message({{"flag", "maybe"}}).find("true or false") != std::string::npos);
  CHECK(message({{"eta", "-1"}}).find("out of range") != std::string::npos);
}

TEST_CASE("integral doubles are accepted as integers", "[unit]") {
  CHECK(BuildParams(Specs(), {{"n", "6.0"}}, "t").Int("n") == 6);
  CHECK(BuildParams(Specs(), {{"n", "1e1"}}, "t").Int("n") == 10);
}

TEST_CASE("spec strings parse names and arguments", "[unit]") {
  SpecString s = ParseSpecString(" hedge( eta = 0.1 , schedule=fixed ) ");
  CHECK(s.name == "hedge");
  CHECK(s.args.at("eta") == "0.1");
  CHECK(s.args.at("schedule") == "fixed");
  CHECK(ParseSpecString("ftl").args.empty());
  CHECK(ParseSpecString("ftl()").args.empty());
  CHECK_THROWS_AS(ParseSpecString("hedge(eta)"), Error);
  CHECK_THROWS_AS(ParseSpecString("hedge(eta=1"), Error);
  CHECK_THROWS_AS(ParseSpecString("hedge(eta=1, eta=2)"), Error);
  CHECK_THROWS_AS(ParseSpecString(""), Error);
}

TEST_CASE("top-level split keeps nested commas", "[unit]") {
  CHECK(SplitTopLevel("a,b(c=1,d=2), e", ',') == std::vector<std::string>{"a", "b(c=1,d=2)", "e"});
}

TEST_CASE("values format canonically and round-trip", "[unit]") {
  CHECK(FormatValue(int64_t{42}) == "42");
  CHECK(FormatValue(0.1) == "0.1");
  CHECK(FormatValue(1.0 / 3.0) == "0.3333333333333333");
  CHECK(std::stod(FormatValue(1.0 / 3.0)) == 1.0 / 3.0);
  CHECK(FormatValue(true) == "true");
  CHECK(FormatValue(std::string("ftl")) == "ftl");
}

}  // namespace
}  // namespace expertlab
