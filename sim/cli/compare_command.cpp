// `mixsim compare`: statistics of a sweep's runs by group, and paired differences from a baseline level.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "batch/comparison.hpp"
#include "batch/run_table.hpp"
#include "batch/sweep_folder.hpp"
#include "batch/text_file.hpp"
#include "command_line.hpp"
#include "commands.hpp"
#include "mixsim/diagnostics.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace mixsim::cli {

namespace {

/// Options of `mixsim compare`.
struct CompareCommandOptions {
  std::string sweep_dir;        // a sweep folder (or a merge of shards)
  std::vector<std::string> by;  // factors that form the groups; empty = every factor
  std::string baseline;         // LEVEL or FACTOR=LEVEL; empty = the first level of the first --by factor
  std::string metrics;          // comma-separated metric columns; empty = every metric
};

po::options_description compare_options(CompareCommandOptions& options) {
  po::options_description description("mixsim compare DIR [options]");
  auto add = description.add_options();
  add("help,h", "show this help");
  add("by", po::value(&options.by)->composing(),
      "group runs by this factor (repeatable; default: every factor of the sweep)");
  add("baseline", po::value(&options.baseline),
      "level of the first --by factor to take differences from, or FACTOR=LEVEL (default: the factor's first "
      "level)");
  add("metrics", po::value(&options.metrics),
      "comma-separated metrics to compare, e.g. cost_total,availability_capacity (default: every metric)");
  return description;
}

std::optional<int> parse(const std::vector<std::string>& arguments, CompareCommandOptions& options) {
  po::options_description hidden;
  hidden.add_options()("dir", po::value(&options.sweep_dir));
  po::variables_map values;
  if (const auto status =
          parse_command_line("compare", arguments, compare_options(options), hidden, "dir", 1, values)) {
    return status;
  }
  if (options.sweep_dir.empty()) {
    std::cerr << "mixsim compare: a sweep folder is required: mixsim compare DIR\n";
    return kExitUsage;
  }
  return std::nullopt;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::istringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    if (!item.empty()) {
      items.push_back(item);
    }
  }
  return items;
}

[[noreturn]] void fail(const fs::path& dir, const std::string& message) {
  throw InputError(Diagnostic{Origin{dir.string(), 0, 0, {}}, {}, message});
}

std::vector<std::string> read_factors(const fs::path& dir) {
  std::ifstream in(dir / batch::kSweepManifest);
  if (!in) {
    fail(dir, "no sweep.json; expected the folder of a mixsim sweep (or of a merge of its shards)");
  }
  const nlohmann::json manifest = nlohmann::json::parse(in, nullptr, false);
  if (!manifest.is_object() || !manifest.contains("factors") || !manifest["factors"].is_array()) {
    fail(dir, "sweep.json has no list 'factors'");
  }
  std::vector<std::string> factors;
  for (const auto& factor : manifest["factors"]) {
    if (!factor.is_string()) {
      fail(dir, "sweep.json: 'factors' holds something other than names");
    }
    factors.push_back(factor.get<std::string>());
  }
  return factors;
}

batch::CsvTable read_runs(const fs::path& dir) {
  const auto text = batch::read_text(dir / batch::kRunsCsv);
  if (!text) {
    fail(dir, "no runs.csv: the sweep did not run to its end; run it again (or merge its shards) first");
  }
  return batch::parse_csv_table(*text, (dir / batch::kRunsCsv).string());
}

}  // namespace

int compare_command(const std::vector<std::string>& arguments) {
  CompareCommandOptions options;
  if (const auto status = parse(arguments, options)) {
    return *status;
  }
  const fs::path dir(options.sweep_dir);
  batch::CompareRequest request;
  request.by = options.by;
  request.metrics = split_list(options.metrics);
  if (!options.baseline.empty()) {
    request.baseline = options.baseline;
  }
  try {
    request.factors = read_factors(dir);
    const batch::Comparison comparison = batch::compare_runs(read_runs(dir), request);
    std::cout << batch::format_comparison_text(comparison);
    batch::write_text_atomically(dir / "compare.csv", batch::format_comparison_csv(comparison));
    batch::write_text_atomically(dir / "compare.md", batch::format_comparison_markdown(comparison));
    std::cout << fmt::format("Written: {}, {}\n", (dir / "compare.csv").string(), (dir / "compare.md").string());
    return kExitOk;
  } catch (const InputError& error) {
    std::cerr << error.diagnostics().format_all();
    return kExitUsage;
  } catch (const batch::CompareError& error) {
    std::cerr << "mixsim compare: " << error.what() << "\n";
    return kExitUsage;
  } catch (const std::runtime_error& error) {
    std::cerr << "mixsim compare: " << error.what() << "\n";
    return kExitFailed;
  }
}

}  // namespace mixsim::cli
