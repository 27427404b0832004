// Comparison of a sweep's runs: statistics per group of factor levels, and differences from a baseline level
// paired by seed and by the levels of the other factors.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "batch/run_table.hpp"
#include "batch/statistics.hpp"

namespace mixsim::batch {

/// A request that does not fit the sweep (an unknown factor, level or metric); the message lists the valid ones.
class CompareError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// A comparison request: the groups, the baseline and the metrics.
struct CompareRequest {
  std::vector<std::string> factors;     // every factor of the sweep, in sweep.json order
  std::vector<std::string> by;          // factors that define the groups; empty = every factor
  std::optional<std::string> baseline;  // LEVEL of the first --by factor, or FACTOR=LEVEL; empty = its first level
  std::vector<std::string> metrics;     // metric columns to compare; empty = every metric column of runs.csv
  double confidence = 0.95;
};

/// One group of runs (one combination of the --by factors' levels) for one metric.
struct GroupComparison {
  std::vector<std::string> levels;             // the group's level of each --by factor
  SampleStatistics sample;                     // over the group's Ok runs
  size_t not_ok = 0;                           // runs of the group left out because they did not end Ok
  std::optional<SampleStatistics> difference;  // group minus baseline, per pair; absent for the baseline itself
  std::optional<double> relative_difference;   // mean difference / mean of the paired baseline runs
  size_t unpaired = 0;                         // Ok runs without an Ok baseline partner
};

struct MetricComparison {
  std::string metric;
  std::vector<GroupComparison> groups;  // in order of first appearance in runs.csv
};

struct Comparison {
  std::vector<std::string> by;
  std::string baseline_factor;  // empty when no factor has two levels to compare
  std::string baseline_level;
  double confidence = 0.95;
  std::vector<MetricComparison> metrics;
};

/// Compares the runs of `runs` (a runs.csv table). Runs whose status is not ok are left out and counted. A
/// group's run is paired with the baseline run that has the same seed and the same level of every factor except
/// the baseline factor. Throws CompareError on a --by factor, baseline level or metric that the table lacks, and on
/// a metric cell of an Ok run that is not a number.
Comparison compare_runs(const CsvTable& runs, const CompareRequest& request);

/// Formats the comparison as the table `mixsim compare` prints.
std::string format_comparison_text(const Comparison& comparison);
/// Formats the comparison as compare.csv: one row per metric and group, numbers in full precision.
std::string format_comparison_csv(const Comparison& comparison);
/// Formats the comparison as compare.md: a Markdown table per metric.
std::string format_comparison_markdown(const Comparison& comparison);

}  // namespace mixsim::batch
