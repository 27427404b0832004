// The state of every VM in the simulation, with the indexes that the allocator, the eviction processes and the
// recorder need. It knows nothing of SimGrid: tests build small fleets by hand.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mixsim/scenario.hpp"

namespace mixsim {

/// A VM's state. Every state but Deallocated holds hardware: it uses its pool's capacity and is billed for
/// compute. Stopped VMs are on hardware that failed (a zone outage, a fault-domain failure); Failed VMs did not
/// finish their creation.
enum class VmState : uint8_t { Provisioning, Running, Deallocated, Stopped, Failed };
inline constexpr int kVmStateCount = 5;
const char* to_string(VmState state);

/// Whether a VM in `state` holds hardware (uses pool capacity, is billed for compute).
inline bool holds_hardware(VmState state) { return state != VmState::Deallocated; }

using VmRef = uint32_t;  // slot in Fleet's VM table; slots are reused after deletion
inline constexpr VmRef kNoVm = std::numeric_limits<VmRef>::max();
inline constexpr int64_t kUnlimited = std::numeric_limits<int64_t>::max();

struct Vm {
  SetId set = 0;
  uint32_t instance_id = 0;  // counts up from 0 per set, in creation order
  SizeId size = 0;
  ZoneId zone = 0;
  uint8_t fault_domain = 0;  // for regional sets; 0 in zonal sets
  Priority priority = Priority::Regular;
  VmState state = VmState::Provisioning;
  bool alive = false;
  bool eviction_noticed = false;  // a price eviction is scheduled
  uint32_t generation = 0;  // bumped when the slot is reused, so stale references can be detected
  double created_s = 0;
  uint32_t active_position = 0;   // index in its pool's active list while provisioning or running
  uint32_t running_position = 0;  // index in its pool's running list while running
};

/// Receives every VM state change, so that billing and recording never need to scan the fleet.
/// `from` is empty for a new VM and `to` is empty for a deleted one. `reason` says why (e.g. "scale_in").
class FleetObserver {
 public:
  virtual ~FleetObserver() = default;
  virtual void on_vm_change(VmRef ref, const Vm& vm, std::optional<VmState> from, std::optional<VmState> to,
                            double t_s, std::string_view reason) = 0;
};

/// A pool: VMs of one size and priority in one zone, shared by all scale sets.
struct PoolState {
  int64_t capacity_vms = kUnlimited;
  int64_t used_vms = 0;        // VMs of every set that hold hardware (all states but deallocated)
  std::vector<VmRef> active;   // the same VMs, in no order: capacity evictions draw from here
  double spot_usd_per_hour = 0;  // the current Spot price (Spot pools only)
  std::vector<VmRef> running;  // running VMs only: rate evictions draw from here

  bool is_unlimited() const { return capacity_vms == kUnlimited; }
  int64_t free_vms() const { return is_unlimited() ? kUnlimited : capacity_vms - used_vms; }
};

/// VMs of one scale set in one zone, priority and size, ordered by instance id. Removal leaves a hole that is
/// compacted later, so both ends and removal by id cost O(log n) amortized.
class OrderedBucket {
 public:
  void append(uint32_t instance_id, VmRef ref);
  /// Puts back a VM taken out earlier; O(n) in the worst case, used only when deallocated VMs return.
  void insert(uint32_t instance_id, VmRef ref);
  void remove(uint32_t instance_id);
  bool empty() const { return live_ == 0; }
  size_t size() const { return live_; }
  /// The VM with the lowest or the highest instance id. Requires !empty().
  std::pair<uint32_t, VmRef> oldest();
  std::pair<uint32_t, VmRef> newest();
  /// Copies the VMs out, in instance id order (for operations that change the bucket while walking it).
  std::vector<VmRef> refs() const;

 private:
  void compact();

  std::vector<std::pair<uint32_t, VmRef>> items_;  // sorted by id; ref == kNoVm marks a removed VM
  size_t head_ = 0;
  size_t live_ = 0;
};

/// Counts and indexes of one scale set. Invariant: the per-zone, per-size, per-priority and per-state counts
/// each sum to the number of VMs the set holds (pending VMs excluded).
///
/// Balance domains are what scale-out spreads over and scale-in balances: zones (by ZoneId) for a zonal set,
/// fault domains (0 to the set's count - 1) for a regional one.
struct SetState {
  std::vector<SizeChoice> sizes;  // the current skuProfile (updates replace it)
  AllocationStrategy strategy = AllocationStrategy::LowestPrice;
  std::vector<ZoneId> zones;      // the zones of the set, as listed
  std::vector<uint32_t> domains;  // its balance domains, in order
  std::vector<bool> domain_down;  // by domain: a fault-domain failure stopped it (regional sets)
  int pending[kPriorityCount] = {0, 0};  // capacity not yet placed, by priority
  int by_priority[kPriorityCount] = {0, 0};
  int by_state[kVmStateCount] = {0, 0, 0, 0, 0};
  std::vector<int> by_zone;          // every VM by ZoneId (all states)
  std::vector<int> by_domain;        // every VM by balance domain (all states)
  std::vector<int> running_by_domain;  // running VMs by balance domain
  std::vector<int> deallocated_by_domain;  // by balance domain
  int running_by_priority[kPriorityCount] = {0, 0};
  std::vector<int> running_by_zone;  // by ZoneId
  std::vector<int> running_by_size;  // by SizeId
  std::vector<int> by_size;          // by SizeId (all states)
  int64_t running_vcpus = 0;
  uint32_t next_instance_id = 0;
  /// Scale-in candidates by (balance domain, priority, size). Deallocated VMs stay in them unless deallocated VMs
  /// do not count toward capacity (platformOptions.deallocatedCountsTowardCapacity: false).
  std::vector<OrderedBucket> buckets;
  /// Deallocated VMs by balance domain, kept only for prioritizeUnhealthyVMs.
  std::vector<std::set<std::pair<uint32_t, VmRef>>> deallocated_by_domain_set;

  int vm_count() const { return by_priority[0] + by_priority[1]; }
  int pending_count() const { return pending[0] + pending[1]; }
};

/// All VMs, pools and quotas of one simulation.
class Fleet {
 public:
  explicit Fleet(const Scenario& scenario);
  Fleet(const Fleet&) = delete;
  Fleet& operator=(const Fleet&) = delete;

  void set_observer(FleetObserver* observer) { observer_ = observer; }
  const Scenario& scenario() const { return scenario_; }

  // --- VM lifecycle ---

  /// Creates a VM in `initial` state (Provisioning or Running). Requires free capacity and quota.
  VmRef create_vm(SetId set, SizeId size, ZoneId zone, uint8_t fault_domain, Priority priority, VmState initial,
                  double t_s);
  /// Provisioning or Stopped -> Running.
  void mark_running(VmRef ref, double t_s);
  /// Provisioning or Running -> Stopped: its hardware failed; it keeps its capacity and billing.
  void stop(VmRef ref, double t_s, std::string_view reason);
  /// Provisioning -> Failed: its creation did not complete.
  void fail_creation(VmRef ref, double t_s);
  /// Deallocated -> Provisioning: the VM gets hardware again. Requires free pool capacity.
  void reallocate(VmRef ref, double t_s, std::string_view reason);
  /// Stops a VM's compute: it releases its pool capacity but stays in its set and its quota.
  void deallocate(VmRef ref, double t_s, std::string_view reason);
  void delete_vm(VmRef ref, double t_s, std::string_view reason);
  void set_eviction_noticed(VmRef ref) { vms_[ref].eviction_noticed = true; }

  const Vm& vm(VmRef ref) const { return vms_[ref]; }
  bool is_current(VmRef ref, uint32_t generation) const {
    return ref < vms_.size() && vms_[ref].alive && vms_[ref].generation == generation;
  }

  // --- pools and quotas ---

  size_t pool_index(ZoneId zone, SizeId size, Priority priority) const {
    return (static_cast<size_t>(zone) * size_count_ + size) * kPriorityCount + static_cast<size_t>(priority);
  }
  PoolState& pool(ZoneId zone, SizeId size, Priority priority) { return pools_[pool_index(zone, size, priority)]; }
  const PoolState& pool(ZoneId zone, SizeId size, Priority priority) const {
    return pools_[pool_index(zone, size, priority)];
  }
  const PoolState& pool_at(size_t index) const { return pools_[index]; }
  size_t pool_count() const { return pools_.size(); }
  /// Sets a pool's capacity; a value below the used count does not evict (the caller does).
  void set_pool_capacity(ZoneId zone, SizeId size, Priority priority, int64_t capacity_vms);
  void set_spot_price(ZoneId zone, SizeId size, double usd_per_hour) {
    pool(zone, size, Priority::Spot).spot_usd_per_hour = usd_per_hour;
  }
  /// The hourly price of a new VM of `size` and `priority` in `zone`; empty when it has no price there.
  std::optional<double> price_usd_per_hour(ZoneId zone, SizeId size, Priority priority) const;

  /// Zones down for an outage take no new VMs.
  bool zone_is_down(ZoneId zone) const { return zone_down_[zone]; }
  void set_zone_down(ZoneId zone, bool down) { zone_down_[zone] = down; }

  /// Whether a VM of `size` and `priority` fits the region's quotas (family quota for Regular VMs,
  /// lowPriorityCores for Spot VMs).
  bool quota_allows(RegionId region, SizeId size, Priority priority) const;
  double quota_used_vcpus(RegionId region, SizeId size, Priority priority) const;

  // --- scale sets ---

  SetState& set(SetId id) { return sets_[id]; }
  const SetState& set(SetId id) const { return sets_[id]; }
  size_t set_count() const { return sets_.size(); }
  size_t bucket_index(uint32_t domain, Priority priority, SizeId size) const {
    return (static_cast<size_t>(domain) * kPriorityCount + static_cast<size_t>(priority)) * size_count_ + size;
  }
  /// The balance domain of a VM: its zone in a zonal set, its fault domain in a regional one.
  uint32_t domain_of(const Vm& vm) const { return scenario_.scale_sets[vm.set].zonal ? vm.zone : vm.fault_domain; }
  /// Whether no VM may be placed in or removed from `domain` of `set` (a zone outage or a fault-domain failure).
  bool domain_is_down(SetId set, uint32_t domain) const;
  /// The set's capacity as autoscale reads and sets it: pending, provisioning, running and (by default)
  /// deallocated VMs.
  int capacity(SetId id) const;
  /// VMs that count toward balance in `domain` (a zone of a zonal set, a fault domain of a regional one).
  int balance_count(SetId id, uint32_t domain) const;

  size_t live_vm_count() const { return live_vms_; }
  /// Running Spot VMs per (region, size), for the rate eviction process.
  int running_spot(RegionId region, SizeId size) const { return running_spot_[region * size_count_ + size]; }

  /// Checks the fleet's invariants. Returns a description of the first one broken, with the state that broke it,
  /// or an empty string. VMs by zone, size, priority and state (and running VMs by zone, size and priority) must
  /// each sum to the set's VMs, no pool may be below zero, every counter and index must match a recount from the
  /// VM table, and no quota may be exceeded. Costs O(fleet), so the simulation runs it at the end of a run and,
  /// for tests, after every instant.
  std::string check_invariants() const;

 private:
  void add_to_indexes(VmRef ref);
  void remove_from_indexes(VmRef ref);
  void change_state(VmRef ref, VmState to, double t_s, std::string_view reason);
  void add_running(VmRef ref);
  void remove_running(VmRef ref);
  void add_active(VmRef ref);
  void remove_active(VmRef ref);
  void enter_deallocated(VmRef ref);
  void leave_deallocated(VmRef ref);
  void add_quota(const Vm& vm, int sign);
  void notify(VmRef ref, std::optional<VmState> from, std::optional<VmState> to, double t_s, std::string_view reason);
  std::string check_pools(const std::vector<int64_t>& counted_used) const;
  std::string check_set(SetId id, int total, int running) const;
  std::string check_quotas(const std::vector<double>& counted_family_vcpus,
                           const std::vector<double>& counted_spot_vcpus) const;

  const Scenario& scenario_;
  size_t size_count_;
  std::vector<Vm> vms_;
  std::vector<VmRef> free_slots_;
  size_t live_vms_ = 0;
  std::vector<PoolState> pools_;
  std::vector<SetState> sets_;
  std::vector<double> family_used_vcpus_;   // by (region, family slot)
  std::vector<double> family_quota_vcpus_;  // by (region, family slot); kUnlimited when absent
  std::vector<int> size_family_slot_;       // by SizeId; -1 = no family
  size_t family_count_ = 0;
  std::vector<double> spot_used_vcpus_;     // by region
  std::vector<int> running_spot_;           // by (region, size)
  std::vector<bool> zone_down_;             // by ZoneId
  FleetObserver* observer_ = nullptr;
};

}  // namespace mixsim
