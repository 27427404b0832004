// The `scaleSets` section.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <string_view>

#include "loader_internal.hpp"
#include "trace_reader.hpp"

namespace mixsim::load {

namespace {

// Regions where the June 2024 preview of instance mix was available.
const std::set<std::string> kPreviewRegions = {"westus",        "westus2",        "westus3",    "eastus",
                                               "eastus2",       "centralus",      "southcentralus",
                                               "northcentralus", "westeurope",    "northeurope", "uksouth",
                                               "francecentral"};

constexpr double kMaxProvisioningTimeS = 86400;

std::optional<AllocationStrategy> read_strategy(Context& context, const Node& node, const std::string& path) {
  return read_enum<AllocationStrategy>(context, node, path,
                                       {{"LowestPrice", AllocationStrategy::LowestPrice},
                                        {"CapacityOptimized", AllocationStrategy::CapacityOptimized},
                                        {"Prioritized", AllocationStrategy::Prioritized}},
                                       "allocation strategy");
}

void check_preview_strategy(Context& context, const Node& node, const std::string& path, AllocationStrategy strategy,
                            const Draft& draft) {
  if (strategy == AllocationStrategy::Prioritized && draft.scenario.platform_rules == PlatformRules::Preview) {
    context.error(node, path,
                  "Prioritized is not available under platformRules: preview (LowestPrice and CapacityOptimized are); "
                  "set scenario.platformRules: ga to use it");
  }
}

void read_sku_profile(Context& context, const Node& node, const std::string& path, ScaleSetSpec& set, Draft& draft,
                      std::vector<Mention>& size_origins) {
  MapReader reader(context, node, path, KeySet{{"vmSizes", "allocationStrategy"}, {"automaticSkuMigrationPolicy"}});
  if (!reader.is_mapping()) {
    return;
  }
  if (const Node* sizes = reader.required("vmSizes", "1 to 5 sizes as {name, rank}")) {
    if (auto choices = read_vm_sizes(context, *sizes, reader.path("vmSizes"), draft, &size_origins)) {
      set.sizes = std::move(*choices);
    }
  }
  if (const Node* strategy = reader.get("allocationStrategy")) {
    if (auto value = read_strategy(context, *strategy, reader.path("allocationStrategy"))) {
      set.strategy = *value;
      check_preview_strategy(context, *strategy, reader.path("allocationStrategy"), *value, draft);
    }
  }
  const bool ranked = std::any_of(set.sizes.begin(), set.sizes.end(), [](const SizeChoice& c) { return c.rank != 0; });
  if (ranked && set.strategy != AllocationStrategy::Prioritized) {
    context.warn(*reader.get("vmSizes"), reader.path("vmSizes"),
                 std::string("ranks are ignored by the ") + to_string(set.strategy) +
                     " strategy; only Prioritized follows them");
  }
}

void read_sku(Context& context, const MapReader& set_reader, const Node& node, ScaleSetSpec& set, Draft& draft,
              std::vector<Mention>& size_origins) {
  const std::string path = set_reader.path("sku");
  MapReader reader(context, node, path, KeySet{{"name", "tier", "capacity"}});
  if (!reader.is_mapping()) {
    return;
  }
  if (const Node* capacity = reader.get("capacity")) {
    set.initial_capacity =
        static_cast<int>(read_integer(context, *capacity, reader.path("capacity"), 0, limits::kMaxCapacity).value_or(0));
  }
  const Node* name_node = reader.required("name", "Mix with a skuProfile, or a size name");
  const auto name = name_node != nullptr ? read_name(context, *name_node, reader.path("name")) : std::nullopt;
  if (!name) {
    return;
  }
  set.sku_name = *name;
  const Node* profile = set_reader.get("skuProfile");

  if (*name == "Mix") {
    set.instance_mix = true;
    if (profile == nullptr) {
      context.error(*name_node, reader.path("name"), "sku.name Mix needs a skuProfile with the VM sizes");
    }
    if (reader.get("tier") != nullptr) {
      context.error(*reader.get("tier"), reader.path("tier"),
                    "sku.tier must not be set when a skuProfile is given (Azure: SkuTierMustNotBeSetIfSkuProfileIsSpecified)");
    }
    return;
  }
  if (profile != nullptr) {
    context.error(*name_node, reader.path("name"),
                  quote(*name) + " with a skuProfile: sku.name must be Mix when a skuProfile is given "
                                 "(Azure: SkuNameMustBeMixIfSkuProfileIsSpecified)");
    return;
  }
  if (const auto size = draft.find_size(context, *name_node, reader.path("name"))) {
    set.sizes = {SizeChoice{static_cast<SizeId>(*size), 0}};
    draft.size_uses.push_back({*size, name_node->origin});
    size_origins.push_back({name_node->origin, reader.path("name")});
  }
}

void read_vm_profile(Context& context, const Node& node, const std::string& path, ScaleSetSpec& set) {
  MapReader reader(context, node, path,
                   KeySet{{"priority", "evictionPolicy", "billingProfile"},
                          {},
                          {"osProfile", "storageProfile", "networkProfile", "diagnosticsProfile", "extensionProfile",
                           "securityProfile", "userData", "licenseType"}});
  if (!reader.is_mapping()) {
    return;
  }
  if (const Node* priority = reader.get("priority")) {
    set.priority = read_enum<Priority>(context, *priority, reader.path("priority"),
                                       {{"Regular", Priority::Regular}, {"Spot", Priority::Spot}, {"Low", Priority::Spot}},
                                       "priority")
                       .value_or(Priority::Regular);
  }
  if (const Node* policy = reader.get("evictionPolicy")) {
    set.eviction_policy = read_enum<EvictionPolicy>(context, *policy, reader.path("evictionPolicy"),
                                                    {{"Deallocate", EvictionPolicy::Deallocate},
                                                     {"Delete", EvictionPolicy::Delete}},
                                                    "eviction policy")
                              .value_or(EvictionPolicy::Deallocate);
    if (set.priority != Priority::Spot) {
      context.error(*policy, reader.path("evictionPolicy"), "evictionPolicy applies only to Spot VMs; set priority: Spot");
    }
  }
  if (const Node* billing = reader.get("billingProfile")) {
    MapReader billing_reader(context, *billing, reader.path("billingProfile"), KeySet{{"maxPrice"}});
    if (const Node* max_price = billing_reader.get("maxPrice")) {
      const std::string max_path = billing_reader.path("maxPrice");
      if (const auto value = read_number(context, *max_price, max_path, NumberRange{-1, limits::kMaxPriceUsdPerHour})) {
        const double scaled = *value * 1e5;
        if (*value != -1 && *value <= 0) {
          context.error(*max_price, max_path, fmt::format("{} is not valid; valid: -1 (never evict for price) or a price above 0", *value));
        } else if (std::fabs(scaled - std::round(scaled)) > 1e-6) {
          context.error(*max_price, max_path, "maxPrice has more than 5 decimal places");
        } else {
          set.max_price_usd_per_hour = *value;
        }
      }
      if (set.priority != Priority::Spot) {
        context.error(*max_price, max_path, "billingProfile.maxPrice applies only to Spot VMs; set priority: Spot");
      }
    }
  }
}

void read_priority_mix(Context& context, const Node& node, const std::string& path, ScaleSetSpec& set) {
  MapReader reader(context, node, path, KeySet{{"baseRegularPriorityCount", "regularPriorityPercentageAboveBase"}});
  if (!reader.is_mapping()) {
    return;
  }
  PriorityMix mix;
  if (const Node* base = reader.get("baseRegularPriorityCount")) {
    mix.base_regular_count =
        static_cast<int>(read_integer(context, *base, reader.path("baseRegularPriorityCount"), 0, limits::kMaxCapacity).value_or(0));
  }
  if (const Node* percent = reader.get("regularPriorityPercentageAboveBase")) {
    mix.regular_percentage_above_base = static_cast<int>(
        read_integer(context, *percent, reader.path("regularPriorityPercentageAboveBase"), 0, 100).value_or(0));
  }
  set.priority_mix = mix;
  if (set.priority != Priority::Spot) {
    context.error(node, path, "priorityMixPolicy requires virtualMachineProfile.priority: Spot, as in Azure");
  }
}

void read_scale_in_policy(Context& context, const Node& node, const std::string& path, ScaleSetSpec& set) {
  MapReader reader(context, node, path, KeySet{{"rules", "forceDeletion", "prioritizeUnhealthyVMs"}});
  if (!reader.is_mapping()) {
    return;
  }
  if (const Node* rules = reader.get("rules")) {
    if (const auto* items = read_list(context, *rules, reader.path("rules"))) {
      if (items->size() != 1) {
        context.error(*rules, reader.path("rules"), fmt::format("{} rules given; give exactly one of Default, OldestVM, NewestVM", items->size()));
      } else {
        set.scale_in_rule = read_enum<ScaleInRule>(context, *(*items)[0], index_path(reader.path("rules"), 0),
                                                   {{"Default", ScaleInRule::Default},
                                                    {"OldestVM", ScaleInRule::OldestVM},
                                                    {"NewestVM", ScaleInRule::NewestVM}},
                                                   "scale-in rule")
                                .value_or(ScaleInRule::Default);
      }
    }
  }
  if (const Node* force = reader.get("forceDeletion")) {
    read_bool(context, *force, reader.path("forceDeletion"));  // deletion takes no simulated time either way
  }
  if (const Node* unhealthy = reader.get("prioritizeUnhealthyVMs")) {
    set.prioritize_unhealthy_vms = read_bool(context, *unhealthy, reader.path("prioritizeUnhealthyVMs")).value_or(false);
  }
}

// Parses "HH:MM" (hours and minutes of one or two digits) into hours; empty for anything else.
std::optional<double> parse_time_of_day(const std::string& text) {
  const size_t colon = text.find(':');
  const auto is_digits = [](std::string_view part) {
    return !part.empty() && part.size() <= 2 &&
           std::all_of(part.begin(), part.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  };
  if (colon == std::string::npos || !is_digits(std::string_view(text).substr(0, colon)) ||
      !is_digits(std::string_view(text).substr(colon + 1))) {
    return std::nullopt;
  }
  const int hours = std::stoi(text.substr(0, colon));
  const int minutes = std::stoi(text.substr(colon + 1));
  if (hours > 23 || minutes > 59) {
    return std::nullopt;
  }
  return hours + minutes / 60.0;
}

std::optional<Demand> read_demand(Context& context, const Node& node, const std::string& path, const Draft& draft) {
  MapReader reader(context, node, path,
                   KeySet{{"constant", "diurnal", "trace", "unit", "reference", "column", "align", "offset", "scale", "loop"}});
  if (!reader.is_mapping()) {
    return std::nullopt;
  }
  Demand demand;
  bool ok = true;
  const int kinds = (reader.get("constant") != nullptr) + (reader.get("diurnal") != nullptr) + (reader.get("trace") != nullptr);
  if (kinds != 1) {
    context.error(node, path, "give exactly one of constant, diurnal or trace");
    return std::nullopt;
  }

  bool percent = false;
  if (const Node* unit = reader.get("unit")) {
    const auto value = read_enum<bool>(context, *unit, reader.path("unit"), {{"vCPU", false}, {"percent", true}}, "demand unit");
    ok = ok && value;
    percent = value.value_or(false);
  }
  if (percent) {
    const Node* reference = reader.required("reference", "the vCPUs that 100 percent stands for");
    const auto value = reference != nullptr
                           ? read_number(context, *reference, reader.path("reference"), NumberRange{0, 1e9, true})
                           : std::nullopt;
    ok = ok && value;
    demand.vcpus_per_unit = value.value_or(0) / 100.0;
  } else if (const Node* reference = reader.get("reference")) {
    context.error(*reference, reader.path("reference"), "reference applies only with unit: percent");
    ok = false;
  }

  if (const Node* constant = reader.get("constant")) {
    demand.kind = Demand::Kind::Constant;
    const auto value = read_number(context, *constant, reader.path("constant"), NumberRange{0, 1e9});
    ok = ok && value;
    demand.constant = value.value_or(0);
  } else if (const Node* diurnal = reader.get("diurnal")) {
    demand.kind = Demand::Kind::Diurnal;
    MapReader diurnal_reader(context, *diurnal, reader.path("diurnal"), KeySet{{"mean", "amplitude", "peak"}});
    const Node* mean = diurnal_reader.required("mean", "the daily mean demand");
    const Node* amplitude = diurnal_reader.required("amplitude", "the swing around the mean");
    const Node* peak = diurnal_reader.required("peak", "the time of day of the peak, HH:MM in UTC");
    const auto mean_value = mean ? read_number(context, *mean, diurnal_reader.path("mean"), NumberRange{0, 1e9}) : std::nullopt;
    const auto amplitude_value =
        amplitude ? read_number(context, *amplitude, diurnal_reader.path("amplitude"), NumberRange{0, 1e9}) : std::nullopt;
    std::optional<double> peak_hour;
    if (peak != nullptr) {
      const auto text = read_string(context, *peak, diurnal_reader.path("peak"));
      peak_hour = text ? parse_time_of_day(*text) : std::nullopt;
      if (text && !peak_hour) {
        context.error(*peak, diurnal_reader.path("peak"), quote(*text) + " is not a time of day; valid: HH:MM, e.g. \"14:00\"");
      }
    }
    if (mean_value && amplitude_value && *amplitude_value > *mean_value) {
      context.error(*amplitude, diurnal_reader.path("amplitude"), "the amplitude is larger than the mean, so demand would go negative");
      ok = false;
    }
    ok = ok && mean_value && amplitude_value && peak_hour;
    demand.diurnal_mean = mean_value.value_or(0);
    demand.diurnal_amplitude = amplitude_value.value_or(0);
    demand.diurnal_peak_hour = peak_hour.value_or(0);
  } else {
    demand.kind = Demand::Kind::Trace;
    auto trace = read_trace_spec(context, reader, 0, draft.scenario.start_unix_s);
    ok = ok && trace;
    if (trace) {
      demand.trace = std::move(*trace);
    }
  }
  if (!ok) {
    return std::nullopt;
  }
  return demand;
}

// Marks as unavailable the stretches of a metric trace where the next point comes later than `max_gap_s`: the
// metric has no data from max_gap_s after a point until the next point.
StepSeries availability_of(const StepSeries& values, double max_gap_s) {
  StepSeries available;
  available.times_s.push_back(values.times_s.front());
  available.values.push_back(1);
  for (size_t i = 0; i + 1 < values.times_s.size(); ++i) {
    if (values.times_s[i + 1] - values.times_s[i] > max_gap_s) {
      available.times_s.push_back(values.times_s[i] + max_gap_s);
      available.values.push_back(0);
      available.times_s.push_back(values.times_s[i + 1]);
      available.values.push_back(1);
    }
  }
  available.period_s = values.period_s;
  return available;
}

double median_gap(const StepSeries& series) {
  std::vector<double> gaps;
  for (size_t i = 1; i < series.times_s.size(); ++i) {
    gaps.push_back(series.times_s[i] - series.times_s[i - 1]);
  }
  if (gaps.empty()) {
    return kInfinity;
  }
  std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2), gaps.end());
  return gaps[gaps.size() / 2];
}

std::optional<NamedMetric> read_named_metric(Context& context, const Node& node, const std::string& path,
                                             const Draft& draft) {
  MapReader reader(context, node, path,
                   KeySet{{"name", "trace", "column", "align", "offset", "scale", "loop", "per", "maxGap"}});
  if (!reader.is_mapping()) {
    return std::nullopt;
  }
  NamedMetric metric;
  const Node* name = reader.required("name", "the metric name autoscale rules use, e.g. Requests");
  const auto metric_name = name ? read_name(context, *name, reader.path("name")) : std::nullopt;
  if (metric_name && *metric_name == kPercentageCpu) {
    context.error(*name, reader.path("name"), "Percentage CPU comes from workload.demand; name another metric");
    return std::nullopt;
  }
  if (reader.required("trace", "a CSV or JSON trace of the metric") == nullptr || !metric_name) {
    return std::nullopt;
  }
  metric.name = *metric_name;
  if (const Node* per = reader.get("per")) {
    const auto value = read_enum<bool>(context, *per, reader.path("per"), {{"set", false}, {"instance", true}},
                                       "metric scope (set: the whole set's value; instance: each VM's value)");
    if (!value) {
      return std::nullopt;
    }
    metric.per_instance = *value;
  }
  auto values = read_trace_spec(context, reader, -1e15, draft.scenario.start_unix_s);
  if (!values) {
    return std::nullopt;
  }
  double max_gap = 3 * median_gap(*values);
  if (const Node* gap = reader.get("maxGap")) {
    const auto value = read_duration(context, *gap, reader.path("maxGap"), 1, limits::kMaxDurationS);
    if (!value) {
      return std::nullopt;
    }
    max_gap = *value;
  }
  metric.available = availability_of(*values, max_gap);
  metric.values = std::move(*values);
  return metric;
}

void read_workload(Context& context, const Node& node, const std::string& path, ScaleSetSpec& set, const Draft& draft) {
  MapReader reader(context, node, path, KeySet{{"demand", "metrics"}});
  if (const Node* demand = reader.get("demand")) {
    set.workload.demand = read_demand(context, *demand, reader.path("demand"), draft);
  }
  if (const Node* metrics = reader.get("metrics")) {
    if (const auto* items = read_list(context, *metrics, reader.path("metrics"))) {
      for (size_t i = 0; i < items->size(); ++i) {
        const std::string item_path = index_path(reader.path("metrics"), i);
        auto metric = read_named_metric(context, *(*items)[i], item_path, draft);
        if (!metric) {
          continue;
        }
        const bool repeated = std::any_of(set.workload.metrics.begin(), set.workload.metrics.end(),
                                          [&](const NamedMetric& other) { return other.name == metric->name; });
        if (repeated) {
          context.error(*(*items)[i], item_path, "metric " + quote(metric->name) + " is defined twice");
          continue;
        }
        set.workload.metrics.push_back(std::move(*metric));
      }
    }
  }
}

std::optional<ProvisioningTime> read_provisioning_time(Context& context, const Node& node, const std::string& path) {
  if (!node.is_mapping()) {
    const auto seconds = read_duration(context, node, path, 0, kMaxProvisioningTimeS);
    return seconds ? std::optional(ProvisioningTime{*seconds, *seconds}) : std::nullopt;
  }
  MapReader reader(context, node, path, KeySet{{"distribution", "median", "p95"}});
  if (const Node* distribution = reader.get("distribution")) {
    if (!read_enum<int>(context, *distribution, reader.path("distribution"), {{"lognormal", 0}}, "distribution")) {
      return std::nullopt;
    }
  }
  const Node* median = reader.required("median", "the median provisioning time, e.g. PT90S");
  const Node* p95 = reader.required("p95", "the 95th percentile, e.g. PT4M");
  const auto median_s = median ? read_duration(context, *median, reader.path("median"), 1, kMaxProvisioningTimeS) : std::nullopt;
  const auto p95_s = p95 ? read_duration(context, *p95, reader.path("p95"), 1, kMaxProvisioningTimeS) : std::nullopt;
  if (!median_s || !p95_s) {
    return std::nullopt;
  }
  if (*p95_s < *median_s) {
    context.error(*p95, reader.path("p95"), "the 95th percentile is below the median");
    return std::nullopt;
  }
  return ProvisioningTime{*median_s, *p95_s};
}

void read_resiliency(Context& context, const Node& node, const std::string& path, ScaleSetSpec& set) {
  MapReader reader(context, node, path,
                   KeySet{{"resilientVMCreationPolicy", "resilientVMDeletionPolicy"}, {"automaticZoneRebalancingPolicy"}});
  if (const Node* creation = reader.get("resilientVMCreationPolicy")) {
    MapReader creation_reader(context, *creation, reader.path("resilientVMCreationPolicy"), KeySet{{"enabled"}});
    if (const Node* enabled = creation_reader.get("enabled")) {
      set.resilient_vm_creation = read_bool(context, *enabled, creation_reader.path("enabled")).value_or(false);
    }
  }
  if (const Node* deletion = reader.get("resilientVMDeletionPolicy")) {
    // Deletions never fail in the model, so retrying them changes nothing; the key is read for templates.
    MapReader deletion_reader(context, *deletion, reader.path("resilientVMDeletionPolicy"), KeySet{{"enabled"}});
    if (const Node* enabled = deletion_reader.get("enabled")) {
      read_bool(context, *enabled, deletion_reader.path("enabled"));
    }
  }
}

void read_spot_restore(Context& context, const Node& node, const std::string& path, ScaleSetSpec& set,
                       bool has_autoscale, const Draft& draft) {
  MapReader reader(context, node, path, KeySet{{"enabled", "restoreTimeout"}});
  if (!reader.is_mapping()) {
    return;
  }
  if (const Node* enabled = reader.get("enabled")) {
    set.spot_restore.enabled = read_bool(context, *enabled, reader.path("enabled")).value_or(false);
  }
  set.spot_restore.restore_timeout_s = draft.scenario.options.spot_restore_timeout_s;
  if (const Node* timeout = reader.get("restoreTimeout")) {
    set.spot_restore.restore_timeout_s =
        read_duration(context, *timeout, reader.path("restoreTimeout"), 60, limits::kMaxDurationS).value_or(3600);
  }
  if (!set.spot_restore.enabled) {
    return;
  }
  if (set.priority != Priority::Spot) {
    context.error(node, path, "spotRestorePolicy applies only to Spot VMs; set virtualMachineProfile.priority: Spot");
  }
  // Azure turns Try & Restore off for a set with autoscale.
  if (has_autoscale && draft.scenario.platform_rules == PlatformRules::Preview) {
    context.error(node, path,
                  "Try & Restore is disabled for a scale set with autoscale; remove one of them (under "
                  "platformRules: ga the set runs with restore off)");
  } else if (has_autoscale) {
    context.warn(node, path, "Try & Restore is disabled because the set has autoscale, as in Azure");
    set.spot_restore.enabled = false;
  }
}

void read_zones_of_set(Context& context, const MapReader& reader, ScaleSetSpec& set, Draft& draft, bool region_ok) {
  const Node* zones = reader.get("zones");
  if (region_ok) {
    set.zones = draft.scenario.regions[set.region].zones;
  }
  if (zones != nullptr && region_ok) {
    if (auto ids = draft.find_zones(context, *zones, reader.path("zones"), set.region)) {
      if (ids->empty()) {
        context.error(*zones, reader.path("zones"), "the zone list is empty; omit zones for a regional set");
      } else {
        set.zones = std::move(*ids);
      }
    }
  }
  set.zonal = zones != nullptr;

  if (const Node* balance = reader.get("zoneBalance")) {
    set.zone_balance = read_bool(context, *balance, reader.path("zoneBalance")).value_or(false);
    if (set.zone_balance && (!set.zonal || set.zones.size() < 2)) {
      context.error(*balance, reader.path("zoneBalance"), "zoneBalance: true is valid only for a set that spans more than one zone");
    }
  }
  if (const Node* domains = reader.get("platformFaultDomainCount")) {
    const auto count = read_integer(context, *domains, reader.path("platformFaultDomainCount"), 1, 3);
    if (count && set.zonal && *count != 1) {
      context.error(*domains, reader.path("platformFaultDomainCount"),
                    "a zonal Flexible scale set allows only platformFaultDomainCount: 1");
    }
    set.platform_fault_domain_count = static_cast<int>(count.value_or(1));
  }
}

void read_scale_set(Context& context, const Node& node, const std::string& path, Draft& draft) {
  MapReader reader(context, node, path,
                   KeySet{{"name", "region", "zones", "zoneBalance", "platformFaultDomainCount", "sku", "skuProfile",
                           "virtualMachineProfile", "priorityMixPolicy", "scaleInPolicy", "provisioningTime",
                           "autoscale", "workload", "orchestrationMode", "spotRestorePolicy", "resiliencyPolicy",
                           "creationFailureProbability"}});
  if (!reader.is_mapping()) {
    return;
  }
  ScaleSetSpec set;
  std::vector<Mention> size_origins;
  const Node* name_node = reader.required("name", "the scale set's name");
  if (name_node != nullptr) {
    set.name = read_name(context, *name_node, reader.path("name")).value_or("");
    if (!set.name.empty() && draft.set_index.count(set.name) > 0) {
      context.error(*name_node, reader.path("name"), "scale set " + quote(set.name) + " is defined twice");
    }
  }
  if (const Node* mode = reader.get("orchestrationMode")) {
    read_enum<int>(context, *mode, reader.path("orchestrationMode"), {{"Flexible", 0}}, "orchestration mode (mixsim models Flexible only)");
  }

  const Node* region_node = reader.required("region", "the region the set is deployed in");
  const auto region = region_node != nullptr ? draft.find_region(context, *region_node, reader.path("region")) : std::nullopt;
  set.region = region.value_or(0);
  read_zones_of_set(context, reader, set, draft, region.has_value());

  // virtualMachineProfile comes first: the priority decides whether priorityMixPolicy, evictionPolicy and
  // maxPrice are valid.
  if (const Node* profile = reader.get("virtualMachineProfile")) {
    read_vm_profile(context, *profile, reader.path("virtualMachineProfile"), set);
  }
  if (const Node* sku = reader.required("sku", "{name: Mix, capacity: N} with a skuProfile, or {name: <size>}")) {
    read_sku(context, reader, *sku, set, draft, size_origins);
  }
  if (const Node* profile = reader.get("skuProfile")) {
    read_sku_profile(context, *profile, reader.path("skuProfile"), set, draft, size_origins);
    const bool preview = draft.scenario.platform_rules == PlatformRules::Preview;
    if (preview && region && !is_preview_region(draft.scenario.regions[*region].name)) {
      context.error(*region_node, reader.path("region"),
                    quote(draft.scenario.regions[*region].name) +
                        " had no instance mix under platformRules: preview; preview regions: westus, westus2, westus3, "
                        "eastus, eastus2, centralus, southcentralus, northcentralus, westeurope, northeurope, uksouth, "
                        "francecentral (or set scenario.platformRules: ga)");
    }
  }
  if (const Node* mix = reader.get("priorityMixPolicy")) {
    read_priority_mix(context, *mix, reader.path("priorityMixPolicy"), set);
  }
  if (const Node* policy = reader.get("scaleInPolicy")) {
    read_scale_in_policy(context, *policy, reader.path("scaleInPolicy"), set);
  }
  if (const Node* provisioning = reader.get("provisioningTime")) {
    if (auto time = read_provisioning_time(context, *provisioning, reader.path("provisioningTime"))) {
      set.provisioning_time = *time;
    }
  }
  if (const Node* probability = reader.get("creationFailureProbability")) {
    set.creation_failure_probability =
        read_number(context, *probability, reader.path("creationFailureProbability"), NumberRange{0, 0.99}).value_or(0);
  }
  if (const Node* resiliency = reader.get("resiliencyPolicy")) {
    read_resiliency(context, *resiliency, reader.path("resiliencyPolicy"), set);
  }
  if (const Node* workload = reader.get("workload")) {
    read_workload(context, *workload, reader.path("workload"), set, draft);
  }
  if (const Node* autoscale = reader.get("autoscale")) {
    std::vector<std::string> metric_names;
    for (const NamedMetric& metric : set.workload.metrics) {
      metric_names.push_back(metric.name);
    }
    set.autoscale = read_autoscale(context, *autoscale, reader.path("autoscale"), draft, metric_names);
  }
  if (const Node* restore = reader.get("spotRestorePolicy")) {
    read_spot_restore(context, *restore, reader.path("spotRestorePolicy"), set, reader.get("autoscale") != nullptr, draft);
  }

  if (!set.name.empty() && draft.set_index.count(set.name) == 0) {
    draft.set_index.emplace(set.name, static_cast<SetId>(draft.scenario.scale_sets.size()));
    draft.scenario.scale_sets.push_back(std::move(set));
    draft.set_size_origins.push_back(std::move(size_origins));
  }
}

}  // namespace

bool is_preview_region(std::string_view region) { return kPreviewRegions.count(std::string(region)) > 0; }

std::optional<std::vector<SizeChoice>> read_vm_sizes(Context& context, const Node& node, const std::string& path,
                                                     Draft& draft, std::vector<Mention>* origins) {
  const auto* items = read_list(context, node, path);
  if (items == nullptr) {
    return std::nullopt;
  }
  if (items->empty() || static_cast<int>(items->size()) > limits::kMaxSizesPerSet) {
    context.error(node, path,
                  fmt::format("{} sizes given; valid: 1 to {}", items->size(), limits::kMaxSizesPerSet));
    return std::nullopt;
  }
  std::vector<SizeChoice> choices;
  std::set<size_t> seen;
  bool ok = true;
  for (size_t i = 0; i < items->size(); ++i) {
    const std::string item_path = index_path(path, i);
    MapReader reader(context, *(*items)[i], item_path, KeySet{{"name", "rank"}});
    if (!reader.is_mapping()) {
      ok = false;
      continue;
    }
    const Node* name = reader.required("name", "a size from the catalog");
    const auto size = name != nullptr ? draft.find_size(context, *name, reader.path("name")) : std::nullopt;
    int rank = 0;
    if (const Node* rank_node = reader.get("rank")) {
      const auto value = read_integer(context, *rank_node, reader.path("rank"), 0, 1000);
      ok = ok && value;
      rank = static_cast<int>(value.value_or(0));
    }
    if (!size) {
      ok = false;
      continue;
    }
    if (!seen.insert(*size).second) {
      context.error(*name, reader.path("name"), "size " + quote(draft.catalog[*size].name) + " is listed twice");
      ok = false;
      continue;
    }
    choices.push_back(SizeChoice{static_cast<SizeId>(*size), rank});
    draft.size_uses.push_back({*size, name->origin});
    if (origins != nullptr) {
      origins->push_back({name->origin, reader.path("name")});
    }
  }
  if (!ok) {
    return std::nullopt;
  }
  return choices;
}

void read_scale_sets(Context& context, const Node& node, Draft& draft) {
  const auto* items = read_list(context, node, "scaleSets");
  if (items == nullptr) {
    return;
  }
  if (items->empty()) {
    context.error(node, "scaleSets", "no scale sets given; a scenario needs at least one");
  }
  if (items->size() > limits::kMaxScaleSets) {
    context.error(node, "scaleSets", fmt::format("{} scale sets given; at most {} are allowed", items->size(), limits::kMaxScaleSets));
    return;
  }
  for (size_t i = 0; i < items->size(); ++i) {
    const Node& item = *(*items)[i];
    const std::string path = index_path("scaleSets", i);
    if (!item.is_mapping() || item.find("arm") == nullptr) {
      read_scale_set(context, item, path, draft);
    } else if (const yaml::NodePtr imported = import_arm_set(context, item, path)) {
      read_scale_set(context, *imported, path, draft);
    }
  }
}

}  // namespace mixsim::load
