// Regression checks: a run's summary.json against a stored baseline, metric by metric, with tolerances.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mixsim::batch {

/// Relative tolerance of floating-point metrics that no rule covers. Runs are deterministic, so only differences
/// in floating-point rounding (another compiler or library) should pass.
inline constexpr double kDefaultRelativeTolerance = 1e-9;

/// A `--tolerance METRIC=REL` rule. METRIC is a dotted key path or a part of one: `cost.total` applies to
/// cost.total and to scaleSets.<name>.cost.total, `cost` to every metric under a cost key.
struct ToleranceRule {
  std::string metric;
  double relative = 0;
};

/// Parses `METRIC=REL` with REL a finite number >= 0. Returns an error message, or "" on success.
std::string parse_tolerance_rule(std::string_view text, ToleranceRule& rule);

/// Tolerances by metric.
class Tolerances {
 public:
  explicit Tolerances(std::vector<ToleranceRule> rules = {}, double default_relative = kDefaultRelativeTolerance)
      : rules_(std::move(rules)), default_relative_(default_relative) {}

  /// Returns the relative tolerance of `metric`. A rule matches when its key parts appear as consecutive parts
  /// of the metric; the matching rule with the most parts wins, the later one on a tie. Without a match,
  /// integer metrics get 0 (counts must match exactly under a fixed seed) and others the default.
  double for_metric(const std::string& metric, bool is_integer) const;

  /// Returns the rules that match none of `metrics`, which are likely typing mistakes.
  std::vector<ToleranceRule> unmatched(const std::vector<std::string>& metrics) const;

 private:
  std::vector<ToleranceRule> rules_;
  double default_relative_;
};

/// A metric whose value differs between the baseline and the current run.
struct MetricChange {
  std::string metric;                     // dotted key path, e.g. scaleSets.web.counts.evictions
  std::string baseline;                   // the value as JSON text; empty when the metric is new
  std::string current;                    // empty when the metric disappeared
  std::optional<double> relative_change;  // (current - baseline) / |baseline|, for numbers with a non-zero baseline
  double tolerance = 0;
  bool regression = false;  // the change exceeds the tolerance, or the metric is new or gone
};

/// Returns the dotted key paths of every leaf of `summary` in document order, except `version`, which names
/// the build and is not a result.
std::vector<std::string> metric_paths(const nlohmann::ordered_json& summary);

/// Compares every leaf of two summaries. Numbers differ beyond tolerance when |current - baseline| >
/// tolerance * max(|baseline|, |current|); other values must be equal. Returns the metrics that differ, in the
/// baseline's order followed by new metrics.
std::vector<MetricChange> compare_summaries(const nlohmann::ordered_json& baseline,
                                            const nlohmann::ordered_json& current, const Tolerances& tolerances);

}  // namespace mixsim::batch
