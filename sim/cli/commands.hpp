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
int sweep_command(const std::vector<std::string>& arguments);
int compare_command(const std::vector<std::string>& arguments);
int merge_command(const std::vector<std::string>& arguments);
int check_command(const std::vector<std::string>& arguments);

/// Ends the process with the default action of `signal_number`. A shell or a scheduler then reports a batch
/// stopped by Ctrl-C or a kill as ended by that signal, not as exiting with a status.
[[noreturn]] void exit_by_signal(int signal_number);

int report_command(const std::vector<std::string>& arguments);

/// Writes the report of a run or sweep folder to `out` (empty: DIR/report.html) and prints its path unless
/// `quiet`. Returns kExitUsage for bad result files and kExitFailed when the page cannot be written, after
/// printing why.
int write_report_or_explain(const std::string& dir, const std::string& out, bool quiet);

int import_command(const std::vector<std::string>& arguments);

}  // namespace mixsim::cli
