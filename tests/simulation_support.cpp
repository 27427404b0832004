#include "simulation_support.hpp"

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "process_support.hpp"
#include "scenario/csv_reader.hpp"
#include "test_support.hpp"

namespace mixsim::test {

namespace {

std::vector<std::map<std::string, std::string>> read_csv(const std::string& path) {
  const std::string text = read_file(path);
  load::CsvReader reader(text);
  load::CsvRow header;
  load::CsvRow row;
  std::string error;
  std::vector<std::map<std::string, std::string>> rows;
  if (!reader.next(header, error)) {
    return rows;
  }
  while (reader.next(row, error)) {
    std::map<std::string, std::string> values;
    for (size_t i = 0; i < header.fields.size() && i < row.fields.size(); ++i) {
      values[header.fields[i].text] = row.fields[i].text;
    }
    rows.push_back(std::move(values));
  }
  return rows;
}

}  // namespace

std::vector<EventRow> RunResult::of_kind(const std::string& kind, const std::string& detail) const {
  std::vector<EventRow> rows;
  for (const EventRow& row : events) {
    if (row.kind == kind && row.detail.find(detail) != std::string::npos) {
      rows.push_back(row);
    }
  }
  return rows;
}

std::vector<std::map<std::string, std::string>> RunResult::rows_of(const std::string& scale_set) const {
  std::vector<std::map<std::string, std::string>> rows;
  for (const auto& row : timeline) {
    if (row.at("scaleSet") == scale_set) {
      rows.push_back(row);
    }
  }
  return rows;
}

CommandResult run_mixsim(const std::vector<std::string>& arguments, const std::string& dir,
                         const std::string& shell_prefix) {
  std::string command = shell_prefix + " exec " + shell_quote(MIXSIM_BINARY);
  for (const std::string& argument : arguments) {
    command += " " + shell_quote(argument);
  }
  command += " > " + shell_quote(dir + "/stdout.txt") + " 2> " + shell_quote(dir + "/stderr.txt");
  const int status = std::system(command.c_str());
  CommandResult result;
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_file(dir + "/stdout.txt");
  result.errors = read_file(dir + "/stderr.txt");
  return result;
}

RunResult run_scenario(const std::string& name, const std::string& yaml, const std::vector<std::string>& arguments) {
  const std::string dir = scratch_dir("run-" + name);
  const std::string scenario = dir + "/scenario.yaml";
  std::ofstream(scenario) << yaml;

  std::vector<std::string> run_arguments = {"run", scenario, "--out", dir + "/out", "--quiet", "--check-invariants"};
  run_arguments.insert(run_arguments.end(), arguments.begin(), arguments.end());
  const CommandResult command = run_mixsim(run_arguments, dir);

  RunResult result;
  result.status = command.status;
  result.errors = command.errors;
  if (result.status != 0) {
    return result;
  }
  result.summary = nlohmann::json::parse(read_file(dir + "/out/summary.json"));
  for (const auto& row : read_csv(dir + "/out/events.csv")) {
    result.events.push_back(EventRow{std::stod(row.at("time_s")), row.at("scaleSet"), row.at("kind"), row.at("vm"),
                                     row.at("size"), row.at("zone"), row.at("priority"), std::stol(row.at("count")),
                                     row.at("detail")});
  }
  result.timeline = read_csv(dir + "/out/timeline.csv");
  return result;
}

}  // namespace mixsim::test
