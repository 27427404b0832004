// `mixsim run` and `mixsim validate`.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <regex>
#include <set>

#include "commands.hpp"
#include "mixsim/check.hpp"
#include "mixsim/diagnostics.hpp"
#include "mixsim/loader.hpp"
#include "mixsim/simulation.hpp"
#include "out_dir.hpp"
#include "summary_text.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace mixsim::cli {

namespace {

/// Options of `mixsim run`; the defaults here are the ones --help shows.
struct RunCommandOptions {
  std::string scenario;                 // the scenario file
  std::string out;                      // result folder; empty = results/runs/<name>-<seed>
  std::optional<uint64_t> seed;         // replaces scenario.seed
  std::vector<std::string> overrides;   // --set PATH=VALUE, applied before validation
  bool quiet = false;                   // no summary on stdout
  bool force = false;                   // write into a folder that is not an earlier run of this scenario
  bool report = false;                  // also write report.html into the result folder
  int64_t max_events = RunOptions{}.max_events;  // instants after which the run stops (exit 3)
  bool check_invariants = false;        // check every invariant after each instant (slow; for tests)
  std::vector<std::string> log;         // SimGrid log settings, e.g. mixsim.thres:debug
  std::vector<std::string> cfg;         // SimGrid configuration, e.g. contexts/factory:thread
};

po::options_description run_options(RunCommandOptions& options, bool for_run) {
  po::options_description description(for_run ? "mixsim run FILE [options]" : "mixsim validate FILE [options]");
  auto add = description.add_options();
  add("help,h", "show this help");
  add("set", po::value(&options.overrides)->composing(),
      "override a key before validation: PATH=VALUE, e.g. scaleSets[web].skuProfile.allocationStrategy="
      "CapacityOptimized (repeatable; VALUE is YAML)");
  if (!for_run) {
    return description;
  }
  add("out,o", po::value(&options.out), "result folder (default: results/runs/<scenario name>-<seed>)");
  add("seed", po::value<std::string>(), "random seed, a whole number from 0 to 2^64 - 1; replaces scenario.seed");
  add("quiet,q", po::bool_switch(&options.quiet), "print no summary on stdout");
  add("force", po::bool_switch(&options.force),
      "write into a folder that holds other files or another scenario's results (they stay, except result files)");
  add("report", po::bool_switch(&options.report), "also write report.html, the run's charts, into the result folder");
  add("max-events", po::value(&options.max_events)->default_value(options.max_events),
      "stop the run (exit status 3) after this many instants");
  add("check-invariants", po::bool_switch(&options.check_invariants),
      "check every fleet invariant after each instant (costs time in proportion to the fleet; for tests)");
  add("log", po::value(&options.log)->composing(), "SimGrid log setting, e.g. mixsim.thres:debug (repeatable)");
  add("cfg", po::value(&options.cfg)->composing(),
      "SimGrid configuration, e.g. contexts/factory:thread (repeatable)");
  return description;
}

// Parses the arguments; returns an exit status when the command should stop (help or a usage error).
// SimGrid aborts the process on a log setting it cannot parse, so each one is checked first. The forms are those
// of SimGrid's --log: CATEGORY.thres:LEVEL, CATEGORY.fmt:FORMAT, CATEGORY.app:APPENDER, CATEGORY.add:BOOLEAN, and
// no_loc. Returns what is wrong, or "".
std::string check_log_setting(const std::string& setting) {
  if (setting == "no_loc") {
    return "";
  }
  static const std::regex form(
      R"(^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*\.(thres|threshold|fmt|app|appender|add|additivity):(.+)$)");
  std::smatch match;
  if (!std::regex_match(setting, match, form)) {
    return "expected CATEGORY.thres:LEVEL, CATEGORY.fmt:FORMAT, CATEGORY.app:APPENDER, CATEGORY.add:yes|no or "
           "no_loc, e.g. mixsim.thres:debug";
  }
  const std::string key = match[2];
  std::string value = match[3];
  std::transform(value.begin(), value.end(), value.begin(), [](unsigned char c) { return std::tolower(c); });
  if (key == "thres" || key == "threshold") {
    static const std::set<std::string> levels = {"trace", "debug", "verbose", "info", "warning", "error", "critical"};
    if (levels.count(value) == 0) {
      return "'" + std::string(match[3]) +
             "' is not a log level; valid: trace, debug, verbose, info, warning, error, critical";
    }
  }
  if (key == "add" || key == "additivity") {
    static const std::set<std::string> booleans = {"yes", "no", "on", "off", "1", "0"};
    if (booleans.count(value) == 0) {
      return "'" + std::string(match[3]) + "' is not a boolean; valid: yes, no, on, off, 1, 0";
    }
  }
  return "";
}

// The form KEY:VALUE, and the context factories SimGrid has (it aborts on another one). SimGrid itself rejects an
// unknown key when the run starts. Returns what is wrong, or "".
std::string check_cfg_setting(const std::string& setting) {
  static const std::regex form(R"(^([A-Za-z0-9_/-]+):(.+)$)");
  std::smatch match;
  if (!std::regex_match(setting, match, form)) {
    return "expected KEY:VALUE, e.g. contexts/factory:thread";
  }
  if (match[1] == "contexts/factory") {
    static const std::set<std::string> factories = {"thread", "ucontext", "raw", "boost"};
    if (factories.count(match[2]) == 0) {
      return "'" + std::string(match[2]) + "' is not a context factory; valid: thread, ucontext, raw, boost";
    }
  }
  return "";
}

std::optional<int> parse(const std::vector<std::string>& arguments, RunCommandOptions& options, bool for_run) {
  const auto description = run_options(options, for_run);
  po::options_description hidden;
  hidden.add_options()("scenario", po::value(&options.scenario));
  po::options_description all;
  all.add(description).add(hidden);
  po::positional_options_description positional;
  positional.add("scenario", 1);

  const char* command = for_run ? "run" : "validate";
  try {
    po::variables_map values;
    po::store(po::command_line_parser(arguments).options(all).positional(positional).run(), values);
    if (values.count("help") > 0) {
      std::cout << description << "\n";
      return kExitOk;
    }
    po::notify(values);
    if (values.count("seed") > 0) {
      const std::string& text = values["seed"].as<std::string>();
      uint64_t seed = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seed);
      if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
        std::cerr << "mixsim " << command << ": --seed '" << text
                  << "' is invalid; give a whole number from 0 to 18446744073709551615\n";
        return kExitUsage;
      }
      options.seed = seed;
    }
  } catch (const po::error& error) {
    std::cerr << "mixsim " << command << ": " << error.what() << "; see mixsim " << command << " --help\n";
    return kExitUsage;
  }
  if (options.scenario.empty()) {
    std::cerr << "mixsim " << command << ": a scenario file is required: mixsim " << command << " FILE\n";
    return kExitUsage;
  }
  for (const std::string& setting : options.log) {
    if (const std::string problem = check_log_setting(setting); !problem.empty()) {
      std::cerr << "mixsim " << command << ": --log " << setting << ": " << problem << "\n";
      return kExitUsage;
    }
  }
  for (const std::string& setting : options.cfg) {
    if (const std::string problem = check_cfg_setting(setting); !problem.empty()) {
      std::cerr << "mixsim " << command << ": --cfg " << setting << ": " << problem << "\n";
      return kExitUsage;
    }
  }
  if (options.max_events < 1) {
    std::cerr << "mixsim " << command << ": --max-events " << options.max_events
              << " is invalid; give at least 1 (the instants a run may process)\n";
    return kExitUsage;
  }
  return std::nullopt;
}

std::optional<Scenario> load_or_report(const RunCommandOptions& options) {
  try {
    LoadOptions load_options;
    load_options.overrides = options.overrides;
    load_options.seed = options.seed;
    Scenario scenario = load_scenario(options.scenario, load_options);
    for (const std::string& warning : scenario.warnings) {
      std::cerr << warning << "\n";
    }
    return scenario;
  } catch (const InputError& error) {
    std::cerr << error.diagnostics().format_all();
    return std::nullopt;
  }
}

}  // namespace

int validate_command(const std::vector<std::string>& arguments) {
  RunCommandOptions options;
  if (const auto status = parse(arguments, options, false)) {
    return *status;
  }
  const auto scenario = load_or_report(options);
  if (!scenario) {
    return kExitUsage;
  }
  std::cout << fmt::format("{}: valid ({} scale set{}, {} size{}, {} region{})\n", options.scenario,
                           scenario->scale_sets.size(), scenario->scale_sets.size() == 1 ? "" : "s",
                           scenario->sizes.size(), scenario->sizes.size() == 1 ? "" : "s",
                           scenario->regions.size(), scenario->regions.size() == 1 ? "" : "s");
  return kExitOk;
}

int run_command(const std::vector<std::string>& arguments) {
  RunCommandOptions options;
  if (const auto status = parse(arguments, options, true)) {
    return *status;
  }
  const auto scenario = load_or_report(options);
  if (!scenario) {
    return kExitUsage;
  }

  const fs::path out = options.out.empty()
                           ? fs::path("results") / "runs" / fmt::format("{}-{}", scenario->name, scenario->seed)
                           : fs::path(options.out);
  // A run that the event budget would certainly stop is refused before it starts: it is a limit of the input.
  if (const double needed = minimum_instants(*scenario); needed > static_cast<double>(options.max_events)) {
    std::cerr << fmt::format(
        "mixsim run: {}: the run needs at least {:.0f} instants (timeline rows, metric samples, trace and capacity "
        "changes), more than --max-events {}; raise --max-events, raise scenario.sampleInterval or shorten "
        "scenario.duration\n",
        options.scenario, needed, options.max_events);
    return kExitUsage;
  }
  if (const std::string problem = prepare_out_dir(out, scenario->name, options.force); !problem.empty()) {
    std::cerr << problem << "\n";
    return kExitUsage;
  }

  RunOptions run;
  run.out_dir = out.string();
  run.max_events = options.max_events;
  run.check_every_event = options.check_invariants;
  run.progress = !options.quiet && ::isatty(STDERR_FILENO) != 0;
  run.simgrid_args.push_back("--log=xbt_cfg.thres:warning");
#ifdef MIXSIM_DEFAULT_SIMGRID_CFG
  run.simgrid_args.push_back("--cfg=" MIXSIM_DEFAULT_SIMGRID_CFG);
#endif
  for (const std::string& setting : options.log) {
    run.simgrid_args.push_back("--log=" + setting);
  }
  for (const std::string& setting : options.cfg) {
    run.simgrid_args.push_back("--cfg=" + setting);
  }

  try {
    const auto summary = run_simulation(*scenario, run);
    if (!options.quiet) {
      std::cout << format_summary(*scenario, summary, out.string());
    }
    if (options.report) {
      return write_report_or_explain(out.string(), "", options.quiet);
    }
    return kExitOk;
  } catch (const SettingError& error) {
    std::cerr << "mixsim run: --cfg or --log: " << error.what() << "; see SimGrid's --cfg=help\n";
    return kExitUsage;
  } catch (const GuardError& error) {
    std::cerr << "mixsim run: " << error.what() << "\n";
    return kExitStopped;
  } catch (const InvariantError& error) {
    std::cerr << "mixsim run: " << error.what() << "\n";
    return kExitStopped;
  } catch (const std::exception& error) {
    std::cerr << "mixsim run: " << error.what() << "\n";
    return kExitFailed;
  }
}

}  // namespace mixsim::cli
