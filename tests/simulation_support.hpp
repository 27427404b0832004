// Running the mixsim binary from tests: SimGrid keeps one engine per process, so every simulation a test needs
// runs in its own `mixsim run` process, and the test reads the files it wrote.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace mixsim::test {

struct EventRow {
  double time_s = 0;
  std::string scale_set;
  std::string kind;
  std::string vm;
  std::string size;
  std::string zone;
  std::string priority;
  long count = 0;
  std::string detail;
};

/// The results of one run. `timeline` holds one map of column name to text per row.
struct RunResult {
  int status = 0;
  std::string errors;  // what mixsim printed on stderr
  nlohmann::json summary;
  std::vector<EventRow> events;
  std::vector<std::map<std::string, std::string>> timeline;

  /// Events of one kind, optionally only those whose detail contains `detail`.
  std::vector<EventRow> of_kind(const std::string& kind, const std::string& detail = "") const;
  /// Timeline rows of one set.
  std::vector<std::map<std::string, std::string>> rows_of(const std::string& scale_set) const;
};

/// What one mixsim process printed and returned; a process killed by signal N has status 128 + N.
struct CommandResult {
  int status = 0;
  std::string out;     // standard output
  std::string errors;  // standard error
};

/// Runs the mixsim binary with `arguments`, capturing its output in stdout.txt and stderr.txt under `dir`.
/// `shell_prefix` is shell text run first in the same shell, e.g. `ulimit -f 64;` to limit the size of the files
/// mixsim writes.
CommandResult run_mixsim(const std::vector<std::string>& arguments, const std::string& dir,
                         const std::string& shell_prefix = "");

/// Writes `yaml` to `<scratch>/<name>/scenario.yaml`, runs `mixsim run` on it with --check-invariants and
/// `arguments`, and reads what it wrote. The run's exit status is in the result; result files are read only when
/// it is 0.
RunResult run_scenario(const std::string& name, const std::string& yaml, const std::vector<std::string>& arguments = {});

}  // namespace mixsim::test
