// The `events` section: scripted happenings at fixed times.
#include <fmt/format.h>

#include <algorithm>

#include "loader_internal.hpp"
#include "time_format.hpp"

namespace mixsim::load {

namespace {

std::optional<SetCapacityEvent> read_set_capacity(Context& context, const Node& node, const std::string& path,
                                                  Draft& draft) {
  MapReader reader(context, node, path, KeySet{{"scaleSet", "capacity"}});
  const Node* set = reader.required("scaleSet", "the scale set's name");
  const Node* capacity = reader.required("capacity", "the new VM count");
  const auto set_id = set ? draft.find_set(context, *set, reader.path("scaleSet")) : std::nullopt;
  const auto count = capacity ? read_integer(context, *capacity, reader.path("capacity"), 0, limits::kMaxCapacity)
                              : std::nullopt;
  if (!set_id || !count) {
    return std::nullopt;
  }
  return SetCapacityEvent{*set_id, static_cast<int>(*count)};
}

std::optional<SetPoolEvent> read_set_pool(Context& context, const Node& node, const std::string& path, Draft& draft) {
  MapReader reader(context, node, path, KeySet{{"region", "zone", "zones", "size", "regular", "spot"}});
  if (!reader.is_mapping()) {
    return std::nullopt;
  }
  const Node* region_node = reader.required("region", "the region of the pool");
  const Node* size_node = reader.required("size", "the VM size of the pool");
  const auto region = region_node ? draft.find_region(context, *region_node, reader.path("region")) : std::nullopt;
  const auto size = size_node ? draft.find_size(context, *size_node, reader.path("size")) : std::nullopt;
  if (!region || !size) {
    return std::nullopt;
  }

  SetPoolEvent event;
  event.size = static_cast<SizeId>(*size);
  event.zones = draft.scenario.regions[*region].zones;
  const Node* zone = reader.get("zone");
  const Node* zones = reader.get("zones");
  if (zone != nullptr && zones != nullptr) {
    context.error(node, path, "give zone or zones, not both");
    return std::nullopt;
  }
  if (zone != nullptr) {
    Node list;
    list.kind = Node::Kind::Sequence;
    list.origin = zone->origin;
    list.items.push_back(std::make_shared<Node>(*zone));
    const auto ids = draft.find_zones(context, list, reader.path("zone"), *region);
    if (!ids) {
      return std::nullopt;
    }
    event.zones = *ids;
  } else if (zones != nullptr) {
    const auto ids = draft.find_zones(context, *zones, reader.path("zones"), *region);
    if (!ids) {
      return std::nullopt;
    }
    event.zones = *ids;
  }

  bool ok = true;
  if (const Node* regular = reader.get("regular")) {
    event.regular_vms = read_number(context, *regular, reader.path("regular"), NumberRange{0, limits::kMaxPoolVms});
    ok = ok && event.regular_vms;
  }
  if (const Node* spot = reader.get("spot")) {
    event.spot_vms = read_number(context, *spot, reader.path("spot"), NumberRange{0, limits::kMaxPoolVms});
    ok = ok && event.spot_vms;
  }
  if (reader.get("regular") == nullptr && reader.get("spot") == nullptr) {
    context.error(node, path, "setPool needs regular, spot or both: the new capacity in VMs");
    return std::nullopt;
  }
  if (!ok) {
    return std::nullopt;
  }
  return event;
}

std::optional<UpdateSkuProfileEvent> read_update(Context& context, const Node& node, const std::string& path,
                                                 Draft& draft) {
  MapReader reader(context, node, path, KeySet{{"scaleSet", "vmSizes", "allocationStrategy"}});
  if (!reader.is_mapping()) {
    return std::nullopt;
  }
  const Node* set = reader.required("scaleSet", "the scale set to update");
  const auto set_id = set ? draft.find_set(context, *set, reader.path("scaleSet")) : std::nullopt;
  UpdateSkuProfileEvent event;
  bool ok = set_id.has_value();
  event.scale_set = set_id.value_or(0);

  const size_t uses_before = draft.size_uses.size();
  std::vector<Mention> size_origins;
  if (const Node* sizes = reader.get("vmSizes")) {
    const auto choices = read_vm_sizes(context, *sizes, reader.path("vmSizes"), draft, &size_origins);
    ok = ok && choices;
    if (choices) {
      event.sizes = *choices;
    }
  }
  // Under preview rules the update is rejected when it happens, so its sizes never join the run.
  if (draft.scenario.platform_rules == PlatformRules::Preview) {
    draft.size_uses.resize(uses_before);
  } else if (set_id && !size_origins.empty()) {
    draft.update_sizes.push_back(Draft::UpdateSizes{*set_id, event.sizes, size_origins});
  }
  if (const Node* strategy = reader.get("allocationStrategy")) {
    event.strategy = read_enum<AllocationStrategy>(context, *strategy, reader.path("allocationStrategy"),
                                                   {{"LowestPrice", AllocationStrategy::LowestPrice},
                                                    {"CapacityOptimized", AllocationStrategy::CapacityOptimized},
                                                    {"Prioritized", AllocationStrategy::Prioritized}},
                                                   "allocation strategy");
    ok = ok && event.strategy;
  }
  if (event.sizes.empty() && !event.strategy && ok) {
    context.error(node, path, "updateSkuProfile needs vmSizes, allocationStrategy or both");
    ok = false;
  }
  if (!ok) {
    return std::nullopt;
  }
  return event;
}

std::optional<ZoneOutageEvent> read_zone_outage(Context& context, const Node& node, const std::string& path,
                                                Draft& draft) {
  MapReader reader(context, node, path, KeySet{{"region", "zone", "duration"}});
  if (!reader.is_mapping()) {
    return std::nullopt;
  }
  const Node* region_node = reader.required("region", "the region of the zone");
  const Node* zone_node = reader.required("zone", "the zone that fails");
  const Node* duration_node = reader.required("duration", "how long the outage lasts, e.g. PT4H");
  const auto region = region_node ? draft.find_region(context, *region_node, reader.path("region")) : std::nullopt;
  const auto duration =
      duration_node ? read_duration(context, *duration_node, reader.path("duration"), 1, limits::kMaxDurationS) : std::nullopt;
  if (!region || !zone_node || !duration) {
    return std::nullopt;
  }
  Node list;
  list.kind = Node::Kind::Sequence;
  list.items.push_back(std::make_shared<Node>(*zone_node));
  const auto zones = draft.find_zones(context, list, reader.path("zone"), *region);
  if (!zones) {
    return std::nullopt;
  }
  return ZoneOutageEvent{zones->front(), *duration};
}

std::optional<FaultDomainFailureEvent> read_fault_domain_failure(Context& context, const Node& node,
                                                                 const std::string& path, Draft& draft) {
  MapReader reader(context, node, path, KeySet{{"region", "faultDomain", "duration", "scaleSet"}});
  if (!reader.is_mapping()) {
    return std::nullopt;
  }
  const Node* region_node = reader.required("region", "the region of the regional scale sets");
  const Node* domain_node = reader.required("faultDomain", "the fault domain that fails, from 0");
  const Node* duration_node = reader.required("duration", "how long the failure lasts, e.g. PT2H");
  const auto region = region_node ? draft.find_region(context, *region_node, reader.path("region")) : std::nullopt;
  const auto domain = domain_node ? read_integer(context, *domain_node, reader.path("faultDomain"), 0, 4) : std::nullopt;
  const auto duration =
      duration_node ? read_duration(context, *duration_node, reader.path("duration"), 1, limits::kMaxDurationS) : std::nullopt;
  std::optional<SetId> set;
  if (const Node* set_node = reader.get("scaleSet")) {
    set = draft.find_set(context, *set_node, reader.path("scaleSet"));
    if (!set) {
      return std::nullopt;
    }
    if (draft.scenario.scale_sets[*set].zonal) {
      context.error(*set_node, reader.path("scaleSet"), "fault-domain failures apply to regional (non-zonal) sets only");
      return std::nullopt;
    }
  }
  if (!region || !domain || !duration) {
    return std::nullopt;
  }
  return FaultDomainFailureEvent{*region, static_cast<int>(*domain), *duration, set};
}

}  // namespace

void read_events(Context& context, const Node& node, Draft& draft) {
  const auto* items = read_list(context, node, "events");
  if (items == nullptr) {
    return;
  }
  if (items->size() > limits::kMaxEvents) {
    context.error(node, "events", fmt::format("{} events given; at most {} are allowed", items->size(), limits::kMaxEvents));
    return;
  }
  const double duration = draft.scenario.duration_s;
  for (size_t i = 0; i < items->size(); ++i) {
    const std::string path = index_path("events", i);
    MapReader reader(context, *(*items)[i], path,
                     KeySet{{"at", "setCapacity", "setPool", "updateSkuProfile", "zoneOutage", "faultDomainFailure"}});
    if (!reader.is_mapping()) {
      continue;
    }
    const Node* at = reader.required("at", "the time from the scenario start, e.g. P1D");
    std::optional<double> at_s = at ? read_duration(context, *at, reader.path("at"), 0, limits::kMaxDurationS) : std::nullopt;
    if (at_s && duration > 0 && *at_s > duration) {
      context.error(*at, reader.path("at"),
                    quote(at->scalar) + " is after the end of the run (" + format_duration(duration) + ")");
      at_s.reset();
    }

    int actions = 0;
    for (const char* key : {"setCapacity", "setPool", "updateSkuProfile", "zoneOutage", "faultDomainFailure"}) {
      actions += reader.get(key) != nullptr;
    }
    if (actions != 1) {
      context.error(*(*items)[i], path,
                    "an event needs exactly one of setCapacity, setPool, updateSkuProfile, zoneOutage, "
                    "faultDomainFailure");
      continue;
    }

    ScriptedEvent event;
    bool ok = at_s.has_value();
    if (const Node* set_capacity = reader.get("setCapacity")) {
      const auto value = read_set_capacity(context, *set_capacity, reader.path("setCapacity"), draft);
      ok = ok && value;
      if (value) {
        event.action = *value;
      }
    } else if (const Node* set_pool = reader.get("setPool")) {
      auto value = read_set_pool(context, *set_pool, reader.path("setPool"), draft);
      ok = ok && value;
      if (value) {
        event.action = std::move(*value);
      }
    } else if (const Node* update = reader.get("updateSkuProfile")) {
      auto value = read_update(context, *update, reader.path("updateSkuProfile"), draft);
      ok = ok && value;
      if (value) {
        event.action = std::move(*value);
      }
    } else if (const Node* outage = reader.get("zoneOutage")) {
      const auto value = read_zone_outage(context, *outage, reader.path("zoneOutage"), draft);
      ok = ok && value;
      if (value) {
        event.action = *value;
      }
    } else if (const Node* failure = reader.get("faultDomainFailure")) {
      const auto value = read_fault_domain_failure(context, *failure, reader.path("faultDomainFailure"), draft);
      ok = ok && value;
      if (value) {
        event.action = *value;
      }
    }
    if (ok) {
      event.at_s = *at_s;
      draft.scenario.events.push_back(std::move(event));
    }
  }
  std::stable_sort(draft.scenario.events.begin(), draft.scenario.events.end(),
                   [](const ScriptedEvent& a, const ScriptedEvent& b) { return a.at_s < b.at_s; });
}

}  // namespace mixsim::load
