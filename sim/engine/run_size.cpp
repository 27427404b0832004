// A lower bound of the instants a run processes, so that a run the event budget would stop is refused before it
// starts instead of after hours.
#include <algorithm>
#include <cmath>

#include "mixsim/simulation.hpp"

namespace mixsim {

namespace {

constexpr double kMinuteS = 60;

// Changes of `series` in (0, duration_s]; for a repeating series, whole cycles only, so this never overcounts.
double changes_within(const StepSeries& series, double duration_s) {
  if (series.period_s <= 0) {
    return static_cast<double>(std::count_if(series.times_s.begin(), series.times_s.end(),
                                             [&](double t) { return t > 0 && t <= duration_s; }));
  }
  const double first = std::max(series.times_s.front(), 0.0);
  const double whole_cycles = std::floor((duration_s - first) / series.period_s) - 1;
  return std::max(0.0, whole_cycles) * static_cast<double>(series.times_s.size());
}

}  // namespace

double minimum_instants(const Scenario& scenario) {
  const double duration = scenario.duration_s;
  // The instant t = 0 and the duration itself always run.
  double instants = 2;
  if (scenario.outputs.timeline) {
    instants = std::max(instants, std::floor(duration / scenario.sample_interval_s) + 1);
  }
  for (const ScaleSetSpec& set : scenario.scale_sets) {
    const bool per_minute = set.autoscale.has_value() ||
                            (set.workload.demand && set.workload.demand->kind == Demand::Kind::Diurnal);
    if (per_minute) {
      instants = std::max(instants, std::floor(duration / kMinuteS));
    }
    if (set.workload.demand && set.workload.demand->kind == Demand::Kind::Trace) {
      instants = std::max(instants, changes_within(set.workload.demand->trace, duration));
    }
    for (const NamedMetric& metric : set.workload.metrics) {
      instants = std::max(instants, changes_within(metric.values, duration));
    }
  }
  for (const PoolSpec& pool : scenario.pools) {
    instants = std::max(instants, changes_within(pool.capacity_vms, duration));
  }
  for (const SpotPriceSpec& price : scenario.spot_prices) {
    instants = std::max(instants, changes_within(price.usd_per_hour, duration));
  }
  return instants;
}

}  // namespace mixsim
