// Charts of a sweep report, as inline SVG: cost against availability per configuration, the spread of a metric
// across seeds, and paired differences against a baseline level.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "stats/summary_statistics.hpp"

namespace mixsim::report {

/// A point of a run in a chart, with the text shown on hover.
struct RunPoint {
  double x = 0;
  double y = 0;
  std::string detail;
};

/// The runs of one configuration in a cost-against-availability chart.
struct ScatterGroup {
  std::string key;
  std::string label;
  std::string color;
  std::vector<RunPoint> runs;
  stats::SampleSummary x;
  stats::SampleSummary y;
};

/// A quantity on an axis: its title, unit, and the factor from stored values to shown values (100 for a fraction
/// shown in percent).
struct AxisQuantity {
  std::string title;
  std::string unit;
  double scale = 1;
};

/// Returns a chart of each group's runs and its mean with 95 % confidence intervals on both axes.
std::string render_scatter_chart(const std::string& id, const std::string& title, const AxisQuantity& x_quantity,
                                 const AxisQuantity& y_quantity, const std::vector<ScatterGroup>& groups);

/// The values of one metric for one configuration.
struct SpreadGroup {
  std::string key;
  std::string label;
  std::string color;
  std::vector<RunPoint> runs;  // y is the value; x is unused
  stats::SampleSummary summary;
};

/// Returns a box plot per group (quartiles, median, minimum to maximum) with every run as a dot and the mean with
/// its 95 % confidence interval.
std::string render_spread_chart(const std::string& id, const std::string& title, const AxisQuantity& quantity,
                                const std::vector<SpreadGroup>& groups);

/// One row of a paired-difference chart: a level against the baseline.
struct DifferenceRow {
  std::string key;
  std::string label;
  std::string color;
  stats::PairedComparison comparison;
};

/// Returns the mean paired difference of each row with its 95 % confidence interval, around a line at zero.
std::string render_difference_chart(const std::string& id, const std::string& title, const AxisQuantity& quantity,
                                    const std::vector<DifferenceRow>& rows);

}  // namespace mixsim::report
