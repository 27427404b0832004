// The run list of a sweep: every combination of factor levels with every seed, in a fixed order, each with a
// stable id.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "batch/sweep_file.hpp"

namespace mixsim::batch {

/// One run of a sweep.
struct RunSpec {
  uint64_t position = 0;     // index in the run list
  uint64_t combination = 0;  // index of its combination of levels; runs that differ only in seed share it
  std::string id;            // names the run's folder runs/<id>/
  uint64_t seed = 0;
  std::vector<size_t> levels;  // per factor, the index of the run's level
};

/// Expands `spec` into its run list: the combinations of levels with the first factor varying slowest, levels
/// in listed order, and for each combination every seed in listed order. The order depends only on the sweep
/// file, so runs.csv rows have the same order however the runs are scheduled. Throws InputError in the
/// unlikely case that two runs get the same id.
std::vector<RunSpec> expand_runs(const SweepSpec& spec);

/// Returns the `--set PATH=VALUE` arguments of `run`: the fixed overrides, then those of its levels in factor
/// order.
std::vector<std::string> run_overrides(const SweepSpec& spec, const RunSpec& run);

/// Returns the level labels of `run`, in factor order.
std::vector<std::string> run_labels(const SweepSpec& spec, const RunSpec& run);

/// Returns a run id such as `LowestPrice-s3-5d1c09a2`: the level labels, `s<seed>`, and 8 hexadecimal digits of a
/// 64-bit hash of the overrides and the seed (FNV-1a, then MurmurHash3's finalizer), joined by '-'. In the labels,
/// characters other than letters, digits, '.', '_' and '-' become '_', and each label is cut to 24 characters. The hash
/// keeps ids of runs with different overrides apart when their labels read the same, and changes when any override
/// changes, so that a resumed sweep never takes an old result for a new run.
std::string make_run_id(const std::vector<std::string>& labels, uint64_t seed,
                        const std::vector<std::string>& overrides);

/// Loads the base scenario with the overrides of every run, in process, before any run starts. Runs that differ
/// only in their seed share one load, since the seed replaces scenario.seed after validation and cannot make a
/// scenario invalid. Throws InputError with every problem; a problem that an override causes is reported at that
/// override's path or value in the sweep file. Returns the scenario warnings, each once.
std::vector<std::string> validate_runs(const SweepSpec& spec, const std::vector<RunSpec>& runs);

}  // namespace mixsim::batch
