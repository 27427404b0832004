// A sweep file: a base scenario, fixed overrides, a matrix of factors whose levels are overrides, and seeds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mixsim/diagnostics.hpp"
#include "scenario/node_reader.hpp"

namespace mixsim::batch {

/// Maximum number of runs of one sweep; each run is a process and a folder.
inline constexpr uint64_t kMaxRuns = 100'000;

/// One `--set PATH=VALUE` edit that a sweep applies, with the positions of its path and value in the sweep file,
/// so that a problem the scenario finds with it is reported there.
struct SweepOverride {
  std::string path;   // scenario key path, e.g. scaleSets[web].skuProfile.allocationStrategy
  std::string value;  // the value as one line of flow YAML
  Origin path_origin;
  std::string path_key;  // key path of the PATH in the sweep file, e.g. matrix.strategy.path
  Origin value_origin;
  std::string value_key;  // key path of the VALUE in the sweep file, e.g. matrix.strategy.values[2]

  /// Returns `PATH=VALUE`, the argument of `mixsim run --set`.
  std::string argument() const { return path + "=" + value; }
};

/// One level of a factor: its label and the overrides that select it.
struct FactorLevel {
  std::string label;                     // the level's cell in runs.csv and its part of run ids
  std::vector<SweepOverride> overrides;  // one for a `values` factor, one or more for a `levels` factor
};

/// One dimension of the matrix; its name is a column of runs.csv.
struct Factor {
  std::string name;
  std::vector<FactorLevel> levels;
};

/// A validated sweep file.
struct SweepSpec {
  std::string file;                  // the sweep file as the user named it
  std::string name;                  // names the default result folder results/sweeps/<name>
  std::string description;           // free text
  std::string scenario;              // the base scenario, as a path from the current folder
  std::vector<SweepOverride> fixed;  // `set:` overrides, applied to every run before the matrix's
  std::vector<Factor> factors;       // in file order; the first varies slowest in the run list
  std::vector<uint64_t> seeds;       // in file order, without duplicates

  /// Returns the number of runs the sweep expands to (levels of every factor times seeds).
  uint64_t run_count() const;
};

/// Reads and checks the sweep file at `path` (as the user named it; messages use this spelling). Throws InputError
/// listing every problem found, each as `FILE:LINE:COLUMN: KEY.PATH: MESSAGE`. Whether the scenario accepts the
/// overrides is checked later, by validate_runs().
SweepSpec read_sweep_file(const std::string& path);

/// Like read_sweep_file(), for the text of a sweep file; `path` names it in messages and its folder resolves the
/// scenario's path.
SweepSpec read_sweep_text(const std::string& text, const std::string& path);

/// Reads a seed list: a whole number (`7`), an inclusive range (`1..30`), or a list of both (`[1, 5..8]`).
/// Reports malformed items, reversed ranges, seeds listed twice and lists longer than kMaxRuns into `context`.
std::optional<std::vector<uint64_t>> read_seeds(load::Context& context, const yaml::Node& node,
                                                const std::string& path);

}  // namespace mixsim::batch
