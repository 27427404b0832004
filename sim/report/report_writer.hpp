// Writing report.html for a run folder or a sweep folder.
#pragma once

#include <filesystem>

namespace mixsim::report {

/// Returns true when `dir` is a sweep folder, that is, one with a sweep.json.
bool is_sweep_dir(const std::filesystem::path& dir);

/// Builds the report of `dir` (a sweep report when it has a sweep.json, a run report otherwise) and writes it to
/// `out`, by default `dir/report.html`. The page goes to `out` + ".tmp" first and is renamed when complete, so a
/// failed call leaves no partial report. Returns the path written. Throws ReportInputError for bad result files
/// and std::runtime_error when the file cannot be written.
std::filesystem::path write_report(const std::filesystem::path& dir, const std::filesystem::path& out = {});

}  // namespace mixsim::report
