#include <date/date.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "mixsim/autoscale.hpp"
#include "mixsim/check.hpp"
#include "time_zones.hpp"

namespace mixsim {

namespace {

// Evaluation times and grain ends are multiples of whole seconds; this absorbs rounding in their products.
constexpr double kTimeEpsilonS = 1e-6;

bool is_multiple(double t_s, double period_s) {
  const double ratio = t_s / period_s;
  return std::fabs(ratio - std::round(ratio)) * period_s < kTimeEpsilonS;
}

double statistic_value(MetricStatistic statistic, const MetricMinute& minute) {
  switch (statistic) {
    case MetricStatistic::Average:
    case MetricStatistic::Min:
    case MetricStatistic::Max:
      return minute.average;
    case MetricStatistic::Sum:
      return minute.sum;
    case MetricStatistic::Count:
      return minute.count;
  }
  return 0;
}

constexpr double kMinuteS = 60;
constexpr double kDayS = 86400;
constexpr int kMinutesPerDay = 1440;
// Predictive autoscale needs seven days of history; the ring keeps eight so the look-ahead fits.
constexpr int kHistoryDays = 7;
constexpr size_t kHistoryMinutes = 8 * kMinutesPerDay + 60;

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

MetricWindow::MetricWindow(const MetricTrigger& trigger, size_t metric) : trigger_(trigger), metric_(metric) {}

void MetricWindow::add_minute(double t_s, const MinuteSample& sample) {
  if (metric_ < sample.metrics.size() && sample.metrics[metric_].available) {
    grain_sum_ += statistic_value(trigger_.statistic, sample.metrics[metric_]);
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

AutoscaleEngine::AutoscaleEngine(const AutoscaleSetting& setting, const PlatformOptions& options,
                                 int64_t start_unix_s, const std::vector<std::string>& metric_names)
    : setting_(setting), options_(options), start_unix_s_(start_unix_s) {
  for (const AutoscaleProfile& profile : setting_.profiles) {
    std::vector<RuleState> states;
    for (const ScaleRule& rule : profile.rules) {
      size_t metric = 0;
      if (rule.trigger.metric_name != kPercentageCpu) {
        const auto found = std::find(metric_names.begin(), metric_names.end(), rule.trigger.metric_name);
        MIXSIM_CHECK(found != metric_names.end(), "every rule's metric has a source");
        metric = 1 + static_cast<size_t>(found - metric_names.begin());
      }
      states.push_back(RuleState{&rule, MetricWindow(rule.trigger, metric)});
    }
    rules_.push_back(std::move(states));
  }
  if (setting_.predictive.mode != PredictiveMode::Disabled) {
    work_by_minute_.assign(kHistoryMinutes, 0.0);
    work_known_.assign(kHistoryMinutes, false);
  }
}

void AutoscaleEngine::add_minute_sample(double t_s, const MinuteSample& sample) {
  // Rules of every profile keep their windows filled, so a profile that takes over has data at once.
  for (auto& states : rules_) {
    for (RuleState& state : states) {
      state.window.add_minute(t_s, sample);
    }
  }
  if (!work_by_minute_.empty()) {
    const auto minute = static_cast<size_t>(std::llround(t_s / kMinuteS)) % kHistoryMinutes;
    const bool known = !sample.metrics.empty() && sample.metrics[0].available;
    work_known_[minute] = known;
    work_by_minute_[minute] = known ? sample.metrics[0].sum : 0.0;
  }
}

// --- profiles ----------------------------------------------------------------------------------------------

namespace {

// Calls `visit(start_unix_s)` for each start of `recurrence` on the local days from `first_day` to `last_day`
// (offsets from the local date of `unix_s`).
template <class Visit>
void for_each_start(const Recurrence& recurrence, double unix_s, int first_day, int last_day, Visit visit) {
  const LocalTime now = to_local(recurrence.time_zone, unix_s);
  const date::sys_days today{date::year{now.year} / date::month{static_cast<unsigned>(now.month)} /
                             date::day{static_cast<unsigned>(now.day)}};
  for (int offset = first_day; offset <= last_day; ++offset) {
    const date::sys_days day = today + date::days{offset};
    const unsigned weekday = date::weekday{day}.c_encoding();
    if ((recurrence.days & (1u << weekday)) == 0) {
      continue;
    }
    const date::year_month_day ymd{day};
    for (int hour : recurrence.hours) {
      for (int minute : recurrence.minutes) {
        visit(from_local(recurrence.time_zone, static_cast<int>(ymd.year()), static_cast<int>(unsigned(ymd.month())),
                         static_cast<int>(unsigned(ymd.day())), hour, minute, 0));
      }
    }
  }
}

}  // namespace

double AutoscaleEngine::next_recurrence_start(const Recurrence& recurrence, double unix_s) const {
  double next = kInfinity;
  for_each_start(recurrence, unix_s, 0, 8, [&](double start) {
    if (start > unix_s) {
      next = std::min(next, start);
    }
  });
  return next;
}

double AutoscaleEngine::last_recurrence_start(const Recurrence& recurrence, double unix_s) const {
  double last = -kInfinity;
  for_each_start(recurrence, unix_s, -8, 0, [&](double start) {
    if (start <= unix_s) {
      last = std::max(last, start);
    }
  });
  return last;
}

std::optional<size_t> AutoscaleEngine::profile_at(double t_s) {
  const double unix_s = static_cast<double>(start_unix_s_) + t_s;
  const auto& profiles = setting_.profiles;

  // 1. Fixed-date profiles, first match in file order.
  for (size_t i = 0; i < profiles.size(); ++i) {
    const auto& fixed = profiles[i].fixed_date;
    if (fixed && unix_s >= fixed->start_unix_s && unix_s < fixed->end_unix_s) {
      return i;
    }
  }

  // 2. The recurrence that started last runs until another starts.
  if (!recurrence_known_ || unix_s >= next_recurrence_unix_s_) {
    double latest = -kInfinity;
    current_recurrence_.reset();
    next_recurrence_unix_s_ = kInfinity;
    for (size_t i = 0; i < profiles.size(); ++i) {
      if (!profiles[i].recurrence) {
        continue;
      }
      const double started = last_recurrence_start(*profiles[i].recurrence, unix_s);
      if (started > latest) {
        latest = started;
        current_recurrence_ = i;
      }
      next_recurrence_unix_s_ = std::min(next_recurrence_unix_s_, next_recurrence_start(*profiles[i].recurrence, unix_s));
    }
    recurrence_known_ = true;
  }
  if (current_recurrence_) {
    return current_recurrence_;
  }

  // 3. The default profile.
  for (size_t i = 0; i < profiles.size(); ++i) {
    if (!profiles[i].fixed_date && !profiles[i].recurrence) {
      return i;
    }
  }
  return std::nullopt;
}

// --- rules ---------------------------------------------------------------------------------------------------

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
  std::string value = reading.value ? format_value(*reading.value) : (reading.evaluated ? "unavailable" : "waiting");
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
  last_forecast_cpu_.reset();
  if (!setting_.enabled) {
    return decision;
  }
  const std::optional<size_t> profile = profile_at(t_s);
  decision.profile = profile;
  // The first evaluation only notes the profile; later ones report each switch.
  if (!profile_noted_) {
    last_profile_ = profile;
    profile_noted_ = true;
  }
  if (profile != last_profile_) {
    const std::string before = last_profile_ ? "'" + setting_.profiles[*last_profile_].name + "'" : "none";
    const std::string after = profile ? "'" + setting_.profiles[*profile].name + "'" : "none";
    decision.actions.push_back(AutoscaleAction{AutoscaleAction::Kind::ProfileSwitch, capacity, capacity,
                                               "profile " + after + " replaces " + before});
    last_profile_ = profile;
  }
  if (!profile) {
    return decision;
  }
  const CapacityLimits& limits = setting_.profiles[*profile].capacity;

  // Limits first: a count outside [minimum, maximum] is pulled back, without starting a cooldown.
  const int clamped = std::clamp(capacity, limits.minimum, limits.maximum);
  if (clamped != capacity) {
    decision.actions.push_back(AutoscaleAction{
        AutoscaleAction::Kind::Clamp, capacity, clamped,
        fmt::format("profile '{}': capacity {} outside [{}, {}], set to {}", setting_.profiles[*profile].name,
                    capacity, limits.minimum, limits.maximum, clamped)});
    decision.capacity = clamped;
  }
  evaluate_rules(t_s, decision.capacity, running_vms, *profile, decision);
  predict(t_s, decision.capacity, *profile, decision);
  return decision;
}

void AutoscaleEngine::evaluate_rules(double t_s, int capacity, int running_vms, size_t profile,
                                     AutoscaleDecision& decision) {
  std::vector<RuleState>& rules = rules_[profile];
  const CapacityLimits& limits = setting_.profiles[profile].capacity;
  const std::string profile_text = "profile '" + setting_.profiles[profile].name + "'";

  // Read every rule: metric values are kept even during a cooldown, for the explanation.
  std::vector<RuleReading> readings;
  readings.reserve(rules.size());
  bool any_unavailable = false;
  for (RuleState& state : rules) {
    readings.push_back(read_rule(state, t_s, capacity, running_vms));
    any_unavailable = any_unavailable || (readings.back().evaluated && !readings.back().value);
  }
  auto explain_all = [&]() {
    std::string text = profile_text;
    for (size_t i = 0; i < rules.size(); ++i) {
      text += "; " + describe(rules[i], readings[i], i);
    }
    return text;
  };

  // Scale out when any Increase rule fires, to the largest result.
  const bool cooling_down = t_s + kTimeEpsilonS < cooldown_until_s_;
  std::optional<size_t> out_rule;
  for (size_t i = 0; i < rules.size(); ++i) {
    const ScaleAction& action = rules[i].rule->action;
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
      cooldown_until_s_ = t_s + rules[*out_rule].rule->action.cooldown_s;
      decision.capacity = target;
      return;
    }
  }

  // Metrics unavailable: scale out to the default count if below it, never scale in.
  if (any_unavailable && !out_rule) {
    if (capacity < limits.default_count) {
      decision.actions.push_back(AutoscaleAction{
          AutoscaleAction::Kind::DefaultCapacity, capacity, limits.default_count,
          explain_all() + fmt::format("; metrics unavailable, scale out to default {}", limits.default_count)});
      decision.capacity = limits.default_count;
    }
    return;
  }
  if (out_rule || cooling_down) {
    return;
  }

  // Scale in only when every Decrease rule fires, to the result that removes the fewest VMs.
  std::optional<size_t> in_rule;
  bool any_decrease = false;
  bool all_decrease_fired = true;
  for (size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].rule->action.direction != ScaleDirection::Decrease) {
      continue;
    }
    any_decrease = true;
    all_decrease_fired = all_decrease_fired && readings[i].fired;
    if (readings[i].fired && (!in_rule || readings[i].target > readings[*in_rule].target)) {
      in_rule = i;
    }
  }
  if (!any_decrease || !all_decrease_fired || !in_rule) {
    return;
  }
  const int target = std::max(readings[*in_rule].target, limits.minimum);
  if (target >= capacity) {
    return;
  }

  // Flapping guard: project each Increase rule's value to the new count (value x current / new) and take the
  // lowest count at which no Increase rule would fire.
  std::optional<int> safe;
  std::string projections;
  for (int count = target; count < capacity && !safe; ++count) {
    bool would_scale_out = false;
    for (size_t i = 0; i < rules.size(); ++i) {
      const ScaleRule& rule = *rules[i].rule;
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
    return;
  }
  const bool shortened = *safe != target;
  decision.actions.push_back(AutoscaleAction{
      shortened ? AutoscaleAction::Kind::FlappingShortened : AutoscaleAction::Kind::ScaleIn, capacity, *safe,
      explain_all() + projections +
          (shortened ? fmt::format("; scale in by rule {} to {} instead of {} to avoid flapping", *in_rule, *safe, target)
                     : fmt::format("; scale in by rule {} to {}", *in_rule, *safe))});
  cooldown_until_s_ = t_s + rules[*in_rule].rule->action.cooldown_s;
  decision.capacity = *safe;
}

// --- predictive autoscale ------------------------------------------------------------------------------------

void AutoscaleEngine::predict(double t_s, int capacity, size_t profile, AutoscaleDecision& decision) {
  const PredictivePolicy& policy = setting_.predictive;
  if (policy.mode == PredictiveMode::Disabled || t_s + kTimeEpsilonS < kHistoryDays * kDayS || capacity <= 0) {
    return;
  }
  // The forecast for t + look-ahead is the mean CPU work (percent x VMs) at the same time of day over the last
  // seven days, spread over the current capacity.
  const long target_minute = std::lround((t_s + policy.look_ahead_s) / kMinuteS);
  double work = 0;
  int days = 0;
  for (int day = 1; day <= kHistoryDays; ++day) {
    const long minute = target_minute - static_cast<long>(day) * kMinutesPerDay;
    const auto slot = static_cast<size_t>(minute) % kHistoryMinutes;
    if (minute >= 1 && work_known_[slot]) {
      work += work_by_minute_[slot];
      ++days;
    }
  }
  if (days == 0) {
    return;
  }
  const double forecast = std::min(100.0, work / days / capacity);
  last_forecast_cpu_ = forecast;

  const bool acted = std::any_of(decision.actions.begin(), decision.actions.end(), [](const AutoscaleAction& action) {
    return action.kind != AutoscaleAction::Kind::ProfileSwitch && action.kind != AutoscaleAction::Kind::Clamp;
  });
  if (policy.mode != PredictiveMode::Enabled || acted || t_s + kTimeEpsilonS < cooldown_until_s_) {
    return;
  }

  // Scale-out only: the CPU rules of the profile judge the forecast as they judge the observed value.
  const auto& rules = rules_[profile];
  const CapacityLimits& limits = setting_.profiles[profile].capacity;
  std::optional<size_t> fired;
  int target = capacity;
  for (size_t i = 0; i < rules.size(); ++i) {
    const ScaleRule& rule = *rules[i].rule;
    if (rule.action.direction != ScaleDirection::Increase || rule.trigger.metric_name != kPercentageCpu ||
        !compare(forecast, rule.trigger.op, rule.trigger.threshold)) {
      continue;
    }
    const int rule_result = rule_target(rule.action, capacity);
    if (!fired || rule_result > target) {
      fired = i;
      target = rule_result;
    }
  }
  target = std::min(target, limits.maximum);
  if (!fired || target <= capacity) {
    return;
  }
  decision.actions.push_back(AutoscaleAction{
      AutoscaleAction::Kind::Predictive, capacity, target,
      fmt::format("profile '{}'; predictive: Percentage CPU forecast {} in {}s ({} days of history) {} {}; scale out by "
                  "rule {} to {}",
                  setting_.profiles[profile].name, format_value(forecast), policy.look_ahead_s, days,
                  to_string(rules[*fired].rule->trigger.op), format_value(rules[*fired].rule->trigger.threshold),
                  *fired, target)});
  cooldown_until_s_ = t_s + rules[*fired].rule->action.cooldown_s;
  decision.capacity = target;
}

}  // namespace mixsim
