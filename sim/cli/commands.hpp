// The CLI's commands. Each takes the arguments after its name and returns the process exit status.
#pragma once

#include <string>
#include <vector>

namespace mixsim::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitStopped = 3;

int run_command(const std::vector<std::string>& arguments);
int validate_command(const std::vector<std::string>& arguments);
int report_command(const std::vector<std::string>& arguments);

/// Writes the report of a run or sweep folder to `out` (empty: DIR/report.html) and prints its path unless
/// `quiet`. Returns kExitUsage for bad result files and kExitFailed when the page cannot be written, after
/// printing why.
int write_report_or_explain(const std::string& dir, const std::string& out, bool quiet);

}  // namespace mixsim::cli
