// The Azure Monitor autoscale engine for one scale set: metric windows, rule evaluation, cooldown and the
// flapping guard. It reads per-minute metric samples and a capacity, and returns a decision with its
// explanation; it has no clock of its own and knows nothing of SimGrid.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "mixsim/scenario.hpp"

namespace mixsim {

/// One minute of a set's metrics, each the time-weighted mean over the minute (t - 60 s, t] while at least one VM
/// ran. Percentage CPU is the same on every running VM, so the Average, Min and Max statistics equal it.
struct MinuteSample {
  bool available = false;  // false when no VM ran during the minute
  double cpu_percent = 0;
  double running_vms = 0;        // instance count, for the Count statistic
  double cpu_percent_sum = 0;    // Percentage CPU summed over running VMs, for the Sum statistic
};

/// The grains of one metric trigger that fall in its time window, with running aggregates so that each
/// evaluation costs O(1) amortized whatever the window's length.
class MetricWindow {
 public:
  explicit MetricWindow(const MetricTrigger& trigger);

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
  double grain_sum_ = 0;  // the grain being filled: sum of its available minutes
  int grain_minutes_ = 0;
  std::deque<Grain> grains_;  // available grains in the window, oldest first
  double sum_ = 0;
  std::deque<Grain> minima_;  // increasing values: front is the window's minimum
  std::deque<Grain> maxima_;  // decreasing values: front is the window's maximum
  size_t evictions_since_rebuild_ = 0;
};

/// What one evaluation did: a clamp to the profile's limits, a rule-driven scale action, the default-capacity
/// fallback when metrics are unavailable, or a scale-in shortened or skipped by the flapping guard.
struct AutoscaleAction {
  enum class Kind : uint8_t { Clamp, ScaleOut, ScaleIn, DefaultCapacity, FlappingShortened, FlappingSkip };
  Kind kind = Kind::Clamp;
  int from = 0;
  int to = 0;  // equals `from` for FlappingSkip
  std::string detail;
};

struct AutoscaleDecision {
  std::vector<AutoscaleAction> actions;  // in the order they apply
  int capacity = 0;                      // the capacity after all actions
};

/// Evaluates an autoscale setting. Invariant: the metric windows hold only grains that ended by the last sample.
class AutoscaleEngine {
 public:
  AutoscaleEngine(const AutoscaleSetting& setting, const PlatformOptions& options);

  /// Feeds the minute that ends at t_s to every rule's window.
  void add_minute_sample(double t_s, const MinuteSample& sample);

  /// Runs one evaluation at t_s for a set whose capacity is `capacity` and which has `running_vms` running VMs.
  AutoscaleDecision evaluate(double t_s, int capacity, int running_vms);

  const AutoscaleProfile& active_profile() const { return setting_.profiles.front(); }
  double cooldown_until_s() const { return cooldown_until_s_; }

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

  const AutoscaleSetting& setting_;
  PlatformOptions options_;
  std::vector<RuleState> rules_;
  double cooldown_until_s_ = 0;
};

/// Whether `value` satisfies `op threshold`.
bool compare(double value, ComparisonOperator op, double threshold);

}  // namespace mixsim
