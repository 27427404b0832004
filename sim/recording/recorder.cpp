#include "recorder.hpp"

#include <fmt/compile.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "mixsim/check.hpp"
#include "scenario_description.hpp"

namespace mixsim {

namespace {

constexpr double kSecondsPerHour = 3600;

const char* const kEventsHeader = "time_s,scaleSet,kind,vm,size,zone,priority,count,detail\n";
const char* const kTimelineHeader =
    "time_s,scaleSet,target,running,deallocated,running_regular,running_spot,demand_vcpu,served_vcpu,cpu_percent,"
    "cost_usd";

// 1 when the denominator is 0: nothing was asked, so nothing was missed.
double ratio_or_one(double numerator, double denominator) {
  return denominator > 0 ? numerator / denominator : 1.0;
}

}  // namespace

void append_text(fmt::memory_buffer& out, std::string_view text) { out.append(text.data(), text.data() + text.size()); }

std::string csv_field(std::string_view field) {
  fmt::memory_buffer out;
  append_csv_field(out, field);
  return fmt::to_string(out);
}

void append_csv_field(fmt::memory_buffer& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(field.data(), field.data() + field.size());
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') {
      out.push_back('"');
    }
    out.push_back(c);
  }
  out.push_back('"');
}

Recorder::Recorder(const Scenario& scenario, const Fleet& fleet, const std::string& out_dir)
    : scenario_(scenario),
      fleet_(fleet),
      out_dir_(out_dir),
      meters_(scenario.scale_sets.size()),
      set_costs_(scenario.scale_sets.size()),
      checked_cost_usd_(scenario.scale_sets.size(), 0.0),
      counts_(scenario.scale_sets.size()),
      spot_cells_(scenario.zones.size() * scenario.sizes.size()),
      exposures_(scenario.scale_sets.size()),
      forecasts_(scenario.scale_sets.size()) {
  for (SetId set = 0; set < scenario.scale_sets.size(); ++set) {
    const ScaleSetSpec& spec = scenario.scale_sets[set];
    for (const NamedMetric& metric : spec.workload.metrics) {
      NamedMeter meter;
      meter.per_instance = metric.per_instance;
      meters_[set].named.push_back(meter);
    }
    any_forecast_ = any_forecast_ || (spec.autoscale && spec.autoscale->predictive.mode != PredictiveMode::Disabled);
  }
  for (const ScaleSetSpec& set : scenario.scale_sets) {
    set_fields_.push_back(csv_field(set.name));
  }
  for (const VmSize& size : scenario.sizes) {
    size_fields_.push_back(csv_field(size.name));
  }
  for (const Zone& zone : scenario.zones) {
    zone_fields_.push_back(csv_field(zone.label));
  }

  std::vector<bool> region_used(scenario.regions.size(), false);
  for (const ScaleSetSpec& set : scenario.scale_sets) {
    region_used[set.region] = true;
  }
  for (ZoneId zone = 0; zone < scenario.zones.size(); ++zone) {
    if (region_used[scenario.zones[zone].region]) {
      timeline_zones_.push_back(zone);
    }
  }

  if (out_dir_.empty()) {
    return;
  }
  if (scenario.outputs.events) {
    events_file_ = std::make_unique<OutputFile>(out_dir_ + "/events.csv");
    events_file_->append(kEventsHeader);
  }
  if (scenario.outputs.timeline) {
    timeline_file_ = std::make_unique<OutputFile>(out_dir_ + "/timeline.csv");
    auto& out = timeline_file_->buffer();
    out.append(std::string_view(kTimelineHeader));
    for (const VmSize& size : scenario.sizes) {
      fmt::format_to(std::back_inserter(out), ",running.size.{}", size.name);
    }
    for (ZoneId zone : timeline_zones_) {
      fmt::format_to(std::back_inserter(out), ",running.zone.{}", scenario.zones[zone].label);
    }
    out.append(std::string_view(",provisioning,pending,stopped,failed"));
    for (const VmSize& size : scenario.sizes) {
      fmt::format_to(std::back_inserter(out), ",cost.size.{}", size.name);
    }
    for (Priority priority : {Priority::Regular, Priority::Spot}) {
      fmt::format_to(std::back_inserter(out), ",cost.priority.{}", to_string(priority));
    }
    out.append(std::string_view(any_forecast_ ? ",forecast_cpu_percent\n" : "\n"));
  }
}

double Recorder::compute_price(SetId set, ZoneId zone, SizeId size, Priority priority) const {
  const ScaleSetSpec& spec = scenario_.scale_sets[set];
  const VmSize& vm_size = scenario_.sizes[size];
  if (priority == Priority::Regular) {
    return vm_size.regular_usd_per_hour[spec.region].value_or(0.0);
  }
  const double spot = fleet_.price_usd_per_hour(zone, size, Priority::Spot).value_or(0.0);
  // maxPrice -1 pays the Spot price capped at the Regular price.
  const auto& regular = vm_size.regular_usd_per_hour[spec.region];
  if (spec.max_price_usd_per_hour < 0 && regular) {
    return std::min(spot, *regular);
  }
  return spot;
}

Recorder::BillingCell& Recorder::cell_for(VmRef ref, const Vm& vm) {
  // A VM keeps its cell for its whole life; the cache saves a hash lookup on each of its changes.
  if (ref < cell_of_vm_.size() && cell_generation_[ref] == vm.generation) {
    return cells_[cell_of_vm_[ref]];
  }
  BillingCell& cell = find_cell(vm);
  if (ref >= cell_of_vm_.size()) {
    cell_of_vm_.resize(ref + 1);
    cell_generation_.resize(ref + 1, 0);
  }
  cell_of_vm_[ref] = static_cast<uint32_t>(&cell - cells_.data());
  cell_generation_[ref] = vm.generation;
  return cell;
}

Recorder::BillingCell& Recorder::find_cell(const Vm& vm) {
  const uint64_t key =
      ((static_cast<uint64_t>(vm.set) * scenario_.zones.size() + vm.zone) * scenario_.sizes.size() + vm.size) *
          kPriorityCount +
      static_cast<uint64_t>(vm.priority);
  const auto [found, inserted] = cell_index_.emplace(key, static_cast<uint32_t>(cells_.size()));
  if (inserted) {
    cells_.push_back(
        BillingCell{vm.set, vm.zone, vm.size, vm.priority, compute_price(vm.set, vm.zone, vm.size, vm.priority)});
    if (vm.priority == Priority::Spot) {
      spot_cells_[vm.zone * scenario_.sizes.size() + vm.size].push_back(found->second);
    }
  }
  return cells_[found->second];
}

void Recorder::advance_cell(BillingCell& cell, double t_s) const {
  const double dt = t_s - cell.last_s;
  if (dt > 0) {
    cell.compute_usd += static_cast<double>(cell.compute_vms) * cell.compute_usd_per_hour * dt / kSecondsPerHour;
    cell.disk_usd += static_cast<double>(cell.disk_vms) * scenario_.os_disk_usd_per_hour * dt / kSecondsPerHour;
    cell.compute_vm_s += static_cast<double>(cell.compute_vms) * dt;
  }
  cell.last_s = t_s;
}

void Recorder::advance_set_cost(SetId set, double t_s) {
  SetCost& cost = set_costs_[set];
  if (t_s > cost.last_s) {
    cost.usd += cost.usd_per_s * (t_s - cost.last_s);
  }
  cost.last_s = t_s;
}

void Recorder::on_vm_change(VmRef ref, const Vm& vm, std::optional<VmState> from, std::optional<VmState> to,
                            double t_s, std::string_view reason) {
  BillingCell& cell = cell_for(ref, vm);
  advance_cell(cell, t_s);
  advance_set_cost(vm.set, t_s);

  // Compute is billed from allocation until deletion or deallocation; the OS disk until deletion.
  auto billed = [](std::optional<VmState> state) { return state && *state != VmState::Deallocated; };
  const int compute_change = static_cast<int>(billed(to)) - static_cast<int>(billed(from));
  const int disk_change = static_cast<int>(to.has_value()) - static_cast<int>(from.has_value());
  cell.compute_vms += compute_change;
  cell.disk_vms += disk_change;
  set_costs_[vm.set].usd_per_s +=
      (compute_change * cell.compute_usd_per_hour + disk_change * scenario_.os_disk_usd_per_hour) / kSecondsPerHour;

  if (!from) {
    record_vm_event(t_s, ref, vm, "allocate", "");
  } else if (!to) {
    record_vm_event(t_s, ref, vm, "delete", reason);
  } else if (*to == VmState::Deallocated) {
    record_vm_event(t_s, ref, vm, "deallocate", reason);
  }
}

void Recorder::count_eviction(SetId set, std::string_view cause) {
  ActionCounts& counts = counts_[set];
  ++counts.evictions;
  if (cause == "capacity") {
    ++counts.evictions_for_capacity;
  } else if (cause == "price") {
    ++counts.evictions_for_price;
  } else {
    ++counts.evictions_for_rate;
  }
}

void Recorder::on_spot_price_change(ZoneId zone, SizeId size, double t_s) {
  for (uint32_t index : spot_cells_[zone * scenario_.sizes.size() + size]) {
    BillingCell& cell = cells_[index];
    advance_cell(cell, t_s);
    advance_set_cost(cell.set, t_s);
    const double price = compute_price(cell.set, cell.zone, cell.size, cell.priority);
    set_costs_[cell.set].usd_per_s += static_cast<double>(cell.compute_vms) * (price - cell.compute_usd_per_hour) / kSecondsPerHour;
    cell.compute_usd_per_hour = price;
  }
}

void Recorder::note_domain_exposure(SetId set, int running, int largest_domain_running, int stopped) {
  Exposure& exposure = exposures_[set];
  // The exposure of the healthy fleet: while a failure stops VMs, the share of the survivors says little.
  if (running > 0 && stopped == 0) {
    exposure.worst_share = std::max(exposure.worst_share, static_cast<double>(largest_domain_running) / running);
  }
  if (stopped > 0) {
    exposure.worst_loss = std::max(exposure.worst_loss, static_cast<double>(stopped) / (running + stopped));
  }
}

void Recorder::advance(double t_s) {
  double total_running = 0;
  double total_target = 0;
  for (SetId set = 0; set < meters_.size(); ++set) {
    total_running += fleet_.set(set).by_state[static_cast<int>(VmState::Running)];
    total_target += fleet_.capacity(set);
  }
  if (t_s > total_last_s_) {
    if (total_running < total_target) {
      total_below_target_s_ += t_s - total_last_s_;
    }
    total_last_s_ = t_s;
  }

  for (SetId set = 0; set < meters_.size(); ++set) {
    Meter& meter = meters_[set];
    const double dt = t_s - meter.last_s;
    if (dt <= 0) {
      continue;
    }
    const SetState& state = fleet_.set(set);
    const double vcpus = static_cast<double>(state.running_vcpus);
    const double running = state.by_state[static_cast<int>(VmState::Running)];
    const double target = fleet_.capacity(set);

    meter.demand_vcpu_s += meter.demand_vcpus * dt;
    meter.served_vcpu_s += std::min(meter.demand_vcpus, vcpus) * dt;
    meter.target_vm_s += target * dt;
    meter.served_target_vm_s += std::min(running, target) * dt;
    if (running < target) {
      meter.below_target_s += dt;
    }
    if (running > 0) {
      const double cpu = std::min(100.0, meter.demand_vcpus / vcpus * 100.0);
      meter.cpu_minute.add(dt, cpu, running);
      // A set-wide value is shared by the running VMs; a per-instance value is each VM's.
      for (NamedMeter& named : meter.named) {
        if (named.available) {
          named.minute.add(dt, named.per_instance ? named.value : named.value / running, running);
        }
      }
    }
    meter.last_s = t_s;
  }
}

MetricMinute Recorder::MinuteIntegral::take() {
  MetricMinute minute;
  if (covered_s > 0) {
    minute.available = true;
    minute.average = average_s / covered_s;
    minute.sum = sum_s / covered_s;
    minute.count = count_s / covered_s;
  }
  *this = MinuteIntegral{};
  return minute;
}

MinuteSample Recorder::take_minute_sample(SetId set) {
  Meter& meter = meters_[set];
  MinuteSample sample;
  sample.metrics.push_back(meter.cpu_minute.take());
  for (NamedMeter& named : meter.named) {
    sample.metrics.push_back(named.minute.take());
  }
  return sample;
}

void Recorder::write_event_row(double t_s, SetId set, std::string_view kind, std::string_view vm,
                               std::string_view size, std::string_view zone, std::string_view priority, int64_t count,
                               std::string_view detail) {
  if (!events_file_) {
    return;
  }
  // Rows are written in their millions on long runs: the format strings are compiled and names pre-quoted.
  auto& out = events_file_->buffer();
  // Most rows share their instant with the row before, so the time's text is kept.
  if (t_s != row_time_s_ || row_time_text_.size() == 0) {
    row_time_s_ = t_s;
    row_time_text_.clear();
    fmt::format_to(std::back_inserter(row_time_text_), FMT_COMPILE("{},"), t_s);
  }
  out.append(row_time_text_.data(), row_time_text_.data() + row_time_text_.size());
  append_text(out, set_fields_[set]);
  out.push_back(',');
  append_text(out, kind);
  out.push_back(',');
  append_text(out, vm);
  out.push_back(',');
  append_text(out, size);
  out.push_back(',');
  append_text(out, zone);
  out.push_back(',');
  append_text(out, priority);
  fmt::format_to(std::back_inserter(out), FMT_COMPILE(",{},"), count);
  append_csv_field(out, detail);
  out.push_back('\n');
  events_file_->maybe_flush();
}

void Recorder::record_vm_event(double t_s, VmRef, const Vm& vm, std::string_view kind, std::string_view detail) {
  if (!events_file_) {
    return;
  }
  // The VM's name, <set>-<instance id>, is built in a reused buffer rather than a new string per row.
  vm_name_.clear();
  append_text(vm_name_, scenario_.scale_sets[vm.set].name);
  fmt::format_to(std::back_inserter(vm_name_), FMT_COMPILE("-{}"), vm.instance_id);
  write_event_row(t_s, vm.set, kind, std::string_view(vm_name_.data(), vm_name_.size()), size_fields_[vm.size],
                  zone_fields_[vm.zone], to_string(vm.priority), 1, detail);
}

void Recorder::record_action(double t_s, SetId set, std::string_view kind, int64_t count, std::string_view detail) {
  write_event_row(t_s, set, kind, "", "", "", "", count, detail);
}

namespace {

// Appends ",<value>" for a count; the timeline has one per size and zone on every row.
void append_count(fmt::memory_buffer& out, int64_t value) {
  out.push_back(',');
  const fmt::format_int text(value);
  out.append(text.data(), text.data() + text.size());
}

}  // namespace

void Recorder::sum_cost_so_far(double t_s) {
  const size_t size_count = scenario_.sizes.size();
  cost_by_set_size_.assign(scenario_.scale_sets.size() * size_count, 0.0);
  cost_by_set_priority_.assign(scenario_.scale_sets.size() * kPriorityCount, 0.0);
  for (BillingCell& cell : cells_) {
    advance_cell(cell, t_s);
    const double usd = cell.compute_usd + cell.disk_usd;
    cost_by_set_size_[cell.set * size_count + cell.size] += usd;
    cost_by_set_priority_[cell.set * kPriorityCount + static_cast<int>(cell.priority)] += usd;
  }
}

void Recorder::write_timeline_rows(double t_s) {
  if (!timeline_file_) {
    return;
  }
  auto& out = timeline_file_->buffer();
  auto inserter = std::back_inserter(out);
  sum_cost_so_far(t_s);
  for (SetId set = 0; set < scenario_.scale_sets.size(); ++set) {
    const SetState& state = fleet_.set(set);
    advance_set_cost(set, t_s);
    const double demand = meters_[set].demand_vcpus;
    const double vcpus = static_cast<double>(state.running_vcpus);
    const int running = state.by_state[static_cast<int>(VmState::Running)];
    const int running_spot = state.running_by_priority[static_cast<int>(Priority::Spot)];

    fmt::format_to(inserter, FMT_COMPILE("{}"), t_s);
    out.push_back(',');
    append_text(out, set_fields_[set]);
    append_count(out, fleet_.capacity(set));
    append_count(out, running);
    append_count(out, state.by_state[static_cast<int>(VmState::Deallocated)]);
    append_count(out, running - running_spot);
    append_count(out, running_spot);
    fmt::format_to(inserter, FMT_COMPILE(",{:.6g},{:.6g},"), demand, std::min(demand, vcpus));
    // Percentage CPU is unavailable while no VM runs: the field stays empty.
    if (running > 0) {
      fmt::format_to(inserter, FMT_COMPILE("{:.4f}"), std::min(100.0, demand / vcpus * 100.0));
    }
    fmt::format_to(inserter, FMT_COMPILE(",{:.6f}"), set_costs_[set].usd);
    for (SizeId size = 0; size < scenario_.sizes.size(); ++size) {
      append_count(out, state.running_by_size[size]);
    }
    for (ZoneId zone : timeline_zones_) {
      append_count(out, state.running_by_zone[zone]);
    }
    append_count(out, state.by_state[static_cast<int>(VmState::Provisioning)]);
    append_count(out, state.pending_count());
    append_count(out, state.by_state[static_cast<int>(VmState::Stopped)]);
    append_count(out, state.by_state[static_cast<int>(VmState::Failed)]);
    for (SizeId size = 0; size < scenario_.sizes.size(); ++size) {
      fmt::format_to(inserter, FMT_COMPILE(",{:.6f}"), cost_by_set_size_[set * scenario_.sizes.size() + size]);
    }
    for (int priority = 0; priority < kPriorityCount; ++priority) {
      fmt::format_to(inserter, FMT_COMPILE(",{:.6f}"), cost_by_set_priority_[set * kPriorityCount + priority]);
    }
    if (any_forecast_) {
      out.push_back(',');
      if (forecasts_[set]) {
        fmt::format_to(inserter, FMT_COMPILE("{:.4f}"), *forecasts_[set]);
      }
    }
    out.push_back('\n');
  }
  timeline_file_->maybe_flush();
}

nlohmann::ordered_json Recorder::summarize(const std::vector<SetId>& sets) const {
  double compute = 0;
  double disk = 0;
  std::vector<double> by_size(scenario_.sizes.size(), 0.0);
  std::vector<double> by_zone(scenario_.zones.size(), 0.0);
  double by_priority[kPriorityCount] = {0, 0};
  std::vector<double> hours_by_size(scenario_.sizes.size(), 0.0);
  double hours_by_priority[kPriorityCount] = {0, 0};
  for (const BillingCell& cell : cells_) {
    if (std::find(sets.begin(), sets.end(), cell.set) == sets.end()) {
      continue;
    }
    const double cell_total = cell.compute_usd + cell.disk_usd;
    compute += cell.compute_usd;
    disk += cell.disk_usd;
    by_size[cell.size] += cell_total;
    by_zone[cell.zone] += cell_total;
    by_priority[static_cast<int>(cell.priority)] += cell_total;
    hours_by_size[cell.size] += cell.compute_vm_s / kSecondsPerHour;
    hours_by_priority[static_cast<int>(cell.priority)] += cell.compute_vm_s / kSecondsPerHour;
  }

  Meter total;
  ActionCounts counts;
  Exposure exposure;
  for (SetId set : sets) {
    exposure.worst_share = std::max(exposure.worst_share, exposures_[set].worst_share);
    exposure.worst_loss = std::max(exposure.worst_loss, exposures_[set].worst_loss);
    const Meter& meter = meters_[set];
    total.demand_vcpu_s += meter.demand_vcpu_s;
    total.served_vcpu_s += meter.served_vcpu_s;
    total.target_vm_s += meter.target_vm_s;
    total.served_target_vm_s += meter.served_target_vm_s;
    total.below_target_s = meter.below_target_s;
    counts.evictions += counts_[set].evictions;
    counts.evictions_for_capacity += counts_[set].evictions_for_capacity;
    counts.evictions_for_rate += counts_[set].evictions_for_rate;
    counts.evictions_for_price += counts_[set].evictions_for_price;
    counts.creation_failures += counts_[set].creation_failures;
    counts.allocation_failures += counts_[set].allocation_failures;
    counts.scale_outs += counts_[set].scale_outs;
    counts.scale_ins += counts_[set].scale_ins;
    counts.restores += counts_[set].restores;
  }

  nlohmann::ordered_json cost = {{"total", compute + disk}, {"compute", compute}, {"disk", disk}};
  nlohmann::ordered_json cost_by_size = nlohmann::ordered_json::object();
  nlohmann::ordered_json hours_size = nlohmann::ordered_json::object();
  for (SizeId size = 0; size < scenario_.sizes.size(); ++size) {
    cost_by_size[scenario_.sizes[size].name] = by_size[size];
    hours_size[scenario_.sizes[size].name] = hours_by_size[size];
  }
  nlohmann::ordered_json cost_by_zone = nlohmann::ordered_json::object();
  for (ZoneId zone : timeline_zones_) {
    cost_by_zone[scenario_.zones[zone].label] = by_zone[zone];
  }
  cost["bySize"] = cost_by_size;
  cost["byPriority"] = {{"Regular", by_priority[0]}, {"Spot", by_priority[1]}};
  cost["byZone"] = cost_by_zone;

  // For several sets, the time below target is when their running VMs together fell short of their targets.
  if (sets.size() > 1) {
    total.below_target_s = total_below_target_s_;
  }

  nlohmann::ordered_json summary;
  summary["cost"] = cost;
  summary["availability"] = {{"capacity", ratio_or_one(total.served_target_vm_s, total.target_vm_s)},
                             {"demand", ratio_or_one(total.served_vcpu_s, total.demand_vcpu_s)},
                             {"timeBelowTarget", total.below_target_s},
                             {"worstDomainShare", exposure.worst_share},
                             {"worstDomainLoss", exposure.worst_loss}};
  summary["counts"] = {{"evictions", counts.evictions},
                       {"allocationFailures", counts.allocation_failures},
                       {"scaleOuts", counts.scale_outs},
                       {"scaleIns", counts.scale_ins},
                       {"restores", counts.restores},
                       {"evictionsByCause",
                        {{"capacity", counts.evictions_for_capacity},
                         {"rate", counts.evictions_for_rate},
                         {"price", counts.evictions_for_price}}},
                       {"creationFailures", counts.creation_failures}};
  summary["vmHours"] = {{"bySize", hours_size},
                        {"byPriority", {{"Regular", hours_by_priority[0]}, {"Spot", hours_by_priority[1]}}}};
  return summary;
}

void Recorder::remove_result_file(std::string_view name) const {
  const std::string path = out_dir_ + "/" + std::string(name);
  if (std::remove(path.c_str()) != 0 && errno != ENOENT) {
    throw std::runtime_error("cannot remove " + path + ": " + std::strerror(errno));
  }
}

nlohmann::ordered_json Recorder::finish(double t_end_s, int64_t events_processed) {
  advance(t_end_s);
  for (BillingCell& cell : cells_) {
    advance_cell(cell, t_end_s);
  }
  for (SetId set = 0; set < set_costs_.size(); ++set) {
    advance_set_cost(set, t_end_s);
  }

  std::vector<SetId> all_sets;
  for (SetId set = 0; set < scenario_.scale_sets.size(); ++set) {
    all_sets.push_back(set);
  }
  nlohmann::ordered_json summary;
  summary["scenario"] = scenario_.name;
  summary["seed"] = scenario_.seed;
  summary["version"] = MIXSIM_VERSION;
  summary["platformRules"] = to_string(scenario_.platform_rules);
  summary["duration_s"] = scenario_.duration_s;
  summary["eventsProcessed"] = events_processed;
  const nlohmann::ordered_json totals = summarize(all_sets);
  for (const auto& [key, value] : totals.items()) {
    summary[key] = value;
  }
  nlohmann::ordered_json per_set = nlohmann::ordered_json::object();
  for (SetId set = 0; set < scenario_.scale_sets.size(); ++set) {
    per_set[scenario_.scale_sets[set].name] = summarize({set});
  }
  summary["scaleSets"] = per_set;
  summary["parameters"] = describe_scenario(scenario_);
  check_summary(summary);

  if (out_dir_.empty()) {
    return summary;
  }
  // An earlier run's summary goes first and the new one comes last, so a folder with a summary never mixes the
  // files of two runs. Files of an earlier run that this run does not write go too.
  remove_result_file("summary.json");
  if (timeline_file_) {
    timeline_file_->commit();
  }
  if (events_file_) {
    events_file_->commit();
  }
  for (const std::string_view name : kRunFolderFiles) {
    const bool written = name == "summary.json" || (name == "timeline.csv" && timeline_file_) ||
                         (name == "events.csv" && events_file_);
    if (!written) {
      remove_result_file(name);
    }
  }
  OutputFile summary_file(out_dir_ + "/summary.json");
  summary_file.append(summary.dump(2));
  summary_file.append("\n");
  summary_file.commit();
  return summary;
}

}  // namespace mixsim
