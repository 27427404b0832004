// Regression checks: summaries compared metric by metric, with tolerances per metric.
#include <catch2/catch.hpp>

#include "batch/regression.hpp"

using namespace mixsim::batch;
using Catch::Matchers::Contains;
using nlohmann::ordered_json;

namespace {

ordered_json summary() {
  return ordered_json::parse(R"({"scenario": "small", "version": "0.1.0", "eventsProcessed": 120,
    "cost": {"total": 100.0, "bySize": {"D2": 60.0, "D4": 40.0}},
    "counts": {"evictions": 7},
    "scaleSets": {"web": {"cost": {"total": 100.0}, "counts": {"evictions": 7}}}})");
}

const MetricChange* find(const std::vector<MetricChange>& changes, const std::string& metric) {
  for (const MetricChange& change : changes) {
    if (change.metric == metric) {
      return &change;
    }
  }
  return nullptr;
}

}  // namespace

TEST_CASE("regression: identical summaries have no changes", "[regression]") {
  CHECK(compare_summaries(summary(), summary(), Tolerances()).empty());
}

TEST_CASE("regression: the version does not count", "[regression]") {
  ordered_json current = summary();
  current["version"] = "0.2.0";
  CHECK(compare_summaries(summary(), current, Tolerances()).empty());
  CHECK(metric_paths(summary()).front() == "scenario");
}

TEST_CASE("regression: costs within the relative tolerance", "[regression]") {
  ordered_json current = summary();
  current["cost"]["total"] = 100.0 * (1 + 1e-12);
  current["scaleSets"]["web"]["cost"]["total"] = 100.5;
  const auto changes = compare_summaries(summary(), current, Tolerances());
  REQUIRE(changes.size() == 2);
  CHECK(changes[0].metric == "cost.total");
  CHECK_FALSE(changes[0].regression);
  CHECK(changes[1].metric == "scaleSets.web.cost.total");
  CHECK(changes[1].regression);
  CHECK(*changes[1].relative_change == Approx(0.005));
  CHECK(changes[1].tolerance == kDefaultRelativeTolerance);
}

TEST_CASE("regression: counts must match exactly", "[regression]") {
  ordered_json current = summary();
  current["counts"]["evictions"] = 8;
  const auto changes = compare_summaries(summary(), current, Tolerances());
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].metric == "counts.evictions");
  CHECK(changes[0].regression);
  CHECK(changes[0].tolerance == 0);
  CHECK(changes[0].baseline == "7");
  CHECK(changes[0].current == "8");
}

TEST_CASE("regression: tolerance rules by metric", "[regression]") {
  ordered_json current = summary();
  current["counts"]["evictions"] = 8;
  current["scaleSets"]["web"]["counts"]["evictions"] = 8;
  current["cost"]["total"] = 101.0;

  SECTION("a rule applies where its key parts appear in a row") {
    const Tolerances tolerances({{"evictions", 0.2}, {"cost", 0.02}});
    CHECK(tolerances.for_metric("counts.evictions", true) == 0.2);
    CHECK(tolerances.for_metric("scaleSets.web.counts.evictions", true) == 0.2);
    CHECK(tolerances.for_metric("cost.bySize.D2", false) == 0.02);
    CHECK(tolerances.for_metric("counts.scaleOuts", true) == 0);
    CHECK(tolerances.for_metric("vmHours.total", false) == kDefaultRelativeTolerance);
    for (const MetricChange& change : compare_summaries(summary(), current, tolerances)) {
      INFO(change.metric);
      CHECK_FALSE(change.regression);
    }
  }
  SECTION("the most specific rule wins") {
    const Tolerances tolerances({{"cost", 0.5}, {"scaleSets.web.cost", 0.0}});
    CHECK(tolerances.for_metric("scaleSets.web.cost.total", false) == 0.0);
    CHECK(tolerances.for_metric("cost.total", false) == 0.5);
  }
  SECTION("rules that match nothing are reported") {
    const Tolerances tolerances({{"cots", 0.1}, {"cost.total", 0.1}});
    const auto unmatched = tolerances.unmatched(metric_paths(summary()));
    REQUIRE(unmatched.size() == 1);
    CHECK(unmatched[0].metric == "cots");
  }
}

TEST_CASE("regression: metrics that appear or disappear", "[regression]") {
  ordered_json current = summary();
  current["cost"]["bySize"].erase("D4");
  current["cost"]["bySize"]["D8"] = 40.0;
  const auto changes = compare_summaries(summary(), current, Tolerances());
  const MetricChange* gone = find(changes, "cost.bySize.D4");
  const MetricChange* added = find(changes, "cost.bySize.D8");
  REQUIRE(gone != nullptr);
  REQUIRE(added != nullptr);
  CHECK(gone->regression);
  CHECK(gone->current.empty());
  CHECK(added->regression);
  CHECK(added->baseline.empty());
}

TEST_CASE("regression: --tolerance parsing", "[regression]") {
  ToleranceRule rule;
  CHECK(parse_tolerance_rule("cost.total=1e-6", rule).empty());
  CHECK(rule.metric == "cost.total");
  CHECK(rule.relative == 1e-6);
  CHECK_THAT(parse_tolerance_rule("cost.total", rule), Contains("expected METRIC=REL"));
  CHECK_THAT(parse_tolerance_rule("=0.1", rule), Contains("expected METRIC=REL"));
  CHECK_THAT(parse_tolerance_rule("cost=-1", rule), Contains("'-1' is not a relative tolerance"));
  CHECK_THAT(parse_tolerance_rule("cost=nan", rule), Contains("is not a relative tolerance"));
}
