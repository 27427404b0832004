// The HTML report of one run, drawn from its result folder alone: summary.json, timeline.csv and events.csv.
#pragma once

#include <filesystem>
#include <string>

namespace mixsim::report {

/// Charts are drawn for this many scale sets at most; the summary table covers every set. Each set's charts take
/// up to about 0.5 MB for a year sampled every five minutes, so the file stays under 5 MB.
inline constexpr size_t kMaxChartedSets = 6;

/// Returns the report page of the run in `run_dir`. Throws ReportInputError when a result file is missing,
/// truncated or malformed. timeline.csv and events.csv may be absent only when summary.json records that the
/// scenario turned them off (`parameters.outputs`); their charts are then replaced by a note.
std::string build_run_report(const std::filesystem::path& run_dir);

}  // namespace mixsim::report
