// `mixsim sweep`: runs a base scenario over a matrix of overrides and seeds, one process per run.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <cstdlib>
#include <iostream>
#include <optional>

#include "batch/batch_runner.hpp"
#include "batch/run_list.hpp"
#include "batch/shard.hpp"
#include "batch/sweep_file.hpp"
#include "batch/sweep_folder.hpp"
#include "command_line.hpp"
#include "commands.hpp"
#include "mixsim/diagnostics.hpp"
#include "scenario/time_format.hpp"

namespace po = boost::program_options;

namespace mixsim::cli {

namespace {

/// Options of `mixsim sweep`; the defaults here are the ones --help shows.
struct SweepCommandOptions {
  std::string sweep_file;                  // the sweep file
  size_t jobs = batch::available_cores();  // runs at the same time
  std::string out;                         // sweep folder; empty = results/sweeps/<sweep name>
  std::string run_timeout;                 // a duration such as PT10M; empty = no limit
  std::string shard;                       // I/N; empty = the scheduler's environment, else the whole sweep
  std::optional<uint64_t> shard_count;     // shards when JOB_COMPLETION_INDEX chooses the shard
  bool list = false;                       // print the run list and stop
  bool quiet = false;                      // report only problems
};

constexpr size_t kMaxJobs = 4096;

po::options_description sweep_options(SweepCommandOptions& options) {
  po::options_description description("mixsim sweep SWEEP.yaml [options]");
  auto add = description.add_options();
  add("help,h", "show this help");
  add("jobs,j", po::value(&options.jobs)->default_value(options.jobs),
      "runs at the same time (default: the processors this process may use)");
  add("out,o", po::value(&options.out), "sweep folder (default: results/sweeps/<sweep name>)");
  add("run-timeout", po::value(&options.run_timeout),
      "wall time after which a run's process group is killed and the run recorded as timeout, e.g. PT10M or 90s "
      "(default: no limit)");
  add("shard", po::value(&options.shard),
      "run only shard I of N: the runs at positions I, I+N, I+2N, ... of the run list (default: from "
      "SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX with --shard-count, when set)");
  add("shard-count", po::value<uint64_t>(), "the number of shards when JOB_COMPLETION_INDEX chooses this one");
  add("list", po::bool_switch(&options.list), "check the sweep, print its run list (position, id, seed, levels) and stop");
  add("quiet,q", po::bool_switch(&options.quiet), "report only runs that fail and problems");
  return description;
}

std::optional<int> parse(const std::vector<std::string>& arguments, SweepCommandOptions& options) {
  po::options_description hidden;
  hidden.add_options()("sweep", po::value(&options.sweep_file));
  po::variables_map values;
  if (const auto status = parse_command_line("sweep", arguments, sweep_options(options), hidden, "sweep", 1, values)) {
    return status;
  }
  if (values.count("shard-count") > 0) {
    options.shard_count = values["shard-count"].as<uint64_t>();
  }
  if (options.sweep_file.empty()) {
    std::cerr << "mixsim sweep: a sweep file is required: mixsim sweep SWEEP.yaml\n";
    return kExitUsage;
  }
  if (options.jobs < 1 || options.jobs > kMaxJobs) {
    std::cerr << fmt::format("mixsim sweep: --jobs {}: out of range; valid: 1 to {}\n", options.jobs, kMaxJobs);
    return kExitUsage;
  }
  return std::nullopt;
}

// Chooses the shard from --shard, else from the scheduler's environment. Returns an error message or "".
std::string choose_shard(const SweepCommandOptions& options, batch::Shard& shard) {
  if (!options.shard.empty()) {
    return batch::parse_shard(options.shard, shard);
  }
  std::optional<batch::Shard> from_environment;
  const std::string error = batch::shard_from_environment([](const char* name) { return std::getenv(name); },
                                                          options.shard_count, from_environment);
  shard = from_environment.value_or(batch::Shard{});
  return error;
}

std::string parse_timeout(const std::string& text, std::optional<double>& timeout_s) {
  if (text.empty()) {
    return {};
  }
  const ParsedDuration parsed = parse_duration(text);
  if (!parsed.seconds) {
    return fmt::format("--run-timeout {}: {}", text, parsed.error);
  }
  if (*parsed.seconds <= 0) {
    return fmt::format("--run-timeout {}: the timeout must be longer than zero", text);
  }
  timeout_s = *parsed.seconds;
  return {};
}

void print_run_list(const batch::SweepSpec& spec, const std::vector<batch::RunSpec>& runs, const batch::Shard& shard) {
  for (const batch::RunSpec& run : runs) {
    if (!shard.contains(run.position)) {
      continue;
    }
    std::string levels;
    for (size_t factor = 0; factor < spec.factors.size(); ++factor) {
      levels += fmt::format(" {}={}", spec.factors[factor].name, spec.factors[factor].levels[run.levels[factor]].label);
    }
    std::cout << fmt::format("{} {} seed={}{}\n", run.position, run.id, run.seed, levels);
  }
}

}  // namespace

int sweep_command(const std::vector<std::string>& arguments) {
  SweepCommandOptions options;
  if (const auto status = parse(arguments, options)) {
    return *status;
  }
  batch::SweepRunOptions run;
  run.jobs = options.jobs;
  run.quiet = options.quiet;
  for (const std::string& problem :
       {choose_shard(options, run.shard), parse_timeout(options.run_timeout, run.run_timeout_s)}) {
    if (!problem.empty()) {
      std::cerr << "mixsim sweep: " << problem << "\n";
      return kExitUsage;
    }
  }

  batch::SweepSpec spec;
  std::vector<batch::RunSpec> runs;
  try {
    spec = batch::read_sweep_file(options.sweep_file);
    runs = batch::expand_runs(spec);
    for (const std::string& warning : batch::validate_runs(spec, runs)) {
      if (!options.quiet) {
        std::cerr << warning << "\n";
      }
    }
    if (options.list) {
      print_run_list(spec, runs, run.shard);
      return kExitOk;
    }
  } catch (const InputError& error) {
    std::cerr << error.diagnostics().format_all();
    return kExitUsage;
  }

  run.out_dir = options.out.empty() ? std::filesystem::path("results") / "sweeps" / spec.name
                                    : std::filesystem::path(options.out);
  batch::SweepResult result;
  try {
    result = batch::run_sweep(spec, runs, run);
  } catch (const std::exception& error) {
    // Folders that cannot be created, a full disk, a failed fork: the runs already complete stay usable.
    std::cerr << "mixsim sweep: " << error.what() << "\n";
    return kExitFailed;
  }
  if (result.interruption != 0) {
    exit_by_signal(result.interruption);
  }
  return result.exit_status;
}

}  // namespace mixsim::cli
