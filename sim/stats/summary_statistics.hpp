// Descriptive statistics over repeated runs: mean, sample standard deviation, quartiles, Student-t confidence
// intervals, and differences between two configurations paired by a key such as the seed. Sweep reports and
// comparisons of sweep levels share these functions so that they print the same numbers.
#pragma once

#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace mixsim::stats {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The summary of one sample. Fields that need more values than the sample has are NaN: every field for an
/// empty sample, `sd` and the interval for a single value.
struct SampleSummary {
  size_t count = 0;
  double mean = kNaN;
  double sd = kNaN;  // sample standard deviation (divisor count - 1)
  double min = kNaN;
  double q1 = kNaN;  // quartiles by linear interpolation between order statistics (Hyndman and Fan type 7)
  double median = kNaN;
  double q3 = kNaN;
  double max = kNaN;
  double confidence = 0.95;
  /// Half the width of the Student-t confidence interval of the mean at `confidence`.
  double ci_half_width = kNaN;

  double ci_low() const { return mean - ci_half_width; }
  double ci_high() const { return mean + ci_half_width; }
};

/// Summarizes `values`. Requires every value to be finite and 0 < confidence < 1, and throws std::invalid_argument
/// otherwise.
SampleSummary summarize(std::span<const double> values, double confidence = 0.95);

/// Returns the p-quantile of Student's t distribution with `degrees_of_freedom` (> 0), e.g. 2.776 for p = 0.975
/// and 4 degrees of freedom. Throws std::invalid_argument for p outside (0, 1) or degrees_of_freedom <= 0.
double student_t_quantile(double p, double degrees_of_freedom);

/// Returns the p-quantile (0 <= p <= 1) of values sorted in increasing order, interpolating linearly between
/// order statistics (type 7, the default of R and NumPy). NaN for an empty span.
double sorted_quantile(std::span<const double> sorted_values, double p);

/// One observation of a paired comparison: `key` names the unit both configurations share (a seed, or a seed
/// with the levels of the other factors).
struct PairedObservation {
  std::string key;
  double value = 0;
};

/// Differences treatment - baseline over the keys present in both samples.
struct PairedComparison {
  SampleSummary difference;         // of treatment - baseline, one value per matched key
  double baseline_mean = kNaN;      // mean of the baseline over the matched keys only
  double treatment_mean = kNaN;     // mean of the treatment over the matched keys only
  std::vector<std::string> unmatched_keys;  // keys present in only one sample, sorted
};

/// Pairs `baseline` and `treatment` by key and summarizes their differences. Throws std::invalid_argument when
/// a key appears twice in one sample or a value is not finite.
PairedComparison compare_paired(std::span<const PairedObservation> baseline,
                                std::span<const PairedObservation> treatment, double confidence = 0.95);

}  // namespace mixsim::stats
