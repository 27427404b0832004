// Checks that need the whole scenario, and the compaction of the catalog to the sizes the scale sets use.
#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "loader_internal.hpp"
#include "time_format.hpp"

namespace mixsim::load {

namespace {

// Output rows above this many would make result files of many gigabytes.
constexpr double kMaxTimelineRows = 20'000'000;

bool origin_before(const Origin& a, const Origin& b) {
  return std::make_tuple(a.is_override(), a.file, a.line, a.column) <
         std::make_tuple(b.is_override(), b.file, b.line, b.column);
}

// Orders the used sizes by where they are first named and returns catalog index -> SizeId.
std::vector<SizeId> compact_sizes(Draft& draft) {
  std::vector<Draft::SizeUse> uses = draft.size_uses;
  std::stable_sort(uses.begin(), uses.end(),
                   [](const Draft::SizeUse& a, const Draft::SizeUse& b) { return origin_before(a.origin, b.origin); });

  constexpr SizeId kUnused = UINT32_MAX;
  std::vector<SizeId> size_of(draft.catalog.size(), kUnused);
  Scenario& scenario = draft.scenario;
  for (const auto& use : uses) {
    if (size_of[use.catalog_size] != kUnused) {
      continue;
    }
    size_of[use.catalog_size] = static_cast<SizeId>(scenario.sizes.size());
    const CatalogSize& entry = draft.catalog[use.catalog_size];
    VmSize size{entry.name, entry.family, entry.vcpus, entry.memory_gib, {}, {}};
    for (const Region& region : scenario.regions) {
      const auto regular = entry.regular_usd_per_hour.find(region.name);
      const auto spot = entry.spot_usd_per_hour.find(region.name);
      size.regular_usd_per_hour.push_back(regular != entry.regular_usd_per_hour.end() ? std::optional(regular->second)
                                                                                     : std::nullopt);
      size.spot_usd_per_hour.push_back(spot != entry.spot_usd_per_hour.end() ? std::optional(spot->second)
                                                                            : std::nullopt);
    }
    scenario.sizes.push_back(std::move(size));
  }
  return size_of;
}

void remap(Draft& draft, const std::vector<SizeId>& size_of) {
  Scenario& scenario = draft.scenario;
  for (ScaleSetSpec& set : scenario.scale_sets) {
    for (SizeChoice& choice : set.sizes) {
      choice.size = size_of[choice.size];
    }
  }
  for (ScriptedEvent& event : scenario.events) {
    if (auto* update = std::get_if<UpdateSkuProfileEvent>(&event.action)) {
      for (SizeChoice& choice : update->sizes) {
        choice.size = size_of[choice.size];
      }
    }
  }
  // Pools, setPool events and eviction rates of sizes no set uses cannot affect the run.
  for (PoolSpec& pool : draft.pools) {
    if (size_of[pool.size] != UINT32_MAX) {
      pool.size = size_of[pool.size];
      scenario.pools.push_back(std::move(pool));
    }
  }
  for (SpotPriceSpec& price : draft.spot_prices) {
    if (size_of[price.size] == UINT32_MAX) {
      continue;
    }
    price.size = size_of[price.size];
    // A size priced only by profiles takes its first profile value as the region's catalog Spot price, so that it
    // counts as having a Spot price there.
    auto& catalog_price = scenario.sizes[price.size].spot_usd_per_hour[scenario.zones[price.zone].region];
    if (!catalog_price) {
      catalog_price = price.usd_per_hour.values.front();
    }
    scenario.spot_prices.push_back(std::move(price));
  }
  std::erase_if(scenario.events, [&](ScriptedEvent& event) {
    auto* set_pool = std::get_if<SetPoolEvent>(&event.action);
    if (set_pool == nullptr) {
      return false;
    }
    if (size_of[set_pool->size] == UINT32_MAX) {
      return true;
    }
    set_pool->size = size_of[set_pool->size];
    return false;
  });
  for (RegionId region = 0; region < scenario.regions.size(); ++region) {
    scenario.regions[region].eviction_rate_per_hour.assign(scenario.sizes.size(), 0.0);
    for (const auto& [catalog_size, rate] : draft.eviction_rates[region]) {
      if (size_of[catalog_size] != UINT32_MAX) {
        scenario.regions[region].eviction_rate_per_hour[size_of[catalog_size]] = rate;
      }
    }
  }
}

// A size is usable by a set when it has a price for some priority the set may create in the set's region.
void check_prices(Context& context, const Draft& draft, const ScaleSetSpec& set, const std::vector<SizeChoice>& sizes,
                  const std::vector<Mention>& origins) {
  const Scenario& scenario = draft.scenario;
  const std::string& region = scenario.regions[set.region].name;
  const bool may_regular = set.priority == Priority::Regular || set.priority_mix.has_value();
  const bool may_spot = set.priority == Priority::Spot;
  for (size_t i = 0; i < sizes.size() && i < origins.size(); ++i) {
    const VmSize& size = scenario.sizes[sizes[i].size];
    const bool regular_ok = may_regular && size.regular_usd_per_hour[set.region].has_value();
    const bool spot_ok = may_spot && size.spot_usd_per_hour[set.region].has_value();
    if (regular_ok || spot_ok) {
      continue;
    }
    const char* needed = may_regular && may_spot ? "Regular or Spot" : (may_spot ? "Spot" : "Regular");
    context.error(origins[i].origin, origins[i].path,
                  fmt::format("size {} has no {} price in {}, so scale set '{}' cannot allocate it; add "
                              "catalog.sizes[].prices.{} or pick another size",
                              size.name, needed, region, set.name, region));
  }
}

void check_quota_families(Context& context, const Draft& draft) {
  std::vector<std::string> families;
  for (const CatalogSize& size : draft.catalog) {
    if (!size.family.empty() && std::find(families.begin(), families.end(), size.family) == families.end()) {
      families.push_back(size.family);
    }
  }
  for (RegionId region = 0; region < draft.quota_origins.size(); ++region) {
    for (const auto& [quota, origin] : draft.quota_origins[region]) {
      if (std::find(families.begin(), families.end(), quota.family) != families.end()) {
        continue;
      }
      const std::string hint = closest_match(quota.family, families);
      context.error(origin, fmt::format("regions[{}].quotas.{}", region, quota.family),
                    "no catalog size belongs to family " + quote(quota.family) +
                        (hint.empty() ? "; set catalog.sizes[].family or catalog.import.families"
                                      : "; did you mean '" + hint + "'?"));
    }
  }
}

// The largest capacity each set can reach, from its start, autoscale maximum and scripted capacities.
double peak_vms(const Scenario& scenario, SetId set_id) {
  const ScaleSetSpec& set = scenario.scale_sets[set_id];
  double peak = set.initial_capacity;
  if (set.autoscale) {
    for (const auto& profile : set.autoscale->profiles) {
      peak = std::max(peak, static_cast<double>(profile.capacity.maximum));
    }
  }
  for (const ScriptedEvent& event : scenario.events) {
    if (const auto* capacity = std::get_if<SetCapacityEvent>(&event.action)) {
      if (capacity->scale_set == set_id) {
        peak = std::max(peak, static_cast<double>(capacity->capacity));
      }
    }
  }
  return peak;
}

void check_run_size(Context& context, const Draft& draft) {
  const Scenario& scenario = draft.scenario;
  const Origin file_origin{scenario.source_file, 0, 0, {}};
  double total_vms = 0;
  for (SetId set = 0; set < scenario.scale_sets.size(); ++set) {
    total_vms += peak_vms(scenario, set);
  }
  if (total_vms > limits::kMaxTotalVms) {
    context.error(file_origin, {},
                  fmt::format("the scale sets may reach {:.0f} VMs together (each set's largest sku.capacity, "
                              "autoscale maximum or setCapacity), more than the limit of {:.0f}; lower the capacities",
                              total_vms, limits::kMaxTotalVms));
  }
  const double vm_seconds = total_vms * scenario.duration_s;
  if (vm_seconds > limits::kMaxVmSeconds) {
    context.error(file_origin, {},
                  fmt::format("the run is too large: up to {:.3g} VM-seconds (peak VMs of all sets times the "
                              "duration); the limit is {:.3g}. Shorten scenario.duration or lower the capacities",
                              vm_seconds, limits::kMaxVmSeconds));
  }
  if (scenario.outputs.timeline && scenario.sample_interval_s > 0) {
    const double rows = (scenario.duration_s / scenario.sample_interval_s + 2) * static_cast<double>(scenario.scale_sets.size());
    if (rows > kMaxTimelineRows) {
      context.error(file_origin, {},
                    fmt::format("the timeline would have {:.0f} rows, more than the limit of {:.0f}; raise "
                                "scenario.sampleInterval or set outputs.timeline: false",
                                rows, kMaxTimelineRows));
    }
  }
}

}  // namespace

void finish_scenario(Context& context, Draft& draft) {
  const std::vector<SizeId> size_of = compact_sizes(draft);
  remap(draft, size_of);

  Scenario& scenario = draft.scenario;
  for (SetId set = 0; set < scenario.scale_sets.size(); ++set) {
    check_prices(context, draft, scenario.scale_sets[set], scenario.scale_sets[set].sizes, draft.set_size_origins[set]);
  }
  for (const auto& update : draft.update_sizes) {
    std::vector<SizeChoice> sizes = update.sizes;
    for (SizeChoice& choice : sizes) {
      choice.size = size_of[choice.size];
    }
    check_prices(context, draft, scenario.scale_sets[update.scale_set], sizes, update.origins);
  }
  check_quota_families(context, draft);
  check_run_size(context, draft);
  scenario.warnings = context.warnings;
}

}  // namespace mixsim::load
