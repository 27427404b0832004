// Fleet::check_invariants: every counter the fleet keeps incrementally, recounted from the VM table.
#include <fmt/format.h>

#include <numeric>

#include "mixsim/fleet.hpp"

namespace mixsim {

namespace {

// A tolerance for sums of vCPUs kept in doubles.
constexpr double kVcpuTolerance = 1e-9;

// Counts of one set, recounted from the VM table.
struct SetRecount {
  int total = 0;
  int by_priority[kPriorityCount] = {0, 0};
  int by_state[kVmStateCount] = {0, 0, 0, 0, 0};
  std::vector<int> by_zone;
  std::vector<int> by_size;
  int running = 0;
  int running_by_priority[kPriorityCount] = {0, 0};
  std::vector<int> running_by_zone;
  std::vector<int> running_by_size;
  int64_t running_vcpus = 0;
};

int sum(const int* begin, const int* end) {
  return std::accumulate(begin, end, 0);
}
int sum(const std::vector<int>& counts) {
  return std::accumulate(counts.begin(), counts.end(), 0);
}

// "eastus/1 3, eastus/2 2": the non-zero counts with their names, for messages.
template <class NameOf>
std::string breakdown(const int* counts, size_t size, NameOf name_of) {
  std::string text;
  for (size_t i = 0; i < size; ++i) {
    if (counts[i] != 0) {
      text += fmt::format("{}{} {}", text.empty() ? "" : ", ", name_of(i), counts[i]);
    }
  }
  return text.empty() ? "none" : text;
}

// Counters that sum right can still be wrong in pairs (one zone too many, another too few): each is compared with
// the recount.
std::string compare_with_recount(const Scenario& scenario, const SetState& have, const SetRecount& want, SetId id) {
  const auto zone_name = [&](size_t zone) { return scenario.zones[zone].label; };
  const auto size_name = [&](size_t size) { return scenario.sizes[size].name; };
  const auto priority_name = [](size_t priority) { return priority == 0 ? "Regular" : "Spot"; };
  const auto state_name = [](size_t vm_state) { return to_string(static_cast<VmState>(vm_state)); };
  std::string counter;
  std::string recorded;
  std::string counted;
  if (!std::equal(want.by_priority, want.by_priority + kPriorityCount, have.by_priority)) {
    counter = "VMs by priority";
    recorded = breakdown(have.by_priority, kPriorityCount, priority_name);
    counted = breakdown(want.by_priority, kPriorityCount, priority_name);
  } else if (!std::equal(want.by_state, want.by_state + kVmStateCount, have.by_state)) {
    counter = "VMs by state";
    recorded = breakdown(have.by_state, kVmStateCount, state_name);
    counted = breakdown(want.by_state, kVmStateCount, state_name);
  } else if (want.by_zone != have.by_zone) {
    counter = "VMs by zone";
    recorded = breakdown(have.by_zone.data(), have.by_zone.size(), zone_name);
    counted = breakdown(want.by_zone.data(), want.by_zone.size(), zone_name);
  } else if (want.by_size != have.by_size) {
    counter = "VMs by size";
    recorded = breakdown(have.by_size.data(), have.by_size.size(), size_name);
    counted = breakdown(want.by_size.data(), want.by_size.size(), size_name);
  } else if (!std::equal(want.running_by_priority, want.running_by_priority + kPriorityCount,
                         have.running_by_priority)) {
    counter = "running VMs by priority";
    recorded = breakdown(have.running_by_priority, kPriorityCount, priority_name);
    counted = breakdown(want.running_by_priority, kPriorityCount, priority_name);
  } else if (want.running_by_zone != have.running_by_zone) {
    counter = "running VMs by zone";
    recorded = breakdown(have.running_by_zone.data(), have.running_by_zone.size(), zone_name);
    counted = breakdown(want.running_by_zone.data(), want.running_by_zone.size(), zone_name);
  } else if (want.running_by_size != have.running_by_size) {
    counter = "running VMs by size";
    recorded = breakdown(have.running_by_size.data(), have.running_by_size.size(), size_name);
    counted = breakdown(want.running_by_size.data(), want.running_by_size.size(), size_name);
  } else if (want.running_vcpus != have.running_vcpus) {
    counter = "running vCPUs";
    recorded = std::to_string(have.running_vcpus);
    counted = std::to_string(want.running_vcpus);
  } else {
    return {};
  }
  return fmt::format("set {}: {} differ from the VM table: recorded {}; counted {}", scenario.scale_sets[id].name,
                     counter, recorded, counted);
}

}  // namespace

std::string Fleet::check_invariants() const {
  std::vector<SetRecount> recount(sets_.size());
  for (SetRecount& counts : recount) {
    counts.by_zone.assign(scenario_.zones.size(), 0);
    counts.by_size.assign(size_count_, 0);
    counts.running_by_zone.assign(scenario_.zones.size(), 0);
    counts.running_by_size.assign(size_count_, 0);
  }
  std::vector<int64_t> used(pools_.size(), 0);
  std::vector<double> family_used(family_used_vcpus_.size(), 0.0);
  std::vector<double> spot_used(spot_used_vcpus_.size(), 0.0);
  size_t live = 0;
  for (const Vm& vm : vms_) {
    if (!vm.alive) {
      continue;
    }
    ++live;
    SetRecount& counts = recount[vm.set];
    const int priority = static_cast<int>(vm.priority);
    ++counts.total;
    ++counts.by_priority[priority];
    ++counts.by_state[static_cast<int>(vm.state)];
    ++counts.by_zone[vm.zone];
    ++counts.by_size[vm.size];
    if (vm.state == VmState::Running) {
      ++counts.running;
      ++counts.running_by_priority[priority];
      ++counts.running_by_zone[vm.zone];
      ++counts.running_by_size[vm.size];
      counts.running_vcpus += scenario_.sizes[vm.size].vcpus;
    }
    if (holds_hardware(vm.state)) {
      ++used[pool_index(vm.zone, vm.size, vm.priority)];
    }
    const RegionId region = scenario_.zones[vm.zone].region;
    const double vcpus = scenario_.sizes[vm.size].vcpus;
    if (vm.priority == Priority::Spot) {
      spot_used[region] += vcpus;
    } else if (size_family_slot_[vm.size] >= 0) {
      family_used[region * family_count_ + static_cast<size_t>(size_family_slot_[vm.size])] += vcpus;
    }
  }
  if (live != live_vms_) {
    return fmt::format("{} live VMs in the VM table, {} recorded", live, live_vms_);
  }

  if (std::string broken = check_pools(used); !broken.empty()) {
    return broken;
  }
  for (SetId id = 0; id < sets_.size(); ++id) {
    if (std::string broken = check_set(id, recount[id].total, recount[id].running); !broken.empty()) {
      return broken;
    }
    if (std::string broken = compare_with_recount(scenario_, sets_[id], recount[id], id); !broken.empty()) {
      return broken;
    }
  }
  return check_quotas(family_used, spot_used);
}

std::string Fleet::check_pools(const std::vector<int64_t>& counted_used) const {
  for (size_t i = 0; i < pools_.size(); ++i) {
    const PoolState& pool_state = pools_[i];
    const ZoneId zone = static_cast<ZoneId>(i / (size_count_ * kPriorityCount));
    const SizeId size = static_cast<SizeId>((i / kPriorityCount) % size_count_);
    const char* priority = i % kPriorityCount == 0 ? "Regular" : "Spot";
    const std::string name =
        fmt::format("pool {} {} {}", scenario_.zones[zone].label, scenario_.sizes[size].name, priority);
    if (pool_state.used_vms < 0 || pool_state.capacity_vms < 0) {
      return fmt::format("{} is below zero: {} used of a capacity of {}", name, pool_state.used_vms,
                         pool_state.capacity_vms);
    }
    if (counted_used[i] != pool_state.used_vms || static_cast<size_t>(counted_used[i]) != pool_state.active.size()) {
      return fmt::format("{}: {} VMs hold its hardware, {} recorded as used, {} listed as active", name,
                         counted_used[i], pool_state.used_vms, pool_state.active.size());
    }
  }
  return {};
}

std::string Fleet::check_set(SetId id, int total, int running) const {
  const SetState& state = sets_[id];
  const std::string& name = scenario_.scale_sets[id].name;
  const auto zone_name = [&](size_t zone) { return scenario_.zones[zone].label; };
  const auto size_name = [&](size_t size) { return scenario_.sizes[size].name; };
  const auto priority_name = [](size_t priority) { return priority == 0 ? "Regular" : "Spot"; };
  const auto state_name = [](size_t vm_state) { return to_string(static_cast<VmState>(vm_state)); };
  const struct {
    const char* what;
    int sum;
    int expected;
    std::string counts;
  } breakdowns[] = {
      {"VMs by zone", sum(state.by_zone), total, breakdown(state.by_zone.data(), state.by_zone.size(), zone_name)},
      {"VMs by size", sum(state.by_size), total, breakdown(state.by_size.data(), state.by_size.size(), size_name)},
      {"VMs by priority", sum(state.by_priority, state.by_priority + kPriorityCount), total,
       breakdown(state.by_priority, kPriorityCount, priority_name)},
      {"VMs by state", sum(state.by_state, state.by_state + kVmStateCount), total,
       breakdown(state.by_state, kVmStateCount, state_name)},
      {"running VMs by zone", sum(state.running_by_zone), running,
       breakdown(state.running_by_zone.data(), state.running_by_zone.size(), zone_name)},
      {"running VMs by size", sum(state.running_by_size), running,
       breakdown(state.running_by_size.data(), state.running_by_size.size(), size_name)},
      {"running VMs by priority", sum(state.running_by_priority, state.running_by_priority + kPriorityCount), running,
       breakdown(state.running_by_priority, kPriorityCount, priority_name)},
  };
  for (const auto& check : breakdowns) {
    if (check.sum != check.expected) {
      return fmt::format("set {}: {} sum to {}, the set has {} ({})", name, check.what, check.sum, check.expected,
                         check.counts);
    }
  }
  if (state.pending[0] < 0 || state.pending[1] < 0) {
    return fmt::format("set {}: pending VMs below zero: {} Regular, {} Spot", name, state.pending[0], state.pending[1]);
  }
  return {};
}

std::string Fleet::check_quotas(const std::vector<double>& counted_family_vcpus,
                                const std::vector<double>& counted_spot_vcpus) const {
  for (RegionId region = 0; region < scenario_.regions.size(); ++region) {
    const std::string& name = scenario_.regions[region].name;
    const auto& limit = scenario_.regions[region].low_priority_vcpus;
    if (std::abs(counted_spot_vcpus[region] - spot_used_vcpus_[region]) > kVcpuTolerance) {
      return fmt::format("region {}: Spot VMs hold {} vCPUs, {} recorded", name, counted_spot_vcpus[region],
                         spot_used_vcpus_[region]);
    }
    if (limit && spot_used_vcpus_[region] > *limit + kVcpuTolerance) {
      return fmt::format("region {}: Spot VMs hold {} vCPUs, above the lowPriorityCores quota of {}", name,
                         spot_used_vcpus_[region], *limit);
    }
    for (size_t slot = 0; slot < family_count_; ++slot) {
      const size_t index = region * family_count_ + slot;
      if (std::abs(counted_family_vcpus[index] - family_used_vcpus_[index]) > kVcpuTolerance) {
        return fmt::format("region {}: a quota family's VMs hold {} vCPUs, {} recorded", name,
                           counted_family_vcpus[index], family_used_vcpus_[index]);
      }
      if (family_used_vcpus_[index] > family_quota_vcpus_[index] + kVcpuTolerance) {
        return fmt::format("region {}: a quota family's Regular VMs hold {} vCPUs, above its quota of {}", name,
                           family_used_vcpus_[index], family_quota_vcpus_[index]);
      }
    }
  }
  return {};
}

}  // namespace mixsim
