// The only writer of results. It integrates cost, availability and the workload metric between events, so no
// quantity is ever recomputed by scanning the fleet, and streams events.csv and timeline.csv as the run goes.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mixsim/autoscale.hpp"
#include "mixsim/fleet.hpp"
#include "mixsim/scenario.hpp"
#include "output_file.hpp"

namespace mixsim {

/// Counters reported under `counts` in summary.json.
struct ActionCounts {
  int64_t evictions = 0;
  int64_t allocation_failures = 0;
  int64_t scale_outs = 0;
  int64_t scale_ins = 0;
  int64_t restores = 0;
};

class Recorder : public FleetObserver {
 public:
  /// Streams result files into `out_dir` (created by the caller); an empty `out_dir` records in memory only.
  Recorder(const Scenario& scenario, const Fleet& fleet, const std::string& out_dir);

  void on_vm_change(VmRef ref, const Vm& vm, std::optional<VmState> from, std::optional<VmState> to, double t_s,
                    std::string_view reason) override;

  /// Integrates every set's availability and metric up to t_s. Call at the start of each instant, before anything
  /// changes, so that the integrals use the state that held since the previous instant.
  void advance(double t_s);

  void set_demand(SetId set, double vcpus) { meters_[set].demand_vcpus = vcpus; }
  double demand(SetId set) const { return meters_[set].demand_vcpus; }

  /// Returns the minute that ends at t_s and starts a new one. Requires advance(t_s) first.
  MinuteSample take_minute_sample(SetId set);

  /// A row about one VM that is not a state change (evict, eviction_notice).
  void record_vm_event(double t_s, VmRef ref, const Vm& vm, std::string_view kind, std::string_view detail);
  /// A row about an action on a set (scale_out, allocation_failed, update_rejected, ...); `vm` is left empty.
  void record_action(double t_s, SetId set, std::string_view kind, int64_t count, std::string_view detail);

  ActionCounts& counts(SetId set) { return counts_[set]; }

  /// Writes one timeline row per set at t_s.
  void write_timeline_rows(double t_s);

  /// Closes the integrals at t_end, renames the result files into place and returns summary.json's content.
  nlohmann::ordered_json finish(double t_end_s, int64_t events_processed);

 private:
  struct Meter {
    double demand_vcpus = 0;
    double last_s = 0;
    double minute_covered_s = 0;
    double minute_cpu_s = 0;
    double minute_count_s = 0;
    double minute_sum_s = 0;
    double demand_vcpu_s = 0;
    double served_vcpu_s = 0;
    double target_vm_s = 0;
    double served_target_vm_s = 0;  // integral of min(running, target)
    double below_target_s = 0;
  };
  /// Cost and VM time of one (set, zone, size, priority).
  struct BillingCell {
    SetId set;
    ZoneId zone;
    SizeId size;
    Priority priority;
    double compute_usd_per_hour;
    int64_t compute_vms = 0;  // provisioning or running
    int64_t disk_vms = 0;     // every VM that exists
    double last_s = 0;
    double compute_usd = 0;
    double disk_usd = 0;
    double compute_vm_s = 0;
  };
  struct SetCost {
    double usd_per_s = 0;
    double usd = 0;
    double last_s = 0;
  };

  BillingCell& cell_for(const Vm& vm);
  void advance_cell(BillingCell& cell, double t_s) const;
  void advance_set_cost(SetId set, double t_s);
  /// Brings every billing cell to t_s and sums the cost so far by (set, size) and (set, priority).
  void sum_cost_so_far(double t_s);
  double compute_price(SetId set, SizeId size, Priority priority) const;
  void write_event_row(double t_s, SetId set, std::string_view kind, std::string_view vm, std::string_view size,
                       std::string_view zone, std::string_view priority, int64_t count, std::string_view detail);
  nlohmann::ordered_json summarize(const std::vector<SetId>& sets) const;

  const Scenario& scenario_;
  const Fleet& fleet_;
  std::string out_dir_;
  std::unique_ptr<OutputFile> events_file_;
  std::unique_ptr<OutputFile> timeline_file_;
  std::vector<Meter> meters_;
  double total_last_s_ = 0;
  double total_below_target_s_ = 0;  // time when all sets together ran fewer VMs than their summed targets
  std::vector<SetCost> set_costs_;
  std::vector<ActionCounts> counts_;
  std::vector<BillingCell> cells_;
  std::unordered_map<uint64_t, uint32_t> cell_index_;
  std::vector<ZoneId> timeline_zones_;  // zones of the regions that hold a set, in listed order
  std::vector<double> cost_by_set_size_;      // USD so far, indexed set * sizes + size; set by sum_cost_so_far()
  std::vector<double> cost_by_set_priority_;  // USD so far, indexed set * kPriorityCount + priority
};

/// Quotes a CSV field as RFC 4180 requires: in double quotes when it holds a comma, quote or line break.
void append_csv_field(fmt::memory_buffer& out, std::string_view field);

}  // namespace mixsim
