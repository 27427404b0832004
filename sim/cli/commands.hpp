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
int import_command(const std::vector<std::string>& arguments);

}  // namespace mixsim::cli
