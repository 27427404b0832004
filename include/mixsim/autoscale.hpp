// The Azure Monitor autoscale engine for one scale set: profile schedules, metric windows, rule evaluation,
// cooldown, the flapping guard and predictive scale-out. It reads per-minute metric samples and a capacity, and
// returns a decision with its explanation; it has no clock of its own and knows nothing of SimGrid.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "mixsim/scenario.hpp"

namespace mixsim {

/// One metric over one minute (t - 60 s, t], as time-weighted means while at least one VM ran.
struct MetricMinute {
  bool available = false;  // false when the minute has no data (no running VM, or a gap in the metric's trace)
  double average = 0;      // the per-instance value; also the Min and Max statistics
  double sum = 0;          // summed over running VMs
  double count = 0;        // running VMs
};

/// One minute of a set's metrics: index 0 is Percentage CPU, then the workload's named metrics in order.
struct MinuteSample {
  std::vector<MetricMinute> metrics;
};

/// The grains of one metric trigger that fall in its time window, with running aggregates so that each
/// evaluation costs O(1) amortized whatever the window's length.
class MetricWindow {
 public:
  MetricWindow(const MetricTrigger& trigger, size_t metric);

  /// Adds the sample of the minute ending at t_s (a multiple of 60 s); completes a grain when t_s is a multiple
  /// of the grain.
  void add_minute(double t_s, const MinuteSample& sample);

  /// Returns the window's aggregate at t_s (grains ending in (t_s - window, t_s]), or nothing when no grain in
  /// the window has data.
  std::optional<double> aggregate(double t_s);

 private:
  struct Grain {
    double end_s;
    double value;
  };
  void evict_until(double t_s);
  void rebuild_sums();

  MetricTrigger trigger_;
  size_t metric_;
  double grain_sum_ = 0;  // the grain being filled: sum of its available minutes
  int grain_minutes_ = 0;
  std::deque<Grain> grains_;  // available grains in the window, oldest first
  double sum_ = 0;
  std::deque<Grain> minima_;  // increasing values: front is the window's minimum
  std::deque<Grain> maxima_;  // decreasing values: front is the window's maximum
  size_t evictions_since_rebuild_ = 0;
};

/// What one evaluation did: a switch of profile (no change of capacity), a clamp to the profile's limits, a rule-driven scale action, a predictive
/// scale-out, the default-capacity fallback when metrics are unavailable, or a scale-in shortened or skipped by
/// the flapping guard.
struct AutoscaleAction {
  enum class Kind : uint8_t {
    ProfileSwitch,
    Clamp,
    ScaleOut,
    ScaleIn,
    DefaultCapacity,
    Predictive,
    FlappingShortened,
    FlappingSkip
  };
  Kind kind = Kind::Clamp;
  int from = 0;
  int to = 0;  // equals `from` for ProfileSwitch and FlappingSkip
  std::string detail;
};

struct AutoscaleDecision {
  std::vector<AutoscaleAction> actions;  // in the order they apply
  int capacity = 0;                      // the capacity after all actions
  std::optional<size_t> profile;         // the profile in force, none when no profile applies
};

/// Evaluates an autoscale setting. Invariant: the metric windows hold only grains that ended by the last sample.
class AutoscaleEngine {
 public:
  /// `start_unix_s` is the wall-clock time of t = 0, for profile schedules; `metric_names` lists the metrics of the
  /// samples after Percentage CPU. Requires every rule's metric to be Percentage CPU or in `metric_names`.
  AutoscaleEngine(const AutoscaleSetting& setting, const PlatformOptions& options, int64_t start_unix_s,
                  const std::vector<std::string>& metric_names = {});

  /// Feeds the minute that ends at t_s to every rule's window.
  void add_minute_sample(double t_s, const MinuteSample& sample);

  /// Runs one evaluation at t_s for a set whose capacity is `capacity` and which has `running_vms` running VMs.
  AutoscaleDecision evaluate(double t_s, int capacity, int running_vms);

  /// The profile in force at t_s: fixed-date profiles first, then the recurrence that started last, then the
  /// default profile; none when no profile applies.
  std::optional<size_t> profile_at(double t_s);

  /// Percentage CPU forecast for t + scaleLookAheadTime at the last evaluation, when predictive autoscale is on
  /// and has seven days of history.
  std::optional<double> last_forecast_cpu() const { return last_forecast_cpu_; }

 private:
  struct RuleState {
    const ScaleRule* rule;
    MetricWindow window;
  };
  struct RuleReading {
    bool evaluated = false;  // false before the window has elapsed
    std::optional<double> value;
    bool fired = false;
    int target = 0;
  };

  RuleReading read_rule(RuleState& state, double t_s, int capacity, int running_vms);
  int rule_target(const ScaleAction& action, int capacity) const;
  std::string describe(const RuleState& state, const RuleReading& reading, size_t index) const;
  void evaluate_rules(double t_s, int capacity, int running_vms, size_t profile, AutoscaleDecision& decision);
  void predict(double t_s, int capacity, size_t profile, AutoscaleDecision& decision);
  double next_recurrence_start(const Recurrence& recurrence, double unix_s) const;
  double last_recurrence_start(const Recurrence& recurrence, double unix_s) const;

  const AutoscaleSetting& setting_;
  PlatformOptions options_;
  int64_t start_unix_s_;
  std::vector<std::vector<RuleState>> rules_;  // by profile
  double cooldown_until_s_ = 0;
  std::optional<size_t> last_profile_;
  bool profile_noted_ = false;

  // The recurrence in force and when the next one starts (Unix seconds); computed on first use.
  bool recurrence_known_ = false;
  std::optional<size_t> current_recurrence_;
  double next_recurrence_unix_s_ = 0;

  // Predictive autoscale: CPU work (percent x running VMs) per minute, for the last seven days and more.
  std::vector<double> work_by_minute_;
  std::vector<bool> work_known_;
  std::optional<double> last_forecast_cpu_;
};

/// Whether `value` satisfies `op threshold`.
bool compare(double value, ComparisonOperator op, double threshold);

}  // namespace mixsim
