// The `autoscale` block of a scale set: the `properties` of an ARM Microsoft.Insights/autoscalesettings resource.
#include <fmt/format.h>

#include <cmath>

#include "loader_internal.hpp"
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

std::optional<MetricTrigger> read_trigger(Context& context, const Node& node, const std::string& path) {
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
    if (value && *value != kPercentageCpu) {
      context.error(*name, reader.path("metricName"),
                    "metric " + quote(*value) + " is not supported yet; the supported metric is 'Percentage CPU'");
      ok = false;
    }
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

std::optional<AutoscaleProfile> read_profile(Context& context, const Node& node, const std::string& path) {
  MapReader reader(context, node, path, KeySet{{"name", "capacity", "rules"}, {"fixedDate", "recurrence"}});
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
        const auto trigger = trigger_node ? read_trigger(context, *trigger_node, rule_reader.path("metricTrigger")) : std::nullopt;
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
  if (!ok) {
    return std::nullopt;
  }
  return profile;
}

}  // namespace

std::optional<AutoscaleSetting> read_autoscale(Context& context, const Node& node, const std::string& path,
                                               const Draft&) {
  MapReader reader(context, node, path,
                   KeySet{{"profiles", "enabled"},
                          {"predictiveAutoscalePolicy"},
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
  for (size_t i = 0; i < items->size(); ++i) {
    auto profile = read_profile(context, *(*items)[i], index_path(reader.path("profiles"), i));
    if (!profile) {
      ok = false;
      continue;
    }
    if (!setting.profiles.empty()) {
      context.error(*(*items)[i], index_path(reader.path("profiles"), i),
                    "only one profile may be without fixedDate or recurrence (the default profile)");
      ok = false;
      continue;
    }
    setting.profiles.push_back(std::move(*profile));
  }
  if (!ok) {
    return std::nullopt;
  }
  return setting;
}

}  // namespace mixsim::load
