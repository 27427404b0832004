// Runs a list of `mixsim run` processes in parallel, each into its own folder, and reports how each ended.
// `mixsim sweep` and `mixsim check` share it: SimGrid keeps one engine per process, so every simulation of a
// batch is a process of its own.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "batch/child_pool.hpp"
#include "batch/run_table.hpp"

namespace mixsim::batch {

/// The executable that batches start: the running mixsim binary itself, so a batch never mixes versions.
inline constexpr const char* kSelfExecutable = "/proc/self/exe";

/// Maximum size in bytes of a failed run's stderr.txt; the sweep keeps its tail, where the error is.
inline constexpr uintmax_t kMaxStderrBytes = 64 * 1024;

/// One run of a batch.
struct BatchJob {
  std::string id;                      // names the run in progress lines
  std::vector<std::string> arguments;  // mixsim's arguments, e.g. run FILE --out DIR --seed 3 --quiet
  std::filesystem::path folder;        // the run's result folder: emptied before the run, receives stderr.txt
};

/// Outcome of one run of a batch.
struct JobOutcome {
  RunStatus status = RunStatus::Failed;
  std::string detail;  // why a run that is not Ok failed, with the last line of its stderr; empty when Ok
  double wall_s = 0;
};

/// Settings of run_batch().
struct BatchOptions {
  std::string program = "mixsim sweep";  // prefix of progress lines and of the status line added to stderr.txt
  std::string executable = kSelfExecutable;
  size_t jobs = 1;                      // runs at the same time, at least 1
  std::optional<double> run_timeout_s;  // wall time after which a run is killed (status timeout)
  bool quiet = false;                   // report only runs that did not end Ok
  uint64_t total_runs = 0;              // every run of the batch, for the progress display
  uint64_t already_done = 0;            // runs complete before this batch, for the progress display
};

struct BatchResult {
  std::vector<std::optional<JobOutcome>> outcomes;  // one per job; empty for jobs an interruption kept from ending
  int interruption = 0;                             // SIGINT, SIGTERM or SIGHUP when one stopped the batch, else 0
};

/// Runs `jobs` in list order, at most options.jobs at a time. A run that fails, crashes or times out does not stop
/// the others: its status is recorded and a line saying how it ended is appended to its stderr.txt, which is
/// cut to its last kMaxStderrBytes. On SIGINT, SIGTERM or SIGHUP, kills the running children, starts no more and
/// returns with `interruption` set. Throws std::system_error when a folder or a process cannot be created.
BatchResult run_batch(const std::vector<BatchJob>& jobs, const BatchOptions& options);

/// Classifies how a run ended. `summary_complete` is whether its folder contains a complete summary.json, and
/// `stderr_tail` is the last line of its stderr, which the detail of a failed run quotes.
JobOutcome classify_exit(const ChildExit& exit, bool summary_complete, std::optional<double> timeout_s,
                         const std::string& stderr_tail);

/// Returns the last non-blank line of the file at `path`, or "" when there is none.
std::string last_line_of(const std::filesystem::path& path);

/// Returns the number of processors this process may run on (its CPU affinity, which Slurm and containers
/// narrow), at least 1.
size_t available_cores();

}  // namespace mixsim::batch
