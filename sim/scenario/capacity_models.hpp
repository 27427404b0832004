// Seeded stochastic capacity models, realized as step functions when the scenario loads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mixsim/random.hpp"
#include "mixsim/step_series.hpp"

namespace mixsim {

/// An alternating available/unavailable process per zone. With correlation rho, each zone is unavailable when
/// its own process or a process shared by all zones of the pool entry is: the own process has mean available
/// spells of mean_available / (1 - rho), the shared one mean_available / rho, both mean outages of
/// mean_unavailable. rho = 0 gives independent zones, rho = 1 identical ones; in between, the mean available
/// spell stays close to mean_available while outages are short compared with it.
struct TwoStateModel {
  double mean_available_s = 0;
  double mean_unavailable_s = 0;
  double available_vms = 0;  // capacity while available (kUnlimitedCapacityValue for unlimited)
  double unavailable_vms = 0;
  double correlation = 0;
};

/// A mean-reverting random walk per zone, clamped to [min, max] and sampled every step:
/// x += reversion (mean - x) dt + volatility sqrt(dt) (sqrt(rho) z_shared + sqrt(1 - rho) z_zone), dt in hours.
struct RandomWalkModel {
  double mean = 0;
  double min = 0;
  double max = 0;
  double volatility_per_sqrt_hour = 0;
  double reversion_per_hour = 0;
  double step_s = 3600;
  double initial = 0;
  double correlation = 0;
};

/// Realizes the model over [0, duration_s] for `zones` zones from `random`; returns one series per zone.
std::vector<StepSeries> realize(const TwoStateModel& model, size_t zones, double duration_s, RandomStream& random);
std::vector<StepSeries> realize(const RandomWalkModel& model, size_t zones, double duration_s, RandomStream& random);

}  // namespace mixsim
