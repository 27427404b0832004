#include "capacity_models.hpp"

#include <algorithm>
#include <cmath>

namespace mixsim {

namespace {

constexpr double kSecondsPerHour = 3600;

// Outage intervals [start, end) of one alternating process that starts available.
std::vector<std::pair<double, double>> outages(double mean_available_s, double mean_unavailable_s, double duration_s,
                                                RandomStream& random) {
  std::vector<std::pair<double, double>> result;
  if (!std::isfinite(mean_available_s)) {
    return result;
  }
  double t = random.exponential(1.0 / mean_available_s);
  while (t < duration_s) {
    const double end = t + random.exponential(1.0 / mean_unavailable_s);
    result.emplace_back(t, end);
    t = end + random.exponential(1.0 / mean_available_s);
  }
  return result;
}

// Turns outage intervals, possibly overlapping, into a step series of capacity.
StepSeries to_series(std::vector<std::pair<double, double>> down, double available, double unavailable) {
  std::sort(down.begin(), down.end());
  std::vector<std::pair<double, double>> merged;
  for (const auto& [start, end] : down) {
    if (!merged.empty() && start <= merged.back().second) {
      merged.back().second = std::max(merged.back().second, end);
    } else {
      merged.emplace_back(start, end);
    }
  }
  StepSeries series;
  series.times_s.push_back(0);
  series.values.push_back(available);
  for (const auto& [start, end] : merged) {
    series.times_s.push_back(start);
    series.values.push_back(unavailable);
    series.times_s.push_back(end);
    series.values.push_back(available);
  }
  return series;
}

}  // namespace

std::vector<StepSeries> realize(const TwoStateModel& model, size_t zones, double duration_s, RandomStream& random) {
  const double rho = model.correlation;
  const double shared_mean = rho > 0 ? model.mean_available_s / rho : kInfinity;
  const double own_mean = rho < 1 ? model.mean_available_s / (1 - rho) : kInfinity;
  const auto shared = outages(shared_mean, model.mean_unavailable_s, duration_s, random);

  std::vector<StepSeries> result;
  for (size_t zone = 0; zone < zones; ++zone) {
    auto down = outages(own_mean, model.mean_unavailable_s, duration_s, random);
    down.insert(down.end(), shared.begin(), shared.end());
    result.push_back(to_series(std::move(down), model.available_vms, model.unavailable_vms));
  }
  return result;
}

std::vector<StepSeries> realize(const RandomWalkModel& model, size_t zones, double duration_s, RandomStream& random) {
  const double dt_hours = model.step_s / kSecondsPerHour;
  const double shared_weight = std::sqrt(model.correlation);
  const double own_weight = std::sqrt(1 - model.correlation);
  std::vector<StepSeries> result(zones);
  std::vector<double> level(zones, model.initial);
  for (size_t zone = 0; zone < zones; ++zone) {
    result[zone].times_s.push_back(0);
    result[zone].values.push_back(std::clamp(model.initial, model.min, model.max));
  }
  for (double t = model.step_s; t <= duration_s; t += model.step_s) {
    const double shared_shock = random.normal();
    for (size_t zone = 0; zone < zones; ++zone) {
      const double shock = shared_weight * shared_shock + own_weight * random.normal();
      level[zone] += model.reversion_per_hour * (model.mean - level[zone]) * dt_hours +
                     model.volatility_per_sqrt_hour * std::sqrt(dt_hours) * shock;
      level[zone] = std::clamp(level[zone], model.min, model.max);
      result[zone].times_s.push_back(t);
      result[zone].values.push_back(level[zone]);
    }
  }
  return result;
}

}  // namespace mixsim
