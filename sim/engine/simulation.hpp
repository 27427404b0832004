// One run of a scenario: the agenda of everything that happens, in the contract's order at each instant. The
// SimGrid actor in simgrid_driver.cpp advances the clock; this class decides what is due and does it.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <queue>
#include <tuple>
#include <string>
#include <vector>

#include "mixsim/allocator.hpp"
#include "mixsim/autoscale.hpp"
#include "mixsim/fleet.hpp"
#include "mixsim/random.hpp"
#include "mixsim/scenario.hpp"
#include "mixsim/simulation.hpp"
#include "recording/recorder.hpp"

namespace mixsim {

/// The state and agenda of one run.
///
/// At each instant, work happens in this order (within one kind, in file order): scripted events; pool and
/// demand changes; evictions; provisioning completions; allocation retries; the metric sample; the autoscale
/// evaluation; the timeline row.
class Simulation : public FleetObserver {
 public:
  Simulation(const Scenario& scenario, const RunOptions& options);
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  /// Places every set's initial VMs, running at t = 0.
  void start();

  /// The next instant at which something is due, or +infinity when the run is over.
  double next_time() const;

  /// Does everything due at t_s. Requires t_s == next_time().
  void process_instant(double t_s);

  /// Closes the run at its duration, checks invariants, writes the result files; returns summary.json's content.
  nlohmann::ordered_json finish();

  int64_t events_processed() const { return events_processed_; }

  void on_vm_change(VmRef ref, const Vm& vm, std::optional<VmState> from, std::optional<VmState> to, double t_s,
                    std::string_view reason) override;

 private:
  /// The next change of a pool's capacity profile; equal times run in pool index order.
  struct PoolChange {
    double at_s;
    uint32_t pool;
    bool operator>(const PoolChange& other) const { return std::tie(at_s, pool) > std::tie(other.at_s, other.pool); }
  };
  /// The end of a VM's provisioning; `fails` when its creation will not complete.
  struct Completion {
    double at_s;
    uint64_t sequence;
    VmRef ref;
    uint32_t generation;
    bool fails;
    double retry_until_s;  // resilient creation recreates a failed VM until then
    bool operator>(const Completion& other) const {
      return std::tie(at_s, sequence) > std::tie(other.at_s, other.sequence);
    }
  };
  /// A price eviction due after its notice.
  struct NoticedEviction {
    double at_s;
    uint64_t sequence;
    VmRef ref;
    uint32_t generation;
    bool operator>(const NoticedEviction& other) const {
      return std::tie(at_s, sequence) > std::tie(other.at_s, other.sequence);
    }
  };
  /// The end of a zone outage (zone set) or of a fault-domain failure.
  struct Recovery {
    double at_s;
    uint64_t sequence;
    bool is_zone;
    uint32_t zone_or_domain;
    RegionId region;
    std::optional<SetId> scale_set;
    bool operator>(const Recovery& other) const {
      return std::tie(at_s, sequence) > std::tie(other.at_s, other.sequence);
    }
  };
  /// A VM evicted for capacity that Try & Restore brings back when its pool has room, until `until_s`.
  struct RestoreRequest {
    SetId set;
    SizeId size;
    ZoneId zone;
    uint8_t fault_domain;
    VmRef ref;  // the deallocated VM, or kNoVm when the eviction deleted it
    uint32_t generation;
    double until_s;
  };

  /// Checks the fleet's and the recorder's invariants; throws InvariantError with the state that broke one.
  void check_invariants(double t_s);
  void run_scripted_events(double t_s);
  void apply_world_changes(double t_s);
  void run_evictions(double t_s);
  void complete_provisioning(double t_s);
  void retry_pending(double t_s, bool periodic);
  void sample_metrics(double t_s);
  void evaluate_autoscale(double t_s);

  void apply_set_pool(const SetPoolEvent& event, double t_s);
  void apply_update(const UpdateSkuProfileEvent& event, double t_s);
  void apply_zone_outage(const ZoneOutageEvent& event, double t_s);
  void apply_fault_domain_failure(const FaultDomainFailureEvent& event, double t_s);
  void recover(double t_s);
  void restart_stopped(const std::vector<VmRef>& candidates, double t_s, std::vector<int64_t>& restarted_by_set);
  bool vm_is_cut_off(const Vm& vm) const;
  void change_pool_capacity(size_t pool, int64_t capacity_vms);
  void apply_price_changes(double t_s);
  void change_spot_price(size_t spec, double t_s);
  void evict(VmRef ref, double t_s, std::string_view cause);
  void run_noticed_evictions(double t_s);
  void restore_evicted(double t_s);
  void complete_one(const Completion& completion, double t_s);
  double draw_provisioning_time(SetId set);
  void report_progress(double t_s);
  void track_domain_exposure();
  void evict_at_random_by_rate(double t_s);
  void schedule_rate_eviction(double t_s);
  double current_eviction_rate_per_s() const;
  void set_capacity(SetId set, int capacity, double t_s, std::string_view detail);
  void note_placement(SetId set, const PlacementReport& report, double t_s, bool is_retry);
  double demand_at(SetId set, double t_s) const;
  double next_demand_change(SetId set, double t_s) const;
  bool on_grid(double t_s, double period_s) const;
  double next_on_grid(double after_s, double period_s) const;

  const Scenario& scenario_;
  RunOptions options_;
  Fleet fleet_;
  Allocator allocator_;
  std::unique_ptr<Recorder> recorder_;
  std::vector<std::unique_ptr<AutoscaleEngine>> autoscalers_;  // by SetId; null without autoscale

  RandomStream capacity_eviction_random_;
  RandomStream rate_eviction_random_;
  RandomStream provisioning_random_;
  RandomStream creation_random_;

  size_t next_scripted_ = 0;
  std::priority_queue<PoolChange, std::vector<PoolChange>, std::greater<>> pool_changes_;
  std::vector<size_t> pool_spec_of_;        // by pool index: index into scenario.pools, or SIZE_MAX
  std::vector<bool> pool_overridden_;       // by pool index: a setPool event replaced the profile
  std::vector<size_t> pools_over_capacity_; // Spot pools to evict from at this instant
  std::priority_queue<Completion, std::vector<Completion>, std::greater<>> completions_;
  uint64_t completion_sequence_ = 0;
  std::priority_queue<PoolChange, std::vector<PoolChange>, std::greater<>> price_changes_;  // pool = spec index
  std::priority_queue<NoticedEviction, std::vector<NoticedEviction>, std::greater<>> noticed_evictions_;
  std::priority_queue<Recovery, std::vector<Recovery>, std::greater<>> recoveries_;
  std::vector<double> zone_down_until_s_;           // by ZoneId
  std::vector<std::vector<double>> domain_down_until_s_;  // by SetId, then fault domain
  std::vector<std::deque<RestoreRequest>> restores_;  // by pool index
  size_t restores_waiting_ = 0;
  double resilient_retry_until_s_ = 0;  // set while a failed VM's replacement is created

  double next_rate_eviction_s_ = kInfinity;
  double eviction_rate_per_s_ = 0;
  bool evicted_by_rate_ = false;
  std::vector<double> eviction_rate_per_vm_s_;  // by (region, size): -ln(1 - p) / 3600

  bool capacity_freed_ = false;
  std::vector<std::string> last_failure_reason_;  // by SetId, to record a persisting shortage once
  bool any_autoscale_ = false;

  double now_s_ = -1;  // the last instant processed; -1 before the instant t = 0
  bool started_ = false;
  int64_t events_processed_ = 0;
  std::chrono::steady_clock::time_point last_progress_report_ = std::chrono::steady_clock::now();
  bool progress_shown_ = false;
};

}  // namespace mixsim
