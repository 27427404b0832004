// `mixsim check`: re-runs the regression scenarios and compares their summaries with the stored baselines.
#include <fmt/format.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "batch/batch_runner.hpp"
#include "batch/regression.hpp"
#include "batch/text_file.hpp"
#include "command_line.hpp"
#include "commands.hpp"
#include "mixsim/diagnostics.hpp"
#include "mixsim/loader.hpp"
#include "scenario/time_format.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace mixsim::cli {

namespace {

/// Options of `mixsim check`; the defaults here are the ones --help shows.
struct CheckCommandOptions {
  std::string scenarios = "scenarios/regression";  // folder of the regression scenarios (*.yaml)
  std::string baselines = "results/baselines";     // folder of the expected summaries, <scenario>.json
  std::string out = "results/runs/check";          // where the runs write, one folder per scenario
  size_t jobs = batch::available_cores();          // runs at the same time
  std::string run_timeout;                         // a duration; empty = no limit
  std::vector<std::string> tolerances;             // METRIC=REL rules
  bool update = false;                             // rewrite the baselines instead of checking them
  bool quiet = false;                              // print only what moved and problems
};

/// A regression scenario and what became of it.
struct CheckedScenario {
  std::string name;  // the file's stem; names its baseline and its run folder
  fs::path file;
  fs::path baseline;
  std::optional<nlohmann::ordered_json> expected;  // the baseline, when one exists
};

constexpr size_t kMaxJobs = 4096;

po::options_description check_options(CheckCommandOptions& options) {
  po::options_description description("mixsim check [options]");
  auto add = description.add_options();
  add("help,h", "show this help");
  add("update", po::bool_switch(&options.update), "rewrite the baselines from this run and list what changed");
  add("tolerance", po::value(&options.tolerances)->composing(),
      fmt::format("relative tolerance of a metric, METRIC=REL, e.g. cost.total=1e-6 or cost=1e-6 for every cost "
                  "(repeatable; default: {:g} for fractional metrics, exact for counts)",
                  batch::kDefaultRelativeTolerance)
          .c_str());
  add("scenarios", po::value(&options.scenarios)->default_value(options.scenarios),
      "folder of the regression scenarios (*.yaml)");
  add("baselines", po::value(&options.baselines)->default_value(options.baselines),
      "folder of the baselines, one <scenario>.json each");
  add("out,o", po::value(&options.out)->default_value(options.out), "folder the runs write into");
  add("jobs,j", po::value(&options.jobs)->default_value(options.jobs),
      "runs at the same time (default: the processors this process may use)");
  add("run-timeout", po::value(&options.run_timeout), "wall time after which a run is killed, e.g. PT10M");
  add("quiet,q", po::bool_switch(&options.quiet), "print only what moved and problems");
  return description;
}

std::optional<int> parse(const std::vector<std::string>& arguments, CheckCommandOptions& options) {
  po::variables_map values;
  if (const auto status = parse_command_line("check", arguments, check_options(options), {}, nullptr, 0, values)) {
    return status;
  }
  if (options.jobs < 1 || options.jobs > kMaxJobs) {
    std::cerr << fmt::format("mixsim check: --jobs {}: out of range; valid: 1 to {}\n", options.jobs, kMaxJobs);
    return kExitUsage;
  }
  return std::nullopt;
}

[[noreturn]] void fail(const std::string& where, const std::string& message) {
  throw InputError(Diagnostic{Origin{where, 0, 0, {}}, {}, message});
}

std::vector<CheckedScenario> list_scenarios(const CheckCommandOptions& options) {
  std::error_code error;
  if (!fs::is_directory(options.scenarios, error)) {
    fail(options.scenarios, "not found or not a folder; pass the regression scenarios' folder with --scenarios");
  }
  std::vector<CheckedScenario> scenarios;
  for (const auto& entry : fs::directory_iterator(options.scenarios)) {
    const fs::path& path = entry.path();
    if (entry.is_regular_file() && (path.extension() == ".yaml" || path.extension() == ".yml")) {
      const std::string name = path.stem().string();
      scenarios.push_back(CheckedScenario{name, path, fs::path(options.baselines) / (name + ".json"), {}});
    }
  }
  std::sort(scenarios.begin(), scenarios.end(),
            [](const CheckedScenario& a, const CheckedScenario& b) { return a.file < b.file; });
  if (scenarios.empty()) {
    fail(options.scenarios, "holds no scenario (*.yaml)");
  }
  for (size_t i = 1; i < scenarios.size(); ++i) {
    if (scenarios[i].name == scenarios[i - 1].name) {
      fail(scenarios[i].file.string(),
           "has the same name as " + scenarios[i - 1].file.string() + "; their baselines would be one file");
    }
  }
  return scenarios;
}

void validate_scenarios(const std::vector<CheckedScenario>& scenarios) {
  Diagnostics problems;
  for (const CheckedScenario& scenario : scenarios) {
    try {
      load_scenario(scenario.file.string());
    } catch (const InputError& error) {
      for (const Diagnostic& problem : error.diagnostics().items()) {
        problems.add(problem.origin, problem.key_path, problem.message);
      }
    }
  }
  if (!problems.empty()) {
    throw InputError(std::move(problems));
  }
}

std::optional<nlohmann::ordered_json> read_summary(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  nlohmann::ordered_json value = nlohmann::ordered_json::parse(in, nullptr, false);
  if (value.is_discarded() || !value.is_object()) {
    return std::nullopt;
  }
  return value;
}

// Reads the baselines that exist. A baseline that is not a JSON object stops a check (exit 2); --update
// rewrites it.
void read_baselines(std::vector<CheckedScenario>& scenarios, bool update) {
  for (CheckedScenario& scenario : scenarios) {
    if (!fs::exists(scenario.baseline)) {
      continue;
    }
    scenario.expected = read_summary(scenario.baseline);
    if (!scenario.expected && !update) {
      fail(scenario.baseline.string(), "is not a JSON object; run mixsim check --update to rewrite it");
    }
  }
}

std::vector<batch::ToleranceRule> parse_tolerance_rules(const CheckCommandOptions& options) {
  std::vector<batch::ToleranceRule> rules;
  for (const std::string& text : options.tolerances) {
    batch::ToleranceRule rule;
    if (const std::string problem = batch::parse_tolerance_rule(text, rule); !problem.empty()) {
      fail("mixsim check", problem);
    }
    rules.push_back(rule);
  }
  return rules;
}

// Rejects rules that match no metric of the baselines: most likely a typing mistake that would loosen nothing.
void check_rules_match(const batch::Tolerances& tolerances, const std::vector<CheckedScenario>& scenarios) {
  std::vector<std::string> metrics;
  for (const CheckedScenario& scenario : scenarios) {
    if (scenario.expected) {
      const auto paths = batch::metric_paths(*scenario.expected);
      metrics.insert(metrics.end(), paths.begin(), paths.end());
    }
  }
  if (metrics.empty()) {
    return;
  }
  for (const batch::ToleranceRule& rule : tolerances.unmatched(metrics)) {
    fail("mixsim check", fmt::format("--tolerance {}={:g}: '{}' matches no metric of the baselines; metrics are "
                                     "key paths of summary.json such as cost.total or counts.evictions",
                                     rule.metric, rule.relative, rule.metric));
  }
}

std::string format_change(const batch::MetricChange& change) {
  if (change.baseline.empty()) {
    return "new";
  }
  if (change.current.empty()) {
    return "gone";
  }
  return change.relative_change ? fmt::format("{:+.3g} %", *change.relative_change * 100) : "changed";
}

std::string format_table(const std::vector<std::pair<std::string, batch::MetricChange>>& rows, bool update) {
  size_t scenario_width = 8;
  size_t metric_width = 6;
  for (const auto& [scenario, change] : rows) {
    scenario_width = std::max(scenario_width, scenario.size());
    metric_width = std::max(metric_width, change.metric.size());
  }
  std::string text = fmt::format("{:<{}}  {:<{}}  {:>20}  {:>20}  {:>10}  {:>9}  {}\n", "scenario", scenario_width,
                                 "metric", metric_width, "baseline", "now", "change", "tolerance", "result");
  for (const auto& [scenario, change] : rows) {
    std::string result = "within tolerance";
    if (update) {
      result = "updated";
    } else if (change.regression) {
      result = "REGRESSION";
    }
    text += fmt::format("{:<{}}  {:<{}}  {:>20}  {:>20}  {:>10}  {:>9}  {}\n", scenario, scenario_width, change.metric,
                        metric_width, change.baseline.empty() ? "-" : change.baseline,
                        change.current.empty() ? "-" : change.current, format_change(change),
                        fmt::format("{:g}", change.tolerance), result);
  }
  return text;
}

void write_baseline(const CheckedScenario& scenario, const fs::path& summary_path) {
  fs::create_directories(scenario.baseline.parent_path());
  batch::write_text_atomically(scenario.baseline, batch::read_text(summary_path).value_or(""));
}

// Runs every scenario; returns the outcomes, or exits by the signal that interrupted the batch.
std::vector<std::optional<batch::JobOutcome>> run_scenarios(const std::vector<CheckedScenario>& scenarios,
                                                            const CheckCommandOptions& options,
                                                            std::optional<double> timeout_s) {
  std::vector<batch::BatchJob> jobs;
  for (const CheckedScenario& scenario : scenarios) {
    const fs::path folder = fs::path(options.out) / scenario.name;
    jobs.push_back(batch::BatchJob{
        scenario.name, {"run", scenario.file.string(), "--out", folder.string(), "--quiet", "--force"}, folder});
  }
  batch::BatchOptions batch_options;
  batch_options.program = "mixsim check";
  batch_options.jobs = options.jobs;
  batch_options.run_timeout_s = timeout_s;
  batch_options.quiet = options.quiet;
  batch_options.total_runs = jobs.size();
  batch::BatchResult result = batch::run_batch(jobs, batch_options);
  if (result.interruption != 0) {
    std::cerr << fmt::format("mixsim check: interrupted by SIG{}; nothing was compared or updated\n",
                             sigabbrev_np(result.interruption));
    exit_by_signal(result.interruption);
  }
  return std::move(result.outcomes);
}

std::optional<double> parse_timeout(const std::string& text) {
  if (text.empty()) {
    return std::nullopt;
  }
  const ParsedDuration parsed = parse_duration(text);
  if (!parsed.seconds || *parsed.seconds <= 0) {
    fail("mixsim check", fmt::format("--run-timeout {}: {}", text,
                                     parsed.seconds ? "the timeout must be longer than zero" : parsed.error));
  }
  return parsed.seconds;
}

// Compares (or, with --update, rewrites) each scenario's baseline. Returns the exit status.
int evaluate(const std::vector<CheckedScenario>& scenarios,
             const std::vector<std::optional<batch::JobOutcome>>& outcomes, const CheckCommandOptions& options,
             const batch::Tolerances& tolerances) {
  std::vector<std::pair<std::string, batch::MetricChange>> rows;
  std::vector<std::string> notes;
  size_t problems = 0;
  for (size_t i = 0; i < scenarios.size(); ++i) {
    const CheckedScenario& scenario = scenarios[i];
    const fs::path summary_path = fs::path(options.out) / scenario.name / "summary.json";
    const auto current = read_summary(summary_path);
    if (!outcomes[i] || outcomes[i]->status != batch::RunStatus::Ok || !current) {
      ++problems;
      notes.push_back(fmt::format("{}: the run did not end ok ({}); see {}", scenario.name,
                                  outcomes[i] ? outcomes[i]->detail : "not run",
                                  (fs::path(options.out) / scenario.name / "stderr.txt").string()));
      continue;
    }
    if (!scenario.expected) {
      if (options.update) {
        write_baseline(scenario, summary_path);
        notes.push_back(fmt::format("{}: created {}", scenario.name, scenario.baseline.string()));
      } else {
        ++problems;
        notes.push_back(fmt::format("{}: no baseline {}; run mixsim check --update to create it", scenario.name,
                                    scenario.baseline.string()));
      }
      continue;
    }
    const auto changes = batch::compare_summaries(*scenario.expected, *current, tolerances);
    size_t regressions = 0;
    for (const batch::MetricChange& change : changes) {
      rows.emplace_back(scenario.name, change);
      regressions += change.regression ? 1 : 0;
    }
    if (options.update && !changes.empty()) {
      write_baseline(scenario, summary_path);
      notes.push_back(fmt::format("{}: updated {} ({} metrics changed)", scenario.name, scenario.baseline.string(),
                                  changes.size()));
    } else if (!options.update && regressions > 0) {
      ++problems;
      notes.push_back(fmt::format("{}: {} metrics moved beyond their tolerance", scenario.name, regressions));
    }
  }

  if (!rows.empty()) {
    std::cout << format_table(rows, options.update);
  }
  for (const std::string& note : notes) {
    std::cout << "mixsim check: " << note << "\n";
  }
  if (problems > 0) {
    std::cout << fmt::format("mixsim check: {} of {} scenarios failed the check\n", problems, scenarios.size());
    return kExitFailed;
  }
  if (!options.quiet) {
    std::cout << fmt::format("mixsim check: {} scenarios {} {}\n", scenarios.size(),
                             options.update ? "have their baselines in" : "match their baselines in",
                             options.baselines);
  }
  return kExitOk;
}

}  // namespace

int check_command(const std::vector<std::string>& arguments) {
  CheckCommandOptions options;
  if (const auto status = parse(arguments, options)) {
    return *status;
  }
  std::vector<CheckedScenario> scenarios;
  batch::Tolerances tolerances;
  std::optional<double> timeout_s;
  try {
    tolerances = batch::Tolerances(parse_tolerance_rules(options));
    timeout_s = parse_timeout(options.run_timeout);
    scenarios = list_scenarios(options);
    validate_scenarios(scenarios);
    read_baselines(scenarios, options.update);
    check_rules_match(tolerances, scenarios);
  } catch (const InputError& error) {
    std::cerr << error.diagnostics().format_all();
    return kExitUsage;
  }
  const auto outcomes = run_scenarios(scenarios, options, timeout_s);
  return evaluate(scenarios, outcomes, options, tolerances);
}

}  // namespace mixsim::cli
