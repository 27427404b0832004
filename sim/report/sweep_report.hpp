// The HTML comparison page of a sweep: per configuration of factor levels, cost against availability with 95 %
// confidence intervals, the spread of every metric across seeds, and differences against a baseline level paired
// by seed.
#pragma once

#include <filesystem>
#include <string>

namespace mixsim::report {

/// Returns the report page of the sweep in `sweep_dir`, which contains sweep.json and runs.csv. Throws
/// ReportInputError when either file is missing, truncated or malformed.
std::string build_sweep_report(const std::filesystem::path& sweep_dir);

}  // namespace mixsim::report
