// The result folder of `mixsim run`: what may be written into it.
#pragma once

#include <filesystem>
#include <string>

namespace mixsim::cli {

/// Checks that a run of the scenario `scenario_name` may write into `out` and creates the folder. A missing or
/// empty folder, or one that contains only a run of the same scenario (its summary.json names it), may be
/// written. A folder that contains other files, another scenario's results or results without a summary needs
/// `force`.
/// Leftover temporary files of an interrupted run are removed. Returns an error message for the user, or "".
std::string prepare_out_dir(const std::filesystem::path& out, const std::string& scenario_name, bool force);

}  // namespace mixsim::cli
