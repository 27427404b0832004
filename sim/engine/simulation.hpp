// One run of a scenario: the agenda of everything that happens, in the contract's order at each instant. The
// SimGrid actor in simgrid_driver.cpp advances the clock; this class decides what is due and does it.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
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
  struct Completion {
    double at_s;
    uint64_t sequence;
    VmRef ref;
    uint32_t generation;
    bool operator>(const Completion& other) const {
      return std::tie(at_s, sequence) > std::tie(other.at_s, other.sequence);
    }
  };

  void run_scripted_events(double t_s);
  void apply_world_changes(double t_s);
  void run_evictions(double t_s);
  void complete_provisioning(double t_s);
  void retry_pending(double t_s, bool periodic);
  void sample_metrics(double t_s);
  void evaluate_autoscale(double t_s);

  void apply_set_pool(const SetPoolEvent& event, double t_s);
  void apply_update(const UpdateSkuProfileEvent& event, double t_s);
  void change_pool_capacity(size_t pool, int64_t capacity_vms);
  void evict(VmRef ref, double t_s, std::string_view cause);
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

  size_t next_scripted_ = 0;
  std::priority_queue<PoolChange, std::vector<PoolChange>, std::greater<>> pool_changes_;
  std::vector<size_t> pool_spec_of_;        // by pool index: index into scenario.pools, or SIZE_MAX
  std::vector<bool> pool_overridden_;       // by pool index: a setPool event replaced the profile
  std::vector<size_t> pools_over_capacity_; // Spot pools to evict from at this instant
  std::priority_queue<Completion, std::vector<Completion>, std::greater<>> completions_;
  uint64_t completion_sequence_ = 0;

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
  double last_progress_fraction_ = 0;
};

}  // namespace mixsim
