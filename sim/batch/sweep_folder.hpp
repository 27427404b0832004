// The folder of a sweep and running a sweep into it.
//
//   <sweep dir>/sweep.json      {"name", "scenario", "factors", "seeds", "runs", "metrics"}
//   <sweep dir>/runs.csv        one row per run in run-list order; written when the sweep ends
//   <sweep dir>/runs/<run_id>/  the run's result files and stderr.txt
//   <sweep dir>/shard.json      {"shard", "shards", "totalRuns"}, only in the folder of one shard
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "batch/run_list.hpp"
#include "batch/shard.hpp"
#include "batch/sweep_file.hpp"

namespace mixsim::batch {

inline constexpr const char* kSweepManifest = "sweep.json";
inline constexpr const char* kRunsCsv = "runs.csv";
inline constexpr const char* kRunsFolder = "runs";
inline constexpr const char* kShardManifest = "shard.json";

/// Settings of run_sweep().
struct SweepRunOptions {
  std::filesystem::path out_dir;        // the sweep folder
  size_t jobs = 1;                      // runs at the same time
  std::optional<double> run_timeout_s;  // wall time after which a run is killed
  Shard shard;                          // the part of the run list to run
  bool quiet = false;                   // report only problems
};

/// Outcome of run_sweep().
struct SweepResult {
  int exit_status = 0;   // 0 every run Ok, 1 some run not Ok, 2 the folder cannot be used
  int interruption = 0;  // the signal that stopped the sweep, else 0; runs.csv is then not written
};

/// Returns the content of sweep.json for `runs` runs.
nlohmann::ordered_json sweep_manifest(const SweepSpec& spec, uint64_t runs);

/// Checks that `out_dir` can receive the results of `spec`: it is absent, empty, or the folder of the same sweep
/// (a sweep.json with the same name and scenario). Writes nothing. Returns an error message, or "".
std::string check_sweep_folder(const std::filesystem::path& out_dir, const SweepSpec& spec);

/// Returns the folder of a run: <out_dir>/runs/<id>.
std::filesystem::path run_folder(const std::filesystem::path& out_dir, const std::string& run_id);

/// Runs the runs of `runs` that belong to options.shard and lack a complete summary.json in their folder, then
/// writes runs.csv for all runs of the shard. Holds an exclusive lock on the folder while it works, so that two
/// sweeps never write into one folder. Prints progress and a closing summary on standard error.
SweepResult run_sweep(const SweepSpec& spec, const std::vector<RunSpec>& runs, const SweepRunOptions& options);

}  // namespace mixsim::batch
