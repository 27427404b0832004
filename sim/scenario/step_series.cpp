#include "mixsim/step_series.hpp"

#include <algorithm>
#include <cmath>

namespace mixsim {

StepSeries StepSeries::constant(double value) {
  StepSeries series;
  series.times_s = {0.0};
  series.values = {value};
  return series;
}

// Maps t to the equivalent time within the first repetition (or returns it unchanged without repetition),
// and reports the start of the repetition that contains t.
static double fold_into_period(const StepSeries& series, double t_s, double* cycle_start_s) {
  const double first = series.times_s.front();
  if (series.period_s <= 0 || t_s < first) {
    *cycle_start_s = 0;
    return t_s;
  }
  const double cycles = std::floor((t_s - first) / series.period_s);
  *cycle_start_s = cycles * series.period_s;
  double folded = t_s - *cycle_start_s;
  // Rounding can push the folded time just past the period's end; keep it inside the first repetition.
  if (folded >= first + series.period_s) {
    *cycle_start_s += series.period_s;
    folded -= series.period_s;
  }
  return folded;
}

double StepSeries::value_at(double t_s) const {
  double cycle_start = 0;
  const double folded = fold_into_period(*this, t_s, &cycle_start);
  const auto after = std::upper_bound(times_s.begin(), times_s.end(), folded);
  if (after == times_s.begin()) {
    return values.front();
  }
  return values[static_cast<size_t>(after - times_s.begin()) - 1];
}

double StepSeries::next_change_after(double t_s) const {
  double cycle_start = 0;
  const double folded = fold_into_period(*this, t_s, &cycle_start);
  size_t index = static_cast<size_t>(std::upper_bound(times_s.begin(), times_s.end(), folded) - times_s.begin());
  // Rounding in cycle_start + time can land on or before t_s when t_s lies just before a change. The candidates
  // are then walked forward, so the result comes after t_s and the simulated clock advances.
  for (size_t tries = 0; tries <= times_s.size() + 1; ++tries) {
    if (index == times_s.size()) {
      if (period_s <= 0) {
        return kInfinity;
      }
      cycle_start += period_s;
      index = 0;
    }
    const double candidate = cycle_start + times_s[index];
    if (candidate > t_s) {
      return candidate;
    }
    ++index;
  }
  return std::nextafter(t_s, kInfinity);
}

double StepSeries::min_value() const { return *std::min_element(values.begin(), values.end()); }

double StepSeries::max_value() const { return *std::max_element(values.begin(), values.end()); }

}  // namespace mixsim
