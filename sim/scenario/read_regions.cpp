// The `regions` section: zones, quotas, capacity pools and Spot eviction rates.
#include <fmt/format.h>

#include <cmath>
#include <set>

#include "loader_internal.hpp"
#include "capacity_models.hpp"
#include "trace_reader.hpp"

namespace mixsim::load {

namespace {

std::optional<StepSeries> read_steps(Context& context, const Node& node, const std::string& path) {
  const auto* items = read_list(context, node, path);
  if (items == nullptr) {
    return std::nullopt;
  }
  if (items->empty()) {
    context.error(node, path, "steps is empty; give at least one [time, value] pair");
    return std::nullopt;
  }
  StepSeries series;
  bool ok = true;
  for (size_t i = 0; i < items->size(); ++i) {
    const Node& item = *(*items)[i];
    const std::string item_path = index_path(path, i);
    if (!item.is_sequence() || item.items.size() != 2) {
      context.error(item, item_path, "expected a pair [time from start, value], e.g. [P2D, 40]");
      ok = false;
      continue;
    }
    const auto at = read_duration(context, *item.items[0], item_path + "[0]", 0, limits::kMaxDurationS);
    const auto value = read_number(context, *item.items[1], item_path + "[1]", NumberRange{0, limits::kMaxPoolVms});
    if (!at || !value) {
      ok = false;
      continue;
    }
    if (!series.times_s.empty() && *at <= series.times_s.back()) {
      context.error(*item.items[0], item_path + "[0]", "step times must strictly increase");
      ok = false;
      continue;
    }
    series.times_s.push_back(*at);
    series.values.push_back(*value);
  }
  if (!ok) {
    return std::nullopt;
  }
  return series;
}

}  // namespace

namespace {

// Reads a capacity in VMs or the word "unlimited".
std::optional<double> read_vms_or_unlimited(Context& context, const Node& node, const std::string& path) {
  if (node.is_scalar() && node.scalar == "unlimited") {
    return kUnlimitedCapacityValue;
  }
  return read_number(context, node, path, NumberRange{0, limits::kMaxPoolVms});
}

enum class TraceValues : uint8_t { Count, Preempted, Threshold };

// Applies a trace's value convention: counts stay counts; a preempted flag (1 = unavailable) or a count
// compared with a threshold becomes the available or unavailable capacity.
bool convert_trace_values(Context& context, const MapReader& reader, StepSeries& series) {
  TraceValues convention = TraceValues::Count;
  if (const Node* values = reader.get("values")) {
    const auto value = read_enum<TraceValues>(context, *values, reader.path("values"),
                                              {{"count", TraceValues::Count},
                                               {"preempted", TraceValues::Preempted},
                                               {"threshold", TraceValues::Threshold}},
                                              "trace value convention");
    if (!value) {
      return false;
    }
    convention = *value;
  }
  const Node* threshold_node = reader.get("threshold");
  if (convention != TraceValues::Threshold && threshold_node != nullptr) {
    context.error(*threshold_node, reader.path("threshold"), "threshold applies only with values: threshold");
    return false;
  }
  if (convention == TraceValues::Count) {
    for (const char* key : {"available", "unavailable"}) {
      if (const Node* node = reader.get(key)) {
        context.error(*node, reader.path(key), std::string(key) + " applies only with values: preempted or threshold");
        return false;
      }
    }
    return true;
  }

  double available = kUnlimitedCapacityValue;
  double unavailable = 0;
  double threshold = 1;
  if (const Node* node = reader.get("available")) {
    const auto value = read_vms_or_unlimited(context, *node, reader.path("available"));
    if (!value) {
      return false;
    }
    available = *value;
  }
  if (const Node* node = reader.get("unavailable")) {
    const auto value = read_number(context, *node, reader.path("unavailable"), NumberRange{0, limits::kMaxPoolVms});
    if (!value) {
      return false;
    }
    unavailable = *value;
  }
  if (convention == TraceValues::Threshold) {
    if (threshold_node == nullptr) {
      context.error(reader.node(), reader.path("threshold"), "values: threshold needs threshold: the count at which the pool is available");
      return false;
    }
    const auto value = read_number(context, *threshold_node, reader.path("threshold"), NumberRange{0, 1e12});
    if (!value) {
      return false;
    }
    threshold = *value;
  }
  for (double& value : series.values) {
    const bool is_available = convention == TraceValues::Preempted ? value == 0 : value >= threshold;
    value = is_available ? available : unavailable;
  }
  return true;
}

std::optional<double> read_correlation(Context& context, const MapReader& reader) {
  const Node* node = reader.get("correlation");
  if (node == nullptr) {
    return 0.0;
  }
  return read_number(context, *node, reader.path("correlation"), NumberRange{0, 1});
}

std::optional<std::vector<StepSeries>> read_two_state(Context& context, MapReader& reader, size_t zones,
                                                      const Draft& draft, RandomStream& random) {
  TwoStateModel model;
  const Node* available_for = reader.required("meanAvailable", "the mean length of an available spell, e.g. P2D");
  const Node* unavailable_for = reader.required("meanUnavailable", "the mean length of an outage, e.g. PT6H");
  const auto mean_available =
      available_for ? read_duration(context, *available_for, reader.path("meanAvailable"), 1, limits::kMaxDurationS) : std::nullopt;
  const auto mean_unavailable =
      unavailable_for ? read_duration(context, *unavailable_for, reader.path("meanUnavailable"), 1, limits::kMaxDurationS)
                      : std::nullopt;
  std::optional<double> available = kUnlimitedCapacityValue;
  std::optional<double> unavailable = 0.0;
  if (const Node* node = reader.get("available")) {
    available = read_vms_or_unlimited(context, *node, reader.path("available"));
  }
  if (const Node* node = reader.get("unavailable")) {
    unavailable = read_number(context, *node, reader.path("unavailable"), NumberRange{0, limits::kMaxPoolVms});
  }
  const auto correlation = read_correlation(context, reader);
  if (!mean_available || !mean_unavailable || !available || !unavailable || !correlation) {
    return std::nullopt;
  }
  model = TwoStateModel{*mean_available, *mean_unavailable, *available, *unavailable, *correlation};
  // Each zone overlays its own process and a shared one; each outage adds two points. The count is random, so this
  // is its expected value, which large counts stay close to.
  const double duration = draft.scenario.duration_s;
  const double rho = *correlation;
  const double own_outages = rho < 1 ? duration / (*mean_available / (1 - rho) + *mean_unavailable) : 0;
  const double shared_outages = rho > 0 ? duration / (*mean_available / rho + *mean_unavailable) : 0;
  const double points = static_cast<double>(zones) * (1 + 2 * (own_outages + shared_outages));
  if (!context.reserve_series_points(points, reader.node(), reader.path("meanAvailable"))) {
    return std::nullopt;
  }
  return realize(model, zones, duration, random);
}

std::optional<std::vector<StepSeries>> read_random_walk(Context& context, MapReader& reader, size_t zones,
                                                        const Draft& draft, RandomStream& random) {
  auto number = [&](const char* key, const char* what, NumberRange range) -> std::optional<double> {
    const Node* node = reader.required(key, what);
    return node != nullptr ? read_number(context, *node, reader.path(key), range) : std::nullopt;
  };
  const NumberRange vms{0, limits::kMaxPoolVms};
  const auto mean = number("mean", "the level the walk returns to, in VMs", vms);
  const auto min = number("min", "the lowest capacity, in VMs", vms);
  const auto max = number("max", "the highest capacity, in VMs", vms);
  const auto volatility = number("volatility", "the spread in VMs per square-root hour", vms);
  std::optional<double> reversion = 0.0;
  if (const Node* node = reader.get("reversion")) {
    reversion = read_number(context, *node, reader.path("reversion"), NumberRange{0, 3600});
  }
  std::optional<double> step = 3600.0;
  if (const Node* node = reader.get("step")) {
    step = read_duration(context, *node, reader.path("step"), 60, 86400 * 30.0);
  }
  std::optional<double> initial = mean;
  if (const Node* node = reader.get("initial")) {
    initial = read_number(context, *node, reader.path("initial"), vms);
  }
  const auto correlation = read_correlation(context, reader);
  if (!mean || !min || !max || !volatility || !reversion || !step || !initial || !correlation) {
    return std::nullopt;
  }
  if (*min > *max) {
    context.error(reader.node(), reader.path("min"), "min is larger than max");
    return std::nullopt;
  }
  const double points = static_cast<double>(zones) * (std::floor(draft.scenario.duration_s / *step) + 1);
  if (!context.reserve_series_points(points, reader.node(), reader.path("step"))) {
    return std::nullopt;
  }
  const RandomWalkModel model{*mean, *min, *max, *volatility, *reversion, *step, *initial, *correlation};
  return realize(model, zones, draft.scenario.duration_s, random);
}

}  // namespace

std::optional<std::vector<StepSeries>> read_capacity_profile(Context& context, const Node& node,
                                                              const std::string& path, size_t zones,
                                                              const Draft& draft, const std::string& stream) {
  auto same_for_all = [zones](StepSeries series) { return std::vector<StepSeries>(zones, series); };
  if (node.is_scalar()) {
    const auto value = read_vms_or_unlimited(context, node, path);
    if (!value) {
      return std::nullopt;
    }
    return same_for_all(StepSeries::constant(*value));
  }
  MapReader reader(context, node, path,
                   KeySet{{"steps", "trace", "column", "align", "offset", "scale", "loop", "values", "threshold",
                           "available", "unavailable", "model", "meanAvailable", "meanUnavailable", "mean", "min",
                           "max", "volatility", "reversion", "step", "initial", "correlation"}});
  if (!reader.is_mapping()) {
    return std::nullopt;
  }
  const int kinds = (reader.get("steps") != nullptr) + (reader.get("trace") != nullptr) + (reader.get("model") != nullptr);
  if (kinds != 1) {
    context.error(node, path, "give exactly one of steps, trace or model (or a plain number)");
    return std::nullopt;
  }

  if (const Node* steps = reader.get("steps")) {
    auto series = read_steps(context, *steps, reader.path("steps"));
    if (!series) {
      return std::nullopt;
    }
    return same_for_all(std::move(*series));
  }
  if (reader.get("trace") != nullptr) {
    auto series = read_trace_spec(context, reader, 0, draft.scenario.start_unix_s);
    if (!series || !convert_trace_values(context, reader, *series)) {
      return std::nullopt;
    }
    // Each zone gets its own copy; read_trace_spec counted the first.
    const double copies = static_cast<double>(zones) - 1;
    if (!context.reserve_series_points(copies * static_cast<double>(series->times_s.size()), node, path)) {
      return std::nullopt;
    }
    return same_for_all(std::move(*series));
  }

  enum class Model : uint8_t { TwoState, RandomWalk };
  const auto model = read_enum<Model>(context, *reader.get("model"), reader.path("model"),
                                      {{"twoState", Model::TwoState}, {"randomWalk", Model::RandomWalk}},
                                      "capacity model");
  if (!model) {
    return std::nullopt;
  }
  RandomStream random(draft.scenario.seed, stream);
  return *model == Model::TwoState ? read_two_state(context, reader, zones, draft, random)
                                   : read_random_walk(context, reader, zones, draft, random);
}

namespace {

void read_quotas(Context& context, const Node& node, const std::string& path, RegionId region_id, Draft& draft) {
  if (!node.is_mapping()) {
    context.error(node, path, "expected a mapping of quota family to vCPUs, plus lowPriorityCores for Spot");
    return;
  }
  Region& region = draft.scenario.regions[region_id];
  for (const auto& entry : node.entries) {
    const std::string entry_path = path + "." + entry.key;
    const auto vcpus = read_number(context, *entry.value, entry_path, NumberRange{0, 1e9});
    if (!vcpus) {
      continue;
    }
    if (entry.key == "lowPriorityCores") {
      region.low_priority_vcpus = *vcpus;
    } else {
      region.family_quotas.push_back(FamilyQuota{entry.key, *vcpus});
      draft.quota_origins[region_id].emplace_back(FamilyQuota{entry.key, *vcpus}, entry.key_origin);
    }
  }
}

void read_region_spot(Context& context, const Node& node, const std::string& path, RegionId region_id, Draft& draft) {
  MapReader reader(context, node, path, KeySet{{"evictionRatePerHour", "prices"}});
  if (const Node* prices = reader.get("prices")) {
    read_spot_prices(context, *prices, reader.path("prices"), region_id, draft);
  }
  const Node* rates = reader.get("evictionRatePerHour");
  if (rates == nullptr) {
    return;
  }
  if (!rates->is_mapping()) {
    context.error(*rates, reader.path("evictionRatePerHour"), "expected a mapping of size name to hourly probability");
    return;
  }
  for (const auto& entry : rates->entries) {
    const std::string entry_path = reader.path("evictionRatePerHour") + "." + entry.key;
    Node key_node;
    key_node.kind = Node::Kind::Scalar;
    key_node.scalar = entry.key;
    key_node.origin = entry.key_origin;
    const auto size = draft.find_size(context, key_node, entry_path);
    const auto rate = read_number(context, *entry.value, entry_path, NumberRange{0, 0.999});
    if (size && rate) {
      draft.eviction_rates[region_id][*size] = *rate;
    }
  }
}

void read_pool(Context& context, const Node& node, const std::string& path, RegionId region_id, Draft& draft,
               std::map<std::tuple<ZoneId, size_t, Priority>, std::string>& defined) {
  MapReader reader(context, node, path, KeySet{{"size", "zones", "regular", "spot"}});
  if (!reader.is_mapping()) {
    return;
  }
  const Node* size_node = reader.required("size", "the VM size this pool holds");
  const auto size = size_node != nullptr ? draft.find_size(context, *size_node, reader.path("size")) : std::nullopt;

  std::optional<std::vector<ZoneId>> zones = draft.scenario.regions[region_id].zones;
  if (const Node* zone_node = reader.get("zones")) {
    zones = draft.find_zones(context, *zone_node, reader.path("zones"), region_id);
  }
  if (reader.get("regular") == nullptr && reader.get("spot") == nullptr) {
    context.error(node, path, "a pool needs regular, spot or both; a size without a pool has unlimited capacity");
  }
  if (!size || !zones) {
    return;
  }

  for (Priority priority : {Priority::Regular, Priority::Spot}) {
    const char* key = priority == Priority::Regular ? "regular" : "spot";
    const Node* profile_node = reader.get(key);
    if (profile_node == nullptr) {
      continue;
    }
    const std::string stream = fmt::format("capacity.{}.{}.{}.{}", draft.scenario.regions[region_id].name,
                                           draft.catalog[*size].name, key, path);
    const auto profiles = read_capacity_profile(context, *profile_node, reader.path(key), zones->size(), draft, stream);
    if (!profiles) {
      continue;
    }
    for (size_t i = 0; i < zones->size(); ++i) {
      const ZoneId zone = (*zones)[i];
      const auto [previous, inserted] = defined.emplace(std::make_tuple(zone, *size, priority), reader.path(key));
      if (!inserted) {
        context.error(*profile_node, reader.path(key),
                      fmt::format("the {} pool of {} in zone {} is already defined at {}", key,
                                  draft.catalog[*size].name, draft.scenario.zones[zone].label, previous->second));
        continue;
      }
      draft.pools.push_back(PoolSpec{zone, static_cast<SizeId>(*size), priority, (*profiles)[i]});
    }
  }
}

void read_region(Context& context, const Node& node, const std::string& path, Draft& draft) {
  MapReader reader(context, node, path, KeySet{{"name", "zones", "quotas", "pools", "spot"}});
  if (!reader.is_mapping()) {
    return;
  }
  const Node* name_node = reader.required("name", "the Azure region name, e.g. eastus");
  const auto name = name_node != nullptr ? read_name(context, *name_node, reader.path("name")) : std::nullopt;
  if (!name) {
    return;
  }
  if (draft.region_index.count(*name) > 0) {
    context.error(*name_node, reader.path("name"), "region " + quote(*name) + " is defined twice");
    return;
  }
  if (draft.scenario.regions.size() >= limits::kMaxRegions) {
    context.error(node, path, fmt::format("more than {} regions", limits::kMaxRegions));
    return;
  }

  const auto region_id = static_cast<RegionId>(draft.scenario.regions.size());
  draft.region_index.emplace(*name, region_id);
  draft.scenario.regions.push_back(Region{*name, {}, {}, std::nullopt, {}});
  draft.eviction_rates.emplace_back();
  draft.quota_origins.emplace_back();

  const Node* zones_node = reader.required("zones", "availability zone names, e.g. [\"1\", \"2\", \"3\"]");
  if (zones_node != nullptr) {
    if (const auto* items = read_list(context, *zones_node, reader.path("zones"))) {
      if (items->empty() || items->size() > limits::kMaxZonesPerRegion) {
        context.error(*zones_node, reader.path("zones"),
                      fmt::format("{} zones given; valid: 1 to {} (a region without zones lists one, e.g. [\"1\"])",
                                  items->size(), limits::kMaxZonesPerRegion));
      }
      std::set<std::string> seen;
      for (size_t i = 0; i < items->size() && i < limits::kMaxZonesPerRegion; ++i) {
        const auto zone = read_name(context, *(*items)[i], index_path(reader.path("zones"), i));
        if (!zone) {
          continue;
        }
        if (!seen.insert(*zone).second) {
          context.error(*(*items)[i], index_path(reader.path("zones"), i), "zone " + quote(*zone) + " is listed twice");
          continue;
        }
        draft.scenario.regions[region_id].zones.push_back(static_cast<ZoneId>(draft.scenario.zones.size()));
        draft.scenario.zones.push_back(Zone{*zone, *name + "/" + *zone, region_id});
      }
    }
  }

  if (const Node* quotas = reader.get("quotas")) {
    read_quotas(context, *quotas, reader.path("quotas"), region_id, draft);
  }
  if (const Node* spot = reader.get("spot")) {
    read_region_spot(context, *spot, reader.path("spot"), region_id, draft);
  }
  if (const Node* pools = reader.get("pools")) {
    std::map<std::tuple<ZoneId, size_t, Priority>, std::string> defined;
    if (const auto* items = read_list(context, *pools, reader.path("pools"))) {
      for (size_t i = 0; i < items->size(); ++i) {
        read_pool(context, *(*items)[i], index_path(reader.path("pools"), i), region_id, draft, defined);
      }
    }
  }
}

}  // namespace

void read_regions(Context& context, const Node& node, Draft& draft) {
  const auto* items = read_list(context, node, "regions");
  if (items == nullptr) {
    return;
  }
  if (items->empty()) {
    context.error(node, "regions", "no regions given; a scenario needs at least one");
  }
  for (size_t i = 0; i < items->size(); ++i) {
    read_region(context, *(*items)[i], index_path("regions", i), draft);
  }
}

}  // namespace mixsim::load
