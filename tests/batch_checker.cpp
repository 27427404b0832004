// End-to-end tests of the batch commands (sweep, merge, compare, check): they run the real mixsim binary as a user
// would, on files they write into a scratch folder, and check the files and exit statuses it leaves.
//
// Usage: batch_checker MIXSIM SOURCE_DIR WORK_DIR TEST, with TEST one of determinism, resume, failures,
// input-errors, check, terminal. Exit status 0 when every check passes.
//
// No test sleeps for a fixed time: tests that interrupt a sweep poll the files and processes it leaves and act
// when what they wait for has happened, with a generous limit after which they fail.
#include <fcntl.h>
#include <fmt/format.h>
#include <pty.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

namespace {

int failures = 0;
std::string mixsim;
fs::path source_dir;
fs::path work;

void check(bool condition, const std::string& what) {
  if (!condition) {
    std::cerr << "FAILED: " << what << "\n";
    ++failures;
  }
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Removes the variables by which a scheduler chooses a shard: a test that itself runs in a job array must not
// have its sweeps sharded by them.
void clear_scheduler_environment() {
  for (const char* name : {"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN",
                           "SLURM_ARRAY_TASK_STEP", "JOB_COMPLETION_INDEX"}) {
    ::unsetenv(name);
  }
}

// A started mixsim process: its pid (also its process group) and the file that receives its stdout and stderr.
struct Process {
  pid_t pid = -1;
  fs::path output;
};

// Starts mixsim with `arguments` in a process group of its own, with `environment` added to this process's.
Process start(const std::vector<std::string>& arguments, const fs::path& output,
              const std::map<std::string, std::string>& environment = {}) {
  std::vector<std::string> argv_text = {mixsim};
  argv_text.insert(argv_text.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (std::string& argument : argv_text) {
    argv.push_back(argument.data());
  }
  argv.push_back(nullptr);
  const int out = ::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    clear_scheduler_environment();
    for (const auto& [name, value] : environment) {
      ::setenv(name.c_str(), value.c_str(), 1);
    }
    ::dup2(out, STDOUT_FILENO);
    ::dup2(out, STDERR_FILENO);
    ::execv(mixsim.c_str(), argv.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid);
  ::close(out);
  return Process{pid, output};
}

// Waits for `process`; returns its raw wait status.
int wait_for(const Process& process) {
  int status = 0;
  while (::waitpid(process.pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

int exit_status_of(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Runs mixsim to its end; returns its exit status and stores its output in `output`.
int run(const std::vector<std::string>& arguments, std::string& output,
        const std::map<std::string, std::string>& environment = {}) {
  static int counter = 0;
  const Process process = start(arguments, work / fmt::format("output-{}.txt", ++counter), environment);
  const int status = exit_status_of(wait_for(process));
  output = read_file(process.output);
  return status;
}

std::string runs_csv(const fs::path& sweep_dir) {
  return read_file(sweep_dir / "runs.csv");
}

std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> cells;
    std::istringstream fields(line);
    std::string cell;
    while (std::getline(fields, cell, ',')) {
      cells.push_back(cell);
    }
    if (!line.empty() && line.back() == ',') {
      cells.emplace_back();
    }
    rows.push_back(cells);
  }
  return rows;
}

// Run folders of a sweep that hold a summary.json, by run id.
std::set<std::string> complete_runs(const fs::path& sweep_dir) {
  std::set<std::string> ids;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(sweep_dir / "runs", error)) {
    if (fs::exists(entry.path() / "summary.json")) {
      ids.insert(entry.path().filename().string());
    }
  }
  return ids;
}

// The identity of a file version: inode and modification time in nanoseconds. A run that ran again would have
// renamed a new summary.json into place, which changes both.
std::pair<ino_t, int64_t> file_version(const fs::path& path) {
  struct stat info {};
  ::stat(path.c_str(), &info);
  return {info.st_ino, static_cast<int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec};
}

// Polls `condition` every 10 ms until it is true or `limit_s` passes; returns whether it became true.
bool poll_until(const std::function<bool()>& condition, double limit_s = 60) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(limit_s);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > until) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// Processes whose command line contains `text`, as (pid, parent pid, command line with spaces).
struct ProcessInfo {
  pid_t pid;
  pid_t parent;
  std::string command;
};

std::vector<ProcessInfo> processes_mentioning(const std::string& text) {
  std::vector<ProcessInfo> found;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    std::string command = read_file(entry.path() / "cmdline");
    for (char& c : command) {
      c = c == '\0' ? ' ' : c;
    }
    if (!contains(command, text)) {
      continue;
    }
    const std::string stat = read_file(entry.path() / "stat");
    const size_t close = stat.rfind(')');
    if (close == std::string::npos) {
      continue;
    }
    std::istringstream fields(stat.substr(close + 2));
    std::string state;
    pid_t parent = 0;
    fields >> state >> parent;
    if (state != "Z") {
      found.push_back(ProcessInfo{std::stoi(name), parent, command});
    }
  }
  return found;
}

void copy_fixtures() {
  fs::remove_all(work);
  fs::create_directories(work);
  fs::copy_file(source_dir / "tests" / "batch" / "tiny.yaml", work / "tiny.yaml");
  fs::copy_file(source_dir / "tests" / "batch" / "demand.csv", work / "demand.csv");
}

const char* const kDeterminismSweep = R"(name: determinism
scenario: tiny.yaml
matrix:
  strategy:
    path: "scaleSets[web].skuProfile.allocationStrategy"
    values: [LowestPrice, CapacityOptimized]
  base:
    path: "scaleSets[web].priorityMixPolicy.baseRegularPriorityCount"
    values: [0, 2]
seeds: 1..3
)";

const char* const kRunsHeader =
    "run_id,status,seed,strategy,base,cost_total,cost_compute,cost_disk,cost_regular,cost_spot,"
    "availability_capacity,availability_demand,time_below_target_s,evictions,allocation_failures,scale_outs,"
    "scale_ins,restores\n";

void check_same_results(const fs::path& reference, const fs::path& other, const std::string& what) {
  check(fs::exists(other / "runs.csv"), what + ": runs.csv was written");
  check(runs_csv(other) == runs_csv(reference), what + ": runs.csv is byte-identical to the -j 1 run's");
  check(read_file(other / "sweep.json") == read_file(reference / "sweep.json"),
        what + ": sweep.json is byte-identical to the -j 1 run's");
  for (const std::string& id : complete_runs(reference)) {
    check(read_file(other / "runs" / id / "summary.json") == read_file(reference / "runs" / id / "summary.json"),
          what + ": runs/" + id + "/summary.json is identical");
  }
}

// -j 1, -j 2, two shards by --shard, three by Slurm's variables and two by a Kubernetes index: one runs.csv.
void test_determinism() {
  write_file(work / "sweep.yaml", kDeterminismSweep);
  std::string output;
  check(run({"sweep", (work / "sweep.yaml").string(), "-j", "1", "--out", (work / "j1").string()}, output) == 0,
        "-j 1 sweep exits 0: " + output);
  const std::string reference = runs_csv(work / "j1");
  check(reference.rfind(kRunsHeader, 0) == 0, "runs.csv starts with the contract's header");
  const auto rows = csv_rows(reference);
  check(rows.size() == 13, fmt::format("runs.csv has 12 runs (found {} lines)", rows.size()));
  for (size_t i = 1; i < rows.size(); ++i) {
    check(rows[i].size() == 18 && rows[i][1] == "ok" && !rows[i][5].empty(), "run " + rows[i][0] + " is ok");
  }
  check(contains(output, "[12/12] ok"), "plain progress lines when stderr is not a terminal");
  check(rows.size() > 4 && rows[1][3] == "LowestPrice" && rows[1][4] == "0" && rows[1][2] == "1" && rows[4][4] == "2" &&
            rows[7][3] == "CapacityOptimized",
        "rows follow the run list: first factor slowest, seeds innermost");

  std::string listed;
  run({"sweep", (work / "sweep.yaml").string(), "--list"}, listed);
  for (size_t i = 1; i < rows.size(); ++i) {
    check(contains(listed, fmt::format("{} {} seed=", i - 1, rows[i][0])), "--list names run " + rows[i][0]);
  }

  check(run({"sweep", (work / "sweep.yaml").string(), "-j", "2", "--out", (work / "j2").string()}, output) == 0,
        "-j 2 sweep exits 0");
  check_same_results(work / "j1", work / "j2", "-j 2");

  for (const char* shard : {"0/2", "1/2"}) {
    const std::string out = (work / fmt::format("shard-{}", shard[0])).string();
    check(run({"sweep", (work / "sweep.yaml").string(), "--shard", shard, "--out", out}, output) == 0,
          std::string("--shard ") + shard + " exits 0");
  }
  check(csv_rows(runs_csv(work / "shard-1")).size() == 7, "shard 1/2 ran 6 of the 12 runs");
  check(run({"merge", (work / "merged-2").string(), (work / "shard-1").string(), (work / "shard-0").string()},
            output) == 0,
        "merge of two shards exits 0: " + output);
  check_same_results(work / "j1", work / "merged-2", "two shards merged");

  std::vector<std::string> merge_three = {"merge", (work / "merged-3").string()};
  for (int task = 0; task < 3; ++task) {
    const std::string out = (work / fmt::format("slurm-{}", task)).string();
    check(run({"sweep", (work / "sweep.yaml").string(), "--out", out}, output,
              {{"SLURM_ARRAY_TASK_ID", std::to_string(task)}, {"SLURM_ARRAY_TASK_COUNT", "3"}}) == 0,
          fmt::format("Slurm array task {} of 3 exits 0", task));
    check(contains(output, fmt::format("(shard {}/3)", task)), "the Slurm variables chose the shard");
    merge_three.push_back(out);
  }
  check(run(merge_three, output) == 0, "merge of three Slurm shards exits 0");
  check_same_results(work / "j1", work / "merged-3", "three Slurm shards merged");

  std::vector<std::string> merge_indexed = {"merge", (work / "merged-k8s").string()};
  for (int index = 0; index < 2; ++index) {
    const std::string out = (work / fmt::format("k8s-{}", index)).string();
    check(run({"sweep", (work / "sweep.yaml").string(), "--shard-count", "2", "--out", out}, output,
              {{"JOB_COMPLETION_INDEX", std::to_string(index)}}) == 0,
          fmt::format("Kubernetes index {} exits 0", index));
    merge_indexed.push_back(out);
  }
  check(run(merge_indexed, output) == 0, "merge of two Kubernetes shards exits 0");
  check_same_results(work / "j1", work / "merged-k8s", "Kubernetes shards merged");

  check(run({"compare", (work / "merged-2").string(), "--by", "strategy", "--metrics", "cost_total,evictions"},
            output) == 0,
        "compare exits 0: " + output);
  check(contains(output, "difference from strategy=LowestPrice, paired by seed:"), "compare prints differences");
  check(read_file(work / "merged-2" / "compare.csv").rfind("metric,strategy,n,mean,", 0) == 0,
        "compare.csv is written");
  check(fs::exists(work / "merged-2" / "compare.md"), "compare.md is written");
}

const char* const kResumeSweep = R"(name: resume
scenario: tiny.yaml
matrix:
  strategy:
    path: "scaleSets[web].skuProfile.allocationStrategy"
    values: [LowestPrice, CapacityOptimized]
seeds: 1..20
)";

// Starts the sweep into `out` and stops it by `signal_number` once `at_least` runs are complete. Sends the
// signal to the whole process group for SIGKILL (nothing can clean up), to the sweep alone otherwise.
std::set<std::string> interrupt_sweep(const fs::path& out, size_t at_least, int signal_number,
                                      const std::string& jobs) {
  const Process sweep = start({"sweep", (work / "sweep.yaml").string(), "-j", jobs, "--out", out.string()},
                              work / fmt::format("interrupted-{}.txt", signal_number));
  const bool reached = poll_until([&] { return complete_runs(out).size() >= at_least; });
  check(reached, fmt::format("{} runs completed before the interruption", at_least));
  ::kill(signal_number == SIGKILL ? -sweep.pid : sweep.pid, signal_number);
  const int status = wait_for(sweep);
  check(WIFSIGNALED(status) && WTERMSIG(status) == signal_number,
        fmt::format("the sweep died by signal {} (status {:#x})", signal_number, status));
  if (signal_number != SIGKILL) {
    check(contains(read_file(sweep.output), "interrupted by SIG"), "the sweep says it was interrupted");
  }
  const bool stopped = poll_until([&] { return processes_mentioning(out.string()).empty(); }, 30);
  check(stopped, "no run process outlives the interrupted sweep");
  check(!fs::exists(out / "runs.csv"), "an interrupted sweep writes no runs.csv");
  return complete_runs(out);
}

// Kills a sweep with SIGKILL and stops it with SIGTERM; the resumed sweep's runs.csv equals an uninterrupted
// one's and no complete run runs again.
void test_resume() {
  write_file(work / "sweep.yaml", kResumeSweep);
  std::string output;
  check(run({"sweep", (work / "sweep.yaml").string(), "-j", "2", "--out", (work / "reference").string()}, output) == 0,
        "the uninterrupted sweep exits 0");
  const fs::path out = work / "resumed";

  const std::set<std::string> after_kill = interrupt_sweep(out, 3, SIGKILL, "1");
  check(after_kill.size() < 40, fmt::format("the sweep was killed mid-way ({} of 40 complete)", after_kill.size()));
  std::map<std::string, std::pair<ino_t, int64_t>> versions;
  for (const std::string& id : after_kill) {
    versions[id] = file_version(out / "runs" / id / "summary.json");
  }

  const std::set<std::string> after_term = interrupt_sweep(out, after_kill.size() + 3, SIGTERM, "2");
  check(after_term.size() < 40, fmt::format("the sweep was stopped mid-way ({} of 40 complete)", after_term.size()));
  for (const std::string& id : after_term) {
    if (versions.count(id) == 0) {
      versions[id] = file_version(out / "runs" / id / "summary.json");
    }
  }

  check(run({"sweep", (work / "sweep.yaml").string(), "-j", "2", "--out", out.string()}, output) == 0,
        "the resumed sweep exits 0: " + output);
  check(contains(output, fmt::format("40 runs, {} complete, {} to run", after_term.size(), 40 - after_term.size())),
        "the resumed sweep runs only the runs that were not complete: " + output.substr(0, 200));
  check(runs_csv(out) == runs_csv(work / "reference"), "the resumed runs.csv equals the uninterrupted one");
  for (const auto& [id, version] : versions) {
    check(file_version(out / "runs" / id / "summary.json") == version,
          "run " + id + " ran once: its summary.json is still the one written before the interruption");
  }
  for (const auto& entry : fs::recursive_directory_iterator(out)) {
    check(entry.path().extension() != ".tmp", "no temporary file is left: " + entry.path().string());
  }
}

const char* const kFailureSweep = R"(name: failures
scenario: tiny.yaml
matrix:
  length:
    levels:
      slow:
        scenario.duration: P3650D
        outputs: { timeline: false, events: false }
        regions[eastus].pools: []
        regions[eastus].spot.evictionRatePerHour: { Standard_D2as_v5: 0.9, Standard_D2s_v5: 0.9 }
        scaleSets[web].autoscale.profiles[0].capacity: { minimum: "200", maximum: "300", default: "200" }
      traced:
        scaleSets[web].workload.demand: { trace: demand.csv, unit: vCPU }
      plain:
        scenario.description: unchanged
seeds: [1, 2]
)";

// A run that crashes, one that times out and runs that exit non-zero are recorded and do not stop the sweep.
void test_failures() {
  write_file(work / "sweep.yaml", kFailureSweep);
  const fs::path out = work / "failures";
  const Process sweep =
      start({"sweep", (work / "sweep.yaml").string(), "-j", "2", "--run-timeout", "5s", "--out", out.string()},
            work / "failures.txt");

  // The slow runs start first, and seed 1's run is made to crash well before its 5 s timeout; seed 2's run times
  // out. The traced runs start only after a slow run has ended. By then their trace is gone, so they fail on
  // input (exit status 2).
  std::vector<ProcessInfo> slow;
  const bool found = poll_until([&] {
    slow.clear();
    for (const ProcessInfo& process : processes_mentioning(out.string())) {
      if (process.parent == sweep.pid && contains(process.command, " run ") && contains(process.command, "--seed 1 ") &&
          contains(process.command, "P3650D")) {
        slow.push_back(process);
      }
    }
    return !slow.empty();
  });
  check(found, "the slow run of seed 1 started");
  fs::remove(work / "demand.csv");
  if (found) {
    ::kill(slow.front().pid, SIGSEGV);
  }
  const int status = wait_for(sweep);
  const std::string output = read_file(sweep.output);
  check(exit_status_of(status) == 1, fmt::format("a sweep with failed runs exits 1 (status {:#x})", status));

  const auto rows = csv_rows(runs_csv(out));
  std::vector<std::string> statuses;
  for (size_t i = 1; i < rows.size(); ++i) {
    statuses.push_back(rows[i][3] + "/" + rows[i][2] + "=" + rows[i][1]);
    const bool ok = rows[i][1] == "ok";
    check(rows[i].size() == 17 && (rows[i][4].empty() != ok), "run " + rows[i][0] + ": metrics only when ok");
  }
  const std::vector<std::string> expected = {"slow/1=crashed",  "slow/2=timeout", "traced/1=failed",
                                             "traced/2=failed", "plain/1=ok",     "plain/2=ok"};
  check(statuses == expected, "statuses in runs.csv: " + runs_csv(out));

  const auto stderr_of = [&](size_t row) { return read_file(out / "runs" / rows[row][0] / "stderr.txt"); };
  if (rows.size() == 7) {
    check(contains(stderr_of(1), "mixsim sweep: run crashed: ended by signal 11"), "stderr.txt records the crash");
    check(contains(stderr_of(2), "mixsim sweep: run timeout: ran longer than the run timeout of PT5S"),
          "stderr.txt records the timeout");
    check(contains(stderr_of(3), "demand.csv: file not found") &&
              contains(stderr_of(3), "mixsim sweep: run failed: exited with status 2"),
          "stderr.txt keeps the run's error and its exit status");
  }
  check(contains(output, "timeout slow-s2-") && contains(output, "crashed slow-s1-"),
        "progress lines name the failed runs");
  check(contains(output, "6 runs: 2 ok, 2 failed, 1 timeout, 1 crashed"), "the closing line counts each status");

  // Resuming runs only what did not end ok: the traced runs succeed once their trace is back.
  fs::copy_file(source_dir / "tests" / "batch" / "demand.csv", work / "demand.csv");
  std::map<std::string, std::pair<ino_t, int64_t>> plain_versions;
  for (size_t row : {5, 6}) {
    plain_versions[rows[row][0]] = file_version(out / "runs" / rows[row][0] / "summary.json");
  }
  std::string resumed;
  check(run({"sweep", (work / "sweep.yaml").string(), "-j", "2", "--run-timeout", "5s", "--out", out.string()},
            resumed) == 1,
        "the resumed sweep still exits 1: the slow runs time out again");
  check(contains(resumed, "6 runs, 2 complete, 4 to run"), "only the runs that were not ok run again");
  const auto resumed_rows = csv_rows(runs_csv(out));
  check(resumed_rows.size() == 7 && resumed_rows[3][1] == "ok" && resumed_rows[4][1] == "ok",
        "the traced runs are ok after the trace came back");
  for (const auto& [id, version] : plain_versions) {
    check(file_version(out / "runs" / id / "summary.json") == version,
          "run " + id + " ran once: its summary.json is still the one from the first sweep");
  }
}

struct ErrorCase {
  std::vector<std::string> arguments;
  std::string message;  // expected in the output
  std::map<std::string, std::string> environment = {};
};

// Bad input of every kind: exit status 2, a clear message, and nothing written.
void test_input_errors() {
  const std::string sweep = (work / "sweep.yaml").string();
  write_file(sweep, kDeterminismSweep);
  write_file(work / "typo.yaml", "name: typo\nscenario: tiny.yaml\nseeds: 1..2\nmatrx: {}\n");
  write_file(work / "rejected.yaml",
             "name: rejected\nscenario: tiny.yaml\nmatrix:\n  s:\n    path: \"scaleSets[web].skuProfile."
             "allocationStrategy\"\n    values: [LowestPrice, Prioritized]\nseeds: 1\n");
  write_file(work / "not-a-folder", "x");
  write_file(work / "foreign" / "notes.txt", "mine");
  const std::string out = (work / "never").string();

  const std::vector<ErrorCase> cases = {
      {{"sweep", (work / "typo.yaml").string(), "--out", out},
       "typo.yaml:4:1: matrx: unknown key 'matrx'; did you mean 'matrix'?"},
      {{"sweep", (work / "rejected.yaml").string(), "--out", out},
       "rejected.yaml:6:27: matrix.s.values[1]: scaleSets[0].skuProfile.allocationStrategy: Prioritized is not "
       "available under platformRules: preview"},
      {{"sweep", (work / "absent.yaml").string(), "--out", out}, "absent.yaml: file not found"},
      {{"sweep"}, "a sweep file is required"},
      {{"sweep", sweep, "--out", out, "--shard", "2/2"}, "--shard 2/2: shard 2 does not exist"},
      {{"sweep", sweep, "--out", out, "--shard", "one/two"}, "expected I/N"},
      {{"sweep", sweep, "--out", out, "-j", "0"}, "--jobs 0: out of range"},
      {{"sweep", sweep, "--out", out, "-j", "many"},
       "mixsim sweep: the argument ('many') for option '--jobs' is invalid"},
      {{"sweep", sweep, "--out", out, "--run-timeout", "5x"}, "--run-timeout 5x:"},
      {{"sweep", sweep, "--out", out, "--bogus"}, "unrecognised option '--bogus'"},
      {{"sweep", sweep, "--out", out},
       "JOB_COMPLETION_INDEX=0 is set but the number of shards is not",
       {{"JOB_COMPLETION_INDEX", "0"}}},
      {{"sweep", sweep, "--out", out},
       "SLURM_ARRAY_TASK_ID=x with SLURM_ARRAY_TASK_COUNT=2 does not name a shard",
       {{"SLURM_ARRAY_TASK_ID", "x"}, {"SLURM_ARRAY_TASK_COUNT", "2"}}},
      {{"sweep", sweep, "--out", (work / "not-a-folder").string()}, "exists and is not a folder"},
      {{"sweep", sweep, "--out", (work / "foreign").string()}, "the folder holds files but no sweep.json"},
      {{"compare", out}, "no sweep.json"},
      {{"compare"}, "a sweep folder is required"},
      {{"merge", out}, "expected an output folder and at least one shard folder"},
      {{"merge", out, (work / "foreign").string()}, "foreign: no sweep.json"},
      {{"check", "--scenarios", (work / "absent").string()}, "absent: not found or not a folder"},
      {{"check", "--tolerance", "cost"}, "--tolerance cost: expected METRIC=REL"},
      {{"unknown-command"}, "unknown command 'unknown-command'"},
  };
  for (const ErrorCase& error_case : cases) {
    std::string output;
    const int status = run(error_case.arguments, output, error_case.environment);
    std::string command;
    for (const std::string& argument : error_case.arguments) {
      command += " " + argument;
    }
    check(status == 2, fmt::format("mixsim{} exits 2 (got {}): {}", command, status, output));
    check(contains(output, error_case.message),
          fmt::format("mixsim{} says '{}'; it said: {}", command, error_case.message, output));
  }
  check(!fs::exists(out), "the error cases left their output folder unwritten");
  check(!fs::exists(work / "results"), "the error cases left the default results folder unwritten");
  check(read_file(work / "foreign" / "notes.txt") == "mine", "a foreign folder is left as it was");

  // A folder that another sweep holds is refused: this process takes the sweep's lock itself.
  std::string output;
  check(run({"sweep", sweep, "--out", (work / "locked").string(), "--list"}, output) == 0, "--list exits 0");
  check(!fs::exists(work / "locked"), "--list writes nothing");
  fs::create_directories(work / "locked");
  const int lock = ::open((work / "locked").c_str(), O_RDONLY | O_DIRECTORY);
  ::flock(lock, LOCK_EX);
  check(run({"sweep", sweep, "--out", (work / "locked").string()}, output) == 2 &&
            contains(output, "another mixsim sweep is writing into this folder"),
        "a locked sweep folder is refused: " + output);
  ::close(lock);

  // Merging needs every shard, once, of one sweep, and finished.
  run({"sweep", sweep, "--shard", "0/2", "--out", (work / "s0").string()}, output);
  check(run({"merge", (work / "m").string(), (work / "s0").string()}, output) == 2 &&
            contains(output, "shard 1/2 of this sweep is missing"),
        "a missing shard is named: " + output);
  check(run({"merge", (work / "m").string(), (work / "s0").string(), (work / "s0").string()}, output) == 2 &&
            contains(output, "is shard 0/2, and so is"),
        "a shard given twice is refused: " + output);
  fs::remove(work / "s0" / "runs.csv");
  check(run({"merge", (work / "m").string(), (work / "s0").string()}, output) == 2 &&
            contains(output, "no runs.csv: the shard did not run to its end"),
        "an unfinished shard is refused: " + output);
  check(!fs::exists(work / "m"), "a refused merge writes nothing");

  // compare names what a sweep folder does not have.
  run({"sweep", sweep, "--out", (work / "whole").string()}, output);
  check(run({"compare", (work / "whole").string(), "--by", "strategie"}, output) == 2 &&
            contains(output, "did you mean 'strategy'?"),
        "compare --by with a typo: " + output);
  check(run({"compare", (work / "whole").string(), "--baseline", "Cheapest"}, output) == 2 &&
            contains(output, "--baseline: level 'Cheapest' is not in this sweep"),
        "compare --baseline with an unknown level: " + output);
  check(run({"compare", (work / "whole").string(), "--metrics", "cost"}, output) == 2 &&
            contains(output, "--metrics: metric 'cost' is not in this sweep"),
        "compare --metrics with an unknown metric: " + output);
}

// mixsim check on a copy of the shipped regression set: passes, finds a moved metric, loosens with
// --tolerance, and --update rewrites the baseline.
void test_check() {
  const fs::path scenarios = work / "scenarios" / "regression";
  fs::create_directories(work / "scenarios");
  fs::copy(source_dir / "scenarios" / "regression", scenarios, fs::copy_options::recursive);
  fs::copy(source_dir / "scenarios" / "data", work / "scenarios" / "data", fs::copy_options::recursive);
  fs::copy(source_dir / "results" / "baselines", work / "baselines", fs::copy_options::recursive);
  const std::vector<std::string> base = {
      "check", "--scenarios",           scenarios.string(), "--baselines", (work / "baselines").string(),
      "--out", (work / "runs").string()};
  const auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> arguments = base;
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    return arguments;
  };
  std::string output;
  check(run(base, output) == 0, "the shipped baselines pass: " + output);

  // Move one cost by 1 % and one count by one, as a change to the model would.
  const fs::path baseline = work / "baselines" / "spot-evictions.json";
  std::string text = read_file(baseline);
  const auto replace_value = [&](const std::string& key, const std::function<std::string(const std::string&)>& edit) {
    const size_t at = text.find("\"" + key + "\": ");
    const size_t start = at + key.size() + 4;
    const size_t end = text.find_first_of(",\n", start);
    text.replace(start, end - start, edit(text.substr(start, end - start)));
  };
  replace_value("total", [](const std::string& value) { return fmt::format("{}", std::stod(value) * 1.01); });
  replace_value("evictions", [](const std::string& value) { return std::to_string(std::stol(value) + 1); });
  write_file(baseline, text);

  check(run(base, output) == 1, "a moved metric fails the check");
  check(contains(output, "spot-evictions") && contains(output, "cost.total") && contains(output, "-0.99 %") &&
            contains(output, "counts.evictions") && contains(output, "REGRESSION"),
        "the table names the scenario, the metric and how much it moved: " + output);
  check(run(with({"--tolerance", "cost=0.02"}), output) == 1, "a count still fails with a cost tolerance");
  check(run(with({"--tolerance", "cost=0.02", "--tolerance", "counts.evictions=0.2"}), output) == 0 &&
            contains(output, "within tolerance"),
        "tolerances per metric let the moves pass: " + output);
  check(run(with({"--tolerance", "cots=0.02"}), output) == 2 && contains(output, "'cots' matches no metric"),
        "a tolerance for no metric is refused");

  check(run(with({"--update"}), output) == 0 && contains(output, "updated") &&
            contains(output, "spot-evictions: updated"),
        "--update rewrites the baseline and lists the change: " + output);
  check(read_file(baseline) == read_file(work / "runs" / "spot-evictions" / "summary.json"),
        "the rewritten baseline is the new summary");
  check(run(base, output) == 0, "the check passes after --update");

  fs::remove(work / "baselines" / "prioritized-quota.json");
  check(run(base, output) == 1 && contains(output, "prioritized-quota: no baseline"), "a missing baseline fails");
}

// With a terminal on stderr the sweep draws a bar that it redraws in place.
void test_terminal() {
  write_file(work / "sweep.yaml", kDeterminismSweep);
  int terminal = -1;
  const pid_t pid = ::forkpty(&terminal, nullptr, nullptr, nullptr);
  if (pid == 0) {
    clear_scheduler_environment();
    ::execl(mixsim.c_str(), mixsim.c_str(), "sweep", (work / "sweep.yaml").c_str(), "-j", "2", "--out",
            (work / "bar").c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  std::string output;
  char buffer[4096];
  while (true) {
    const ssize_t count = ::read(terminal, buffer, sizeof buffer);
    if (count <= 0) {
      break;  // EIO once the child has closed the terminal
    }
    output.append(buffer, static_cast<size_t>(count));
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(terminal);
  check(exit_status_of(status) == 0, "the sweep on a terminal exits 0");
  check(contains(output, "\r\x1b[Kmixsim sweep [") && contains(output, "12 done, 0 failed, 0 remaining"),
        "a progress bar with done, failed and remaining is drawn in place");
  check(contains(output, "ETA "), "the bar shows an ETA");
  check(!contains(output, "[12/12] ok"), "no per-run lines on a terminal");
  check(runs_csv(work / "bar").rfind(kRunsHeader, 0) == 0, "runs.csv is written");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: batch_checker MIXSIM SOURCE_DIR WORK_DIR TEST\n";
    return 2;
  }
  mixsim = fs::absolute(argv[1]).string();
  source_dir = argv[2];
  work = fs::absolute(argv[3]);
  const std::string test = argv[4];
  const std::map<std::string, std::function<void()>> tests = {
      {"determinism", test_determinism},   {"resume", test_resume}, {"failures", test_failures},
      {"input-errors", test_input_errors}, {"check", test_check},   {"terminal", test_terminal}};
  const auto found = tests.find(test);
  if (found == tests.end()) {
    std::cerr << "batch_checker: unknown test '" << test << "'\n";
    return 2;
  }
  copy_fixtures();
  // The sweeps write under results/ when no --out is given; running in the scratch folder keeps that there.
  fs::current_path(work);
  found->second();
  if (failures > 0) {
    std::cerr << failures << " check(s) failed in " << test << "\n";
    return 1;
  }
  std::cout << "ok: " << test << "\n";
  return 0;
}
