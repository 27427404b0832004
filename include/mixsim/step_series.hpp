// Piecewise-constant functions of simulated time: pool capacity, demand, steps.
#pragma once

#include <cstddef>
#include <limits>
#include <vector>

namespace mixsim {

/// A step function of simulated time (seconds from the scenario start).
///
/// value_at(t) = values[i] for times_s[i] <= t < times_s[i + 1]; before times_s[0] the first value holds and
/// after the last point the last value holds. When period_s > 0 the points repeat every period_s seconds from
/// times_s[0] on, so the function never ends.
///
/// Invariants: times_s and values have the same, non-zero length; times_s strictly increases; when period_s > 0
/// it is larger than times_s.back() - times_s.front().
struct StepSeries {
  std::vector<double> times_s;
  std::vector<double> values;
  double period_s = 0;

  static StepSeries constant(double value);

  bool is_constant() const { return values.size() == 1 && period_s == 0; }
  double value_at(double t_s) const;

  /// Returns the first time strictly after t_s at which the value may change, or +infinity. The result is always
  /// larger than t_s.
  double next_change_after(double t_s) const;

  double min_value() const;
  double max_value() const;
};

inline constexpr double kInfinity = std::numeric_limits<double>::infinity();

}  // namespace mixsim
