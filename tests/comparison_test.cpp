// Comparisons of a sweep's runs: groups, pairing by seed and the other factors, and the output formats, checked
// against differences worked out by hand.
#include <catch2/catch.hpp>

#include "batch/comparison.hpp"

using namespace mixsim::batch;
using Catch::Matchers::Contains;

namespace {

// A runs.csv table: strategy A and B, seeds 1 to 3, one metric.
CsvTable paired_table() {
  CsvTable table;
  table.columns = {"run_id", "status", "seed", "strategy", "cost_total"};
  table.rows = {
      {"A-s1", "ok", "1", "A", "10"}, {"A-s2", "ok", "2", "A", "12"}, {"A-s3", "ok", "3", "A", "11"},
      {"B-s1", "ok", "1", "B", "11"}, {"B-s2", "ok", "2", "B", "15"}, {"B-s3", "ok", "3", "B", "12.5"},
  };
  return table;
}

}  // namespace

TEST_CASE("compare runs: groups and paired differences", "[statistics][compare]") {
  CompareRequest request;
  request.factors = {"strategy"};
  const Comparison comparison = compare_runs(paired_table(), request);
  CHECK(comparison.by == std::vector<std::string>{"strategy"});
  CHECK(comparison.baseline_factor == "strategy");
  CHECK(comparison.baseline_level == "A");
  REQUIRE(comparison.metrics.size() == 1);
  const auto& groups = comparison.metrics[0].groups;
  REQUIRE(groups.size() == 2);

  CHECK(groups[0].levels == std::vector<std::string>{"A"});
  CHECK(groups[0].sample.mean == Approx(11.0));
  CHECK(*groups[0].sample.sd == Approx(1.0));
  CHECK_FALSE(groups[0].difference.has_value());

  // Differences B - A by seed: 1, 3, 1.5. Mean 5.5 / 3 = 1.83333; squared deviations 0.69444 + 1.36111 +
  // 0.11111 = 2.16667, so sd = sqrt(2.16667 / 2) = 1.04083; half width 4.303 * 1.04083 / sqrt(3) = 2.58578.
  CHECK(groups[1].sample.mean == Approx(12.83333).epsilon(1e-6));
  REQUIRE(groups[1].difference.has_value());
  const SampleStatistics& difference = *groups[1].difference;
  CHECK(difference.n == 3);
  CHECK(difference.mean == Approx(1.83333).epsilon(1e-5));
  CHECK(*difference.sd == Approx(1.04083).epsilon(1e-5));
  CHECK(*difference.ci_low == Approx(1.83333 - 2.58578).margin(5e-4));
  CHECK(*difference.ci_high == Approx(1.83333 + 2.58578).margin(5e-4));
  // The paired baseline runs average 11, so the relative difference is 1.83333 / 11.
  CHECK(*groups[1].relative_difference == Approx(1.83333 / 11).epsilon(1e-5));
}

TEST_CASE("compare runs: failed runs are left out and unpaired", "[statistics][compare]") {
  CsvTable table = paired_table();
  table.rows[1][1] = "timeout";  // A-s2
  table.rows[1][4] = "";
  CompareRequest request;
  request.factors = {"strategy"};
  const Comparison comparison = compare_runs(table, request);
  const auto& groups = comparison.metrics[0].groups;
  CHECK(groups[0].sample.n == 2);
  CHECK(groups[0].not_ok == 1);
  CHECK(groups[1].sample.n == 3);
  CHECK(groups[1].difference->n == 2);
  CHECK(groups[1].unpaired == 1);
  CHECK(groups[1].difference->mean == Approx((1.0 + 1.5) / 2));
}

TEST_CASE("compare runs: pairs match the other factors too", "[statistics][compare]") {
  CsvTable table;
  table.columns = {"run_id", "status", "seed", "strategy", "size", "cost_total"};
  table.rows = {
      {"a", "ok", "1", "A", "small", "1"},
      {"b", "ok", "1", "A", "large", "10"},
      {"c", "ok", "1", "B", "small", "2"},
      {"d", "ok", "1", "B", "large", "14"},
  };
  CompareRequest request;
  request.factors = {"strategy", "size"};
  request.by = {"strategy"};
  request.baseline = "B";
  const Comparison comparison = compare_runs(table, request);
  const auto& groups = comparison.metrics[0].groups;
  REQUIRE(groups.size() == 2);
  CHECK(groups[0].levels == std::vector<std::string>{"A"});
  // A - B within each size: 1 - 2 = -1 and 10 - 14 = -4.
  CHECK(groups[0].difference->n == 2);
  CHECK(groups[0].difference->mean == Approx(-2.5));
  CHECK_FALSE(groups[1].difference.has_value());

  SECTION("FACTOR=LEVEL chooses a baseline factor other than the first") {
    request.by = {"strategy", "size"};
    request.baseline = "size=small";
    const Comparison by_size = compare_runs(table, request);
    CHECK(by_size.baseline_factor == "size");
    const auto& size_groups = by_size.metrics[0].groups;
    REQUIRE(size_groups.size() == 4);
    CHECK(size_groups[1].levels == std::vector<std::string>{"A", "large"});
    CHECK(size_groups[1].difference->mean == Approx(9.0));
    CHECK(size_groups[3].difference->mean == Approx(12.0));
  }
}

TEST_CASE("compare runs: requests that do not fit the sweep", "[statistics][compare]") {
  CompareRequest request;
  request.factors = {"strategy"};
  request.by = {"strategi"};
  CHECK_THROWS_WITH(compare_runs(paired_table(), request),
                    Contains("--by: factor 'strategi' is not in this sweep; did you mean 'strategy'?"));
  request.by = {};
  request.baseline = "C";
  CHECK_THROWS_WITH(compare_runs(paired_table(), request),
                    Contains("--baseline: level 'C' is not in this sweep") && Contains("valid: A, B"));
  request.baseline.reset();
  request.metrics = {"cost_totl"};
  CHECK_THROWS_WITH(compare_runs(paired_table(), request), Contains("did you mean 'cost_total'?"));
  request.metrics = {};
  CsvTable broken = paired_table();
  broken.rows[0][4] = "abc";
  CHECK_THROWS_WITH(compare_runs(broken, request), Contains("run A-s1 is ok but its cost_total is 'abc'"));
}

TEST_CASE("compare output: text, CSV and Markdown", "[statistics][compare]") {
  CompareRequest request;
  request.factors = {"strategy"};
  const Comparison comparison = compare_runs(paired_table(), request);
  const std::string text = format_comparison_text(comparison);
  CHECK_THAT(text, Contains("cost_total") && Contains("difference from strategy=A, paired by seed:") &&
                       Contains("+1.83333") && Contains("+16.7 %"));
  const std::string csv = format_comparison_csv(comparison);
  CHECK(csv.rfind("metric,strategy,n,mean,sd,ci_low,ci_high,baseline,pairs,diff_mean,diff_sd,diff_ci_low,"
                  "diff_ci_high,diff_relative\n",
                  0) == 0);
  CHECK_THAT(csv, Contains("cost_total,A,3,11,1,") && Contains(",strategy=A,3,1.8333333333333333,"));
  CHECK_THAT(format_comparison_markdown(comparison), Contains("| B | 3 | 12.8333 |"));
}
