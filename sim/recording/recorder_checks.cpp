// The recorder's invariants: cost never decreases, and availability stays within [0, 1].
#include <fmt/format.h>

#include <cmath>

#include "mixsim/check.hpp"
#include "recorder.hpp"

namespace mixsim {

namespace {

// Integrals are sums of many products; this absorbs their rounding, relative to the larger side.
bool within(double part, double whole) {
  const double tolerance = 1e-9 * std::max(1.0, std::fabs(whole));
  return part >= -tolerance && part <= whole + tolerance;
}

}  // namespace

std::string Recorder::check_invariants(double t_s) {
  for (SetId set = 0; set < meters_.size(); ++set) {
    const std::string& name = scenario_.scale_sets[set].name;
    const SetCost& cost = set_costs_[set];
    if (!(cost.usd_per_s >= -1e-15) || !std::isfinite(cost.usd)) {
      return fmt::format("set {} at t = {} s: cost grows at {} USD per second, below zero (cost so far {} USD)", name,
                         t_s, cost.usd_per_s, cost.usd);
    }
    if (cost.usd < checked_cost_usd_[set] - 1e-9 * std::max(1.0, checked_cost_usd_[set])) {
      return fmt::format("set {} at t = {} s: cost decreased from {} to {} USD", name, t_s, checked_cost_usd_[set],
                         cost.usd);
    }
    checked_cost_usd_[set] = cost.usd;

    const Meter& meter = meters_[set];
    if (!within(meter.served_target_vm_s, meter.target_vm_s)) {
      return fmt::format("set {} at t = {} s: capacity availability is outside [0, 1]: the integral of min(running, "
                         "target) is {} VM-seconds, of the target {} VM-seconds",
                         name, t_s, meter.served_target_vm_s, meter.target_vm_s);
    }
    if (!within(meter.served_vcpu_s, meter.demand_vcpu_s)) {
      return fmt::format("set {} at t = {} s: demand availability is outside [0, 1]: {} vCPU-seconds served of {} "
                         "demanded",
                         name, t_s, meter.served_vcpu_s, meter.demand_vcpu_s);
    }
  }
  for (const BillingCell& cell : cells_) {
    if (cell.compute_vms < 0 || cell.disk_vms < 0) {
      return fmt::format("set {} at t = {} s: {} {} VMs of {} in {} are billed for compute and {} for disk, below zero",
                         scenario_.scale_sets[cell.set].name, t_s, cell.compute_vms,
                         cell.priority == Priority::Regular ? "Regular" : "Spot", scenario_.sizes[cell.size].name,
                         scenario_.zones[cell.zone].label, cell.disk_vms);
    }
  }
  return {};
}

void Recorder::check_summary(const nlohmann::ordered_json& summary) {
  auto check_block = [](const nlohmann::ordered_json& block, const std::string& where) {
    for (const char* key : {"capacity", "demand"}) {
      const double value = block["availability"][key].get<double>();
      MIXSIM_CHECK(value >= 0 && value <= 1 + 1e-12,
                   fmt::format("{} availability.{} = {} lies within [0, 1]", where, key, value));
    }
  };
  check_block(summary, "summary.json");
  for (const auto& [name, block] : summary["scaleSets"].items()) {
    check_block(block, "summary.json scaleSets." + name);
  }
}

}  // namespace mixsim
