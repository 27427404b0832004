#include "scenario_description.hpp"

#include <fmt/format.h>

#include "scenario/time_format.hpp"

namespace mixsim {

namespace {

// Pool profiles with more points than this (traces, mostly) are described by their range only.
constexpr size_t kMaxPoolSteps = 200;
// Scripted events beyond this many are counted but not listed.
constexpr size_t kMaxScriptedEvents = 500;

nlohmann::ordered_json optional_price(const std::optional<double>& price) {
  return price ? nlohmann::ordered_json(*price) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json describe_sizes(const Scenario& scenario) {
  nlohmann::ordered_json sizes = nlohmann::ordered_json::array();
  for (const VmSize& size : scenario.sizes) {
    sizes.push_back({{"name", size.name}, {"family", size.family}, {"vCPUs", size.vcpus},
                     {"memoryGiB", size.memory_gib}});
  }
  return sizes;
}

nlohmann::ordered_json describe_regions(const Scenario& scenario) {
  nlohmann::ordered_json regions = nlohmann::ordered_json::array();
  for (const Region& region : scenario.regions) {
    nlohmann::ordered_json zones = nlohmann::ordered_json::array();
    for (ZoneId zone : region.zones) {
      zones.push_back(scenario.zones[zone].label);
    }
    nlohmann::ordered_json quotas = nlohmann::ordered_json::object();
    for (const FamilyQuota& quota : region.family_quotas) {
      quotas[quota.family] = quota.vcpus;
    }
    nlohmann::ordered_json eviction_rates = nlohmann::ordered_json::object();
    for (SizeId size = 0; size < scenario.sizes.size(); ++size) {
      if (region.eviction_rate_per_hour[size] > 0) {
        eviction_rates[scenario.sizes[size].name] = region.eviction_rate_per_hour[size];
      }
    }
    nlohmann::ordered_json entry = {{"name", region.name}, {"zones", zones}, {"quotas", quotas}};
    entry["lowPriorityCores"] =
        region.low_priority_vcpus ? nlohmann::ordered_json(*region.low_priority_vcpus) : nlohmann::ordered_json(nullptr);
    entry["spotEvictionRatePerHour"] = eviction_rates;
    regions.push_back(entry);
  }
  return regions;
}

nlohmann::ordered_json describe_rules(const AutoscaleProfile& profile) {
  nlohmann::ordered_json rules = nlohmann::ordered_json::array();
  for (const ScaleRule& rule : profile.rules) {
    const MetricTrigger& trigger = rule.trigger;
    const ScaleAction& action = rule.action;
    rules.push_back({{"metricName", trigger.metric_name},
                     {"timeGrain_s", trigger.time_grain_s},
                     {"statistic", to_string(trigger.statistic)},
                     {"timeWindow_s", trigger.time_window_s},
                     {"timeAggregation", to_string(trigger.time_aggregation)},
                     {"operator", to_string(trigger.op)},
                     {"threshold", trigger.threshold},
                     {"dividePerInstance", trigger.divide_per_instance},
                     {"direction", to_string(action.direction)},
                     {"type", to_string(action.type)},
                     {"value", action.value},
                     {"cooldown_s", action.cooldown_s}});
  }
  return rules;
}

std::string describe_schedule(const AutoscaleProfile& profile) {
  if (profile.fixed_date) {
    return fmt::format("fixed date, {} to {} (Unix seconds)", profile.fixed_date->start_unix_s,
                       profile.fixed_date->end_unix_s);
  }
  if (profile.recurrence) {
    return "weekly recurrence in " + profile.recurrence->time_zone;
  }
  return "default";
}

// The top-level fields describe the default profile (or the first one); `profiles` lists them all.
nlohmann::ordered_json describe_autoscale(const AutoscaleSetting& setting) {
  const AutoscaleProfile* main_profile = &setting.profiles.front();
  for (const AutoscaleProfile& profile : setting.profiles) {
    if (!profile.fixed_date && !profile.recurrence) {
      main_profile = &profile;
      break;
    }
  }
  nlohmann::ordered_json profiles = nlohmann::ordered_json::array();
  for (const AutoscaleProfile& profile : setting.profiles) {
    profiles.push_back({{"name", profile.name},
                        {"schedule", describe_schedule(profile)},
                        {"minimum", profile.capacity.minimum},
                        {"maximum", profile.capacity.maximum},
                        {"default", profile.capacity.default_count},
                        {"rules", describe_rules(profile)}});
  }
  return {{"enabled", setting.enabled},
          {"profile", main_profile->name},
          {"minimum", main_profile->capacity.minimum},
          {"maximum", main_profile->capacity.maximum},
          {"default", main_profile->capacity.default_count},
          {"rules", describe_rules(*main_profile)},
          {"profiles", profiles}};
}

nlohmann::ordered_json describe_demand(const Demand& demand) {
  switch (demand.kind) {
    case Demand::Kind::Constant:
      return {{"kind", "constant"}, {"vcpus", demand.constant * demand.vcpus_per_unit}};
    case Demand::Kind::Diurnal:
      return {{"kind", "diurnal"},
              {"meanVcpus", demand.diurnal_mean * demand.vcpus_per_unit},
              {"amplitudeVcpus", demand.diurnal_amplitude * demand.vcpus_per_unit},
              {"peakHour", demand.diurnal_peak_hour}};
    case Demand::Kind::Trace:
      return {{"kind", "trace"},
              {"minVcpus", demand.trace.min_value() * demand.vcpus_per_unit},
              {"maxVcpus", demand.trace.max_value() * demand.vcpus_per_unit}};
  }
  return nullptr;
}

nlohmann::ordered_json describe_set(const Scenario& scenario, const ScaleSetSpec& set) {
  nlohmann::ordered_json zones = nlohmann::ordered_json::array();
  for (ZoneId zone : set.zones) {
    zones.push_back(scenario.zones[zone].label);
  }
  nlohmann::ordered_json sizes = nlohmann::ordered_json::array();
  for (const SizeChoice& choice : set.sizes) {
    const VmSize& size = scenario.sizes[choice.size];
    sizes.push_back({{"name", size.name},
                     {"rank", choice.rank},
                     {"regularPricePerHour", optional_price(size.regular_usd_per_hour[set.region])},
                     {"spotPricePerHour", optional_price(size.spot_usd_per_hour[set.region])}});
  }
  nlohmann::ordered_json entry = {{"name", set.name},
                                  {"region", scenario.regions[set.region].name},
                                  {"zones", zones},
                                  {"zonal", set.zonal},
                                  {"zoneBalance", set.zone_balance},
                                  {"skuName", set.sku_name},
                                  {"allocationStrategy", to_string(set.strategy)},
                                  {"initialCapacity", set.initial_capacity},
                                  {"priority", to_string(set.priority)},
                                  {"evictionPolicy", to_string(set.eviction_policy)},
                                  {"maxPrice", set.max_price_usd_per_hour},
                                  {"scaleInRule", to_string(set.scale_in_rule)},
                                  {"provisioningTime_s", set.provisioning_time.median_s},
                                  {"provisioningTimeP95_s", set.provisioning_time.p95_s},
                                  {"vmSizes", sizes}};
  entry["priorityMix"] = nullptr;
  if (set.priority_mix) {
    entry["priorityMix"] = {{"baseRegularPriorityCount", set.priority_mix->base_regular_count},
                            {"regularPriorityPercentageAboveBase", set.priority_mix->regular_percentage_above_base}};
  }
  entry["autoscale"] = set.autoscale ? describe_autoscale(*set.autoscale) : nlohmann::ordered_json(nullptr);
  entry["demand"] = set.workload.demand ? describe_demand(*set.workload.demand) : nlohmann::ordered_json(nullptr);
  return entry;
}

nlohmann::ordered_json describe_pool(const Scenario& scenario, const PoolSpec& pool) {
  const StepSeries& capacity = pool.capacity_vms;
  nlohmann::ordered_json entry = {{"zone", scenario.zones[pool.zone].label},
                                  {"size", scenario.sizes[pool.size].name},
                                  {"priority", to_string(pool.priority)},
                                  {"min", capacity.min_value()},
                                  {"max", capacity.max_value()},
                                  {"points", capacity.times_s.size()},
                                  {"period_s", capacity.period_s}};
  if (capacity.times_s.size() <= kMaxPoolSteps) {
    nlohmann::ordered_json steps = nlohmann::ordered_json::array();
    for (size_t i = 0; i < capacity.times_s.size(); ++i) {
      steps.push_back({capacity.times_s[i], capacity.values[i]});
    }
    entry["steps"] = steps;
  }
  return entry;
}

std::string describe_zones(const Scenario& scenario, const std::vector<ZoneId>& zones) {
  std::string text;
  for (ZoneId zone : zones) {
    text += (text.empty() ? "" : " ") + scenario.zones[zone].label;
  }
  return text;
}

nlohmann::ordered_json describe_event(const Scenario& scenario, const ScriptedEvent& event) {
  nlohmann::ordered_json entry = {{"at_s", event.at_s}};
  if (const auto* set_capacity = std::get_if<SetCapacityEvent>(&event.action)) {
    entry["action"] = "setCapacity";
    entry["scaleSet"] = scenario.scale_sets[set_capacity->scale_set].name;
    entry["detail"] = fmt::format("capacity {}", set_capacity->capacity);
  } else if (const auto* set_pool = std::get_if<SetPoolEvent>(&event.action)) {
    entry["action"] = "setPool";
    entry["size"] = scenario.sizes[set_pool->size].name;
    std::string detail = fmt::format("{} in {}", scenario.sizes[set_pool->size].name,
                                     describe_zones(scenario, set_pool->zones));
    if (set_pool->regular_vms) {
      detail += fmt::format(": Regular {}", *set_pool->regular_vms);
    }
    if (set_pool->spot_vms) {
      detail += fmt::format("{} Spot {}", set_pool->regular_vms ? "," : ":", *set_pool->spot_vms);
    }
    entry["zones"] = nlohmann::ordered_json::array();
    for (ZoneId zone : set_pool->zones) {
      entry["zones"].push_back(scenario.zones[zone].label);
    }
    entry["detail"] = detail;
  } else if (const auto* update = std::get_if<UpdateSkuProfileEvent>(&event.action)) {
    entry["action"] = "updateSkuProfile";
    entry["scaleSet"] = scenario.scale_sets[update->scale_set].name;
    entry["detail"] = update->strategy ? fmt::format("allocationStrategy {}", to_string(*update->strategy))
                                       : std::string("vmSizes");
  }
  return entry;
}

}  // namespace

nlohmann::ordered_json describe_scenario(const Scenario& scenario) {
  nlohmann::ordered_json description;
  description["description"] = scenario.description;
  description["start"] = format_timestamp(scenario.start_unix_s);
  description["sampleInterval_s"] = scenario.sample_interval_s;
  description["osDiskPricePerHour"] = scenario.os_disk_usd_per_hour;
  description["outputs"] = {{"timeline", scenario.outputs.timeline}, {"events", scenario.outputs.events}};
  description["sizes"] = describe_sizes(scenario);
  description["regions"] = describe_regions(scenario);

  nlohmann::ordered_json sets = nlohmann::ordered_json::array();
  for (const ScaleSetSpec& set : scenario.scale_sets) {
    sets.push_back(describe_set(scenario, set));
  }
  description["scaleSets"] = sets;

  nlohmann::ordered_json pools = nlohmann::ordered_json::array();
  for (const PoolSpec& pool : scenario.pools) {
    pools.push_back(describe_pool(scenario, pool));
  }
  description["pools"] = pools;

  nlohmann::ordered_json events = nlohmann::ordered_json::array();
  for (size_t i = 0; i < scenario.events.size() && i < kMaxScriptedEvents; ++i) {
    events.push_back(describe_event(scenario, scenario.events[i]));
  }
  description["scriptedEvents"] = events;
  description["scriptedEventCount"] = scenario.events.size();
  return description;
}

}  // namespace mixsim
