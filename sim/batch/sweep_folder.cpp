#include "batch/sweep_folder.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>

#include "batch/batch_runner.hpp"
#include "batch/progress.hpp"
#include "batch/run_table.hpp"
#include "batch/text_file.hpp"

namespace fs = std::filesystem;

namespace mixsim::batch {

namespace {

// An exclusive flock on the sweep folder, held until destruction. The kernel drops it when the process dies,
// so a sweep killed with SIGKILL leaves no stale lock.
class FolderLock {
 public:
  explicit FolderLock(const fs::path& folder) : fd_(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (fd_ < 0) {
      error_ = errno;
    } else if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      error_ = errno;
    }
  }
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;
  ~FolderLock() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  /// True when another process holds the lock.
  bool held_elsewhere() const { return error_ == EWOULDBLOCK; }
  /// The errno of a failure other than held_elsewhere(), such as a file system without flock, else 0.
  int unsupported() const { return error_ == EWOULDBLOCK ? 0 : error_; }

 private:
  int fd_;
  int error_ = 0;
};

std::string scenario_argument(const std::string& scenario) {
  // A path that starts with '-' would read as an option.
  return scenario.starts_with('-') ? "./" + scenario : scenario;
}

BatchJob make_job(const SweepSpec& spec, const RunSpec& run, const fs::path& out_dir) {
  BatchJob job;
  job.id = run.id;
  job.folder = run_folder(out_dir, run.id);
  job.arguments = {"run",    scenario_argument(spec.scenario), "--out",   job.folder.string(),
                   "--seed", std::to_string(run.seed),         "--quiet", "--force"};
  for (const std::string& argument : run_overrides(spec, run)) {
    // The --set=VALUE form, so that a value starting with '-' is not taken for an option.
    job.arguments.push_back("--set=" + argument);
  }
  return job;
}

void write_manifests(const SweepSpec& spec, uint64_t total_runs, uint64_t shard_runs, const SweepRunOptions& options) {
  write_text_atomically(options.out_dir / kSweepManifest, sweep_manifest(spec, shard_runs).dump(2) + "\n");
  std::error_code error;
  if (options.shard.is_whole()) {
    fs::remove(options.out_dir / kShardManifest, error);
    return;
  }
  nlohmann::ordered_json shard;
  shard["shard"] = options.shard.index;
  shard["shards"] = options.shard.count;
  shard["totalRuns"] = total_runs;
  write_text_atomically(options.out_dir / kShardManifest, shard.dump(2) + "\n");
}

std::string describe_statuses(const std::vector<RunRow>& rows) {
  size_t counts[4] = {0, 0, 0, 0};
  for (const RunRow& row : rows) {
    ++counts[static_cast<size_t>(row.status)];
  }
  std::string text = fmt::format("{} ok", counts[0]);
  for (const RunStatus status : {RunStatus::Failed, RunStatus::Timeout, RunStatus::Crashed}) {
    if (counts[static_cast<size_t>(status)] > 0) {
      text += fmt::format(", {} {}", counts[static_cast<size_t>(status)], to_string(status));
    }
  }
  return text;
}

std::string describe_shard(const Shard& shard, uint64_t total_runs, uint64_t shard_runs) {
  if (shard.is_whole()) {
    return fmt::format("{} runs", total_runs);
  }
  return fmt::format("{} runs of {} (shard {}/{})", shard_runs, total_runs, shard.index, shard.count);
}

// The runs of one shard, and those of them that still have to run.
struct ShardPlan {
  std::vector<const RunSpec*> selected;  // in run-list order
  std::vector<BatchJob> jobs;            // the selected runs without a complete summary.json
  std::vector<size_t> job_of;            // by run-list position: index into jobs, or SIZE_MAX
};

ShardPlan plan_shard(const SweepSpec& spec, const std::vector<RunSpec>& runs, const SweepRunOptions& options) {
  ShardPlan plan;
  plan.job_of.assign(runs.size(), SIZE_MAX);
  for (const RunSpec& run : runs) {
    if (!options.shard.contains(run.position)) {
      continue;
    }
    plan.selected.push_back(&run);
    if (!read_run_metrics(run_folder(options.out_dir, run.id) / "summary.json")) {
      plan.job_of[run.position] = plan.jobs.size();
      plan.jobs.push_back(make_job(spec, run, options.out_dir));
    }
  }
  return plan;
}

// The rows of runs.csv: runs complete before the batch are ok, the others have the status the batch gave them.
std::vector<RunRow> collect_rows(const SweepSpec& spec, const ShardPlan& plan, const BatchResult& result,
                                 const fs::path& out_dir) {
  std::vector<RunRow> rows;
  for (const RunSpec* run : plan.selected) {
    RunRow row{run->id, RunStatus::Ok, run->seed, run_labels(spec, *run), {}};
    const size_t job = plan.job_of[run->position];
    if (job != SIZE_MAX && result.outcomes[job]) {
      row.status = result.outcomes[job]->status;
    }
    if (row.status == RunStatus::Ok) {
      row.metrics =
          read_run_metrics(run_folder(out_dir, run->id) / "summary.json").value_or(std::vector<std::string>{});
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

nlohmann::ordered_json sweep_manifest(const SweepSpec& spec, uint64_t runs) {
  nlohmann::ordered_json manifest;
  manifest["name"] = spec.name;
  manifest["scenario"] = spec.scenario;
  manifest["factors"] = nlohmann::ordered_json::array();
  for (const Factor& factor : spec.factors) {
    manifest["factors"].push_back(factor.name);
  }
  manifest["seeds"] = spec.seeds;
  manifest["runs"] = runs;
  manifest["metrics"] = metric_names();
  return manifest;
}

std::string check_sweep_folder(const fs::path& out_dir, const SweepSpec& spec) {
  std::error_code error;
  if (!fs::exists(out_dir, error)) {
    return {};
  }
  if (!fs::is_directory(out_dir, error)) {
    return fmt::format("--out {}: exists and is not a folder", out_dir.string());
  }
  if (fs::is_empty(out_dir, error)) {
    return {};
  }
  std::ifstream in(out_dir / kSweepManifest);
  const nlohmann::json manifest = in ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json();
  if (!manifest.is_object()) {
    return fmt::format(
        "--out {}: the folder holds files but no sweep.json of a mixsim sweep; choose another "
        "folder with --out",
        out_dir.string());
  }
  const std::string name = manifest.value("name", "");
  const std::string scenario = manifest.value("scenario", "");
  if (name != spec.name || scenario != spec.scenario) {
    return fmt::format(
        "--out {}: the folder holds sweep '{}' of scenario {}, not sweep '{}' of {}; choose another "
        "folder with --out, or remove it",
        out_dir.string(), name, scenario, spec.name, spec.scenario);
  }
  return {};
}

fs::path run_folder(const fs::path& out_dir, const std::string& run_id) {
  return out_dir / kRunsFolder / run_id;
}

SweepResult run_sweep(const SweepSpec& spec, const std::vector<RunSpec>& runs, const SweepRunOptions& options) {
  const std::string program = "mixsim sweep";
  if (const std::string problem = check_sweep_folder(options.out_dir, spec); !problem.empty()) {
    std::cerr << program << ": " << problem << "\n";
    return SweepResult{2, 0};
  }
  fs::create_directories(options.out_dir / kRunsFolder);
  const FolderLock lock(options.out_dir);
  if (lock.held_elsewhere()) {
    std::cerr << fmt::format(
        "{}: --out {}: another mixsim sweep is writing into this folder; wait for it to end or choose another "
        "folder\n",
        program, options.out_dir.string());
    return SweepResult{2, 0};
  }
  if (lock.unsupported() != 0) {
    // NOTE: some network file systems reject flock on a folder; the sweep then runs unprotected.
    std::cerr << fmt::format(
        "{}: warning: --out {}: cannot lock the folder ({}); make sure no other sweep writes into it\n", program,
        options.out_dir.string(), std::strerror(lock.unsupported()));
  }

  // runs.csv exists only after a sweep ran to its end, so a stale one must not outlive this start.
  std::error_code error;
  fs::remove(options.out_dir / kRunsCsv, error);

  const ShardPlan plan = plan_shard(spec, runs, options);
  write_manifests(spec, runs.size(), plan.selected.size(), options);
  const uint64_t complete = plan.selected.size() - plan.jobs.size();
  const std::string shard_text = describe_shard(options.shard, runs.size(), plan.selected.size());
  if (!options.quiet) {
    std::cerr << fmt::format("{}: {}: {}, {} complete, {} to run, {} at a time; results in {}\n", program, spec.name,
                             shard_text, complete, plan.jobs.size(), options.jobs, options.out_dir.string());
  }

  BatchOptions batch;
  batch.program = program;
  batch.jobs = options.jobs;
  batch.run_timeout_s = options.run_timeout_s;
  batch.quiet = options.quiet;
  batch.total_runs = plan.selected.size();
  batch.already_done = complete;
  const auto started = std::chrono::steady_clock::now();
  const BatchResult result = run_batch(plan.jobs, batch);
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  if (result.interruption != 0) {
    const auto ok_now = std::count_if(result.outcomes.begin(), result.outcomes.end(),
                                      [](const auto& outcome) { return outcome && outcome->status == RunStatus::Ok; });
    std::cerr << fmt::format(
        "{}: interrupted by SIG{}: {} of {} runs complete; run the same command again to continue\n", program,
        sigabbrev_np(result.interruption), complete + ok_now, plan.selected.size());
    return SweepResult{0, result.interruption};
  }

  const std::vector<RunRow> rows = collect_rows(spec, plan, result, options.out_dir);
  std::vector<std::string> factor_names;
  for (const Factor& factor : spec.factors) {
    factor_names.push_back(factor.name);
  }
  write_text_atomically(options.out_dir / kRunsCsv, format_runs_csv(factor_names, rows));

  const bool all_ok =
      std::all_of(rows.begin(), rows.end(), [](const RunRow& row) { return row.status == RunStatus::Ok; });
  if (!options.quiet || !all_ok) {
    std::cerr << fmt::format("{}: {}: {}: {}; {} ran in {}; results in {}\n", program, spec.name, shard_text,
                             describe_statuses(rows), plan.jobs.size(), format_wall_time(wall_s),
                             options.out_dir.string());
  }
  return SweepResult{all_ok ? 0 : 1, 0};
}

}  // namespace mixsim::batch
