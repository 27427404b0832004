#include "simulation.hpp"

#include <fmt/format.h>
#include <xbt/log.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "mixsim/check.hpp"
#include "scenario/time_format.hpp"

XBT_LOG_EXTERNAL_CATEGORY(mixsim);
XBT_LOG_NEW_DEFAULT_SUBCATEGORY(mixsim_simulation, mixsim, "The agenda of one run: events, evictions, autoscale");

namespace mixsim {

namespace {

constexpr double kMinuteS = 60;
constexpr double kSecondsPerHour = 3600;
constexpr double kDaySeconds = 86400;
constexpr double kPi = 3.14159265358979323846;
// Grid instants are computed as k * period; this absorbs rounding when comparing them with other times.
constexpr double kGridEpsilonS = 1e-6;

int64_t capacity_from_value(double value) {
  return value >= kUnlimitedCapacityValue ? kUnlimited : static_cast<int64_t>(std::floor(value));
}

const char* autoscale_kind(AutoscaleAction::Kind kind, bool grows) {
  switch (kind) {
    case AutoscaleAction::Kind::FlappingSkip:
      return "flapping_skip";
    case AutoscaleAction::Kind::FlappingShortened:
      return "flapping_shortened";
    default:
      return grows ? "scale_out" : "scale_in";
  }
}

}  // namespace

Simulation::Simulation(const Scenario& scenario, const RunOptions& options)
    : scenario_(scenario),
      options_(options),
      fleet_(scenario),
      allocator_(scenario, fleet_),
      capacity_eviction_random_(scenario.seed, "evictions.capacity"),
      rate_eviction_random_(scenario.seed, "evictions.rate"),
      provisioning_random_(scenario.seed, "provisioning"),
      creation_random_(scenario.seed, "creation"),
      last_failure_reason_(scenario.scale_sets.size()) {
  recorder_ = std::make_unique<Recorder>(scenario, fleet_, options.out_dir);
  fleet_.set_observer(this);

  for (const ScaleSetSpec& set : scenario.scale_sets) {
    if (set.autoscale) {
      std::vector<std::string> metric_names;
      for (const NamedMetric& metric : set.workload.metrics) {
        metric_names.push_back(metric.name);
      }
      autoscalers_.push_back(
          std::make_unique<AutoscaleEngine>(*set.autoscale, scenario.options, scenario.start_unix_s, metric_names));
      any_autoscale_ = true;
    } else {
      autoscalers_.push_back(nullptr);
    }
  }

  pool_spec_of_.assign(fleet_.pool_count(), SIZE_MAX);
  pool_overridden_.assign(fleet_.pool_count(), false);
  for (size_t spec = 0; spec < scenario.pools.size(); ++spec) {
    const PoolSpec& pool = scenario.pools[spec];
    const size_t index = fleet_.pool_index(pool.zone, pool.size, pool.priority);
    pool_spec_of_[index] = spec;
    const double next = pool.capacity_vms.next_change_after(0);
    if (next <= scenario.duration_s) {
      pool_changes_.push(PoolChange{next, static_cast<uint32_t>(index)});
    }
  }

  for (size_t spec = 0; spec < scenario.spot_prices.size(); ++spec) {
    const double next = scenario.spot_prices[spec].usd_per_hour.next_change_after(0);
    if (next <= scenario.duration_s) {
      price_changes_.push(PoolChange{next, static_cast<uint32_t>(spec)});
    }
  }
  zone_down_until_s_.assign(scenario.zones.size(), -1);
  for (SetId set = 0; set < scenario.scale_sets.size(); ++set) {
    domain_down_until_s_.emplace_back(fleet_.set(set).domain_down.size(), -1);
  }
  restores_.resize(fleet_.pool_count());

  const size_t size_count = scenario.sizes.size();
  eviction_rate_per_vm_s_.assign(scenario.regions.size() * size_count, 0.0);
  for (RegionId region = 0; region < scenario.regions.size(); ++region) {
    for (SizeId size = 0; size < size_count; ++size) {
      const double p = scenario.regions[region].eviction_rate_per_hour[size];
      // "p per hour" is the chance of eviction within an hour: a Poisson process with rate -ln(1 - p) per hour.
      eviction_rate_per_vm_s_[region * size_count + size] = -std::log1p(-p) / kSecondsPerHour;
    }
  }
}

// --- agenda ----------------------------------------------------------------------------------------------

// Grid instants are k * period for k >= 1; t = 0 is handled on its own.
bool Simulation::on_grid(double t_s, double period_s) const {
  const double k = std::round(t_s / period_s);
  return k >= 1 && std::fabs(k * period_s - t_s) < kGridEpsilonS;
}

double Simulation::next_on_grid(double after_s, double period_s) const {
  double k = std::floor(after_s / period_s) + 1;
  // Guard against rounding that lands k * period on `after_s` itself.
  while (k * period_s <= after_s + kGridEpsilonS) {
    k += 1;
  }
  return k * period_s;
}

double Simulation::next_time() const {
  const double after = now_s_;
  double next = kInfinity;
  if (next_scripted_ < scenario_.events.size()) {
    next = std::min(next, scenario_.events[next_scripted_].at_s);
  }
  if (!pool_changes_.empty()) {
    next = std::min(next, pool_changes_.top().at_s);
  }
  next = std::min(next, next_rate_eviction_s_);
  if (!completions_.empty()) {
    next = std::min(next, completions_.top().at_s);
  }
  if (!price_changes_.empty()) {
    next = std::min(next, price_changes_.top().at_s);
  }
  if (!noticed_evictions_.empty()) {
    next = std::min(next, noticed_evictions_.top().at_s);
  }
  if (!recoveries_.empty()) {
    next = std::min(next, recoveries_.top().at_s);
  }
  bool any_pending = restores_waiting_ > 0;
  for (SetId set = 0; set < fleet_.set_count(); ++set) {
    any_pending = any_pending || fleet_.set(set).pending_count() > 0;
  }
  if (any_pending) {
    next = std::min(next, next_on_grid(after, scenario_.options.allocation_retry_interval_s));
  }
  if (any_autoscale_) {
    next = std::min(next, next_on_grid(after, kMinuteS));
    next = std::min(next, next_on_grid(after, scenario_.options.autoscale_evaluation_interval_s));
  }
  if (scenario_.outputs.timeline) {
    next = std::min(next, next_on_grid(after, scenario_.sample_interval_s));
  }
  for (SetId set = 0; set < scenario_.scale_sets.size(); ++set) {
    next = std::min(next, next_demand_change(set, after));
  }
  // The run covers [0, duration]: the last instant is the duration itself.
  if (now_s_ < scenario_.duration_s) {
    next = std::min(next, scenario_.duration_s);
  }
  return next <= scenario_.duration_s ? next : kInfinity;
}

void Simulation::start() {
  MIXSIM_CHECK(!started_, "start() runs once");
  for (SetId set = 0; set < scenario_.scale_sets.size(); ++set) {
    recorder_->set_demand(set, demand_at(set, 0));
  }
  // At t = 0 each set has sku.capacity VMs, placed and running.
  for (SetId set = 0; set < scenario_.scale_sets.size(); ++set) {
    const int capacity = scenario_.scale_sets[set].initial_capacity;
    if (capacity == 0) {
      continue;
    }
    SetState& state = fleet_.set(set);
    const ScaleSetSpec& spec = scenario_.scale_sets[set];
    int regular = spec.priority == Priority::Regular ? capacity : 0;
    if (spec.priority_mix) {
      regular = new_regular_count(*spec.priority_mix, 0, 0, capacity);
    }
    state.pending[0] += regular;
    state.pending[1] += capacity - regular;
    const PlacementReport report = allocator_.place_pending(set, 0);
    note_placement(set, report, 0, false);
  }
  // The initial VMs run at once; those placed by the allocator as provisioning are promoted here.
  while (!completions_.empty()) {
    const Completion completion = completions_.top();
    completions_.pop();
    if (fleet_.is_current(completion.ref, completion.generation) &&
        fleet_.vm(completion.ref).state == VmState::Provisioning) {
      fleet_.mark_running(completion.ref, 0);
    }
  }
  started_ = true;
  schedule_rate_eviction(0);
}

void Simulation::process_instant(double t_s) {
  MIXSIM_CHECK(t_s > now_s_, fmt::format("time moves forward: instant {} s follows instant {} s", t_s, now_s_));
  ++events_processed_;
  if (events_processed_ > options_.max_events) {
    throw GuardError(fmt::format("the run stopped at t = {} s after {} instants, the limit set by --max-events",
                                 t_s, options_.max_events));
  }
  recorder_->advance(t_s);
  now_s_ = t_s;
  evicted_by_rate_ = false;
  const double rate_before = eviction_rate_per_s_;

  run_scripted_events(t_s);
  recover(t_s);
  apply_world_changes(t_s);
  apply_price_changes(t_s);
  run_evictions(t_s);
  complete_provisioning(t_s);
  retry_pending(t_s, on_grid(t_s, scenario_.options.allocation_retry_interval_s));
  if (any_autoscale_ && on_grid(t_s, kMinuteS)) {
    sample_metrics(t_s);
  }
  if (any_autoscale_ && on_grid(t_s, scenario_.options.autoscale_evaluation_interval_s)) {
    evaluate_autoscale(t_s);
    retry_pending(t_s, false);
  }
  // A VM that a later phase created or restarted with no provisioning time completes within this instant, as an
  // instant is processed only once.
  complete_provisioning(t_s);
  if (scenario_.outputs.timeline && (t_s == 0 || on_grid(t_s, scenario_.sample_interval_s) || t_s == scenario_.duration_s)) {
    recorder_->write_timeline_rows(t_s);
  }

  track_domain_exposure();

  // The memoryless eviction process is redrawn whenever its total rate changes or it has just fired.
  if (evicted_by_rate_ || current_eviction_rate_per_s() != rate_before) {
    schedule_rate_eviction(t_s);
  }
  if (options_.check_every_event) {
    check_invariants(t_s);
  }
  report_progress(t_s);
}

void Simulation::report_progress(double t_s) {
  // Reading the wall clock on every instant would cost more than many instants do; every 4096th is enough.
  if (!options_.progress || (events_processed_ & 4095) != 0 || scenario_.duration_s <= 0) {
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (now - last_progress_report_ < std::chrono::milliseconds(500)) {
    return;
  }
  last_progress_report_ = now;
  progress_shown_ = true;
  std::fprintf(stderr, "\rmixsim: simulated %5.1f %% (%s of %s), %lld instants ", 100 * t_s / scenario_.duration_s,
               format_duration(std::floor(t_s)).c_str(), format_duration(scenario_.duration_s).c_str(),
               static_cast<long long>(events_processed_));
  std::fflush(stderr);
}

// --- phases ------------------------------------------------------------------------------------------------

void Simulation::run_scripted_events(double t_s) {
  while (next_scripted_ < scenario_.events.size() && scenario_.events[next_scripted_].at_s <= t_s) {
    const ScriptedEvent& event = scenario_.events[next_scripted_++];
    if (const auto* capacity = std::get_if<SetCapacityEvent>(&event.action)) {
      set_capacity(capacity->scale_set, capacity->capacity, t_s, "setCapacity event");
    } else if (const auto* pool = std::get_if<SetPoolEvent>(&event.action)) {
      apply_set_pool(*pool, t_s);
    } else if (const auto* update = std::get_if<UpdateSkuProfileEvent>(&event.action)) {
      apply_update(*update, t_s);
    } else if (const auto* outage = std::get_if<ZoneOutageEvent>(&event.action)) {
      apply_zone_outage(*outage, t_s);
    } else if (const auto* failure = std::get_if<FaultDomainFailureEvent>(&event.action)) {
      apply_fault_domain_failure(*failure, t_s);
    }
  }
}

void Simulation::apply_world_changes(double t_s) {
  while (!pool_changes_.empty() && pool_changes_.top().at_s <= t_s) {
    const PoolChange change = pool_changes_.top();
    pool_changes_.pop();
    if (pool_overridden_[change.pool]) {
      continue;
    }
    const StepSeries& series = scenario_.pools[pool_spec_of_[change.pool]].capacity_vms;
    change_pool_capacity(change.pool, capacity_from_value(series.value_at(t_s)));
    const double next = series.next_change_after(t_s);
    if (next <= scenario_.duration_s) {
      pool_changes_.push(PoolChange{next, change.pool});
    }
  }
  // Demand and named metrics are step functions; the agenda wakes at each of their changes, so reading them
  // here is enough.
  for (SetId set = 0; set < scenario_.scale_sets.size(); ++set) {
    recorder_->set_demand(set, demand_at(set, t_s));
    const auto& metrics = scenario_.scale_sets[set].workload.metrics;
    for (size_t metric = 0; metric < metrics.size(); ++metric) {
      recorder_->set_metric(set, metric, metrics[metric].values.value_at(t_s), metrics[metric].available.value_at(t_s) > 0);
    }
  }
}

void Simulation::change_pool_capacity(size_t pool_index, int64_t capacity_vms) {
  const PoolState& pool = fleet_.pool_at(pool_index);
  const int64_t before = pool.capacity_vms;
  const ZoneId zone = static_cast<ZoneId>(pool_index / (scenario_.sizes.size() * kPriorityCount));
  const SizeId size = static_cast<SizeId>((pool_index / kPriorityCount) % scenario_.sizes.size());
  const Priority priority = static_cast<Priority>(pool_index % kPriorityCount);
  fleet_.set_pool_capacity(zone, size, priority, capacity_vms);
  if (capacity_vms > before) {
    capacity_freed_ = true;
  }
  // Regular VMs are never evicted; a Regular pool below its use only blocks new VMs.
  if (priority == Priority::Spot && pool.used_vms > capacity_vms) {
    pools_over_capacity_.push_back(pool_index);
  }
}

void Simulation::run_evictions(double t_s) {
  // Capacity evictions, pool by pool in index order, VMs drawn uniformly from each pool.
  std::sort(pools_over_capacity_.begin(), pools_over_capacity_.end());
  pools_over_capacity_.erase(std::unique(pools_over_capacity_.begin(), pools_over_capacity_.end()),
                             pools_over_capacity_.end());
  for (size_t pool_index : pools_over_capacity_) {
    const PoolState& pool = fleet_.pool_at(pool_index);
    while (pool.used_vms > pool.capacity_vms && !pool.active.empty()) {
      const VmRef victim = pool.active[capacity_eviction_random_.below(pool.active.size())];
      evict(victim, t_s, "capacity");
    }
  }
  pools_over_capacity_.clear();

  run_noticed_evictions(t_s);
  if (next_rate_eviction_s_ <= t_s) {
    evict_at_random_by_rate(t_s);
  }
}

void Simulation::evict(VmRef ref, double t_s, std::string_view cause) {
  const Vm& vm = fleet_.vm(ref);
  const SetId set = vm.set;
  recorder_->record_vm_event(t_s, ref, vm, "evict", cause);
  recorder_->count_eviction(set, cause);
  XBT_DEBUG("evict %s-%u (%s)", scenario_.scale_sets[set].name.c_str(), vm.instance_id, std::string(cause).c_str());

  // Try & Restore brings back VMs evicted for capacity, when their pool has room again.
  const ScaleSetSpec& spec = scenario_.scale_sets[set];
  const bool restorable = spec.spot_restore.enabled && !spec.autoscale && cause == "capacity";
  RestoreRequest request{set, vm.size, vm.zone, vm.fault_domain, kNoVm, 0, t_s + spec.spot_restore.restore_timeout_s};
  const size_t pool_index = fleet_.pool_index(vm.zone, vm.size, vm.priority);

  if (spec.eviction_policy == EvictionPolicy::Delete) {
    fleet_.delete_vm(ref, t_s, "eviction");
  } else {
    fleet_.deallocate(ref, t_s, "eviction");
    request.ref = ref;
    request.generation = fleet_.vm(ref).generation;
  }
  if (restorable) {
    restores_[pool_index].push_back(request);
    ++restores_waiting_;
  }
}

void Simulation::run_noticed_evictions(double t_s) {
  while (!noticed_evictions_.empty() && noticed_evictions_.top().at_s <= t_s) {
    const NoticedEviction eviction = noticed_evictions_.top();
    noticed_evictions_.pop();
    if (fleet_.is_current(eviction.ref, eviction.generation) && holds_hardware(fleet_.vm(eviction.ref).state)) {
      evict(eviction.ref, t_s, "price");
    }
  }
}

void Simulation::apply_price_changes(double t_s) {
  while (!price_changes_.empty() && price_changes_.top().at_s <= t_s) {
    const PoolChange change = price_changes_.top();
    price_changes_.pop();
    change_spot_price(change.pool, t_s);
    const double next = scenario_.spot_prices[change.pool].usd_per_hour.next_change_after(t_s);
    if (next <= scenario_.duration_s) {
      price_changes_.push(PoolChange{next, change.pool});
    }
  }
}

void Simulation::change_spot_price(size_t spec_index, double t_s) {
  const SpotPriceSpec& spec = scenario_.spot_prices[spec_index];
  const double price = spec.usd_per_hour.value_at(t_s);
  fleet_.set_spot_price(spec.zone, spec.size, price);
  recorder_->on_spot_price_change(spec.zone, spec.size, t_s);
  capacity_freed_ = true;  // pending VMs blocked by maxPrice may fit now

  // A VM whose positive maxPrice the price now exceeds gets a notice, then is evicted for price.
  const PoolState& pool = fleet_.pool(spec.zone, spec.size, Priority::Spot);
  for (VmRef ref : pool.active) {
    const Vm& vm = fleet_.vm(ref);
    const double max_price = scenario_.scale_sets[vm.set].max_price_usd_per_hour;
    if (max_price <= 0 || price <= max_price || vm.eviction_noticed) {
      continue;
    }
    fleet_.set_eviction_noticed(ref);
    recorder_->record_vm_event(t_s, ref, vm, "eviction_notice",
                               fmt::format("price {} above maxPrice {}", price, max_price));
    noticed_evictions_.push(
        NoticedEviction{t_s + scenario_.options.eviction_notice_s, completion_sequence_++, ref, vm.generation});
  }
}

double Simulation::current_eviction_rate_per_s() const {
  double rate = 0;
  const size_t size_count = scenario_.sizes.size();
  for (RegionId region = 0; region < scenario_.regions.size(); ++region) {
    for (SizeId size = 0; size < size_count; ++size) {
      rate += fleet_.running_spot(region, size) * eviction_rate_per_vm_s_[region * size_count + size];
    }
  }
  return rate;
}

void Simulation::schedule_rate_eviction(double t_s) {
  eviction_rate_per_s_ = current_eviction_rate_per_s();
  next_rate_eviction_s_ =
      eviction_rate_per_s_ > 0 ? t_s + rate_eviction_random_.exponential(eviction_rate_per_s_) : kInfinity;
  // A draw too small to move a large t_s (or a zero draw) would land on this instant again, which has run already.
  // The next eviction then waits two grid tolerances: too short to matter, and never mistaken for a grid instant.
  next_rate_eviction_s_ = std::max(next_rate_eviction_s_, t_s + 2 * kGridEpsilonS);
}

void Simulation::evict_at_random_by_rate(double t_s) {
  // Every running Spot VM is its own Poisson process; the first to fire is a VM drawn in proportion to its rate.
  const double total = current_eviction_rate_per_s();
  evicted_by_rate_ = true;
  if (total <= 0) {
    return;
  }
  double draw = rate_eviction_random_.uniform() * total;
  const size_t size_count = scenario_.sizes.size();
  for (RegionId region = 0; region < scenario_.regions.size(); ++region) {
    for (SizeId size = 0; size < size_count; ++size) {
      const int running = fleet_.running_spot(region, size);
      const double weight = running * eviction_rate_per_vm_s_[region * size_count + size];
      if (weight <= 0 || draw >= weight) {
        draw -= weight;
        continue;
      }
      uint64_t pick = rate_eviction_random_.below(static_cast<uint64_t>(running));
      for (ZoneId zone : scenario_.regions[region].zones) {
        const PoolState& pool = fleet_.pool(zone, size, Priority::Spot);
        if (pick < pool.running.size()) {
          evict(pool.running[pick], t_s, "rate");
          return;
        }
        pick -= pool.running.size();
      }
      MIXSIM_CHECK(false, "the running Spot VMs of a size are all in that size's pools");
    }
  }
}

void Simulation::complete_provisioning(double t_s) {
  while (!completions_.empty() && completions_.top().at_s <= t_s) {
    const Completion completion = completions_.top();
    completions_.pop();
    if (fleet_.is_current(completion.ref, completion.generation) &&
        fleet_.vm(completion.ref).state == VmState::Provisioning) {
      complete_one(completion, t_s);
    }
  }
}

void Simulation::complete_one(const Completion& completion, double t_s) {
  if (!completion.fails) {
    fleet_.mark_running(completion.ref, t_s);
    return;
  }
  const Vm vm = fleet_.vm(completion.ref);
  const ScaleSetSpec& spec = scenario_.scale_sets[vm.set];
  ++recorder_->counts(vm.set).creation_failures;
  const double retry_until =
      completion.retry_until_s > 0 ? completion.retry_until_s : t_s + scenario_.options.resilient_creation_window_s;
  const bool retry = spec.resilient_vm_creation && t_s < retry_until;
  recorder_->record_vm_event(t_s, completion.ref, vm, "create_failed",
                             retry ? "recreated by resilientVMCreationPolicy"
                                   : (spec.resilient_vm_creation ? "kept failed: the retry window ended"
                                                                 : "kept failed: resilientVMCreationPolicy is off"));
  fleet_.fail_creation(completion.ref, t_s);
  if (!retry) {
    return;
  }
  // Resilient creation deletes the failed VM and relaunches it with a new name and id, in the same place.
  fleet_.delete_vm(completion.ref, t_s, "creation_failed");
  const bool fits = fleet_.pool(vm.zone, vm.size, vm.priority).free_vms() > 0 &&
                    fleet_.quota_allows(spec.region, vm.size, vm.priority) && !fleet_.zone_is_down(vm.zone);
  if (!fits) {
    ++fleet_.set(vm.set).pending[static_cast<int>(vm.priority)];
    return;
  }
  resilient_retry_until_s_ = retry_until;
  fleet_.create_vm(vm.set, vm.size, vm.zone, vm.fault_domain, vm.priority, VmState::Provisioning, t_s);
  resilient_retry_until_s_ = 0;
}

void Simulation::retry_pending(double t_s, bool periodic) {
  if (!periodic && !capacity_freed_) {
    return;
  }
  capacity_freed_ = false;
  restore_evicted(t_s);
  for (SetId set = 0; set < fleet_.set_count(); ++set) {
    if (fleet_.set(set).pending_count() > 0) {
      note_placement(set, allocator_.place_pending(set, t_s), t_s, true);
    }
  }
}

void Simulation::sample_metrics(double t_s) {
  for (SetId set = 0; set < autoscalers_.size(); ++set) {
    if (autoscalers_[set]) {
      autoscalers_[set]->add_minute_sample(t_s, recorder_->take_minute_sample(set));
    }
  }
}

void Simulation::evaluate_autoscale(double t_s) {
  for (SetId set = 0; set < autoscalers_.size(); ++set) {
    if (!autoscalers_[set]) {
      continue;
    }
    const int running = fleet_.set(set).by_state[static_cast<int>(VmState::Running)];
    const AutoscaleDecision decision = autoscalers_[set]->evaluate(t_s, fleet_.capacity(set), running);
    recorder_->set_forecast(set, autoscalers_[set]->last_forecast_cpu());
    for (const AutoscaleAction& action : decision.actions) {
      if (action.kind == AutoscaleAction::Kind::FlappingSkip) {
        recorder_->record_action(t_s, set, "flapping_skip", 0, action.detail);
        continue;
      }
      if (action.kind == AutoscaleAction::Kind::ProfileSwitch) {
        recorder_->record_action(t_s, set, "profile_switch", 0, action.detail);
        continue;
      }
      if (action.kind == AutoscaleAction::Kind::FlappingShortened) {
        recorder_->record_action(t_s, set, "flapping_shortened", action.from - action.to, action.detail);
      }
      set_capacity(set, action.to, t_s, action.detail);
    }
  }
}

// --- actions -----------------------------------------------------------------------------------------------

void Simulation::set_capacity(SetId set, int capacity, double t_s, std::string_view detail) {
  const int current = fleet_.capacity(set);
  if (capacity == current) {
    return;
  }
  const bool grows = capacity > current;
  const int count = std::abs(capacity - current);
  recorder_->record_action(t_s, set, autoscale_kind(AutoscaleAction::Kind::Clamp, grows), count, detail);
  XBT_DEBUG("%s: %s %d -> %d", scenario_.scale_sets[set].name.c_str(), grows ? "scale out" : "scale in", current,
            capacity);
  if (grows) {
    ++recorder_->counts(set).scale_outs;
    note_placement(set, allocator_.scale_out(set, count, t_s), t_s, false);
  } else {
    ++recorder_->counts(set).scale_ins;
    const ScaleInReport report = allocator_.scale_in(set, count, t_s);
    if (report.blocked > 0) {
      recorder_->record_action(t_s, set, "scale_in_blocked", report.blocked, report.reason);
    }
    capacity_freed_ = true;
  }
}

void Simulation::note_placement(SetId set, const PlacementReport& report, double t_s, bool is_retry) {
  std::string& last = last_failure_reason_[set];
  if (report.unplaced == 0) {
    last.clear();
    return;
  }
  // A retry that meets the same shortage again is the same failure, not a new one.
  if (is_retry && report.reason == last) {
    return;
  }
  last = report.reason;
  ++recorder_->counts(set).allocation_failures;
  recorder_->record_action(t_s, set, "allocation_failed", report.unplaced, report.reason);
}

void Simulation::apply_set_pool(const SetPoolEvent& event, double t_s) {
  for (ZoneId zone : event.zones) {
    for (Priority priority : {Priority::Regular, Priority::Spot}) {
      const auto& value = priority == Priority::Regular ? event.regular_vms : event.spot_vms;
      if (!value) {
        continue;
      }
      const size_t index = fleet_.pool_index(zone, event.size, priority);
      pool_overridden_[index] = true;
      change_pool_capacity(index, static_cast<int64_t>(std::floor(*value)));
    }
  }
  (void)t_s;
}

void Simulation::apply_update(const UpdateSkuProfileEvent& event, double t_s) {
  const ScaleSetSpec& spec = scenario_.scale_sets[event.scale_set];
  if (scenario_.platform_rules == PlatformRules::Preview) {
    const char* why = spec.instance_mix
                          ? "the preview does not allow updating sizes or strategy (SkuProfileUpdateNotAllowed)"
                          : "the preview does not allow converting an existing scale set to instance mix";
    recorder_->record_action(t_s, event.scale_set, "update_rejected", 0, why);
    return;
  }
  // Under the generally available rules an update applies to future scale actions only.
  SetState& state = fleet_.set(event.scale_set);
  std::string detail;
  if (!event.sizes.empty()) {
    state.sizes = event.sizes;
    detail += "vmSizes:";
    for (const SizeChoice& choice : event.sizes) {
      detail += " " + scenario_.sizes[choice.size].name;
    }
  }
  if (event.strategy) {
    state.strategy = *event.strategy;
    detail += std::string(detail.empty() ? "" : "; ") + "allocationStrategy: " + to_string(*event.strategy);
  }
  recorder_->record_action(t_s, event.scale_set, "sku_profile_updated", 0, detail);
}

// --- Try & Restore -----------------------------------------------------------------------------------------

void Simulation::restore_evicted(double t_s) {
  if (restores_waiting_ == 0) {
    return;
  }
  for (size_t pool_index = 0; pool_index < restores_.size(); ++pool_index) {
    auto& queue = restores_[pool_index];
    while (!queue.empty()) {
      const RestoreRequest request = queue.front();
      const Priority priority = static_cast<Priority>(pool_index % kPriorityCount);
      const bool expired = t_s > request.until_s;
      const bool gone = request.ref != kNoVm && !(fleet_.is_current(request.ref, request.generation) &&
                                                 fleet_.vm(request.ref).state == VmState::Deallocated);
      if (expired || gone) {
        queue.pop_front();
        --restores_waiting_;
        continue;
      }
      const RegionId region = scenario_.scale_sets[request.set].region;
      const bool quota_ok = request.ref != kNoVm || fleet_.quota_allows(region, request.size, priority);
      if (fleet_.pool(request.zone, request.size, priority).free_vms() <= 0 || fleet_.zone_is_down(request.zone) ||
          !quota_ok) {
        break;  // requests of one pool are served in eviction order
      }
      queue.pop_front();
      --restores_waiting_;
      VmRef restored = request.ref;
      if (restored != kNoVm) {
        fleet_.reallocate(restored, t_s, "restore");
      } else {
        restored = fleet_.create_vm(request.set, request.size, request.zone, request.fault_domain, priority,
                                    VmState::Provisioning, t_s);
      }
      ++recorder_->counts(request.set).restores;
      recorder_->record_vm_event(t_s, restored, fleet_.vm(restored), "restore", "capacity returned");
    }
  }
}

// --- outages -----------------------------------------------------------------------------------------------

bool Simulation::vm_is_cut_off(const Vm& vm) const {
  if (fleet_.zone_is_down(vm.zone)) {
    return true;
  }
  return !scenario_.scale_sets[vm.set].zonal && fleet_.set(vm.set).domain_down[vm.fault_domain];
}

void Simulation::apply_zone_outage(const ZoneOutageEvent& event, double t_s) {
  const double until = t_s + event.duration_s;
  zone_down_until_s_[event.zone] = std::max(zone_down_until_s_[event.zone], until);
  recoveries_.push(Recovery{until, completion_sequence_++, true, event.zone, scenario_.zones[event.zone].region, {}});
  if (fleet_.zone_is_down(event.zone)) {
    return;  // an outage already running is only extended
  }
  fleet_.set_zone_down(event.zone, true);

  // Every VM on the zone's hardware stops; Regular and Spot alike.
  std::vector<int64_t> stopped(scenario_.scale_sets.size(), 0);
  for (SizeId size = 0; size < scenario_.sizes.size(); ++size) {
    for (Priority priority : {Priority::Regular, Priority::Spot}) {
      const std::vector<VmRef> active = fleet_.pool(event.zone, size, priority).active;
      for (VmRef ref : active) {
        const VmState state = fleet_.vm(ref).state;
        if (state == VmState::Provisioning || state == VmState::Running) {
          ++stopped[fleet_.vm(ref).set];
          fleet_.stop(ref, t_s, "zone_outage");
        }
      }
    }
  }
  const std::string detail = fmt::format("zone {} down until t = {} s", scenario_.zones[event.zone].label, until);
  for (SetId set = 0; set < scenario_.scale_sets.size(); ++set) {
    if (scenario_.scale_sets[set].region == scenario_.zones[event.zone].region) {
      recorder_->record_action(t_s, set, "outage_start", stopped[set], detail);
    }
  }
}

void Simulation::apply_fault_domain_failure(const FaultDomainFailureEvent& event, double t_s) {
  const double until = t_s + event.duration_s;
  recoveries_.push(Recovery{until, completion_sequence_++, false, static_cast<uint32_t>(event.fault_domain),
                            event.region, event.scale_set});
  for (SetId set = 0; set < scenario_.scale_sets.size(); ++set) {
    const ScaleSetSpec& spec = scenario_.scale_sets[set];
    SetState& state = fleet_.set(set);
    const auto domain = static_cast<uint32_t>(event.fault_domain);
    if (spec.zonal || spec.region != event.region || (event.scale_set && *event.scale_set != set) ||
        std::find(state.domains.begin(), state.domains.end(), domain) == state.domains.end()) {
      continue;
    }
    domain_down_until_s_[set][domain] = std::max(domain_down_until_s_[set][domain], until);
    if (state.domain_down[domain]) {
      continue;
    }
    state.domain_down[domain] = true;
    int64_t stopped = 0;
    for (Priority priority : {Priority::Regular, Priority::Spot}) {
      for (SizeId size = 0; size < scenario_.sizes.size(); ++size) {
        OrderedBucket& bucket = state.buckets[fleet_.bucket_index(domain, priority, size)];
        for (VmRef ref : bucket.refs()) {
          const VmState vm_state = fleet_.vm(ref).state;
          if (vm_state == VmState::Provisioning || vm_state == VmState::Running) {
            fleet_.stop(ref, t_s, "fault_domain_failure");
            ++stopped;
          }
        }
      }
    }
    recorder_->record_action(t_s, set, "outage_start", stopped,
                             fmt::format("fault domain {} down until t = {} s", domain, until));
  }
}

void Simulation::restart_stopped(const std::vector<VmRef>& candidates, double t_s,
                                 std::vector<int64_t>& restarted_by_set) {
  for (VmRef ref : candidates) {
    const Vm& vm = fleet_.vm(ref);
    if (vm.alive && vm.state == VmState::Stopped && !vm_is_cut_off(vm)) {
      ++restarted_by_set[vm.set];
      fleet_.mark_running(ref, t_s);
    }
  }
}

void Simulation::recover(double t_s) {
  while (!recoveries_.empty() && recoveries_.top().at_s <= t_s) {
    const Recovery recovery = recoveries_.top();
    recoveries_.pop();
    std::vector<int64_t> restarted(scenario_.scale_sets.size(), 0);
    std::string detail;
    if (recovery.is_zone) {
      const ZoneId zone = recovery.zone_or_domain;
      if (zone_down_until_s_[zone] > t_s || !fleet_.zone_is_down(zone)) {
        continue;  // a later outage of the same zone is still running
      }
      fleet_.set_zone_down(zone, false);
      for (SizeId size = 0; size < scenario_.sizes.size(); ++size) {
        for (Priority priority : {Priority::Regular, Priority::Spot}) {
          restart_stopped(fleet_.pool(zone, size, priority).active, t_s, restarted);
        }
      }
      detail = fmt::format("zone {} recovered", scenario_.zones[zone].label);
    } else {
      const uint32_t domain = recovery.zone_or_domain;
      for (SetId set = 0; set < scenario_.scale_sets.size(); ++set) {
        SetState& state = fleet_.set(set);
        if (scenario_.scale_sets[set].zonal || scenario_.scale_sets[set].region != recovery.region ||
            (recovery.scale_set && *recovery.scale_set != set) || domain >= state.domain_down.size() ||
            !state.domain_down[domain] || domain_down_until_s_[set][domain] > t_s) {
          continue;
        }
        state.domain_down[domain] = false;
        for (Priority priority : {Priority::Regular, Priority::Spot}) {
          for (SizeId size = 0; size < scenario_.sizes.size(); ++size) {
            restart_stopped(state.buckets[fleet_.bucket_index(domain, priority, size)].refs(), t_s, restarted);
          }
        }
      }
      detail = fmt::format("fault domain {} recovered", domain);
    }
    for (SetId set = 0; set < scenario_.scale_sets.size(); ++set) {
      if (scenario_.scale_sets[set].region == recovery.region &&
          (recovery.is_zone || (!scenario_.scale_sets[set].zonal && (!recovery.scale_set || *recovery.scale_set == set)))) {
        recorder_->record_action(t_s, set, "outage_end", restarted[set], detail);
      }
    }
    capacity_freed_ = true;
  }
}

void Simulation::track_domain_exposure() {
  for (SetId set = 0; set < scenario_.scale_sets.size(); ++set) {
    const SetState& state = fleet_.set(set);
    const int running = state.by_state[static_cast<int>(VmState::Running)];
    const int stopped = state.by_state[static_cast<int>(VmState::Stopped)];
    int largest = 0;
    for (uint32_t domain : state.domains) {
      largest = std::max(largest, state.running_by_domain[domain]);
    }
    recorder_->note_domain_exposure(set, running, largest, stopped);
  }
}

double Simulation::draw_provisioning_time(SetId set) {
  const ProvisioningTime& time = scenario_.scale_sets[set].provisioning_time;
  if (time.is_constant()) {
    return time.median_s;
  }
  // Lognormal: the median is exp(mu) and the 95th percentile exp(mu + 1.6449 sigma).
  constexpr double kZ95 = 1.6448536269514722;
  const double mu = std::log(time.median_s);
  const double sigma = (std::log(time.p95_s) - mu) / kZ95;
  return std::exp(mu + sigma * provisioning_random_.normal());
}

// --- workload ----------------------------------------------------------------------------------------------

double Simulation::demand_at(SetId set, double t_s) const {
  const auto& demand = scenario_.scale_sets[set].workload.demand;
  if (!demand) {
    return 0;
  }
  switch (demand->kind) {
    case Demand::Kind::Constant:
      return demand->constant * demand->vcpus_per_unit;
    case Demand::Kind::Trace:
      return demand->trace.value_at(t_s) * demand->vcpus_per_unit;
    case Demand::Kind::Diurnal: {
      // Held for each minute at the value of the minute's midpoint.
      const double minute_start = std::floor(t_s / kMinuteS) * kMinuteS;
      const double wall_s = static_cast<double>(scenario_.start_unix_s) + minute_start + kMinuteS / 2;
      const double hour_of_day = std::fmod(wall_s, kDaySeconds) / kSecondsPerHour;
      const double value = demand->diurnal_mean +
                           demand->diurnal_amplitude * std::cos(2 * kPi * (hour_of_day - demand->diurnal_peak_hour) / 24);
      return std::max(0.0, value) * demand->vcpus_per_unit;
    }
  }
  return 0;
}

double Simulation::next_demand_change(SetId set, double t_s) const {
  double next = kInfinity;
  for (const NamedMetric& metric : scenario_.scale_sets[set].workload.metrics) {
    next = std::min({next, metric.values.next_change_after(t_s), metric.available.next_change_after(t_s)});
  }
  const auto& demand = scenario_.scale_sets[set].workload.demand;
  if (!demand) {
    return next;
  }
  switch (demand->kind) {
    case Demand::Kind::Constant:
      return next;
    case Demand::Kind::Trace:
      return std::min(next, demand->trace.next_change_after(t_s));
    case Demand::Kind::Diurnal:
      return std::min(next, next_on_grid(t_s, kMinuteS));
  }
  return next;
}

// --- observer and end ----------------------------------------------------------------------------------------

void Simulation::on_vm_change(VmRef ref, const Vm& vm, std::optional<VmState> from, std::optional<VmState> to,
                              double t_s, std::string_view reason) {
  recorder_->on_vm_change(ref, vm, from, to, t_s, reason);
  if (to == VmState::Provisioning) {
    const double ready = t_s + draw_provisioning_time(vm.set);
    // Only a new VM's creation can fail; a reallocated VM restarts.
    const double probability = scenario_.scale_sets[vm.set].creation_failure_probability;
    const bool fails = !from && probability > 0 && creation_random_.uniform() < probability;
    completions_.push(Completion{ready, completion_sequence_++, ref, vm.generation, fails, resilient_retry_until_s_});
  }
  // A deleted or deallocated VM releases pool capacity and perhaps quota that pending VMs may use.
  if (from && from != VmState::Deallocated && (!to || to == VmState::Deallocated)) {
    capacity_freed_ = true;
  }
  if (from && !to) {
    capacity_freed_ = true;
  }
}

void Simulation::check_invariants(double t_s) {
  const std::string fleet_broken = fleet_.check_invariants();
  MIXSIM_CHECK(fleet_broken.empty(), fmt::format("at t = {} s: {}", t_s, fleet_broken));
  const std::string recorder_broken = recorder_->check_invariants(t_s);
  MIXSIM_CHECK(recorder_broken.empty(), recorder_broken);
}

nlohmann::ordered_json Simulation::finish() {
  if (progress_shown_) {
    std::fprintf(stderr, "\n");
  }
  // The checks run on the state at the end, before any result file is renamed into place.
  recorder_->advance(scenario_.duration_s);
  check_invariants(scenario_.duration_s);
  return recorder_->finish(scenario_.duration_s, events_processed_);
}

}  // namespace mixsim
