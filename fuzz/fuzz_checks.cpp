#include "fuzz_checks.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <iostream>

namespace mixsim::fuzz {

namespace {

// Stepping checks at most this many changes per series, so that a long trace costs the fuzzer little time.
constexpr int kMaxStepsChecked = 2000;

}  // namespace

void require(bool condition, const std::string& property) {
  if (!condition) {
    std::cerr << "fuzz property broken: " << property << "\n";
    std::abort();
  }
}

void check_diagnostics(const Diagnostics& diagnostics) {
  require(!diagnostics.empty(), "an InputError carries at least one diagnostic");
  for (const Diagnostic& item : diagnostics.items()) {
    const std::string line = item.format();
    require(!item.message.empty(), "a diagnostic has a message: " + line);
    require(line.find('\n') == std::string::npos && line.find('\r') == std::string::npos,
            "a diagnostic is one line: " + line);
    if (item.origin.is_override()) {
      require(line.rfind("mixsim: --set ", 0) == 0, "an override diagnostic starts with 'mixsim: --set ': " + line);
      continue;
    }
    require(!item.origin.file.empty(), "a diagnostic names its file: " + line);
    require(item.origin.line >= 0, "a diagnostic's line is not negative: " + line);
    if (item.origin.line > 0) {
      require(item.origin.column >= 1, "a diagnostic with a line has a column from 1: " + line);
    }
  }
}

void check_series(const StepSeries& series, double horizon_s) {
  require(!series.times_s.empty() && series.times_s.size() == series.values.size(),
          "a series has as many values as times, at least one");
  for (size_t i = 0; i < series.times_s.size(); ++i) {
    require(std::isfinite(series.times_s[i]) && std::isfinite(series.values[i]), "a series holds finite numbers");
    require(i == 0 || series.times_s[i] > series.times_s[i - 1], "a series' times strictly increase");
  }
  require(series.period_s == 0 ||
              (std::isfinite(series.period_s) && series.period_s > series.times_s.back() - series.times_s.front()),
          "a repeating series' period is longer than its span");

  double t_s = 0;
  for (int step = 0; step < kMaxStepsChecked; ++step) {
    require(std::isfinite(series.value_at(t_s)), "a series has a finite value at every time");
    const double next = series.next_change_after(t_s);
    require(next > t_s, "the next change of a series comes after the time asked");
    if (next > horizon_s) {
      break;
    }
    t_s = next;
  }
}

void check_scenario(const Scenario& scenario) {
  const double horizon = scenario.duration_s;
  for (const PoolSpec& pool : scenario.pools) {
    check_series(pool.capacity_vms, horizon);
  }
  for (const SpotPriceSpec& price : scenario.spot_prices) {
    check_series(price.usd_per_hour, horizon);
  }
  for (const ScaleSetSpec& set : scenario.scale_sets) {
    if (set.workload.demand && set.workload.demand->kind == Demand::Kind::Trace) {
      check_series(set.workload.demand->trace, horizon);
    }
    for (const NamedMetric& metric : set.workload.metrics) {
      check_series(metric.values, horizon);
      check_series(metric.available, horizon);
    }
  }

  // The names written to summary.json must be valid UTF-8, or serializing the summary would throw.
  nlohmann::json names = {{"scenario", scenario.name}};
  for (const VmSize& size : scenario.sizes) {
    names["sizes"].push_back(size.name);
  }
  for (const Zone& zone : scenario.zones) {
    names["zones"].push_back(zone.label);
  }
  for (const ScaleSetSpec& set : scenario.scale_sets) {
    names["scaleSets"].push_back(set.name);
  }
  try {
    static_cast<void>(names.dump());
  } catch (const nlohmann::json::exception& error) {
    require(false, std::string("the scenario's names serialize as JSON: ") + error.what());
  }
}

}  // namespace mixsim::fuzz
