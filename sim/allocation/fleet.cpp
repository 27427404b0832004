#include "mixsim/fleet.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "mixsim/check.hpp"

namespace mixsim {

const char* to_string(VmState state) {
  switch (state) {
    case VmState::Provisioning:
      return "provisioning";
    case VmState::Running:
      return "running";
    case VmState::Deallocated:
      return "deallocated";
    case VmState::Stopped:
      return "stopped";
    case VmState::Failed:
      return "failed";
  }
  return "?";
}

// --- OrderedBucket ---------------------------------------------------------------------------------------

void OrderedBucket::append(uint32_t instance_id, VmRef ref) {
  MIXSIM_CHECK(items_.size() == head_ || items_.back().first < instance_id,
               "instance ids must be appended in increasing order");
  items_.emplace_back(instance_id, ref);
  ++live_;
}

void OrderedBucket::insert(uint32_t instance_id, VmRef ref) {
  const auto begin = items_.begin() + static_cast<std::ptrdiff_t>(head_);
  const auto found = std::lower_bound(begin, items_.end(), instance_id,
                                      [](const auto& item, uint32_t id) { return item.first < id; });
  if (found != items_.end() && found->first == instance_id) {
    MIXSIM_CHECK(found->second == kNoVm, "inserting a VM that is already in its bucket");
    found->second = ref;
  } else {
    items_.insert(found, {instance_id, ref});
  }
  ++live_;
}

void OrderedBucket::remove(uint32_t instance_id) {
  const auto begin = items_.begin() + static_cast<std::ptrdiff_t>(head_);
  const auto found = std::lower_bound(begin, items_.end(), instance_id,
                                      [](const auto& item, uint32_t id) { return item.first < id; });
  MIXSIM_CHECK(found != items_.end() && found->first == instance_id && found->second != kNoVm,
               "removing a VM that is not in its bucket");
  found->second = kNoVm;
  --live_;
  if (items_.size() - head_ > 2 * live_ + 16) {
    compact();
  }
}

std::pair<uint32_t, VmRef> OrderedBucket::oldest() {
  while (items_[head_].second == kNoVm) {
    ++head_;
  }
  return items_[head_];
}

std::pair<uint32_t, VmRef> OrderedBucket::newest() {
  while (items_.back().second == kNoVm) {
    items_.pop_back();
  }
  return items_.back();
}

std::vector<VmRef> OrderedBucket::refs() const {
  std::vector<VmRef> result;
  result.reserve(live_);
  for (size_t i = head_; i < items_.size(); ++i) {
    if (items_[i].second != kNoVm) {
      result.push_back(items_[i].second);
    }
  }
  return result;
}

void OrderedBucket::compact() {
  std::vector<std::pair<uint32_t, VmRef>> kept;
  kept.reserve(live_);
  for (size_t i = head_; i < items_.size(); ++i) {
    if (items_[i].second != kNoVm) {
      kept.push_back(items_[i]);
    }
  }
  items_ = std::move(kept);
  head_ = 0;
}

// --- Fleet -------------------------------------------------------------------------------------------------

Fleet::Fleet(const Scenario& scenario) : scenario_(scenario), size_count_(scenario.sizes.size()) {
  pools_.resize(scenario.zones.size() * size_count_ * kPriorityCount);
  for (ZoneId zone = 0; zone < scenario.zones.size(); ++zone) {
    const RegionId region = scenario.zones[zone].region;
    for (SizeId size = 0; size < size_count_; ++size) {
      pool(zone, size, Priority::Spot).spot_usd_per_hour =
          scenario.sizes[size].spot_usd_per_hour[region].value_or(0.0);
    }
  }
  for (const PoolSpec& spec : scenario.pools) {
    const double value = spec.capacity_vms.value_at(0);
    pool(spec.zone, spec.size, spec.priority).capacity_vms =
        value >= kUnlimitedCapacityValue ? kUnlimited : static_cast<int64_t>(std::floor(value));
  }
  for (const SpotPriceSpec& spec : scenario.spot_prices) {
    set_spot_price(spec.zone, spec.size, spec.usd_per_hour.value_at(0));
  }
  zone_down_.assign(scenario.zones.size(), false);

  // Quota families get dense slots so that quota checks are array lookups.
  std::vector<std::string> families;
  size_family_slot_.assign(size_count_, -1);
  for (SizeId size = 0; size < size_count_; ++size) {
    const std::string& family = scenario.sizes[size].family;
    if (family.empty()) {
      continue;
    }
    auto found = std::find(families.begin(), families.end(), family);
    if (found == families.end()) {
      families.push_back(family);
      found = families.end() - 1;
    }
    size_family_slot_[size] = static_cast<int>(found - families.begin());
  }
  family_count_ = families.size();
  family_used_vcpus_.assign(scenario.regions.size() * family_count_, 0.0);
  family_quota_vcpus_.assign(scenario.regions.size() * family_count_, static_cast<double>(kUnlimited));
  for (RegionId region = 0; region < scenario.regions.size(); ++region) {
    for (const FamilyQuota& quota : scenario.regions[region].family_quotas) {
      const auto found = std::find(families.begin(), families.end(), quota.family);
      if (found != families.end()) {
        family_quota_vcpus_[region * family_count_ + static_cast<size_t>(found - families.begin())] = quota.vcpus;
      }
    }
  }
  spot_used_vcpus_.assign(scenario.regions.size(), 0.0);
  running_spot_.assign(scenario.regions.size() * size_count_, 0);

  sets_.resize(scenario.scale_sets.size());
  for (SetId id = 0; id < sets_.size(); ++id) {
    const ScaleSetSpec& spec = scenario.scale_sets[id];
    SetState& state = sets_[id];
    state.sizes = spec.sizes;
    state.strategy = spec.strategy;
    state.zones = spec.zones;
    size_t domain_slots = scenario.zones.size();
    if (spec.zonal) {
      state.domains.assign(spec.zones.begin(), spec.zones.end());
    } else {
      const int count = spec.platform_fault_domain_count == 1 ? scenario.options.max_spreading_fault_domains
                                                              : spec.platform_fault_domain_count;
      for (int domain = 0; domain < count; ++domain) {
        state.domains.push_back(static_cast<uint32_t>(domain));
      }
      domain_slots = std::max(domain_slots, static_cast<size_t>(count));
    }
    state.domain_down.assign(domain_slots, false);
    state.by_zone.assign(scenario.zones.size(), 0);
    state.by_domain.assign(domain_slots, 0);
    state.running_by_domain.assign(domain_slots, 0);
    state.deallocated_by_domain.assign(domain_slots, 0);
    state.running_by_zone.assign(scenario.zones.size(), 0);
    state.running_by_size.assign(size_count_, 0);
    state.by_size.assign(size_count_, 0);
    state.buckets.resize(domain_slots * kPriorityCount * size_count_);
    if (spec.prioritize_unhealthy_vms) {
      state.deallocated_by_domain_set.resize(domain_slots);
    }
  }
}

VmRef Fleet::create_vm(SetId set_id, SizeId size, ZoneId zone, uint8_t fault_domain, Priority priority,
                       VmState initial, double t_s) {
  MIXSIM_CHECK(initial == VmState::Provisioning || initial == VmState::Running,
               "a VM is created provisioning or running");
  VmRef ref;
  if (!free_slots_.empty()) {
    ref = free_slots_.back();
    free_slots_.pop_back();
  } else {
    ref = static_cast<VmRef>(vms_.size());
    vms_.emplace_back();
  }
  Vm& vm = vms_[ref];
  SetState& state = sets_[set_id];
  vm.set = set_id;
  vm.instance_id = state.next_instance_id++;
  vm.size = size;
  vm.zone = zone;
  vm.fault_domain = fault_domain;
  vm.priority = priority;
  vm.state = initial;
  vm.alive = true;
  vm.eviction_noticed = false;
  vm.generation += 1;
  vm.created_s = t_s;
  ++live_vms_;

  add_to_indexes(ref);
  add_active(ref);
  if (initial == VmState::Running) {
    add_running(ref);
  }
  add_quota(vm, +1);
  notify(ref, std::nullopt, initial, t_s, "");
  return ref;
}

// Moves a live VM between states, keeping the pool lists, running counters and deallocated indexes in step.
void Fleet::change_state(VmRef ref, VmState to, double t_s, std::string_view reason) {
  Vm& vm = vms_[ref];
  const VmState from = vm.state;
  SetState& state = sets_[vm.set];
  if (from == VmState::Running) {
    remove_running(ref);
  }
  if (holds_hardware(from) && !holds_hardware(to)) {
    remove_active(ref);
  }
  if (from == VmState::Deallocated) {
    leave_deallocated(ref);
  }
  --state.by_state[static_cast<int>(from)];
  vm.state = to;
  ++state.by_state[static_cast<int>(to)];
  if (!holds_hardware(from) && holds_hardware(to)) {
    add_active(ref);
  }
  if (to == VmState::Running) {
    add_running(ref);
  }
  if (to == VmState::Deallocated) {
    enter_deallocated(ref);
  }
  notify(ref, from, to, t_s, reason);
}

void Fleet::mark_running(VmRef ref, double t_s) {
  const Vm& vm = vms_[ref];
  MIXSIM_CHECK(vm.alive && (vm.state == VmState::Provisioning || vm.state == VmState::Stopped),
               "only a provisioning or stopped VM can start running");
  change_state(ref, VmState::Running, t_s, "");
}

void Fleet::stop(VmRef ref, double t_s, std::string_view reason) {
  const Vm& vm = vms_[ref];
  MIXSIM_CHECK(vm.alive && (vm.state == VmState::Provisioning || vm.state == VmState::Running),
               "only a provisioning or running VM can be stopped by a failure");
  change_state(ref, VmState::Stopped, t_s, reason);
}

void Fleet::fail_creation(VmRef ref, double t_s) {
  MIXSIM_CHECK(vms_[ref].alive && vms_[ref].state == VmState::Provisioning, "only a provisioning VM fails creation");
  change_state(ref, VmState::Failed, t_s, "creation_failed");
}

void Fleet::reallocate(VmRef ref, double t_s, std::string_view reason) {
  MIXSIM_CHECK(vms_[ref].alive && vms_[ref].state == VmState::Deallocated, "only a deallocated VM is reallocated");
  vms_[ref].eviction_noticed = false;
  change_state(ref, VmState::Provisioning, t_s, reason);
}

void Fleet::deallocate(VmRef ref, double t_s, std::string_view reason) {
  MIXSIM_CHECK(vms_[ref].alive && vms_[ref].state != VmState::Deallocated, "deallocating a VM that is not allocated");
  change_state(ref, VmState::Deallocated, t_s, reason);
}

void Fleet::delete_vm(VmRef ref, double t_s, std::string_view reason) {
  Vm& vm = vms_[ref];
  MIXSIM_CHECK(vm.alive, "deleting a VM twice");
  const VmState from = vm.state;
  if (from == VmState::Running) {
    remove_running(ref);
  }
  if (holds_hardware(from)) {
    remove_active(ref);
  } else {
    leave_deallocated(ref);
  }
  add_quota(vm, -1);
  remove_from_indexes(ref);
  notify(ref, from, std::nullopt, t_s, reason);
  vm.alive = false;
  --live_vms_;
  free_slots_.push_back(ref);
}

void Fleet::enter_deallocated(VmRef ref) {
  const Vm& vm = vms_[ref];
  SetState& state = sets_[vm.set];
  const uint32_t domain = domain_of(vm);
  ++state.deallocated_by_domain[domain];
  if (!state.deallocated_by_domain_set.empty()) {
    state.deallocated_by_domain_set[domain].emplace(vm.instance_id, ref);
  }
  // A deallocated VM that no longer counts toward capacity is out of the set's scale-in order too.
  if (!scenario_.options.deallocated_counts_toward_capacity) {
    state.buckets[bucket_index(domain, vm.priority, vm.size)].remove(vm.instance_id);
  }
}

void Fleet::leave_deallocated(VmRef ref) {
  const Vm& vm = vms_[ref];
  SetState& state = sets_[vm.set];
  const uint32_t domain = domain_of(vm);
  --state.deallocated_by_domain[domain];
  if (!state.deallocated_by_domain_set.empty()) {
    state.deallocated_by_domain_set[domain].erase({vm.instance_id, ref});
  }
  if (!scenario_.options.deallocated_counts_toward_capacity) {
    state.buckets[bucket_index(domain, vm.priority, vm.size)].insert(vm.instance_id, ref);
  }
}

void Fleet::add_to_indexes(VmRef ref) {
  const Vm& vm = vms_[ref];
  SetState& state = sets_[vm.set];
  ++state.by_priority[static_cast<int>(vm.priority)];
  ++state.by_state[static_cast<int>(vm.state)];
  ++state.by_zone[vm.zone];
  ++state.by_domain[domain_of(vm)];
  ++state.by_size[vm.size];
  state.buckets[bucket_index(domain_of(vm), vm.priority, vm.size)].append(vm.instance_id, ref);
}

void Fleet::remove_from_indexes(VmRef ref) {
  const Vm& vm = vms_[ref];
  SetState& state = sets_[vm.set];
  --state.by_priority[static_cast<int>(vm.priority)];
  --state.by_state[static_cast<int>(vm.state)];
  --state.by_zone[vm.zone];
  --state.by_domain[domain_of(vm)];
  --state.by_size[vm.size];
  // Deleting a deallocated VM has already taken it out of the bucket when it does not count toward capacity.
  if (vm.state != VmState::Deallocated || scenario_.options.deallocated_counts_toward_capacity) {
    state.buckets[bucket_index(domain_of(vm), vm.priority, vm.size)].remove(vm.instance_id);
  }
}

void Fleet::add_active(VmRef ref) {
  Vm& vm = vms_[ref];
  PoolState& pool_state = pool(vm.zone, vm.size, vm.priority);
  vm.active_position = static_cast<uint32_t>(pool_state.active.size());
  pool_state.active.push_back(ref);
  ++pool_state.used_vms;
}

void Fleet::remove_active(VmRef ref) {
  Vm& vm = vms_[ref];
  PoolState& pool_state = pool(vm.zone, vm.size, vm.priority);
  const VmRef last = pool_state.active.back();
  pool_state.active[vm.active_position] = last;
  vms_[last].active_position = vm.active_position;
  pool_state.active.pop_back();
  --pool_state.used_vms;
}

void Fleet::add_running(VmRef ref) {
  Vm& vm = vms_[ref];
  PoolState& pool_state = pool(vm.zone, vm.size, vm.priority);
  vm.running_position = static_cast<uint32_t>(pool_state.running.size());
  pool_state.running.push_back(ref);
  SetState& state = sets_[vm.set];
  ++state.running_by_priority[static_cast<int>(vm.priority)];
  ++state.running_by_domain[domain_of(vm)];
  ++state.running_by_zone[vm.zone];
  ++state.running_by_size[vm.size];
  state.running_vcpus += scenario_.sizes[vm.size].vcpus;
  if (vm.priority == Priority::Spot) {
    ++running_spot_[scenario_.zones[vm.zone].region * size_count_ + vm.size];
  }
}

void Fleet::remove_running(VmRef ref) {
  Vm& vm = vms_[ref];
  PoolState& pool_state = pool(vm.zone, vm.size, vm.priority);
  const VmRef last = pool_state.running.back();
  pool_state.running[vm.running_position] = last;
  vms_[last].running_position = vm.running_position;
  pool_state.running.pop_back();
  SetState& state = sets_[vm.set];
  --state.running_by_priority[static_cast<int>(vm.priority)];
  --state.running_by_domain[domain_of(vm)];
  --state.running_by_zone[vm.zone];
  --state.running_by_size[vm.size];
  state.running_vcpus -= scenario_.sizes[vm.size].vcpus;
  if (vm.priority == Priority::Spot) {
    --running_spot_[scenario_.zones[vm.zone].region * size_count_ + vm.size];
  }
}

void Fleet::add_quota(const Vm& vm, int sign) {
  const RegionId region = scenario_.zones[vm.zone].region;
  const double vcpus = sign * scenario_.sizes[vm.size].vcpus;
  if (vm.priority == Priority::Spot) {
    spot_used_vcpus_[region] += vcpus;
    return;
  }
  const int slot = size_family_slot_[vm.size];
  if (slot >= 0) {
    family_used_vcpus_[region * family_count_ + static_cast<size_t>(slot)] += vcpus;
  }
}

bool Fleet::quota_allows(RegionId region, SizeId size, Priority priority) const {
  const double vcpus = scenario_.sizes[size].vcpus;
  if (priority == Priority::Spot) {
    const auto& limit = scenario_.regions[region].low_priority_vcpus;
    return !limit || spot_used_vcpus_[region] + vcpus <= *limit;
  }
  const int slot = size_family_slot_[size];
  if (slot < 0) {
    return true;
  }
  const size_t index = region * family_count_ + static_cast<size_t>(slot);
  return family_used_vcpus_[index] + vcpus <= family_quota_vcpus_[index];
}

double Fleet::quota_used_vcpus(RegionId region, SizeId size, Priority priority) const {
  if (priority == Priority::Spot) {
    return spot_used_vcpus_[region];
  }
  const int slot = size_family_slot_[size];
  return slot < 0 ? 0 : family_used_vcpus_[region * family_count_ + static_cast<size_t>(slot)];
}

void Fleet::set_pool_capacity(ZoneId zone, SizeId size, Priority priority, int64_t capacity_vms) {
  pool(zone, size, priority).capacity_vms = capacity_vms;
}

int Fleet::capacity(SetId id) const {
  const SetState& state = sets_[id];
  int count = state.vm_count() + state.pending_count();
  if (!scenario_.options.deallocated_counts_toward_capacity) {
    count -= state.by_state[static_cast<int>(VmState::Deallocated)];
  }
  return count;
}

int Fleet::balance_count(SetId id, uint32_t domain) const {
  const SetState& state = sets_[id];
  if (scenario_.options.deallocated_counts_toward_capacity) {
    return state.by_domain[domain];
  }
  return state.by_domain[domain] - state.deallocated_by_domain[domain];
}

bool Fleet::domain_is_down(SetId id, uint32_t domain) const {
  if (scenario_.scale_sets[id].zonal) {
    return zone_down_[domain];
  }
  return sets_[id].domain_down[domain];
}

std::optional<double> Fleet::price_usd_per_hour(ZoneId zone, SizeId size, Priority priority) const {
  const RegionId region = scenario_.zones[zone].region;
  if (priority == Priority::Regular) {
    return scenario_.sizes[size].regular_usd_per_hour[region];
  }
  if (!scenario_.sizes[size].spot_usd_per_hour[region]) {
    return std::nullopt;
  }
  return pool(zone, size, Priority::Spot).spot_usd_per_hour;
}

void Fleet::notify(VmRef ref, std::optional<VmState> from, std::optional<VmState> to, double t_s,
                   std::string_view reason) {
  if (observer_ != nullptr) {
    observer_->on_vm_change(ref, vms_[ref], from, to, t_s, reason);
  }
}

}  // namespace mixsim
