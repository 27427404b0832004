// `mixsim merge`: combines the folders of a sweep's shards into one sweep folder.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <filesystem>
#include <iostream>
#include <optional>
#include <system_error>

#include "batch/sweep_merge.hpp"
#include "command_line.hpp"
#include "commands.hpp"
#include "mixsim/diagnostics.hpp"

namespace po = boost::program_options;

namespace mixsim::cli {

namespace {

/// Options of `mixsim merge`.
struct MergeCommandOptions {
  std::string out;                      // the merged sweep folder
  std::vector<std::string> shard_dirs;  // the shards' sweep folders, in any order
  bool quiet = false;                   // print nothing when every run is ok
};

po::options_description merge_options(MergeCommandOptions& options) {
  po::options_description description("mixsim merge OUT SHARD_DIR... [options]");
  auto add = description.add_options();
  add("help,h", "show this help");
  add("quiet,q", po::bool_switch(&options.quiet), "print nothing unless a run is not ok or a problem occurs");
  return description;
}

std::optional<int> parse(const std::vector<std::string>& arguments, MergeCommandOptions& options) {
  std::vector<std::string> folders;
  po::options_description hidden;
  hidden.add_options()("folder", po::value(&folders)->composing());
  po::variables_map values;
  if (const auto status =
          parse_command_line("merge", arguments, merge_options(options), hidden, "folder", -1, values)) {
    return status;
  }
  if (folders.size() < 2) {
    std::cerr << "mixsim merge: expected an output folder and at least one shard folder: mixsim merge OUT "
                 "SHARD_DIR...\n";
    return kExitUsage;
  }
  options.out = folders.front();
  options.shard_dirs.assign(folders.begin() + 1, folders.end());
  return std::nullopt;
}

}  // namespace

int merge_command(const std::vector<std::string>& arguments) {
  MergeCommandOptions options;
  if (const auto status = parse(arguments, options)) {
    return *status;
  }
  std::vector<std::filesystem::path> shard_dirs(options.shard_dirs.begin(), options.shard_dirs.end());
  try {
    const batch::MergeSummary summary = batch::merge_shards(options.out, shard_dirs);
    if (!options.quiet || summary.not_ok > 0) {
      std::cerr << fmt::format("mixsim merge: {}: {} shard{} merged, {} runs, {} not ok; results in {}\n", summary.name,
                               summary.shards, summary.shards == 1 ? "" : "s", summary.runs, summary.not_ok,
                               options.out);
    }
    return summary.not_ok > 0 ? kExitFailed : kExitOk;
  } catch (const InputError& error) {
    std::cerr << error.diagnostics().format_all();
    return kExitUsage;
  } catch (const std::filesystem::filesystem_error& error) {
    std::cerr << "mixsim merge: " << error.what() << "\n";
    return kExitFailed;
  }
}

}  // namespace mixsim::cli
