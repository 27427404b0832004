// The mixed-size allocator: which zone, size and priority each new VM gets, and which VM a scale-in removes.
// It works on a Fleet alone, with no clock of its own, so tests drive it with small hand-made fleets.
#pragma once

#include <optional>
#include <string>

#include "mixsim/fleet.hpp"
#include "mixsim/scenario.hpp"

namespace mixsim {

/// Regular VMs that Spot Priority Mix wants in a set of `total` VMs: `total` up to the base, then the base plus
/// the percentage of the VMs above it, rounded down (Spot gets the odd VM).
int regular_target(const PriorityMix& mix, int total);

/// Regular VMs among `added` new ones when a set of `total` VMs, `regular` of them Regular, grows: enough to reach
/// the target, never negative and never more than `added`. Existing VMs are never converted.
int new_regular_count(const PriorityMix& mix, int total, int regular, int added);

struct PlacementReport {
  int placed = 0;
  int unplaced = 0;    // VMs of the set left pending
  std::string reason;  // why some stayed pending: capacity, quota, price, zone_balance, zone_outage or no_price
};

struct ScaleInReport {
  int removed = 0;            // VMs deleted
  int cancelled_pending = 0;  // pending VMs dropped before any VM was deleted
  int blocked = 0;            // VMs that could not be removed
  std::string reason;         // why: zone_balance or zone_outage
};

/// Places and removes VMs of scale sets following the platform's rules.
///
/// Scale-out, VM by VM: Regular VMs first, then Spot. A zonal set picks the zone with the fewest of its VMs
/// (ties in listed order; under strict zone balance only zones that keep the set within one VM), then the size by
/// strategy among sizes with free pool capacity and quota there, falling back to the next zone when none fits.
/// Zones down for an outage take no VMs; under best-effort balance two or more zones down block scaling. A
/// regional set picks the size first from region-wide capacity, then the zone with the most free capacity, then
/// the fault domain with the fewest of its VMs.
///
/// Scale-in, VM by VM: pending VMs first; then the zones (fault domains for a regional set under the Default
/// policy) with the most VMs; then the priority class above its Spot Priority Mix target; then the strategy's
/// order of sizes; then the scale-in policy. VMs in a zone or fault domain that is down cannot be removed.
class Allocator {
 public:
  Allocator(const Scenario& scenario, Fleet& fleet);

  /// Raises the set's capacity by `count` VMs, splitting them between Regular and Spot by the set's priority mix,
  /// and places as many as capacity and quota allow; the rest stay pending.
  PlacementReport scale_out(SetId set, int count, double t_s);

  /// Places as many of the set's pending VMs as capacity and quota allow.
  PlacementReport place_pending(SetId set, double t_s);

  /// Lowers the set's capacity by `count`: cancels pending VMs, then deletes VMs in scale-in order.
  ScaleInReport scale_in(SetId set, int count, double t_s);

  /// The VM that scale-in would delete next. Empty when the set holds no VM that scale-in may remove; then
  /// `blocked_reason`, when given, says why (zone_balance, zone_outage), or stays empty when the set is empty.
  std::optional<VmRef> choose_victim(SetId set, std::string* blocked_reason = nullptr) const;

 private:
  struct Placement {
    ZoneId zone;
    SizeId size;
    uint8_t fault_domain;
  };
  struct Candidate {
    SizeId size;
    double price;
    double free;
  };
  struct Blocks;  // why candidates were rejected, for the failure reason

  std::optional<Placement> choose_placement(SetId set, Priority priority, Blocks& blocks) const;
  std::optional<SizeId> best_size_in_zone(SetId set, ZoneId zone, Priority priority, Blocks& blocks) const;
  std::optional<Placement> choose_regional(SetId set, Priority priority, Blocks& blocks) const;
  std::optional<double> allowed_price(SetId set, ZoneId zone, SizeId size, Priority priority, Blocks& blocks) const;
  bool prefers(SetId set, const Candidate& a, const Candidate& b) const;
  std::optional<uint8_t> choose_fault_domain(SetId set) const;
  const std::vector<uint32_t>& removal_domains(SetId set, std::string* blocked_reason) const;
  Priority class_to_remove(SetId set) const;
  bool cancel_one_pending(SetId set);

  struct Choice {
    uint32_t domain;
    SizeId size;
  };

  const Scenario& scenario_;
  Fleet& fleet_;
  // Scratch space for choose_victim, which runs once per VM removed: reused so that it allocates nothing.
  mutable std::vector<uint32_t> scratch_domains_;
  mutable std::vector<Choice> scratch_chosen_;
};

}  // namespace mixsim
