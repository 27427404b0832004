// `mixsim run` and `mixsim validate`.
#include <fmt/format.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "commands.hpp"
#include "mixsim/check.hpp"
#include "mixsim/diagnostics.hpp"
#include "mixsim/loader.hpp"
#include "mixsim/simulation.hpp"
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
  bool force = false;                   // write into a non-empty folder that holds other files
  int64_t max_events = RunOptions{}.max_events;  // instants after which the run stops (exit 3)
  bool check_invariants = false;        // check every invariant after each instant (slow; for tests)
  std::vector<std::string> log;         // SimGrid log settings, e.g. mixsim.thres:debug
  std::vector<std::string> cfg;         // SimGrid configuration, e.g. contexts/factory:thread
};

// Files a run writes; a folder holding only these (or their temporary names) is a previous run's folder.
const std::vector<std::string> kResultFiles = {"summary.json", "timeline.csv", "events.csv", "report.html"};

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
  add("seed", po::value<uint64_t>(), "random seed; replaces scenario.seed");
  add("quiet,q", po::bool_switch(&options.quiet), "print no summary on stdout");
  add("force", po::bool_switch(&options.force), "write into a non-empty folder that is not an earlier run's");
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
      options.seed = values["seed"].as<uint64_t>();
    }
  } catch (const po::error& error) {
    std::cerr << "mixsim " << command << ": " << error.what() << "; see mixsim " << command << " --help\n";
    return kExitUsage;
  }
  if (options.scenario.empty()) {
    std::cerr << "mixsim " << command << ": a scenario file is required: mixsim " << command << " FILE\n";
    return kExitUsage;
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

// Checks that the result folder may be written and removes an earlier run's files from it. Returns an error
// message, or empty.
std::string prepare_out_dir(const fs::path& out, bool force) {
  std::error_code error;
  if (fs::exists(out, error)) {
    if (!fs::is_directory(out, error)) {
      return fmt::format("mixsim run: --out {}: exists and is not a folder", out.string());
    }
    bool foreign = false;
    for (const auto& entry : fs::directory_iterator(out, error)) {
      std::string name = entry.path().filename().string();
      if (name.size() > 4 && name.ends_with(".tmp")) {
        name.resize(name.size() - 4);
      }
      foreign = foreign || std::find(kResultFiles.begin(), kResultFiles.end(), name) == kResultFiles.end();
    }
    if (foreign && !force) {
      return fmt::format(
          "mixsim run: --out {}: the folder holds files that are not mixsim results; choose another folder or "
          "pass --force",
          out.string());
    }
  }
  fs::create_directories(out, error);
  if (error) {
    return fmt::format("mixsim run: --out {}: cannot create the folder: {}", out.string(), error.message());
  }
  // The summary goes first: a folder without summary.json never passes for a complete run.
  for (const std::string& name : kResultFiles) {
    fs::remove(out / name, error);
  }
  return {};
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
  if (const std::string problem = prepare_out_dir(out, options.force); !problem.empty()) {
    std::cerr << problem << "\n";
    return kExitUsage;
  }

  RunOptions run;
  run.out_dir = out.string();
  run.max_events = options.max_events;
  run.check_every_event = options.check_invariants;
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
    return kExitOk;
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
