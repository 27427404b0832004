#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "mixsim/autoscale.hpp"

namespace mixsim {

namespace {

// Evaluation times and grain ends are multiples of whole seconds; this absorbs rounding in their products.
constexpr double kTimeEpsilonS = 1e-6;

bool is_multiple(double t_s, double period_s) {
  const double ratio = t_s / period_s;
  return std::fabs(ratio - std::round(ratio)) * period_s < kTimeEpsilonS;
}

double statistic_value(MetricStatistic statistic, const MinuteSample& sample) {
  switch (statistic) {
    case MetricStatistic::Average:
    case MetricStatistic::Min:
    case MetricStatistic::Max:
      return sample.cpu_percent;
    case MetricStatistic::Sum:
      return sample.cpu_percent_sum;
    case MetricStatistic::Count:
      return sample.running_vms;
  }
  return 0;
}

std::string format_value(double value) { return fmt::format("{:.4g}", value); }

}  // namespace

bool compare(double value, ComparisonOperator op, double threshold) {
  switch (op) {
    case ComparisonOperator::Equals:
      return value == threshold;
    case ComparisonOperator::NotEquals:
      return value != threshold;
    case ComparisonOperator::GreaterThan:
      return value > threshold;
    case ComparisonOperator::GreaterThanOrEqual:
      return value >= threshold;
    case ComparisonOperator::LessThan:
      return value < threshold;
    case ComparisonOperator::LessThanOrEqual:
      return value <= threshold;
  }
  return false;
}

// --- MetricWindow ----------------------------------------------------------------------------------------

MetricWindow::MetricWindow(const MetricTrigger& trigger) : trigger_(trigger) {}

void MetricWindow::add_minute(double t_s, const MinuteSample& sample) {
  if (sample.available) {
    grain_sum_ += statistic_value(trigger_.statistic, sample);
    ++grain_minutes_;
  }
  if (!is_multiple(t_s, trigger_.time_grain_s)) {
    return;
  }
  // A grain's value is the mean of its available minutes; a grain without any is missing from the window.
  if (grain_minutes_ > 0) {
    const Grain grain{t_s, grain_sum_ / grain_minutes_};
    grains_.push_back(grain);
    sum_ += grain.value;
    while (!minima_.empty() && minima_.back().value >= grain.value) {
      minima_.pop_back();
    }
    minima_.push_back(grain);
    while (!maxima_.empty() && maxima_.back().value <= grain.value) {
      maxima_.pop_back();
    }
    maxima_.push_back(grain);
  }
  grain_sum_ = 0;
  grain_minutes_ = 0;
}

void MetricWindow::evict_until(double t_s) {
  const double oldest_kept_end = t_s - trigger_.time_window_s;
  while (!grains_.empty() && grains_.front().end_s <= oldest_kept_end + kTimeEpsilonS) {
    sum_ -= grains_.front().value;
    grains_.pop_front();
    ++evictions_since_rebuild_;
  }
  while (!minima_.empty() && minima_.front().end_s <= oldest_kept_end + kTimeEpsilonS) {
    minima_.pop_front();
  }
  while (!maxima_.empty() && maxima_.front().end_s <= oldest_kept_end + kTimeEpsilonS) {
    maxima_.pop_front();
  }
  // Adding and subtracting for a year drifts the running sum; recompute it from the window now and then.
  if (evictions_since_rebuild_ >= 4096) {
    rebuild_sums();
  }
}

void MetricWindow::rebuild_sums() {
  sum_ = 0;
  for (const Grain& grain : grains_) {
    sum_ += grain.value;
  }
  evictions_since_rebuild_ = 0;
}

std::optional<double> MetricWindow::aggregate(double t_s) {
  evict_until(t_s);
  if (grains_.empty()) {
    return std::nullopt;
  }
  switch (trigger_.time_aggregation) {
    case TimeAggregation::Average:
      return sum_ / static_cast<double>(grains_.size());
    case TimeAggregation::Minimum:
      return minima_.front().value;
    case TimeAggregation::Maximum:
      return maxima_.front().value;
    case TimeAggregation::Total:
      return sum_;
    case TimeAggregation::Count:
      return static_cast<double>(grains_.size());
    case TimeAggregation::Last:
      return grains_.back().value;
  }
  return std::nullopt;
}

// --- AutoscaleEngine -------------------------------------------------------------------------------------

AutoscaleEngine::AutoscaleEngine(const AutoscaleSetting& setting, const PlatformOptions& options)
    : setting_(setting), options_(options) {
  for (const ScaleRule& rule : setting_.profiles.front().rules) {
    rules_.push_back(RuleState{&rule, MetricWindow(rule.trigger)});
  }
}

void AutoscaleEngine::add_minute_sample(double t_s, const MinuteSample& sample) {
  for (RuleState& state : rules_) {
    state.window.add_minute(t_s, sample);
  }
}

int AutoscaleEngine::rule_target(const ScaleAction& action, int capacity) const {
  const int sign = action.direction == ScaleDirection::Decrease ? -1 : 1;
  switch (action.type) {
    case ScaleType::ChangeCount:
      return capacity + sign * static_cast<int>(action.value);
    case ScaleType::ExactCount:
      return static_cast<int>(action.value);
    case ScaleType::PercentChangeCount: {
      const double change = capacity * action.value / 100.0;
      double rounded = 0;
      switch (options_.percent_change_rounding) {
        case PercentChangeRounding::Aws:
          // Toward zero, but a non-zero percentage always moves at least one VM.
          rounded = std::max(1.0, std::floor(change));
          break;
        case PercentChangeRounding::Ceil:
          rounded = std::ceil(change);
          break;
        case PercentChangeRounding::Floor:
          rounded = std::floor(change);
          break;
        case PercentChangeRounding::Round:
          rounded = std::round(change);
          break;
      }
      return capacity + sign * static_cast<int>(rounded);
    }
  }
  return capacity;
}

AutoscaleEngine::RuleReading AutoscaleEngine::read_rule(RuleState& state, double t_s, int capacity, int running_vms) {
  RuleReading reading;
  const MetricTrigger& trigger = state.rule->trigger;
  // A rule is evaluated only once its whole window lies after the start of the run.
  if (t_s + kTimeEpsilonS < trigger.time_window_s) {
    return reading;
  }
  reading.evaluated = true;
  reading.value = state.window.aggregate(t_s);
  if (reading.value && trigger.divide_per_instance) {
    reading.value = running_vms > 0 ? std::optional(*reading.value / running_vms) : std::nullopt;
  }
  if (reading.value) {
    reading.fired = compare(*reading.value, trigger.op, trigger.threshold);
    reading.target = rule_target(state.rule->action, capacity);
  }
  return reading;
}

std::string AutoscaleEngine::describe(const RuleState& state, const RuleReading& reading, size_t index) const {
  const MetricTrigger& trigger = state.rule->trigger;
  const ScaleAction& action = state.rule->action;
  std::string value = reading.value ? format_value(*reading.value) : "unavailable";
  return fmt::format("rule {} {} {}({})={} {} {}{}", index, trigger.metric_name, to_string(trigger.time_aggregation),
                     fmt::format("{}s", trigger.time_window_s), value, to_string(trigger.op),
                     format_value(trigger.threshold),
                     reading.fired ? fmt::format(" fired {} {} {}", to_string(action.direction),
                                                 to_string(action.type), format_value(action.value))
                                   : " not fired");
}

AutoscaleDecision AutoscaleEngine::evaluate(double t_s, int capacity, int running_vms) {
  AutoscaleDecision decision;
  decision.capacity = capacity;
  if (!setting_.enabled) {
    return decision;
  }
  const AutoscaleProfile& profile = active_profile();
  const CapacityLimits& limits = profile.capacity;
  const std::string profile_text = "profile '" + profile.name + "'";

  // 1. Limits first: a count outside [minimum, maximum] is pulled back, without starting a cooldown.
  const int clamped = std::clamp(capacity, limits.minimum, limits.maximum);
  if (clamped != capacity) {
    decision.actions.push_back(AutoscaleAction{
        AutoscaleAction::Kind::Clamp, capacity, clamped,
        fmt::format("{}: capacity {} outside [{}, {}], set to {}", profile_text, capacity, limits.minimum,
                    limits.maximum, clamped)});
    capacity = clamped;
    decision.capacity = capacity;
  }

  // 2. Read every rule: metric values are kept even during a cooldown, for the explanation.
  std::vector<RuleReading> readings;
  readings.reserve(rules_.size());
  bool any_unavailable = false;
  for (RuleState& state : rules_) {
    readings.push_back(read_rule(state, t_s, capacity, running_vms));
    any_unavailable = any_unavailable || (readings.back().evaluated && !readings.back().value);
  }
  auto explain_all = [&]() {
    std::string text = profile_text;
    for (size_t i = 0; i < rules_.size(); ++i) {
      text += "; " + describe(rules_[i], readings[i], i);
    }
    return text;
  };

  // 3. Scale out when any Increase rule fires, to the largest result.
  const bool cooling_down = t_s + kTimeEpsilonS < cooldown_until_s_;
  std::optional<size_t> out_rule;
  for (size_t i = 0; i < rules_.size(); ++i) {
    const ScaleAction& action = rules_[i].rule->action;
    if (action.direction == ScaleDirection::Increase && readings[i].fired &&
        (!out_rule || readings[i].target > readings[*out_rule].target)) {
      out_rule = i;
    }
  }
  if (out_rule && !cooling_down) {
    const int target = std::min(readings[*out_rule].target, limits.maximum);
    if (target > capacity) {
      decision.actions.push_back(AutoscaleAction{AutoscaleAction::Kind::ScaleOut, capacity, target,
                                                 explain_all() + fmt::format("; scale out by rule {} to {}", *out_rule, target)});
      cooldown_until_s_ = t_s + rules_[*out_rule].rule->action.cooldown_s;
      decision.capacity = target;
      return decision;
    }
  }

  // 4. Metrics unavailable: scale out to the default count if below it, never scale in.
  if (any_unavailable && !out_rule) {
    if (capacity < limits.default_count) {
      decision.actions.push_back(AutoscaleAction{
          AutoscaleAction::Kind::DefaultCapacity, capacity, limits.default_count,
          explain_all() + fmt::format("; metrics unavailable, scale out to default {}", limits.default_count)});
      decision.capacity = limits.default_count;
    }
    return decision;
  }
  if (out_rule || cooling_down) {
    return decision;
  }

  // 5. Scale in only when every Decrease rule fires, to the result that removes the fewest VMs.
  std::optional<size_t> in_rule;
  bool any_decrease = false;
  bool all_decrease_fired = true;
  for (size_t i = 0; i < rules_.size(); ++i) {
    if (rules_[i].rule->action.direction != ScaleDirection::Decrease) {
      continue;
    }
    any_decrease = true;
    all_decrease_fired = all_decrease_fired && readings[i].fired;
    if (readings[i].fired && (!in_rule || readings[i].target > readings[*in_rule].target)) {
      in_rule = i;
    }
  }
  if (!any_decrease || !all_decrease_fired || !in_rule) {
    return decision;
  }
  const int target = std::max(readings[*in_rule].target, limits.minimum);
  if (target >= capacity) {
    return decision;
  }

  // 6. Flapping guard: project each Increase rule's value to the new count (value x current / new) and take the
  //    lowest count at which no Increase rule would fire.
  std::optional<int> safe;
  std::string projections;
  for (int count = target; count < capacity && !safe; ++count) {
    bool would_scale_out = false;
    for (size_t i = 0; i < rules_.size(); ++i) {
      const ScaleRule& rule = *rules_[i].rule;
      if (rule.action.direction != ScaleDirection::Increase || !readings[i].value || count <= 0) {
        continue;
      }
      const double projected = *readings[i].value * capacity / count;
      if (compare(projected, rule.trigger.op, rule.trigger.threshold)) {
        would_scale_out = true;
        if (count == target) {
          projections = fmt::format("; at {} VMs rule {} would read {} {} {}", count, i, format_value(projected),
                                    to_string(rule.trigger.op), format_value(rule.trigger.threshold));
        }
      }
    }
    if (!would_scale_out) {
      safe = count;
    }
  }
  if (!safe) {
    decision.actions.push_back(AutoscaleAction{AutoscaleAction::Kind::FlappingSkip, capacity, capacity,
                                               explain_all() + projections + "; scale in skipped to avoid flapping"});
    return decision;
  }
  const bool shortened = *safe != target;
  decision.actions.push_back(AutoscaleAction{
      shortened ? AutoscaleAction::Kind::FlappingShortened : AutoscaleAction::Kind::ScaleIn, capacity, *safe,
      explain_all() + projections +
          (shortened ? fmt::format("; scale in by rule {} to {} instead of {} to avoid flapping", *in_rule, *safe, target)
                     : fmt::format("; scale in by rule {} to {}", *in_rule, *safe))});
  cooldown_until_s_ = t_s + rules_[*in_rule].rule->action.cooldown_s;
  decision.capacity = *safe;
  return decision;
}

}  // namespace mixsim
