// Reduction of long time series to one entry per pixel column for drawing. A year sampled every five minutes has
// 105,120 points and a chart about a thousand columns. Drawing every point would make the file large and the page
// slow, and dropping points would hide the spikes that matter, such as a capacity drop or a burst of evictions.
#pragma once

#include <span>
#include <vector>

namespace mixsim::report {

/// The samples of one series that fall in one pixel column: the first, minimum, maximum and last value, in the
/// order they occurred. Drawing first, then min and max in their order, then last reproduces the full series at
/// that resolution, extremes included (the M4 reduction of Jugel et al., VLDB 2014).
struct ColumnExtremes {
  int column = 0;
  double first = 0;
  double min = 0;
  double max = 0;
  double last = 0;
  bool min_before_max = true;
  bool gap_before = false;  // missing samples (NaN) lie between the previous column's last value and `first`
};

/// Reduces `values` sampled at `times_s` (non-decreasing, same length) to at most `columns` entries, one per
/// column that contains a sample, in column order. Column c covers [begin_s + c w, begin_s + (c + 1) w) with
/// w = (end_s - begin_s) / columns. A sample at end_s belongs to the last column, and samples outside
/// [begin_s, end_s] are ignored. NaN values are missing samples, which start a gap. Requires columns >= 1 and
/// end_s > begin_s, and throws std::invalid_argument otherwise or when the spans differ in length.
std::vector<ColumnExtremes> reduce_to_columns(std::span<const double> times_s, std::span<const double> values,
                                              double begin_s, double end_s, int columns);

}  // namespace mixsim::report
