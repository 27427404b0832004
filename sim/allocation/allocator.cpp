#include "mixsim/allocator.hpp"

#include <algorithm>
#include <tuple>

#include "mixsim/check.hpp"

namespace mixsim {

int regular_target(const PriorityMix& mix, int total) {
  if (total <= mix.base_regular_count) {
    return total;
  }
  // Integer division rounds the percentage down, as both documented example tables require.
  const int64_t above = static_cast<int64_t>(total) - mix.base_regular_count;
  return mix.base_regular_count + static_cast<int>(above * mix.regular_percentage_above_base / 100);
}

int new_regular_count(const PriorityMix& mix, int total, int regular, int added) {
  const int wanted = regular_target(mix, total + added) - regular;
  return std::clamp(wanted, 0, added);
}

struct Allocator::Blocks {
  bool capacity = false;
  bool quota = false;
  bool price = false;
  bool zone_balance = false;
  bool any_priced = false;

  // A quota or a strict balance rule is the binding constraint when it blocked a size that had capacity.
  std::string reason() const {
    if (!any_priced) {
      return "no_price";
    }
    if (quota) {
      return "quota";
    }
    if (zone_balance) {
      return "zone_balance";
    }
    if (price && !capacity) {
      return "price";
    }
    return "capacity";
  }
};

Allocator::Allocator(const Scenario& scenario, Fleet& fleet) : scenario_(scenario), fleet_(fleet) {}

namespace {

double price_or_zero(const Scenario& scenario, SizeId size, Priority priority, RegionId region) {
  return scenario.sizes[size].price_usd_per_hour(priority, region).value_or(0.0);
}

int profile_position(const SetState& state, SizeId size) {
  for (size_t i = 0; i < state.sizes.size(); ++i) {
    if (state.sizes[i].size == size) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

int rank_of(const SetState& state, SizeId size) {
  const int position = profile_position(state, size);
  return position < 0 ? 0 : state.sizes[static_cast<size_t>(position)].rank;
}

// Sums free capacity over zones without overflowing when a pool is unlimited.
int64_t add_free(int64_t total, int64_t free) {
  if (total == kUnlimited || free == kUnlimited) {
    return kUnlimited;
  }
  return total + std::max<int64_t>(free, 0);
}

}  // namespace

bool Allocator::size_is_allowed(SetId set, SizeId size, Priority priority, Blocks& blocks) const {
  const ScaleSetSpec& spec = scenario_.scale_sets[set];
  const auto& price = scenario_.sizes[size].price_usd_per_hour(priority, spec.region);
  if (!price) {
    return false;
  }
  blocks.any_priced = true;
  // A positive maxPrice below the current Spot price makes creation fail.
  if (priority == Priority::Spot && spec.max_price_usd_per_hour > 0 && *price > spec.max_price_usd_per_hour) {
    blocks.price = true;
    return false;
  }
  return true;
}

bool Allocator::prefers(SetId set, Priority priority, SizeId a, double free_a, SizeId b, double free_b) const {
  const SetState& state = fleet_.set(set);
  const RegionId region = scenario_.scale_sets[set].region;
  switch (state.strategy) {
    case AllocationStrategy::LowestPrice:
      return price_or_zero(scenario_, a, priority, region) < price_or_zero(scenario_, b, priority, region);
    case AllocationStrategy::CapacityOptimized:
      return free_a > free_b;
    case AllocationStrategy::Prioritized: {
      const int rank_a = rank_of(state, a);
      const int rank_b = rank_of(state, b);
      if (rank_a != rank_b) {
        return rank_a < rank_b;
      }
      return price_or_zero(scenario_, a, priority, region) < price_or_zero(scenario_, b, priority, region);
    }
  }
  return false;
}

std::optional<SizeId> Allocator::best_size_in_zone(SetId set, ZoneId zone, Priority priority, Blocks& blocks) const {
  const RegionId region = scenario_.scale_sets[set].region;
  std::optional<SizeId> best;
  double best_free = 0;
  for (const SizeChoice& choice : fleet_.set(set).sizes) {
    if (!size_is_allowed(set, choice.size, priority, blocks)) {
      continue;
    }
    const int64_t free = fleet_.pool(zone, choice.size, priority).free_vms();
    if (free <= 0) {
      blocks.capacity = true;
      continue;
    }
    if (!fleet_.quota_allows(region, choice.size, priority)) {
      blocks.quota = true;
      continue;
    }
    const double free_vms = static_cast<double>(free);
    if (!best || prefers(set, priority, choice.size, free_vms, *best, best_free)) {
      best = choice.size;
      best_free = free_vms;
    }
  }
  return best;
}

std::optional<Allocator::Placement> Allocator::choose_regional(SetId set, Priority priority, Blocks& blocks) const {
  const RegionId region = scenario_.scale_sets[set].region;
  const SetState& state = fleet_.set(set);

  std::optional<SizeId> best;
  double best_free = 0;
  for (const SizeChoice& choice : state.sizes) {
    if (!size_is_allowed(set, choice.size, priority, blocks)) {
      continue;
    }
    int64_t region_free = 0;
    for (ZoneId zone : state.zones) {
      region_free = add_free(region_free, fleet_.pool(zone, choice.size, priority).free_vms());
    }
    if (region_free <= 0) {
      blocks.capacity = true;
      continue;
    }
    if (!fleet_.quota_allows(region, choice.size, priority)) {
      blocks.quota = true;
      continue;
    }
    const double free_vms = static_cast<double>(region_free);
    if (!best || prefers(set, priority, choice.size, free_vms, *best, best_free)) {
      best = choice.size;
      best_free = free_vms;
    }
  }
  if (!best) {
    return std::nullopt;
  }

  // The zone with the most free capacity for that size; among unlimited pools, the one with the fewest VMs of
  // the set. Ties go to the zone listed first.
  std::optional<ZoneId> best_zone;
  int64_t best_zone_free = 0;
  for (ZoneId zone : state.zones) {
    const int64_t free = fleet_.pool(zone, *best, priority).free_vms();
    if (free <= 0) {
      continue;
    }
    const bool better =
        !best_zone || free > best_zone_free ||
        (free == kUnlimited && best_zone_free == kUnlimited &&
         fleet_.balance_count(set, zone) < fleet_.balance_count(set, *best_zone));
    if (better) {
      best_zone = zone;
      best_zone_free = free;
    }
  }
  MIXSIM_CHECK(best_zone.has_value(), "a size with region-wide free capacity has a zone with free capacity");
  return Placement{*best_zone, *best};
}

std::optional<Allocator::Placement> Allocator::choose_placement(SetId set, Priority priority, Blocks& blocks) const {
  const ScaleSetSpec& spec = scenario_.scale_sets[set];
  if (!spec.zonal) {
    return choose_regional(set, priority, blocks);
  }

  // Best-effort balance: the zone with the fewest VMs of the set first, deallocated VMs counted.
  std::vector<ZoneId> zones = fleet_.set(set).zones;
  std::stable_sort(zones.begin(), zones.end(), [&](ZoneId a, ZoneId b) {
    return fleet_.balance_count(set, a) < fleet_.balance_count(set, b);
  });
  const int min_count = fleet_.balance_count(set, zones.front());
  for (ZoneId zone : zones) {
    // Strict balance forbids placing in a zone that already has more VMs than the emptiest one.
    if (spec.zone_balance && fleet_.balance_count(set, zone) > min_count) {
      blocks.zone_balance = true;
      continue;
    }
    if (const auto size = best_size_in_zone(set, zone, priority, blocks)) {
      return Placement{zone, *size};
    }
  }
  return std::nullopt;
}

PlacementReport Allocator::scale_out(SetId set, int count, double t_s) {
  if (count <= 0) {
    return {};
  }
  const ScaleSetSpec& spec = scenario_.scale_sets[set];
  SetState& state = fleet_.set(set);
  int regular = spec.priority == Priority::Regular ? count : 0;
  if (spec.priority_mix) {
    const int total = fleet_.capacity(set);
    const int current_regular = state.by_priority[0] + state.pending[0];
    regular = new_regular_count(*spec.priority_mix, total, current_regular, count);
  }
  state.pending[static_cast<int>(Priority::Regular)] += regular;
  state.pending[static_cast<int>(Priority::Spot)] += count - regular;
  return place_pending(set, t_s);
}

PlacementReport Allocator::place_pending(SetId set, double t_s) {
  const ScaleSetSpec& spec = scenario_.scale_sets[set];
  SetState& state = fleet_.set(set);
  const VmState initial = spec.provisioning_time_s > 0 ? VmState::Provisioning : VmState::Running;
  PlacementReport report;
  Blocks blocks;

  // Within one placement round the Regular VMs the mix requires go first, then the Spot ones.
  for (Priority priority : {Priority::Regular, Priority::Spot}) {
    int& pending = state.pending[static_cast<int>(priority)];
    while (pending > 0) {
      const auto placement = choose_placement(set, priority, blocks);
      if (!placement) {
        break;
      }
      fleet_.create_vm(set, placement->size, placement->zone, priority, initial, t_s);
      --pending;
      ++report.placed;
    }
  }
  report.unplaced = state.pending_count();
  if (report.unplaced > 0) {
    report.reason = blocks.reason();
  }
  return report;
}

Priority Allocator::class_to_remove(SetId set) const {
  const ScaleSetSpec& spec = scenario_.scale_sets[set];
  if (!spec.priority_mix) {
    return spec.priority;
  }
  // Remove from the class that would exceed its share once the set is one VM smaller.
  const SetState& state = fleet_.set(set);
  const int total = fleet_.capacity(set);
  const int regular = state.by_priority[0] + state.pending[0];
  return regular > regular_target(*spec.priority_mix, total - 1) ? Priority::Regular : Priority::Spot;
}

bool Allocator::cancel_one_pending(SetId set) {
  SetState& state = fleet_.set(set);
  if (state.pending_count() == 0) {
    return false;
  }
  const int preferred = static_cast<int>(class_to_remove(set));
  const int index = state.pending[preferred] > 0 ? preferred : 1 - preferred;
  --state.pending[index];
  return true;
}

namespace {

enum class Order : uint8_t { Oldest, Newest };

Order policy_order(const ScaleSetSpec& spec, const PlatformOptions& options) {
  switch (spec.scale_in_rule) {
    case ScaleInRule::OldestVM:
      return Order::Oldest;
    case ScaleInRule::NewestVM:
      return Order::Newest;
    case ScaleInRule::Default:
      break;
  }
  // Instance ids count up in creation order, so "highest instance id" and "newest" pick the same VM.
  return options.scale_in_default_order == ScaleInDefaultOrder::Oldest ? Order::Oldest : Order::Newest;
}

}  // namespace

std::optional<VmRef> Allocator::choose_victim(SetId set) const {
  const ScaleSetSpec& spec = scenario_.scale_sets[set];
  SetState& state = fleet_.set(set);
  const size_t size_count = scenario_.sizes.size();

  // 1. Zone balance: only the zones holding the most VMs of the set. A regional set is not balanced by zone.
  std::vector<ZoneId> zones;
  int max_count = 0;
  for (ZoneId zone : state.zones) {
    max_count = std::max(max_count, fleet_.balance_count(set, zone));
  }
  if (max_count == 0) {
    return std::nullopt;
  }
  for (ZoneId zone : state.zones) {
    if (!spec.zonal || fleet_.balance_count(set, zone) == max_count) {
      zones.push_back(zone);
    }
  }
  const Order order = policy_order(spec, scenario_.options);

  // 2. With prioritizeUnhealthyVMs, deallocated VMs go before any other.
  if (!state.deallocated_by_zone.empty()) {
    std::optional<std::pair<uint32_t, VmRef>> pick;
    for (ZoneId zone : zones) {
      const auto& deallocated = state.deallocated_by_zone[zone];
      if (deallocated.empty()) {
        continue;
      }
      const auto candidate = order == Order::Oldest ? *deallocated.begin() : *deallocated.rbegin();
      if (!pick || (order == Order::Oldest ? candidate.first < pick->first : candidate.first > pick->first)) {
        pick = candidate;
      }
    }
    if (pick) {
      return pick->second;
    }
  }

  // 3. The priority class above its Spot Priority Mix share, if it has VMs in these zones.
  auto class_count = [&](Priority priority) {
    size_t count = 0;
    for (ZoneId zone : zones) {
      for (SizeId size = 0; size < size_count; ++size) {
        count += state.buckets[fleet_.bucket_index(zone, priority, size)].size();
      }
    }
    return count;
  };
  Priority priority = class_to_remove(set);
  if (class_count(priority) == 0) {
    priority = priority == Priority::Regular ? Priority::Spot : Priority::Regular;
    if (class_count(priority) == 0) {
      return std::nullopt;
    }
  }

  // 4. The strategy's order of sizes, as a score: the highest score is removed first.
  const RegionId region = spec.region;
  const bool by_pool_scarcity = state.strategy == AllocationStrategy::CapacityOptimized &&
                                scenario_.options.capacity_optimized_scale_in == CapacityOptimizedScaleIn::ScarcestPoolFirst;
  const bool by_newest_only =
      (state.strategy == AllocationStrategy::CapacityOptimized &&
       scenario_.options.capacity_optimized_scale_in == CapacityOptimizedScaleIn::NewestFirst) ||
      (state.strategy == AllocationStrategy::Prioritized &&
       scenario_.options.prioritized_scale_in == PrioritizedScaleIn::NewestFirst);

  struct Choice {
    ZoneId zone;
    SizeId size;
  };
  std::vector<Choice> chosen;  // buckets the scale-in policy then picks from
  if (by_newest_only) {
    for (ZoneId zone : zones) {
      for (SizeId size = 0; size < size_count; ++size) {
        chosen.push_back({zone, size});
      }
    }
  } else {
    // Score a bucket; sizes that left the profile always go first, and ties go to the size listed later.
    auto score = [&](ZoneId zone, SizeId size) {
      const int position = profile_position(state, size);
      std::tuple<int, double, double, int> key{position < 0 ? 1 : 0, 0.0, 0.0, position};
      const double price = price_or_zero(scenario_, size, priority, region);
      if (by_pool_scarcity) {
        const int64_t free = fleet_.pool(zone, size, priority).free_vms();
        std::get<1>(key) = free == kUnlimited ? -1e300 : -static_cast<double>(free);
      } else if (state.strategy == AllocationStrategy::Prioritized) {
        std::get<1>(key) = rank_of(state, size);
        std::get<2>(key) = price;
      } else {
        std::get<1>(key) = price;
      }
      return key;
    };
    std::optional<std::tuple<int, double, double, int>> best;
    for (ZoneId zone : zones) {
      for (SizeId size = 0; size < size_count; ++size) {
        if (state.buckets[fleet_.bucket_index(zone, priority, size)].empty()) {
          continue;
        }
        const auto key = score(zone, size);
        if (!best || key > *best) {
          best = key;
          chosen.clear();
        }
        if (key == *best) {
          chosen.push_back({zone, size});
        }
      }
    }
  }

  // 5. The scale-in policy among the chosen buckets.
  std::optional<std::pair<uint32_t, VmRef>> pick;
  for (const Choice& choice : chosen) {
    OrderedBucket& bucket = state.buckets[fleet_.bucket_index(choice.zone, priority, choice.size)];
    if (bucket.empty()) {
      continue;
    }
    const auto candidate = order == Order::Oldest ? bucket.oldest() : bucket.newest();
    if (!pick || (order == Order::Oldest ? candidate.first < pick->first : candidate.first > pick->first)) {
      pick = candidate;
    }
  }
  if (!pick) {
    return std::nullopt;
  }
  return pick->second;
}

ScaleInReport Allocator::scale_in(SetId set, int count, double t_s) {
  ScaleInReport report;
  for (int i = 0; i < count; ++i) {
    if (cancel_one_pending(set)) {
      ++report.cancelled_pending;
      continue;
    }
    const auto victim = choose_victim(set);
    if (!victim) {
      break;
    }
    fleet_.delete_vm(*victim, t_s, "scale_in");
    ++report.removed;
  }
  return report;
}

}  // namespace mixsim
