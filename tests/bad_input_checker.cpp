// Bad-input test: runs the mixsim binary on one case of tests/bad_inputs/ and checks that it fails the way the
// contract requires. The exit status must be the expected one (2 for invalid input or usage), and every line on
// stderr must have one of the contract's message forms. Each expected message fragment must appear, no result file
// may be written, and the process may not hang.
//
// A case is a scenario file `NAME.yaml` whose leading `# key: value` comment lines describe it, or a file
// `NAME.case` of `key: value` lines for what a scenario file cannot be (an empty file, a folder, a pipe, bad
// command-line usage). Keys:
//   exit: N            the exit status (required)
//   expect: TEXT       a fragment stderr must contain (one or more)
//   command: ARGS      the arguments after `mixsim` (repeatable), e.g. `sweep FILE --out OUT` or `import arm FILE`;
//                      default: `validate FILE` and `run FILE --out OUT`
//   setup: KIND        .case only: what FILE is: empty, directory, fifo, symlink-loop, missing, or
//                      foreign-out (FILE is data/valid.yaml and OUT already contains a file that is not a result)
//   file: PATH         .case only: FILE is this file, relative to the case's folder
// In fragments and commands, FILE is the scenario's path, DIR the case's folder and OUT the result folder.
//
// Usage: bad_input_checker MIXSIM CASE WORK_DIR. Exit status 0 when every check passes.
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "process_support.hpp"

namespace fs = std::filesystem;
using mixsim::test::read_file;
using mixsim::test::shell_quote;

namespace {

// A run that takes longer than this is reported as a hang.
constexpr int kTimeoutS = 60;

int failures = 0;

void fail(const std::string& message) {
  std::cerr << "FAILED: " << message << "\n";
  ++failures;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

struct Case {
  int exit_status = -1;
  std::vector<std::string> expected;
  std::vector<std::string> commands;
  std::string setup;
  std::string file;
};

// Reads the `key: value` lines of a .case file, or the leading `# key: value` comments of a scenario.
Case read_case(const fs::path& path) {
  const bool is_scenario = path.extension() != ".case";
  Case result;
  std::istringstream lines(read_file(path));
  const std::regex key_value(is_scenario ? R"(^#\s*(\w+):\s?(.*)$)" : R"(^(\w+):\s?(.*)$)");
  for (std::string line; std::getline(lines, line);) {
    if (is_scenario && line.rfind('#', 0) != 0) {
      break;
    }
    std::smatch match;
    if (!std::regex_match(line, match, key_value)) {
      continue;
    }
    const std::string key = match[1];
    const std::string value = match[2];
    if (key == "exit") {
      result.exit_status = std::atoi(value.c_str());
    } else if (key == "expect") {
      result.expected.push_back(value);
    } else if (key == "command") {
      result.commands.push_back(value);
    } else if (key == "setup" && !is_scenario) {
      result.setup = value;
    } else if (key == "file" && !is_scenario) {
      result.file = value;
    }
  }
  return result;
}

// Creates what a .case's FILE should be; returns FILE's path.
fs::path prepare_file(const Case& spec, const fs::path& case_dir, const fs::path& work, const fs::path& out) {
  if (!spec.file.empty()) {
    return case_dir / spec.file;
  }
  const fs::path file = work / "scenario.yaml";
  if (spec.setup == "empty") {
    std::ofstream(file).close();
  } else if (spec.setup == "directory") {
    fs::create_directories(file);
  } else if (spec.setup == "fifo") {
    if (::mkfifo(file.c_str(), 0600) != 0) {
      fail("cannot create a pipe at " + file.string());
    }
  } else if (spec.setup == "symlink-loop") {
    fs::create_symlink(file, file);
  } else if (spec.setup == "foreign-out") {
    fs::create_directories(out);
    std::ofstream(out / "notes.txt") << "a file that is not a mixsim result\n";
    return case_dir / "data" / "valid.yaml";
  } else if (spec.setup != "missing") {
    fail("unknown setup '" + spec.setup + "'");
  }
  return file;
}

// A line of stderr has a contract form when it starts with the scenario's path, a path in the case's folder or
// the work folder, or `mixsim`, followed by `:LINE:COLUMN: ` or `: `.
bool has_contract_form(const std::string& line, const std::vector<std::string>& prefixes) {
  static const std::regex position(R"(^:\d+:\d+: \S.*$)");
  static const std::regex whole(R"(^: \S.*$)");
  for (const std::string& prefix : prefixes) {
    if (line.rfind(prefix, 0) != 0) {
      continue;
    }
    const std::string rest = line.substr(prefix.size());
    if (std::regex_match(rest, position) || std::regex_match(rest, whole)) {
      return true;
    }
  }
  for (const char* command : {"mixsim: ", "mixsim run: ", "mixsim validate: ", "mixsim sweep: ", "mixsim import arm: "}) {
    if (line.rfind(command, 0) == 0 && line.size() > std::string(command).size()) {
      return true;
    }
  }
  return false;
}

// Prefixes a path in a message may start with: the file itself, or any file under one of the folders.
std::vector<std::string> path_prefixes(const fs::path& file, const fs::path& case_dir, const fs::path& work,
                                       const std::string& stderr_text) {
  std::vector<std::string> prefixes = {file.string()};
  std::istringstream lines(stderr_text);
  for (std::string line; std::getline(lines, line);) {
    for (const fs::path& dir : {case_dir, work}) {
      const std::string folder = dir.string() + "/";
      if (line.rfind(folder, 0) == 0) {
        const size_t colon = line.find(':', folder.size());
        if (colon != std::string::npos) {
          prefixes.push_back(line.substr(0, colon));
        }
      }
    }
  }
  return prefixes;
}

void check_command(const std::string& mixsim, const std::string& arguments, const Case& spec, const fs::path& file,
                   const fs::path& case_dir, const fs::path& work, const fs::path& out) {
  const fs::path stderr_path = work / "stderr.txt";
  const std::string command = fmt::format("cd {} && timeout -k 5 {} {} {} > /dev/null 2> {}", shell_quote(work.string()),
                                          kTimeoutS, shell_quote(mixsim), arguments, shell_quote(stderr_path.string()));
  const int raw_status = std::system(command.c_str());
  const int status = WIFEXITED(raw_status) ? WEXITSTATUS(raw_status) : 128 + WTERMSIG(raw_status);
  const std::string errors = read_file(stderr_path);
  const std::string where = "mixsim " + arguments;

  if (status == 124) {
    fail(fmt::format("{}: did not finish within {} s", where, kTimeoutS));
    return;
  }
  if (status != spec.exit_status) {
    fail(fmt::format("{}: exit status {}, expected {}; stderr:\n{}", where, status, spec.exit_status, errors));
  }
  if (errors.empty()) {
    fail(where + ": printed no message on stderr");
  }
  const auto prefixes = path_prefixes(file, case_dir, work, errors);
  std::istringstream lines(errors);
  for (std::string line; std::getline(lines, line);) {
    if (!has_contract_form(line, prefixes)) {
      fail(fmt::format("{}: a line is not in a contract form (FILE:LINE:COLUMN: KEY.PATH: MESSAGE, FILE: MESSAGE or "
                       "mixsim: ...): {}",
                       where, line));
    }
  }
  for (const std::string& fragment : spec.expected) {
    const std::string wanted =
        replace_all(replace_all(replace_all(fragment, "FILE", file.string()), "DIR", case_dir.string()), "OUT",
                    out.string());
    if (errors.find(wanted) == std::string::npos) {
      fail(fmt::format("{}: stderr lacks '{}'; it was:\n{}", where, wanted, errors));
    }
  }

  // Nothing may be written: no result folder under the working folder, nothing new in the result folder.
  if (fs::exists(work / "results")) {
    fail(where + ": created a results folder");
  }
  if (fs::exists(out)) {
    for (const auto& entry : fs::directory_iterator(out)) {
      if (entry.path().filename() != "notes.txt") {
        fail(where + ": wrote " + entry.path().string());
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: bad_input_checker MIXSIM CASE WORK_DIR\n";
    return 2;
  }
  const std::string mixsim = argv[1];
  const fs::path case_path = fs::absolute(argv[2]);
  const fs::path work = fs::absolute(argv[3]);
  const fs::path case_dir = case_path.parent_path();
  const fs::path out = work / "out";
  fs::remove_all(work);
  fs::create_directories(work);

  const Case spec = read_case(case_path);
  if (spec.exit_status < 0 || (spec.expected.empty() && spec.exit_status != 0)) {
    std::cerr << case_path.string() << ": a case needs 'exit:' and at least one 'expect:'\n";
    return 2;
  }
  const bool is_scenario = case_path.extension() != ".case";
  const fs::path file = is_scenario ? case_path : prepare_file(spec, case_dir, work, out);

  std::vector<std::string> commands = spec.commands;
  if (commands.empty()) {
    commands = {"validate FILE", "run FILE --out OUT"};
  }
  for (const std::string& arguments : commands) {
    const std::string expanded = replace_all(replace_all(replace_all(arguments, "FILE", shell_quote(file.string())), "DIR",
                                                         shell_quote(case_dir.string())),
                                             "OUT", shell_quote(out.string()));
    check_command(mixsim, expanded, spec, file, case_dir, work, out);
  }

  if (failures > 0) {
    std::cerr << failures << " check(s) failed for " << case_path.string() << "\n";
    return 1;
  }
  std::cout << "ok: " << case_path.string() << "\n";
  return 0;
}
