// Sample statistics for comparing runs: mean, standard deviation and a Student t confidence interval.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace mixsim::batch {

/// Statistics of one sample. The interval assumes independent draws from a normal distribution, which the
/// means of runs with independent seeds approach as runs grow long.
struct SampleStatistics {
  size_t n = 0;
  double mean = 0;               // 0 when n = 0
  std::optional<double> sd;      // sample standard deviation (divisor n - 1); needs n >= 2
  std::optional<double> ci_low;  // confidence interval of the mean: mean -/+ t(1 - a/2, n - 1) sd / sqrt(n)
  std::optional<double> ci_high;
};

/// Returns the quantile of Student's t distribution with `degrees_of_freedom` > 0 at `probability` in (0, 1),
/// computed with Boost.Math.
double student_t_quantile(double probability, double degrees_of_freedom);

/// Describes `values` with a two-sided interval at `confidence` (0.95 for 95 %).
SampleStatistics describe_sample(const std::vector<double>& values, double confidence = 0.95);

}  // namespace mixsim::batch
