#include "mixsim/allocator.hpp"

#include <algorithm>
#include <array>
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
  bool zone_outage = false;
  bool sizes_examined = false;
  bool any_priced = false;

  // A quota or a balance rule is the binding constraint when it blocked a size that had capacity.
  std::string reason() const {
    if (sizes_examined && !any_priced) {
      return "no_price";
    }
    if (quota) {
      return "quota";
    }
    if (zone_balance) {
      return "zone_balance";
    }
    if (zone_outage && !capacity) {
      return "zone_outage";
    }
    if (price && !capacity) {
      return "price";
    }
    return "capacity";
  }
};

Allocator::Allocator(const Scenario& scenario, Fleet& fleet) : scenario_(scenario), fleet_(fleet) {}

namespace {

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

// A region lists at most this many zones, so a set spans at most as many.
constexpr size_t kMaxZonesPerSet = 16;

// Sums free capacity over zones without overflowing when a pool is unlimited.
int64_t add_free(int64_t total, int64_t free) {
  if (total == kUnlimited || free == kUnlimited) {
    return kUnlimited;
  }
  return total + std::max<int64_t>(free, 0);
}

}  // namespace

std::optional<double> Allocator::allowed_price(SetId set, ZoneId zone, SizeId size, Priority priority,
                                               Blocks& blocks) const {
  blocks.sizes_examined = true;
  const auto price = fleet_.price_usd_per_hour(zone, size, priority);
  if (!price) {
    return std::nullopt;
  }
  blocks.any_priced = true;
  // Creation fails while the Spot price is above a positive maxPrice.
  const double max_price = scenario_.scale_sets[set].max_price_usd_per_hour;
  if (priority == Priority::Spot && max_price > 0 && *price > max_price) {
    blocks.price = true;
    return std::nullopt;
  }
  return price;
}

bool Allocator::prefers(SetId set, const Candidate& a, const Candidate& b) const {
  const SetState& state = fleet_.set(set);
  switch (state.strategy) {
    case AllocationStrategy::LowestPrice:
      return a.price < b.price;
    case AllocationStrategy::CapacityOptimized:
      return a.free > b.free;
    case AllocationStrategy::Prioritized: {
      const int rank_a = rank_of(state, a.size);
      const int rank_b = rank_of(state, b.size);
      if (rank_a != rank_b) {
        return rank_a < rank_b;
      }
      return a.price < b.price;
    }
  }
  return false;
}

std::optional<SizeId> Allocator::best_size_in_zone(SetId set, ZoneId zone, Priority priority, Blocks& blocks) const {
  const RegionId region = scenario_.scale_sets[set].region;
  std::optional<Candidate> best;
  for (const SizeChoice& choice : fleet_.set(set).sizes) {
    const auto price = allowed_price(set, zone, choice.size, priority, blocks);
    if (!price) {
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
    const Candidate candidate{choice.size, *price, static_cast<double>(free)};
    if (!best || prefers(set, candidate, *best)) {
      best = candidate;
    }
  }
  if (!best) {
    return std::nullopt;
  }
  return best->size;
}

std::optional<uint8_t> Allocator::choose_fault_domain(SetId set) const {
  const ScaleSetSpec& spec = scenario_.scale_sets[set];
  const SetState& state = fleet_.set(set);
  // Max spreading (count 1) is best effort; a fixed count keeps the domains within one VM of each other.
  const bool fixed = spec.platform_fault_domain_count > 1;
  int min_count = INT32_MAX;
  for (uint32_t domain : state.domains) {
    min_count = std::min(min_count, fleet_.balance_count(set, domain));
  }
  std::optional<uint8_t> best;
  for (uint32_t domain : state.domains) {
    if (fleet_.domain_is_down(set, domain) || (fixed && fleet_.balance_count(set, domain) > min_count)) {
      continue;
    }
    if (!best || fleet_.balance_count(set, domain) < fleet_.balance_count(set, *best)) {
      best = static_cast<uint8_t>(domain);
    }
  }
  return best;
}

std::optional<Allocator::Placement> Allocator::choose_regional(SetId set, Priority priority, Blocks& blocks) const {
  const RegionId region = scenario_.scale_sets[set].region;
  const SetState& state = fleet_.set(set);
  const auto fault_domain = choose_fault_domain(set);
  if (!fault_domain) {
    blocks.zone_outage = true;
    return std::nullopt;
  }

  // The size first, from region-wide free capacity and the cheapest price among zones that can take it.
  std::optional<Candidate> best;
  for (const SizeChoice& choice : state.sizes) {
    int64_t region_free = 0;
    std::optional<double> cheapest;
    for (ZoneId zone : state.zones) {
      if (fleet_.zone_is_down(zone)) {
        blocks.zone_outage = true;
        continue;
      }
      const auto price = allowed_price(set, zone, choice.size, priority, blocks);
      const int64_t free = fleet_.pool(zone, choice.size, priority).free_vms();
      if (!price || free <= 0) {
        blocks.capacity = blocks.capacity || (price && free <= 0);
        continue;
      }
      region_free = add_free(region_free, free);
      cheapest = std::min(cheapest.value_or(*price), *price);
    }
    if (!cheapest) {
      continue;
    }
    if (!fleet_.quota_allows(region, choice.size, priority)) {
      blocks.quota = true;
      continue;
    }
    const Candidate candidate{choice.size, *cheapest, static_cast<double>(region_free)};
    if (!best || prefers(set, candidate, *best)) {
      best = candidate;
    }
  }
  if (!best) {
    return std::nullopt;
  }

  // The zone with the most free capacity for that size; among unlimited pools, the one with the fewest VMs of
  // the set. Ties go to the zone listed first.
  std::optional<ZoneId> best_zone;
  int64_t best_zone_free = 0;
  Blocks ignored;
  for (ZoneId zone : state.zones) {
    const int64_t free = fleet_.pool(zone, best->size, priority).free_vms();
    if (fleet_.zone_is_down(zone) || free <= 0 || !allowed_price(set, zone, best->size, priority, ignored)) {
      continue;
    }
    const bool better = !best_zone || free > best_zone_free ||
                        (free == kUnlimited && best_zone_free == kUnlimited &&
                         state.by_zone[zone] < state.by_zone[*best_zone]);
    if (better) {
      best_zone = zone;
      best_zone_free = free;
    }
  }
  MIXSIM_CHECK(best_zone.has_value(), "a size with region-wide free capacity has a zone with free capacity");
  return Placement{*best_zone, best->size, *fault_domain};
}

std::optional<Allocator::Placement> Allocator::choose_placement(SetId set, Priority priority, Blocks& blocks) const {
  const ScaleSetSpec& spec = scenario_.scale_sets[set];
  if (!spec.zonal) {
    return choose_regional(set, priority, blocks);
  }

  // Best-effort balance goes on with one zone down and stops with two or more.
  const std::vector<ZoneId>& set_zones = fleet_.set(set).zones;
  const auto zones_down = std::count_if(set_zones.begin(), set_zones.end(),
                                        [&](ZoneId zone) { return fleet_.zone_is_down(zone); });
  if (!spec.zone_balance && zones_down >= 2) {
    blocks.zone_outage = true;
    return std::nullopt;
  }

  // The zone with the fewest VMs of the set first, deallocated VMs counted. This runs once per VM placed, so the
  // few zones are ordered in place by an insertion sort (stable: ties keep the listed order).
  std::array<ZoneId, kMaxZonesPerSet> zones{};
  std::array<int, kMaxZonesPerSet> counts{};
  const size_t zone_count = std::min(set_zones.size(), kMaxZonesPerSet);
  for (size_t i = 0; i < zone_count; ++i) {
    const int count = fleet_.balance_count(set, set_zones[i]);
    size_t j = i;
    for (; j > 0 && counts[j - 1] > count; --j) {
      zones[j] = zones[j - 1];
      counts[j] = counts[j - 1];
    }
    zones[j] = set_zones[i];
    counts[j] = count;
  }
  const int min_count = counts[0];
  for (size_t i = 0; i < zone_count; ++i) {
    const ZoneId zone = zones[i];
    // Strict balance forbids placing in a zone that already has more VMs than the emptiest one.
    if (spec.zone_balance && fleet_.balance_count(set, zone) > min_count) {
      blocks.zone_balance = true;
      continue;
    }
    if (fleet_.zone_is_down(zone)) {
      blocks.zone_outage = true;
      continue;
    }
    if (const auto size = best_size_in_zone(set, zone, priority, blocks)) {
      return Placement{zone, *size, 0};
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
  const VmState initial =
      spec.provisioning_time.median_s > 0 || spec.creation_failure_probability > 0 ? VmState::Provisioning
                                                                                  : VmState::Running;
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
      fleet_.create_vm(set, placement->size, placement->zone, placement->fault_domain, priority, initial, t_s);
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

const std::vector<uint32_t>& Allocator::removal_domains(SetId set, std::string* blocked_reason) const {
  const ScaleSetSpec& spec = scenario_.scale_sets[set];
  const SetState& state = fleet_.set(set);
  std::vector<uint32_t>& domains = scratch_domains_;
  domains.clear();

  // A regional set balances fault domains under the Default policy only; OldestVM and NewestVM apply across it.
  const bool balance = spec.zonal || spec.scale_in_rule == ScaleInRule::Default;
  if (spec.zonal && !spec.zone_balance) {
    const auto down = std::count_if(state.domains.begin(), state.domains.end(),
                                    [&](uint32_t domain) { return fleet_.domain_is_down(set, domain); });
    if (down >= 2) {
      if (blocked_reason != nullptr) {
        *blocked_reason = "zone_outage";
      }
      return domains;
    }
  }

  int max_all = 0;
  int max_up = 0;
  for (uint32_t domain : state.domains) {
    const int count = fleet_.balance_count(set, domain);
    max_all = std::max(max_all, count);
    if (!fleet_.domain_is_down(set, domain)) {
      max_up = std::max(max_up, count);
    }
  }
  if (max_up == 0) {
    if (blocked_reason != nullptr && max_all > 0) {
      *blocked_reason = "zone_outage";
    }
    return domains;
  }
  // Strict balance may not take from a domain with fewer VMs than a domain that is down.
  if (spec.zone_balance && max_up < max_all) {
    if (blocked_reason != nullptr) {
      *blocked_reason = "zone_balance";
    }
    return domains;
  }
  for (uint32_t domain : state.domains) {
    if (fleet_.domain_is_down(set, domain)) {
      continue;
    }
    const int count = fleet_.balance_count(set, domain);
    if (count > 0 && (!balance || count == max_up)) {
      domains.push_back(domain);
    }
  }
  return domains;
}

std::optional<VmRef> Allocator::choose_victim(SetId set, std::string* blocked_reason) const {
  const ScaleSetSpec& spec = scenario_.scale_sets[set];
  SetState& state = fleet_.set(set);
  const size_t size_count = scenario_.sizes.size();

  // 1. Balance: only the zones (or fault domains) holding the most VMs of the set, and none that is down.
  const std::vector<uint32_t>& domains = removal_domains(set, blocked_reason);
  if (domains.empty()) {
    return std::nullopt;
  }
  const Order order = policy_order(spec, scenario_.options);

  // 2. With prioritizeUnhealthyVMs, deallocated VMs go before any other.
  if (!state.deallocated_by_domain_set.empty()) {
    std::optional<std::pair<uint32_t, VmRef>> pick;
    for (uint32_t domain : domains) {
      const auto& deallocated = state.deallocated_by_domain_set[domain];
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

  // 3. The priority class above its Spot Priority Mix share, if it has VMs in these domains.
  auto class_count = [&](Priority priority) {
    size_t count = 0;
    for (uint32_t domain : domains) {
      for (SizeId size = 0; size < size_count; ++size) {
        count += state.buckets[fleet_.bucket_index(domain, priority, size)].size();
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

  // Scores a size of the class. Sizes that left the profile always go first; ties go to the size listed later.
  // Prices and pool scarcity are read in the region's first zone for a regional set, whose domains are fault
  // domains rather than zones.
  auto score = [&](uint32_t domain, SizeId size) {
    const ZoneId zone = spec.zonal ? static_cast<ZoneId>(domain) : scenario_.regions[region].zones.front();
    const int position = profile_position(state, size);
    std::tuple<int, double, double, int> key{position < 0 ? 1 : 0, 0.0, 0.0, position};
    const double price = fleet_.price_usd_per_hour(zone, size, priority).value_or(0.0);
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

  std::vector<Choice>& chosen = scratch_chosen_;  // buckets the scale-in policy then picks from
  chosen.clear();
  std::optional<std::tuple<int, double, double, int>> best;
  for (uint32_t domain : domains) {
    for (SizeId size = 0; size < size_count; ++size) {
      if (state.buckets[fleet_.bucket_index(domain, priority, size)].empty()) {
        continue;
      }
      if (by_newest_only) {
        chosen.push_back({domain, size});
        continue;
      }
      const auto key = score(domain, size);
      if (!best || key > *best) {
        best = key;
        chosen.clear();
      }
      if (key == *best) {
        chosen.push_back({domain, size});
      }
    }
  }

  // 5. The scale-in policy among the chosen buckets.
  std::optional<std::pair<uint32_t, VmRef>> pick;
  for (const Choice& choice : chosen) {
    OrderedBucket& bucket = state.buckets[fleet_.bucket_index(choice.domain, priority, choice.size)];
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
    std::string blocked;
    const auto victim = choose_victim(set, &blocked);
    if (!victim) {
      if (!blocked.empty()) {
        report.blocked = count - i;
        report.reason = blocked;
      }
      break;
    }
    fleet_.delete_vm(*victim, t_s, "scale_in");
    ++report.removed;
  }
  return report;
}

}  // namespace mixsim
