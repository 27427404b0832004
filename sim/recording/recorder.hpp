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

/// The files a run folder may hold: what a run writes, and report.html, which is made from them. A run replaces
/// the ones it writes and removes the others, which would describe an earlier run.
inline constexpr std::string_view kRunFolderFiles[] = {"summary.json", "timeline.csv", "events.csv", "report.html"};

/// Counters reported under `counts` in summary.json.
struct ActionCounts {
  int64_t evictions = 0;
  int64_t evictions_for_capacity = 0;
  int64_t evictions_for_rate = 0;
  int64_t evictions_for_price = 0;
  int64_t allocation_failures = 0;
  int64_t scale_outs = 0;
  int64_t scale_ins = 0;
  int64_t restores = 0;
  int64_t creation_failures = 0;
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
  /// Sets the current value of the set's named metric `metric` (its index in workload.metrics).
  void set_metric(SetId set, size_t metric, double value, bool available) {
    meters_[set].named[metric].value = value;
    meters_[set].named[metric].available = available;
  }
  /// Sets the Percentage CPU forecast that the timeline reports (empty: none).
  void set_forecast(SetId set, std::optional<double> cpu_percent) { forecasts_[set] = cpu_percent; }
  double demand(SetId set) const { return meters_[set].demand_vcpus; }

  /// Returns the minute that ends at t_s and starts a new one. Requires advance(t_s) first.
  MinuteSample take_minute_sample(SetId set);

  /// A row about one VM that is not a state change (evict, eviction_notice).
  void record_vm_event(double t_s, VmRef ref, const Vm& vm, std::string_view kind, std::string_view detail);
  /// A row about an action on a set (scale_out, allocation_failed, update_rejected, ...); `vm` is left empty.
  void record_action(double t_s, SetId set, std::string_view kind, int64_t count, std::string_view detail);

  ActionCounts& counts(SetId set) { return counts_[set]; }
  /// Counts an eviction by its cause: capacity, rate or price.
  void count_eviction(SetId set, std::string_view cause);

  /// Rebills the Spot VMs of (zone, size) at the pool's new Spot price from t_s on.
  void on_spot_price_change(ZoneId zone, SizeId size, double t_s);

  /// Notes, after an instant, how many VMs of the set run, how many of them the largest zone (or fault domain)
  /// holds, and how many a failure has stopped; the summary reports the worst of each over the run.
  void note_domain_exposure(SetId set, int running, int largest_domain_running, int stopped);

  /// Checks the recorder's invariants after advance(t_s). Returns a description of the first one broken, with the
  /// values that broke it, or an empty string. No set's cost may decrease since the last check or grow at a
  /// negative rate, no billing cell may count fewer than zero VMs, and each set's capacity and demand availability
  /// so far must lie in [0, 1].
  std::string check_invariants(double t_s);

  /// Writes one timeline row per set at t_s.
  void write_timeline_rows(double t_s);

  /// Closes the integrals at t_end, renames the result files into place and returns summary.json's content. An
  /// earlier run's summary.json is removed before any file is renamed, and the new one is written last. The other
  /// kRunFolderFiles that this run does not write are removed.
  nlohmann::ordered_json finish(double t_end_s, int64_t events_processed);

 private:
  /// A metric's integrals over the current minute, while VMs ran and the metric had data.
  struct MinuteIntegral {
    double covered_s = 0;
    double average_s = 0;  // of the per-instance value
    double sum_s = 0;      // of the value summed over running VMs
    double count_s = 0;    // of the running VMs

    void add(double dt_s, double average, double running) {
      covered_s += dt_s;
      average_s += average * dt_s;
      sum_s += average * running * dt_s;
      count_s += running * dt_s;
    }
    /// Returns the minute's means and starts the next minute.
    MetricMinute take();
  };
  /// One named metric's current value and its minute.
  struct NamedMeter {
    double value = 0;
    bool available = true;
    bool per_instance = false;
    MinuteIntegral minute;
  };
  struct Meter {
    double demand_vcpus = 0;
    std::vector<NamedMeter> named;
    double last_s = 0;
    MinuteIntegral cpu_minute;
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
  struct Exposure {
    double worst_share = 0;  // largest share of running VMs in one zone or fault domain
    double worst_loss = 0;   // largest share of the set's VMs stopped at once by a failure
  };

  void remove_result_file(std::string_view name) const;
  /// Checks that every availability in summary.json lies in [0, 1]; throws InvariantError otherwise.
  static void check_summary(const nlohmann::ordered_json& summary);
  BillingCell& cell_for(VmRef ref, const Vm& vm);
  BillingCell& find_cell(const Vm& vm);
  void advance_cell(BillingCell& cell, double t_s) const;
  void advance_set_cost(SetId set, double t_s);
  /// Brings every billing cell to t_s and sums the cost so far by (set, size) and (set, priority).
  void sum_cost_so_far(double t_s);
  double compute_price(SetId set, ZoneId zone, SizeId size, Priority priority) const;
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
  std::vector<double> checked_cost_usd_;  // by set: the cost at the last check_invariants()
  std::vector<ActionCounts> counts_;
  std::vector<BillingCell> cells_;
  std::unordered_map<uint64_t, uint32_t> cell_index_;
  std::vector<uint32_t> cell_of_vm_;       // by VmRef: the VM's billing cell
  std::vector<uint32_t> cell_generation_;  // by VmRef: the generation the cached cell belongs to
  std::vector<std::vector<uint32_t>> spot_cells_;  // by (zone, size): Spot billing cells, for price changes
  std::vector<Exposure> exposures_;
  std::vector<std::optional<double>> forecasts_;  // by set
  bool any_forecast_ = false;  // a set has predictive autoscale: the timeline has a forecast column
  std::vector<ZoneId> timeline_zones_;  // zones of the regions that hold a set, in listed order
  // Names as CSV fields, quoted where they need it, by SetId, SizeId and ZoneId.
  std::vector<std::string> set_fields_;
  std::vector<std::string> size_fields_;
  std::vector<std::string> zone_fields_;
  fmt::memory_buffer vm_name_;
  double row_time_s_ = -1;
  fmt::memory_buffer row_time_text_;
  std::vector<double> cost_by_set_size_;      // USD so far, indexed set * sizes + size; set by sum_cost_so_far()
  std::vector<double> cost_by_set_priority_;  // USD so far, indexed set * kPriorityCount + priority
};

/// Quotes a CSV field as RFC 4180 requires: in double quotes when it holds a comma, quote or line break.
void append_csv_field(fmt::memory_buffer& out, std::string_view field);
/// Returns `field` quoted as append_csv_field() writes it.
std::string csv_field(std::string_view field);
void append_text(fmt::memory_buffer& out, std::string_view text);

}  // namespace mixsim
