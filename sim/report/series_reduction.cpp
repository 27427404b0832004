#include "series_reduction.hpp"

#include <cmath>
#include <stdexcept>

namespace mixsim::report {

namespace {

// Adds one present sample to the column being built.
void add_sample(ColumnExtremes& column, double value) {
  if (value < column.min) {
    column.min = value;
    column.min_before_max = false;
  }
  if (value > column.max) {
    column.max = value;
    column.min_before_max = true;
  }
  column.last = value;
}

}  // namespace

std::vector<ColumnExtremes> reduce_to_columns(std::span<const double> times_s, std::span<const double> values,
                                              double begin_s, double end_s, int columns) {
  if (times_s.size() != values.size()) {
    throw std::invalid_argument("reduce_to_columns: times and values differ in length");
  }
  if (columns < 1 || !(end_s > begin_s)) {
    throw std::invalid_argument("reduce_to_columns: requires columns >= 1 and end_s > begin_s");
  }

  std::vector<ColumnExtremes> reduced;
  const double column_width_s = (end_s - begin_s) / columns;
  bool missing_since_last_value = false;
  for (size_t i = 0; i < times_s.size(); ++i) {
    const double t = times_s[i];
    if (t < begin_s || t > end_s) {
      continue;
    }
    if (std::isnan(values[i])) {
      missing_since_last_value = true;
      continue;
    }
    const int column = std::min(columns - 1, static_cast<int>(std::floor((t - begin_s) / column_width_s)));
    if (reduced.empty() || reduced.back().column != column) {
      ColumnExtremes entry;
      entry.column = column;
      entry.first = entry.min = entry.max = entry.last = values[i];
      entry.gap_before = missing_since_last_value && !reduced.empty();
      reduced.push_back(entry);
    } else {
      add_sample(reduced.back(), values[i]);
    }
    missing_since_last_value = false;
  }
  return reduced;
}

}  // namespace mixsim::report
