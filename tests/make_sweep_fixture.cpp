// Builds a sweep folder the way the batch runner lays it out, from real `mixsim run` processes, so that sweep
// reports can be tested before and apart from the batch runner:
//   <out>/sweep.json, <out>/runs.csv, <out>/runs/<run_id>/ (each run's result files and report.html)
// The sweep crosses allocation strategies with seeds on one scenario under the generally available rules. One
// extra run is stopped by --max-events, so the sweep also contains a run that did not finish (status timeout).
//
// Usage: make_sweep_fixture MIXSIM SCENARIO OUT_DIR SEED_COUNT STRATEGY... [--set=PATH=VALUE...]
// Each --set=PATH=VALUE is passed to every run as --set PATH=VALUE.
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "process_support.hpp"

namespace fs = std::filesystem;
using mixsim::test::run_shell;
using mixsim::test::shell_quote;
using json = nlohmann::json;

namespace {

const char* const kMetricColumns[] = {
    "cost_total", "cost_compute",          "cost_disk",           "cost_regular",
    "cost_spot",  "availability_capacity", "availability_demand", "time_below_target_s",
    "evictions",  "allocation_failures",   "scale_outs",          "scale_ins",
    "restores"};

std::vector<std::string> metric_cells(const fs::path& run_dir) {
  std::ifstream in(run_dir / "summary.json");
  const json summary = json::parse(in);
  const json& cost = summary["cost"];
  const json& availability = summary["availability"];
  const json& counts = summary["counts"];
  const std::vector<json> values = {cost["total"],
                                    cost["compute"],
                                    cost["disk"],
                                    cost["byPriority"]["Regular"],
                                    cost["byPriority"]["Spot"],
                                    availability["capacity"],
                                    availability["demand"],
                                    availability["timeBelowTarget"],
                                    counts["evictions"],
                                    counts["allocationFailures"],
                                    counts["scaleOuts"],
                                    counts["scaleIns"],
                                    counts["restores"]};
  std::vector<std::string> cells;
  for (const json& value : values) {
    cells.push_back(value.dump());
  }
  return cells;
}

std::string csv_row(const std::vector<std::string>& cells) {
  std::string row;
  for (const std::string& cell : cells) {
    row += (row.empty() ? "" : ",") + cell;
  }
  return row + "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::cerr << "usage: make_sweep_fixture MIXSIM SCENARIO OUT_DIR SEED_COUNT STRATEGY...\n";
    return 2;
  }
  const std::string mixsim = argv[1];
  const std::string scenario = argv[2];
  const fs::path out = argv[3];
  const int seed_count = std::stoi(argv[4]);
  std::vector<std::string> strategies;
  std::string overrides;
  for (int i = 5; i < argc; ++i) {
    const std::string argument = argv[i];
    if (argument.rfind("--set=", 0) == 0) {
      overrides += " --set " + shell_quote(argument.substr(6));
    } else {
      strategies.push_back(argument);
    }
  }
  fs::remove_all(out);
  fs::create_directories(out / "runs");

  std::string rows = csv_row({"run_id", "status", "seed", "strategy"});
  rows.pop_back();
  for (const char* metric : kMetricColumns) {
    rows += std::string(",") + metric;
  }
  rows += "\n";

  // The unfinished run gets an event budget one instant short of what the previous run of the first strategy
  // processed: enough to pass the check before the run, too little to finish it.
  int64_t last_events = 0;
  int runs = 0;
  json seeds = json::array();
  for (int seed = 1; seed <= seed_count; ++seed) {
    seeds.push_back(seed);
  }
  for (const std::string& strategy : strategies) {
    for (int seed = 1; seed <= seed_count + 1; ++seed) {
      const bool unfinished = seed == seed_count + 1;
      if (unfinished && strategy != strategies.front()) {
        continue;
      }
      const std::string run_id = fmt::format("{}-{}", strategy, seed);
      const fs::path run_dir = out / "runs" / run_id;
      const std::string command = fmt::format(
          "{} run {} --out {} --seed {} --quiet --report --set scenario.platformRules=ga "
          "--set 'scaleSets[web].skuProfile.allocationStrategy={}'{}{} 2>/dev/null",
          shell_quote(mixsim), shell_quote(scenario), shell_quote(run_dir.string()), seed, strategy, overrides,
          unfinished ? fmt::format(" --max-events {}", last_events - 1) : "");
      const int status = run_shell(command);
      ++runs;
      if (unfinished) {
        if (status != 3) {
          std::cerr << "expected exit status 3 from the run stopped by --max-events, got " << status << "\n";
          return 1;
        }
        rows += csv_row({run_id, "timeout", std::to_string(seed), strategy, "", "", "", "", "", "", "", "", "", "",
                         "", "", ""});
        continue;
      }
      if (status != 0) {
        std::cerr << "'" << command << "' exited with status " << status << "\n";
        return 1;
      }
      {
        std::ifstream in(run_dir / "summary.json");
        last_events = json::parse(in)["eventsProcessed"].get<int64_t>();
      }
      std::vector<std::string> cells = {run_id, "ok", std::to_string(seed), strategy};
      for (const std::string& cell : metric_cells(run_dir)) {
        cells.push_back(cell);
      }
      rows += csv_row(cells);
    }
  }

  json metrics = json::array();
  for (const char* metric : kMetricColumns) {
    metrics.push_back(metric);
  }
  const json sweep = {{"name", "strategies"},  {"scenario", scenario}, {"factors", {"strategy"}},
                      {"seeds", seeds},        {"runs", runs},         {"metrics", metrics}};
  std::ofstream(out / "sweep.json") << sweep.dump(2) << "\n";
  std::ofstream(out / "runs.csv") << rows;
  std::cout << "sweep with " << runs << " runs in " << out.string() << "\n";
  return 0;
}
