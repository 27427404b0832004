// Scenario test: runs `mixsim run` twice on one scenario (one process each, since SimGrid keeps one engine per
// process), then checks that the two result folders are byte-identical and that the results keep their
// invariants: cost never decreases, availability lies in [0, 1], VMs by zone, by size and by priority each sum to
// the running count.
//
// Usage: run_checker MIXSIM SCENARIO WORK_DIR [extra mixsim arguments...]. Exit status 0 when every check passes.
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "process_support.hpp"
#include "scenario/csv_reader.hpp"

namespace fs = std::filesystem;
using mixsim::test::read_file;
using mixsim::test::run_shell;
using mixsim::test::shell_quote;

namespace {

int failures = 0;

void fail(const std::string& message) {
  std::cerr << "FAILED: " << message << "\n";
  ++failures;
}

void check_timeline(const fs::path& path) {
  const std::string text = read_file(path);
  mixsim::load::CsvReader reader(text);
  mixsim::load::CsvRow header;
  std::string error;
  if (!reader.next(header, error)) {
    fail("timeline.csv is empty");
    return;
  }
  const std::string expected_start =
      "time_s,scaleSet,target,running,deallocated,running_regular,running_spot,demand_vcpu,served_vcpu,cpu_percent,cost_usd";
  if (text.rfind(expected_start, 0) != 0) {
    fail("timeline.csv does not start with the contract's header");
  }
  std::map<std::string, size_t> column;
  std::vector<size_t> size_columns;
  std::vector<size_t> zone_columns;
  std::vector<size_t> cost_size_columns;
  std::vector<size_t> cost_priority_columns;
  for (size_t i = 0; i < header.fields.size(); ++i) {
    const std::string& name = header.fields[i].text;
    column[name] = i;
    if (name.rfind("running.size.", 0) == 0) {
      size_columns.push_back(i);
    }
    if (name.rfind("running.zone.", 0) == 0) {
      zone_columns.push_back(i);
    }
    if (name.rfind("cost.size.", 0) == 0) {
      cost_size_columns.push_back(i);
    }
    if (name.rfind("cost.priority.", 0) == 0) {
      cost_priority_columns.push_back(i);
    }
  }

  std::map<std::string, double> last_cost;
  std::map<std::string, double> last_time;
  mixsim::load::CsvRow row;
  size_t rows = 0;
  while (reader.next(row, error)) {
    ++rows;
    auto value = [&](const std::string& name) { return std::stod(row.fields[column[name]].text); };
    const std::string set = row.fields[column["scaleSet"]].text;
    const std::string where = fmt::format("timeline.csv line {}", row.line);
    if (row.fields.size() != header.fields.size()) {
      fail(where + ": wrong number of fields");
      continue;
    }
    auto sum_of = [&](const std::vector<size_t>& columns) {
      double sum = 0;
      for (size_t i : columns) {
        sum += std::stod(row.fields[i].text);
      }
      return sum;
    };
    const double running = value("running");
    const double by_size = sum_of(size_columns);
    const double by_zone = sum_of(zone_columns);
    if (by_size != running || by_zone != running) {
      fail(fmt::format("{}: running {} but {} by size and {} by zone", where, running, by_size, by_zone));
    }
    if (value("running_regular") + value("running_spot") != running) {
      fail(where + ": running by priority does not sum to running");
    }
    if (value("served_vcpu") > value("demand_vcpu") + 1e-6) {
      fail(where + ": more served than demanded");
    }
    const std::string& cpu = row.fields[column["cpu_percent"]].text;
    if (!cpu.empty() && (std::stod(cpu) < 0 || std::stod(cpu) > 100)) {
      fail(where + ": cpu_percent outside [0, 100]");
    }
    const double cost = value("cost_usd");
    const double cost_by_size = sum_of(cost_size_columns);
    const double cost_by_priority = sum_of(cost_priority_columns);
    // Each column is rounded to 1e-6 USD when written.
    const double tolerance = 1e-5 * static_cast<double>(cost_size_columns.size() + 1) + 1e-9 * cost;
    if (std::abs(cost_by_size - cost) > tolerance || std::abs(cost_by_priority - cost) > tolerance) {
      fail(fmt::format("{}: cost_usd {} but {} by size and {} by priority", where, cost, cost_by_size,
                       cost_by_priority));
    }
    if (last_cost.count(set) > 0 && cost < last_cost[set]) {
      fail(fmt::format("{}: cost went down from {} to {}", where, last_cost[set], cost));
    }
    if (last_time.count(set) > 0 && value("time_s") <= last_time[set]) {
      fail(where + ": time does not increase");
    }
    last_cost[set] = cost;
    last_time[set] = value("time_s");
  }
  if (rows == 0) {
    fail("timeline.csv has no rows");
  }
}

void check_summary(const fs::path& path) {
  const auto summary = nlohmann::json::parse(read_file(path));
  auto check_block = [](const nlohmann::json& block, const std::string& where) {
    for (const char* key : {"capacity", "demand"}) {
      const double value = block["availability"][key].get<double>();
      if (value < 0 || value > 1) {
        fail(fmt::format("{}: availability.{} = {} is outside [0, 1]", where, key, value));
      }
    }
    const auto& cost = block["cost"];
    double by_size = 0;
    double by_priority = 0;
    for (const auto& item : cost["bySize"]) {
      by_size += item.get<double>();
    }
    for (const auto& item : cost["byPriority"]) {
      by_priority += item.get<double>();
    }
    const double total = cost["total"].get<double>();
    if (std::abs(by_size - total) > 1e-6 * std::max(1.0, total) ||
        std::abs(by_priority - total) > 1e-6 * std::max(1.0, total)) {
      fail(where + ": cost by size or by priority does not sum to the total");
    }
    if (total < 0) {
      fail(where + ": negative cost");
    }
  };
  check_block(summary, "summary.json");
  for (const auto& [name, block] : summary["scaleSets"].items()) {
    check_block(block, "summary.json scaleSets." + name);
  }
  for (const char* key : {"start", "sizes", "scaleSets", "pools"}) {
    if (!summary["parameters"].contains(key)) {
      fail(std::string("summary.json: parameters.") + key + " is missing");
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: run_checker MIXSIM SCENARIO WORK_DIR [mixsim arguments...]\n";
    return 2;
  }
  const std::string mixsim = argv[1];
  const std::string scenario = argv[2];
  const fs::path work = argv[3];
  std::string extra;
  for (int i = 4; i < argc; ++i) {
    extra += " " + shell_quote(argv[i]);
  }
  fs::remove_all(work);
  fs::create_directories(work);

  for (const char* name : {"first", "second"}) {
    const std::string command = fmt::format("{} run {} --out {} --quiet --check-invariants{}", shell_quote(mixsim),
                                            shell_quote(scenario), shell_quote((work / name).string()), extra);
    const int status = run_shell(command);
    if (status != 0) {
      fail(fmt::format("'{}' exited with status {}", command, status));
      return 1;
    }
  }

  for (const char* file : {"summary.json", "timeline.csv", "events.csv"}) {
    const fs::path first = work / "first" / file;
    const fs::path second = work / "second" / file;
    if (!fs::exists(first)) {
      fail(std::string(file) + " was not written");
      continue;
    }
    if (read_file(first) != read_file(second)) {
      fail(std::string(file) + " differs between two runs with the same seed");
    }
  }
  for (const auto& entry : fs::directory_iterator(work / "first")) {
    if (entry.path().extension() == ".tmp") {
      fail("a temporary file was left behind: " + entry.path().string());
    }
  }
  if (fs::exists(work / "first" / "timeline.csv")) {
    check_timeline(work / "first" / "timeline.csv");
  }
  check_summary(work / "first" / "summary.json");

  if (failures > 0) {
    std::cerr << failures << " check(s) failed for " << scenario << "\n";
    return 1;
  }
  std::cout << "ok: " << scenario << "\n";
  return 0;
}
