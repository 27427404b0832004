// The `regions` section: zones, quotas, capacity pools and Spot eviction rates.
#include <fmt/format.h>

#include <set>

#include "loader_internal.hpp"
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

/// Reads a capacity profile: a number, `{steps: [...]}` or `{trace: FILE, ...}`.
std::optional<StepSeries> read_capacity_profile(Context& context, const Node& node, const std::string& path,
                                                int64_t scenario_start_unix_s) {
  if (node.is_scalar()) {
    const auto value = read_number(context, node, path, NumberRange{0, limits::kMaxPoolVms});
    if (!value) {
      return std::nullopt;
    }
    return StepSeries::constant(*value);
  }
  MapReader reader(context, node, path,
                   KeySet{{"steps", "trace", "column", "align", "offset", "scale", "loop"},
                          {"model", "values", "threshold", "twoState", "randomWalk", "correlation"}});
  if (!reader.is_mapping()) {
    return std::nullopt;
  }
  const bool has_steps = reader.get("steps") != nullptr;
  const bool has_trace = reader.get("trace") != nullptr;
  if (has_steps == has_trace) {
    context.error(node, path, "give exactly one of steps or trace (or a plain number)");
    return std::nullopt;
  }
  if (has_steps) {
    for (const char* trace_key : {"column", "align", "offset", "scale", "loop"}) {
      if (reader.get(trace_key) != nullptr) {
        context.error(node, reader.path(trace_key), std::string("'") + trace_key + "' applies only to a trace");
      }
    }
    return read_steps(context, *reader.get("steps"), reader.path("steps"));
  }
  return read_trace_spec(context, reader, 0, scenario_start_unix_s);
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
  MapReader reader(context, node, path, KeySet{{"evictionRatePerHour"}, {"prices", "price"}});
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
    const auto profile =
        read_capacity_profile(context, *profile_node, reader.path(key), draft.scenario.start_unix_s);
    if (!profile) {
      continue;
    }
    for (ZoneId zone : *zones) {
      const auto [previous, inserted] = defined.emplace(std::make_tuple(zone, *size, priority), reader.path(key));
      if (!inserted) {
        context.error(*profile_node, reader.path(key),
                      fmt::format("the {} pool of {} in zone {} is already defined at {}", key,
                                  draft.catalog[*size].name, draft.scenario.zones[zone].label, previous->second));
        continue;
      }
      draft.pools.push_back(PoolSpec{zone, static_cast<SizeId>(*size), priority, *profile});
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
