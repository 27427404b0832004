// The `autoscale` block of a scale set: the `properties` of an ARM Microsoft.Insights/autoscalesettings resource.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "loader_internal.hpp"
#include "autoscale/time_zones.hpp"
#include "time_format.hpp"

namespace mixsim::load {

namespace {

// Documented ranges of the autoscale API (Microsoft.Insights 2022-10-01).
constexpr double kMinGrainS = 60;
constexpr double kMaxGrainS = 12 * 3600;
constexpr double kDocumentedMinWindowS = 5 * 60;
constexpr double kMaxWindowS = 12 * 3600;
constexpr double kMinCooldownS = 60;
constexpr double kMaxCooldownS = 7 * 86400;
constexpr size_t kMaxProfiles = 20;
constexpr size_t kMaxRules = 10;

std::optional<MetricTrigger> read_trigger(Context& context, const Node& node, const std::string& path,
                                          const std::vector<std::string>& metric_names) {
  MapReader reader(context, node, path,
                   KeySet{{"metricName", "timeGrain", "statistic", "timeWindow", "timeAggregation", "operator",
                           "threshold", "dividePerInstance"},
                          {},
                          {"metricNamespace", "metricResourceUri", "metricResourceLocation", "dimensions"}});
  if (!reader.is_mapping()) {
    return std::nullopt;
  }
  MetricTrigger trigger;
  bool ok = true;

  if (const Node* name = reader.required("metricName", "the metric, e.g. Percentage CPU")) {
    const auto value = read_name(context, *name, reader.path("metricName"));
    if (value && *value != kPercentageCpu &&
        std::find(metric_names.begin(), metric_names.end(), *value) == metric_names.end()) {
      std::vector<std::string> known = metric_names;
      known.insert(known.begin(), kPercentageCpu);
      const std::string hint = closest_match(*value, known);
      context.error(*name, reader.path("metricName"),
                    "metric " + quote(*value) + " has no source" + (hint.empty() ? "" : "; did you mean '" + hint + "'?") +
                        "; Percentage CPU comes from workload.demand, other metrics need a trace under "
                        "workload.metrics");
      ok = false;
    }
    trigger.metric_name = value.value_or(kPercentageCpu);
  }
  if (const Node* grain = reader.required("timeGrain", "the metric's grain, e.g. PT1M")) {
    const auto value = read_duration(context, *grain, reader.path("timeGrain"), kMinGrainS, kMaxGrainS);
    if (value && std::fmod(*value, 60.0) != 0) {
      context.error(*grain, reader.path("timeGrain"), "the grain must be a whole number of minutes");
      ok = false;
    }
    ok = ok && value;
    trigger.time_grain_s = value.value_or(60);
  }
  if (const Node* statistic = reader.required("statistic", "Average, Min, Max, Sum or Count")) {
    const auto value = read_enum<MetricStatistic>(context, *statistic, reader.path("statistic"),
                                                  {{"Average", MetricStatistic::Average},
                                                   {"Min", MetricStatistic::Min},
                                                   {"Max", MetricStatistic::Max},
                                                   {"Sum", MetricStatistic::Sum},
                                                   {"Count", MetricStatistic::Count}},
                                                  "statistic");
    ok = ok && value;
    trigger.statistic = value.value_or(MetricStatistic::Average);
  }
  if (const Node* window = reader.required("timeWindow", "the look-back window, e.g. PT5M")) {
    const auto value = read_duration(context, *window, reader.path("timeWindow"), kMinGrainS, kMaxWindowS);
    ok = ok && value;
    trigger.time_window_s = value.value_or(300);
    if (value && *value < trigger.time_grain_s) {
      context.error(*window, reader.path("timeWindow"),
                    "the window " + format_duration(*value) + " is shorter than the grain " +
                        format_duration(trigger.time_grain_s) + "; it would never hold a complete grain");
      ok = false;
    } else if (value && *value < kDocumentedMinWindowS) {
      context.warn(*window, reader.path("timeWindow"),
                   "the window " + format_duration(*value) +
                       " is shorter than the 5 minutes the Azure API documents as its minimum; Azure may reject it");
    }
  }
  if (const Node* aggregation = reader.get("timeAggregation")) {
    const auto value = read_enum<TimeAggregation>(context, *aggregation, reader.path("timeAggregation"),
                                                  {{"Average", TimeAggregation::Average},
                                                   {"Minimum", TimeAggregation::Minimum},
                                                   {"Maximum", TimeAggregation::Maximum},
                                                   {"Total", TimeAggregation::Total},
                                                   {"Count", TimeAggregation::Count},
                                                   {"Last", TimeAggregation::Last}},
                                                  "time aggregation");
    ok = ok && value;
    trigger.time_aggregation = value.value_or(TimeAggregation::Average);
  }
  if (const Node* op = reader.required("operator", "GreaterThan, LessThan, ...")) {
    const auto value = read_enum<ComparisonOperator>(context, *op, reader.path("operator"),
                                                     {{"Equals", ComparisonOperator::Equals},
                                                      {"NotEquals", ComparisonOperator::NotEquals},
                                                      {"GreaterThan", ComparisonOperator::GreaterThan},
                                                      {"GreaterThanOrEqual", ComparisonOperator::GreaterThanOrEqual},
                                                      {"LessThan", ComparisonOperator::LessThan},
                                                      {"LessThanOrEqual", ComparisonOperator::LessThanOrEqual}},
                                                     "operator");
    ok = ok && value;
    trigger.op = value.value_or(ComparisonOperator::GreaterThan);
  }
  if (const Node* threshold = reader.required("threshold", "the value the metric is compared with")) {
    const auto value = read_number(context, *threshold, reader.path("threshold"), NumberRange{-1e15, 1e15});
    ok = ok && value;
    trigger.threshold = value.value_or(0);
  }
  if (const Node* divide = reader.get("dividePerInstance")) {
    const auto value = read_bool(context, *divide, reader.path("dividePerInstance"));
    ok = ok && value;
    trigger.divide_per_instance = value.value_or(false);
  }
  if (!ok) {
    return std::nullopt;
  }
  return trigger;
}

std::optional<ScaleAction> read_action(Context& context, const Node& node, const std::string& path) {
  MapReader reader(context, node, path, KeySet{{"direction", "type", "value", "cooldown"}});
  if (!reader.is_mapping()) {
    return std::nullopt;
  }
  ScaleAction action;
  bool ok = true;
  if (const Node* direction = reader.required("direction", "Increase or Decrease")) {
    const auto value = read_enum<ScaleDirection>(context, *direction, reader.path("direction"),
                                                 {{"None", ScaleDirection::None},
                                                  {"Increase", ScaleDirection::Increase},
                                                  {"Decrease", ScaleDirection::Decrease}},
                                                 "scale direction");
    ok = ok && value;
    action.direction = value.value_or(ScaleDirection::None);
  }
  if (const Node* type = reader.required("type", "ChangeCount, PercentChangeCount or ExactCount")) {
    const auto value = read_enum<ScaleType>(context, *type, reader.path("type"),
                                            {{"ChangeCount", ScaleType::ChangeCount},
                                             {"PercentChangeCount", ScaleType::PercentChangeCount},
                                             {"ExactCount", ScaleType::ExactCount}},
                                            "scale action type");
    ok = ok && value;
    action.type = value.value_or(ScaleType::ChangeCount);
  }
  if (const Node* value_node = reader.get("value")) {
    const int64_t minimum = action.type == ScaleType::ExactCount ? 0 : 1;
    const auto value = read_integer(context, *value_node, reader.path("value"), minimum, limits::kMaxCapacity);
    ok = ok && value;
    action.value = static_cast<double>(value.value_or(1));
  }
  if (const Node* cooldown = reader.required("cooldown", "the wait after this action, e.g. PT5M")) {
    const auto value = read_duration(context, *cooldown, reader.path("cooldown"), kMinCooldownS, kMaxCooldownS);
    ok = ok && value;
    action.cooldown_s = value.value_or(300);
  }
  if (!ok) {
    return std::nullopt;
  }
  return action;
}

std::optional<CapacityLimits> read_capacity(Context& context, const Node& node, const std::string& path) {
  MapReader reader(context, node, path, KeySet{{"minimum", "maximum", "default"}});
  if (!reader.is_mapping()) {
    return std::nullopt;
  }
  const Node* minimum = reader.required("minimum", "the fewest VMs autoscale keeps");
  const Node* maximum = reader.required("maximum", "the most VMs autoscale creates");
  const Node* default_count = reader.required("default", "the count used when metrics are unavailable");
  auto read_count = [&](const Node* value, const char* key) -> std::optional<int> {
    if (value == nullptr) {
      return std::nullopt;
    }
    const auto count = read_integer(context, *value, reader.path(key), 0, limits::kMaxCapacity);
    return count ? std::optional<int>(static_cast<int>(*count)) : std::nullopt;
  };
  const auto min_count = read_count(minimum, "minimum");
  const auto max_count = read_count(maximum, "maximum");
  const auto default_value = read_count(default_count, "default");
  if (!min_count || !max_count || !default_value) {
    return std::nullopt;
  }
  bool ok = true;
  if (*min_count > *max_count) {
    context.error(*minimum, reader.path("minimum"),
                  fmt::format("minimum {} is larger than maximum {}", *min_count, *max_count));
    ok = false;
  }
  if (ok && (*default_value < *min_count || *default_value > *max_count)) {
    context.error(*default_count, reader.path("default"),
                  fmt::format("default {} is outside [minimum {}, maximum {}]", *default_value, *min_count, *max_count));
    ok = false;
  }
  if (!ok) {
    return std::nullopt;
  }
  return CapacityLimits{*min_count, *max_count, *default_value};
}

// Reads a date and time of a fixed-date profile: with a zone designator it is absolute; without one it is a
// wall-clock time in the profile's time zone.
std::optional<double> read_profile_time(Context& context, const Node& node, const std::string& path,
                                        const std::string& zone) {
  const auto text = read_string(context, node, path);
  if (!text) {
    return std::nullopt;
  }
  const bool has_zone = !text->empty() && (text->back() == 'Z' || text->back() == 'z' ||
                                           (text->size() > 19 && ((*text)[text->size() - 6] == '+' ||
                                                                  (*text)[text->size() - 6] == '-')));
  std::optional<double> unix_s = parse_timestamp(*text);
  if (unix_s && !has_zone) {
    // Read the fields as UTC, then reinterpret them as wall-clock time in the zone.
    const LocalTime fields = to_local("Etc/UTC", *unix_s);
    unix_s = from_local(zone, fields.year, fields.month, fields.day, fields.hour, fields.minute,
                        fields.second + (*unix_s - std::floor(*unix_s)));
  }
  if (!unix_s) {
    context.error(node, path, quote(*text) + " is not a date and time such as 2024-06-03T09:00:00");
  }
  return unix_s;
}

std::optional<std::string> read_time_zone(Context& context, const MapReader& reader) {
  const Node* node = reader.get("timeZone");
  if (node == nullptr) {
    return std::string("Etc/UTC");
  }
  const auto name = read_name(context, *node, reader.path("timeZone"));
  if (!name) {
    return std::nullopt;
  }
  if (auto zone = resolve_time_zone(*name)) {
    return zone;
  }
  const std::string hint = closest_match(*name, windows_time_zone_names());
  context.error(*node, reader.path("timeZone"),
                quote(*name) + " is not a Windows time zone name" +
                    (hint.empty() ? "; Azure uses names such as 'Pacific Standard Time' or 'UTC'"
                                  : "; did you mean '" + hint + "'?"));
  return std::nullopt;
}

std::optional<FixedDate> read_fixed_date(Context& context, const Node& node, const std::string& path) {
  MapReader reader(context, node, path, KeySet{{"timeZone", "start", "end"}});
  if (!reader.is_mapping()) {
    return std::nullopt;
  }
  const auto zone = read_time_zone(context, reader);
  const Node* start = reader.required("start", "when the profile begins");
  const Node* end = reader.required("end", "when it ends");
  if (!zone || start == nullptr || end == nullptr) {
    return std::nullopt;
  }
  const auto start_s = read_profile_time(context, *start, reader.path("start"), *zone);
  const auto end_s = read_profile_time(context, *end, reader.path("end"), *zone);
  if (!start_s || !end_s) {
    return std::nullopt;
  }
  if (*end_s <= *start_s || *end_s - *start_s > 365 * 86400.0) {
    context.error(*end, reader.path("end"), "the end must come after the start, at most 365 days later");
    return std::nullopt;
  }
  return FixedDate{*zone, *start_s, *end_s};
}

std::optional<std::vector<int>> read_int_list(Context& context, const Node& node, const std::string& path, int max) {
  const auto* items = read_list(context, node, path);
  if (items == nullptr) {
    return std::nullopt;
  }
  if (items->empty()) {
    context.error(node, path, "the list is empty");
    return std::nullopt;
  }
  std::vector<int> values;
  for (size_t i = 0; i < items->size(); ++i) {
    const auto value = read_integer(context, *(*items)[i], index_path(path, i), 0, max);
    if (!value) {
      return std::nullopt;
    }
    values.push_back(static_cast<int>(*value));
  }
  return values;
}

std::optional<Recurrence> read_recurrence(Context& context, const Node& node, const std::string& path) {
  MapReader reader(context, node, path, KeySet{{"frequency", "schedule"}});
  if (!reader.is_mapping()) {
    return std::nullopt;
  }
  if (const Node* frequency = reader.required("frequency", "Week")) {
    if (!read_enum<int>(context, *frequency, reader.path("frequency"), {{"Week", 0}}, "recurrence frequency (Azure accepts only Week)")) {
      return std::nullopt;
    }
  }
  const Node* schedule = reader.required("schedule", "{timeZone, days, hours, minutes}");
  if (schedule == nullptr) {
    return std::nullopt;
  }
  MapReader schedule_reader(context, *schedule, reader.path("schedule"), KeySet{{"timeZone", "days", "hours", "minutes"}});
  if (!schedule_reader.is_mapping()) {
    return std::nullopt;
  }
  Recurrence recurrence;
  const auto zone = read_time_zone(context, schedule_reader);
  const Node* days = schedule_reader.required("days", "weekdays such as [Monday, Friday]");
  const Node* hours = schedule_reader.required("hours", "start hours, 0 to 23");
  const Node* minutes = schedule_reader.required("minutes", "start minutes, 0 to 59");
  if (!zone || days == nullptr || hours == nullptr || minutes == nullptr) {
    return std::nullopt;
  }
  recurrence.time_zone = *zone;
  const auto* day_items = read_list(context, *days, schedule_reader.path("days"));
  if (day_items == nullptr || day_items->empty()) {
    if (day_items != nullptr) {
      context.error(*days, schedule_reader.path("days"), "the list is empty");
    }
    return std::nullopt;
  }
  for (size_t i = 0; i < day_items->size(); ++i) {
    // Names as the API documents them, or numbers from 0 (Sunday) as its own example writes "1".
    const auto day = read_enum<int>(context, *(*day_items)[i], index_path(schedule_reader.path("days"), i),
                                    {{"Sunday", 0}, {"Monday", 1}, {"Tuesday", 2}, {"Wednesday", 3}, {"Thursday", 4},
                                     {"Friday", 5}, {"Saturday", 6}, {"0", 0}, {"1", 1}, {"2", 2}, {"3", 3},
                                     {"4", 4}, {"5", 5}, {"6", 6}},
                                    "day (Sunday to Saturday, or 0 = Sunday to 6)");
    if (!day) {
      return std::nullopt;
    }
    recurrence.days |= static_cast<uint8_t>(1u << *day);
  }
  const auto hour_list = read_int_list(context, *hours, schedule_reader.path("hours"), 23);
  const auto minute_list = read_int_list(context, *minutes, schedule_reader.path("minutes"), 59);
  if (!hour_list || !minute_list) {
    return std::nullopt;
  }
  recurrence.hours = *hour_list;
  recurrence.minutes = *minute_list;
  return recurrence;
}

std::optional<AutoscaleProfile> read_profile(Context& context, const Node& node, const std::string& path,
                                             const std::vector<std::string>& metric_names) {
  MapReader reader(context, node, path, KeySet{{"name", "capacity", "rules", "fixedDate", "recurrence"}});
  if (!reader.is_mapping()) {
    return std::nullopt;
  }
  AutoscaleProfile profile;
  bool ok = true;
  if (const Node* name = reader.get("name")) {
    profile.name = read_string(context, *name, reader.path("name")).value_or("");
  }
  if (const Node* capacity = reader.required("capacity", "{minimum, maximum, default}")) {
    const auto limits = read_capacity(context, *capacity, reader.path("capacity"));
    ok = ok && limits;
    profile.capacity = limits.value_or(CapacityLimits{});
  }
  if (const Node* rules = reader.get("rules")) {
    if (const auto* items = read_list(context, *rules, reader.path("rules"))) {
      if (items->size() > kMaxRules) {
        context.error(*rules, reader.path("rules"), fmt::format("{} rules given; at most {} are allowed per profile", items->size(), kMaxRules));
        ok = false;
      }
      for (size_t i = 0; i < items->size(); ++i) {
        const std::string rule_path = index_path(reader.path("rules"), i);
        MapReader rule_reader(context, *(*items)[i], rule_path, KeySet{{"metricTrigger", "scaleAction"}});
        const Node* trigger_node = rule_reader.required("metricTrigger", "the metric condition");
        const Node* action_node = rule_reader.required("scaleAction", "what to do when the condition holds");
        const auto trigger = trigger_node ? read_trigger(context, *trigger_node, rule_reader.path("metricTrigger"), metric_names)
                                          : std::nullopt;
        const auto action = action_node ? read_action(context, *action_node, rule_reader.path("scaleAction")) : std::nullopt;
        if (trigger && action) {
          profile.rules.push_back(ScaleRule{*trigger, *action});
        } else {
          ok = false;
        }
      }
    } else {
      ok = false;
    }
  }
  const Node* fixed = reader.get("fixedDate");
  const Node* recurrence = reader.get("recurrence");
  if (fixed != nullptr && recurrence != nullptr) {
    context.error(*recurrence, reader.path("recurrence"), "a profile has fixedDate or recurrence, not both");
    ok = false;
  } else if (fixed != nullptr) {
    profile.fixed_date = read_fixed_date(context, *fixed, reader.path("fixedDate"));
    ok = ok && profile.fixed_date;
  } else if (recurrence != nullptr) {
    profile.recurrence = read_recurrence(context, *recurrence, reader.path("recurrence"));
    ok = ok && profile.recurrence;
  }
  if (!ok) {
    return std::nullopt;
  }
  return profile;
}

std::optional<PredictivePolicy> read_predictive(Context& context, const Node& node, const std::string& path,
                                                double look_ahead_default_s) {
  MapReader reader(context, node, path, KeySet{{"scaleMode", "scaleLookAheadTime"}});
  if (!reader.is_mapping()) {
    return std::nullopt;
  }
  PredictivePolicy policy;
  if (const Node* mode = reader.required("scaleMode", "Disabled, ForecastOnly or Enabled")) {
    const auto value = read_enum<PredictiveMode>(context, *mode, reader.path("scaleMode"),
                                                 {{"Disabled", PredictiveMode::Disabled},
                                                  {"ForecastOnly", PredictiveMode::ForecastOnly},
                                                  {"Enabled", PredictiveMode::Enabled}},
                                                 "predictive scale mode");
    if (!value) {
      return std::nullopt;
    }
    policy.mode = *value;
  }
  policy.look_ahead_s = look_ahead_default_s;
  if (const Node* look_ahead = reader.get("scaleLookAheadTime")) {
    const auto value = read_duration(context, *look_ahead, reader.path("scaleLookAheadTime"), 60, 3600);
    if (!value) {
      return std::nullopt;
    }
    policy.look_ahead_s = *value;
  }
  return policy;
}

}  // namespace

std::optional<AutoscaleSetting> read_autoscale(Context& context, const Node& node, const std::string& path,
                                               const Draft& draft, const std::vector<std::string>& metric_names) {
  MapReader reader(context, node, path,
                   KeySet{{"profiles", "enabled", "predictiveAutoscalePolicy"},
                          {},
                          {"name", "targetResourceUri", "targetResourceLocation", "notifications"}});
  if (!reader.is_mapping()) {
    return std::nullopt;
  }
  AutoscaleSetting setting;
  bool ok = true;
  if (const Node* enabled = reader.get("enabled")) {
    const auto value = read_bool(context, *enabled, reader.path("enabled"));
    ok = ok && value;
    setting.enabled = value.value_or(true);
  }
  const Node* profiles = reader.required("profiles", "at least one profile with capacity and rules");
  const auto* items = profiles != nullptr ? read_list(context, *profiles, reader.path("profiles")) : nullptr;
  if (items == nullptr) {
    return std::nullopt;
  }
  if (items->empty() || items->size() > kMaxProfiles) {
    context.error(*profiles, reader.path("profiles"),
                  fmt::format("{} profiles given; valid: 1 to {}", items->size(), kMaxProfiles));
    return std::nullopt;
  }
  bool has_default = false;
  for (size_t i = 0; i < items->size(); ++i) {
    auto profile = read_profile(context, *(*items)[i], index_path(reader.path("profiles"), i), metric_names);
    if (!profile) {
      ok = false;
      continue;
    }
    const bool is_default = !profile->fixed_date && !profile->recurrence;
    if (is_default && has_default) {
      context.error(*(*items)[i], index_path(reader.path("profiles"), i),
                    "only one profile may be without fixedDate or recurrence (the default profile)");
      ok = false;
      continue;
    }
    has_default = has_default || is_default;
    setting.profiles.push_back(std::move(*profile));
  }
  if (const Node* predictive = reader.get("predictiveAutoscalePolicy")) {
    const auto policy = read_predictive(context, *predictive, reader.path("predictiveAutoscalePolicy"),
                                        draft.scenario.options.predictive_look_ahead_s);
    ok = ok && policy;
    setting.predictive = policy.value_or(PredictivePolicy{});
    // Predictive autoscale works on Percentage CPU and needs a reactive rule to follow.
    const bool has_cpu_rule = std::any_of(setting.profiles.begin(), setting.profiles.end(), [](const AutoscaleProfile& p) {
      return std::any_of(p.rules.begin(), p.rules.end(), [](const ScaleRule& rule) {
        return rule.action.direction == ScaleDirection::Increase && rule.trigger.metric_name == kPercentageCpu;
      });
    });
    if (policy && policy->mode != PredictiveMode::Disabled && !has_cpu_rule) {
      context.error(*predictive, reader.path("predictiveAutoscalePolicy"),
                    "predictive autoscale needs a scale-out rule on Percentage CPU to follow");
      ok = false;
    }
  }
  if (!ok) {
    return std::nullopt;
  }
  return setting;
}

}  // namespace mixsim::load
