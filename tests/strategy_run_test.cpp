// Switching the allocation strategy of a shipped scenario with --set changes the size mix as each strategy
// defines it.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "simulation_support.hpp"

using namespace mixsim;

namespace {

std::string shipped(const std::string& name) {
  std::ifstream in(std::string(MIXSIM_SOURCE_DIR) + "/scenarios/" + name);
  std::ostringstream text;
  text << in.rdbuf();
  // The scenario refers to data beside it; run it from a copy that points there.
  std::string yaml = text.str();
  const std::string data = "trace: data/";
  if (const auto at = yaml.find(data); at != std::string::npos) {
    yaml.replace(at, data.size(), "trace: " + std::string(MIXSIM_SOURCE_DIR) + "/scenarios/data/");
  }
  return yaml;
}

double hours(const test::RunResult& result, const std::string& size) {
  return result.summary["vmHours"]["bySize"][size].get<double>();
}

}  // namespace

TEST_CASE("strategies: --set switches the size mix of the default scenario", "[strategy]") {
  const std::string yaml = shipped("default.yaml");
  const auto lowest = test::run_scenario("strategy-lowest", yaml);
  const auto capacity = test::run_scenario(
      "strategy-capacity", yaml, {"--set", "scaleSets[web].skuProfile.allocationStrategy=CapacityOptimized"});
  const auto prioritized = test::run_scenario(
      "strategy-prioritized", yaml,
      {"--set", "scenario.platformRules=ga", "--set", "scaleSets[web].skuProfile.allocationStrategy=Prioritized",
       "--set", "scaleSets[web].skuProfile.vmSizes=[{name: Standard_D4ds_v5, rank: 0}, {name: Standard_D4as_v5, rank: 1}]"});
  REQUIRE(lowest.status == 0);
  REQUIRE(capacity.status == 0);
  REQUIRE(prioritized.status == 0);

  // LowestPrice fills the cheapest size, Standard_D4as_v5, as far as its capacity goes.
  CHECK(hours(lowest, "Standard_D4as_v5") > 10 * hours(lowest, "Standard_D4ads_v5"));
  // CapacityOptimized ignores price: Spot VMs go to the first size with an unlimited Spot pool rather than to the
  // cheapest size's limited one. (Regular pools are all unlimited, so Regular VMs stay on the first size.)
  CHECK(hours(capacity, "Standard_D4ads_v5") > 100);
  CHECK(hours(capacity, "Standard_D4ads_v5") > 10 * hours(lowest, "Standard_D4ads_v5"));
  CHECK(hours(capacity, "Standard_D4as_v5") < hours(lowest, "Standard_D4as_v5"));
  CHECK(capacity.summary["cost"]["total"].get<double>() > lowest.summary["cost"]["total"].get<double>());
  // Prioritized follows the rank, here the most expensive size first.
  CHECK(hours(prioritized, "Standard_D4ds_v5") > 10 * hours(prioritized, "Standard_D4as_v5"));
}

TEST_CASE("strategies: the capacity crunch scenario separates price from capacity", "[strategy]") {
  const std::string yaml = shipped("capacity-crunch.yaml");
  const auto lowest = test::run_scenario("crunch-lowest", yaml);
  const auto capacity = test::run_scenario(
      "crunch-capacity", yaml, {"--set", "scaleSets[workers].skuProfile.allocationStrategy=CapacityOptimized"});
  REQUIRE(lowest.status == 0);
  REQUIRE(capacity.status == 0);
  CHECK(hours(lowest, "Standard_F4s_v2") > 0);
  CHECK(hours(capacity, "Standard_F4s_v2") == 0);
  CHECK(lowest.summary["counts"]["evictions"].get<long>() > 3 * capacity.summary["counts"]["evictions"].get<long>());
  CHECK(lowest.summary["cost"]["total"].get<double>() < capacity.summary["cost"]["total"].get<double>());
}
