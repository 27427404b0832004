#include "batch/batch_runner.hpp"

#include <fmt/format.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "batch/progress.hpp"
#include "scenario/time_format.hpp"

namespace fs = std::filesystem;

namespace mixsim::batch {

namespace {

std::string read_tail(const fs::path& path, uintmax_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return {};
  }
  in.seekg(0, std::ios::end);
  const auto size = static_cast<uintmax_t>(in.tellg());
  const uintmax_t start = size > max_bytes ? size - max_bytes : 0;
  in.seekg(static_cast<std::streamoff>(start));
  std::ostringstream tail;
  tail << in.rdbuf();
  return tail.str();
}

// Appends how the run ended to its stderr.txt, keeping only the file's tail when it grew large.
void record_failure(const fs::path& stderr_path, const std::string& program, const JobOutcome& outcome) {
  std::error_code error;
  const uintmax_t size = fs::file_size(stderr_path, error);
  std::string text = read_tail(stderr_path, kMaxStderrBytes);
  if (!error && size > kMaxStderrBytes) {
    text = fmt::format("[{} earlier bytes cut; the last {} follow]\n", size - kMaxStderrBytes, kMaxStderrBytes) + text;
  }
  if (!text.empty() && text.back() != '\n') {
    text += '\n';
  }
  text += fmt::format("{}: run {}: {}\n", program, to_string(outcome.status), outcome.detail);
  std::ofstream(stderr_path, std::ios::binary | std::ios::trunc) << text;
}

void start_job(ChildPool& pool, size_t tag, const BatchJob& job, const BatchOptions& options) {
  // A folder left by an interrupted run may hold temporary files; the run starts from an empty one.
  fs::remove_all(job.folder);
  fs::create_directories(job.folder);

  ChildCommand command;
  command.executable = options.executable;
  command.arguments.emplace_back("mixsim");
  command.arguments.insert(command.arguments.end(), job.arguments.begin(), job.arguments.end());
  command.stderr_path = job.folder / "stderr.txt";
  command.timeout_s = options.run_timeout_s;
  pool.start(tag, command);
}

JobOutcome finish_job(const BatchJob& job, const ChildExit& exit, const BatchOptions& options) {
  const fs::path stderr_path = job.folder / "stderr.txt";
  const bool complete = read_run_metrics(job.folder / "summary.json").has_value();
  JobOutcome outcome = classify_exit(exit, complete, options.run_timeout_s, last_line_of(stderr_path));
  if (outcome.status != RunStatus::Ok) {
    record_failure(stderr_path, options.program, outcome);
  }
  return outcome;
}

}  // namespace

std::string last_line_of(const fs::path& path) {
  const std::string tail = read_tail(path, 4096);
  size_t end = tail.size();
  while (end > 0) {
    const size_t start = tail.rfind('\n', end - 1);
    const size_t from = start == std::string::npos ? 0 : start + 1;
    const std::string line = tail.substr(from, end - from);
    if (line.find_first_not_of(" \t\r") != std::string::npos) {
      return line;
    }
    if (start == std::string::npos) {
      break;
    }
    end = start;
  }
  return {};
}

JobOutcome classify_exit(const ChildExit& exit, bool summary_complete, std::optional<double> timeout_s,
                         const std::string& stderr_tail) {
  JobOutcome outcome;
  outcome.wall_s = exit.wall_s;
  const std::string tail = stderr_tail.empty() ? "" : ": " + stderr_tail;
  if (exit.timed_out) {
    outcome.status = RunStatus::Timeout;
    outcome.detail = fmt::format("ran longer than the run timeout of {}; its process group was killed",
                                 format_duration(timeout_s.value_or(exit.wall_s)));
  } else if (exit.signal != 0) {
    outcome.status = RunStatus::Crashed;
    outcome.detail = fmt::format("ended by signal {} ({}){}", exit.signal, strsignal(exit.signal), tail);
  } else if (exit.exit_status != 0) {
    outcome.status = RunStatus::Failed;
    outcome.detail = fmt::format("exited with status {}{}", exit.exit_status, tail);
  } else if (!summary_complete) {
    outcome.status = RunStatus::Failed;
    outcome.detail = "exited with status 0 but left no complete summary.json";
  } else {
    outcome.status = RunStatus::Ok;
  }
  return outcome;
}

size_t available_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    return std::max(1, CPU_COUNT(&set));
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

BatchResult run_batch(const std::vector<BatchJob>& jobs, const BatchOptions& options) {
  BatchResult result;
  result.outcomes.resize(jobs.size());
  ProgressReporter progress(stderr, ::isatty(STDERR_FILENO) == 1, options.quiet, options.program, options.total_runs,
                            options.already_done);
  ChildPool pool;
  const size_t parallel = std::max<size_t>(1, options.jobs);
  size_t next = 0;
  try {
    while (true) {
      while (pool.interruption() == 0 && next < jobs.size() && pool.running() < parallel) {
        start_job(pool, next, jobs[next], options);
        ++next;
      }
      if (pool.running() == 0) {
        break;
      }
      for (const ChildExit& exit : pool.wait(progress.refresh_interval_s())) {
        const BatchJob& job = jobs[exit.tag];
        JobOutcome outcome = finish_job(job, exit, options);
        progress.finished(job.id, outcome.status, outcome.wall_s, outcome.detail);
        result.outcomes[exit.tag] = std::move(outcome);
      }
      if (pool.interruption() != 0) {
        pool.kill_all();
        break;
      }
      progress.refresh();
    }
  } catch (...) {
    progress.close();
    throw;
  }
  result.interruption = pool.interruption();
  progress.close();
  return result;
}

}  // namespace mixsim::batch
