// Running one scenario on SimGrid. SimGrid keeps one engine per process, so a process runs one simulation.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "mixsim/scenario.hpp"

namespace mixsim {

/// Thrown when a guard stops a running simulation (the event budget, for one); the CLI exits with status 3.
class GuardError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Thrown when SimGrid rejects a setting given with --cfg or --log before the run starts; the CLI exits with
/// status 2.
class SettingError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RunOptions {
  /// Folder for summary.json, timeline.csv and events.csv (it must exist); empty = write nothing.
  std::string out_dir;
  /// A run that processes more instants than this stops with a GuardError (exit status 3). The default is about
  /// 48 times the instants a ten-year run needs to evaluate autoscale every 30 s.
  int64_t max_events = 500'000'000;
  /// Checks every fleet invariant after each instant (O(fleet) per instant; for tests).
  bool check_every_event = false;
  /// Shows the simulated share of the run on stderr, at most twice a second (for a terminal).
  bool progress = false;
  /// Extra SimGrid arguments such as --cfg=contexts/factory:thread or --log=mixsim.thres:debug.
  std::vector<std::string> simgrid_args;
};

/// Returns a lower bound of the instants a run of `scenario` processes: the most that any one periodic or
/// scheduled kind of work (timeline rows, metric samples, diurnal demand, trace, capacity and price changes) needs
/// alone. A run whose bound passes RunOptions::max_events would certainly be stopped by it.
double minimum_instants(const Scenario& scenario);

/// Runs `scenario` to its end and returns the content of summary.json. Throws GuardError when a guard stops
/// the run, InvariantError when an invariant breaks, std::runtime_error when result files cannot be written.
/// Call at most once per process.
nlohmann::ordered_json run_simulation(const Scenario& scenario, const RunOptions& options);

}  // namespace mixsim
