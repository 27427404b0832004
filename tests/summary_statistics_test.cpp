// Summary statistics over repeated runs: moments, quartiles, Student-t intervals, paired differences.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "stats/summary_statistics.hpp"

using namespace mixsim::stats;

TEST_CASE("summary statistics: mean, sd and quartiles of a known sample", "[stats]") {
  const std::vector<double> values = {2, 4, 4, 4, 5, 5, 7, 9};
  const SampleSummary summary = summarize(values);
  CHECK(summary.count == 8);
  CHECK(summary.mean == Approx(5.0));
  CHECK(summary.sd == Approx(std::sqrt(32.0 / 7.0)));
  CHECK(summary.min == 2);
  CHECK(summary.max == 9);
  CHECK(summary.q1 == Approx(4.0));
  CHECK(summary.median == Approx(4.5));
  CHECK(summary.q3 == Approx(5.5));
  // t(0.975, 7) = 2.364624 from published tables.
  CHECK(summary.ci_half_width == Approx(2.364624 * std::sqrt(32.0 / 7.0) / std::sqrt(8.0)).epsilon(1e-6));
  CHECK(summary.ci_low() == Approx(5.0 - summary.ci_half_width));
  CHECK(summary.ci_high() == Approx(5.0 + summary.ci_half_width));
}

TEST_CASE("summary statistics: quartiles interpolate like R type 7", "[stats]") {
  const std::vector<double> sorted = {1, 2, 3, 4};
  CHECK(sorted_quantile(sorted, 0.25) == Approx(1.75));
  CHECK(sorted_quantile(sorted, 0.5) == Approx(2.5));
  CHECK(sorted_quantile(sorted, 0.75) == Approx(3.25));
  CHECK(sorted_quantile(sorted, 0) == 1);
  CHECK(sorted_quantile(sorted, 1) == 4);
  CHECK(std::isnan(sorted_quantile(std::vector<double>{}, 0.5)));
}

TEST_CASE("summary statistics: Student t quantiles match tables", "[stats]") {
  struct Case {
    double p;
    double dof;
    double expected;
  };
  // Two-sided 95 % and 90 % critical values from standard t tables.
  const std::vector<Case> cases = {{0.975, 1, 12.7062}, {0.975, 2, 4.3027}, {0.975, 4, 2.7764},
                                   {0.975, 9, 2.2622},  {0.975, 30, 2.0423}, {0.95, 10, 1.8125},
                                   {0.025, 4, -2.7764}};
  for (const Case& test : cases) {
    INFO("p = " << test.p << ", degrees of freedom = " << test.dof);
    CHECK(student_t_quantile(test.p, test.dof) == Approx(test.expected).epsilon(1e-4));
  }
}

TEST_CASE("summary statistics: small samples leave undefined fields NaN", "[stats]") {
  const SampleSummary empty = summarize(std::vector<double>{});
  CHECK(empty.count == 0);
  CHECK(std::isnan(empty.mean));
  CHECK(std::isnan(empty.median));
  CHECK(std::isnan(empty.ci_half_width));

  const SampleSummary single = summarize(std::vector<double>{3.5});
  CHECK(single.count == 1);
  CHECK(single.mean == 3.5);
  CHECK(single.median == 3.5);
  CHECK(std::isnan(single.sd));
  CHECK(std::isnan(single.ci_half_width));
}

TEST_CASE("summary statistics: identical values give a zero-width interval", "[stats]") {
  const SampleSummary summary = summarize(std::vector<double>{0.99, 0.99, 0.99});
  CHECK(summary.sd == Approx(0).margin(1e-12));
  CHECK(summary.ci_half_width == Approx(0).margin(1e-12));
}

TEST_CASE("summary statistics: the confidence level changes the interval", "[stats]") {
  const std::vector<double> values = {1, 2, 3, 4, 5};
  const SampleSummary at_95 = summarize(values, 0.95);
  const SampleSummary at_99 = summarize(values, 0.99);
  CHECK(at_99.ci_half_width > at_95.ci_half_width);
  // t(0.995, 4) = 4.604095.
  CHECK(at_99.ci_half_width == Approx(4.604095 * std::sqrt(2.5) / std::sqrt(5.0)).epsilon(1e-6));
}

TEST_CASE("summary statistics: invalid input is rejected", "[stats]") {
  CHECK_THROWS_AS(summarize(std::vector<double>{1, NAN}), std::invalid_argument);
  CHECK_THROWS_AS(summarize(std::vector<double>{1, INFINITY}), std::invalid_argument);
  CHECK_THROWS_AS(summarize(std::vector<double>{1, 2}, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(summarize(std::vector<double>{1, 2}, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(student_t_quantile(0.975, 0), std::invalid_argument);
  CHECK_THROWS_AS(student_t_quantile(1.0, 3), std::invalid_argument);
}

TEST_CASE("paired comparison: differences follow the keys", "[stats]") {
  const std::vector<PairedObservation> baseline = {{"1", 10}, {"2", 20}, {"3", 30}, {"4", 40}};
  // Listed in another order: pairing must use keys, not positions.
  const std::vector<PairedObservation> treatment = {{"3", 33}, {"1", 11}, {"4", 44}, {"2", 22}};
  const PairedComparison comparison = compare_paired(baseline, treatment);
  CHECK(comparison.difference.count == 4);
  CHECK(comparison.difference.mean == Approx(2.5));
  CHECK(comparison.difference.min == Approx(1));
  CHECK(comparison.difference.max == Approx(4));
  CHECK(comparison.baseline_mean == Approx(25));
  CHECK(comparison.treatment_mean == Approx(27.5));
  CHECK(comparison.unmatched_keys.empty());
  // Differences 1, 2, 3, 4: sd = sqrt(5/3), t(0.975, 3) = 3.182446.
  CHECK(comparison.difference.ci_half_width == Approx(3.182446 * std::sqrt(5.0 / 3.0) / 2.0).epsilon(1e-6));
}

TEST_CASE("paired comparison: pairing removes the shared seed effect", "[stats]") {
  // Seeds shift both configurations alike; the treatment costs exactly 1 more on every seed.
  std::vector<PairedObservation> baseline;
  std::vector<PairedObservation> treatment;
  for (int seed = 1; seed <= 6; ++seed) {
    const double seed_effect = seed * seed * 10.0;
    baseline.push_back({std::to_string(seed), seed_effect});
    treatment.push_back({std::to_string(seed), seed_effect + 1});
  }
  const PairedComparison comparison = compare_paired(baseline, treatment);
  CHECK(comparison.difference.mean == Approx(1));
  CHECK(comparison.difference.ci_half_width == Approx(0).margin(1e-9));
}

TEST_CASE("paired comparison: keys in one sample only are listed", "[stats]") {
  const std::vector<PairedObservation> baseline = {{"1", 1}, {"2", 2}, {"5", 5}};
  const std::vector<PairedObservation> treatment = {{"2", 3}, {"1", 2}, {"7", 9}};
  const PairedComparison comparison = compare_paired(baseline, treatment);
  CHECK(comparison.difference.count == 2);
  CHECK(comparison.difference.mean == Approx(1));
  CHECK(comparison.unmatched_keys == std::vector<std::string>{"5", "7"});
}

TEST_CASE("paired comparison: a duplicate key is rejected", "[stats]") {
  const std::vector<PairedObservation> baseline = {{"1", 1}, {"1", 2}};
  const std::vector<PairedObservation> treatment = {{"1", 1}};
  CHECK_THROWS_WITH(compare_paired(baseline, treatment), Catch::Contains("'1' appears twice in the baseline"));
}
