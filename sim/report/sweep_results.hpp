// Reading a sweep folder: sweep.json, which describes the sweep, and runs.csv, one row per run. The folder
// contract is fixed by the batch runner:
//   sweep.json = {"name", "scenario", "factors": [names], "seeds": [...], "runs": N, "metrics": [column names]}
//   runs.csv   = run_id,status,seed,<one column per factor>,<one column per metric>
// with status ok, failed, timeout or crashed, and empty metric cells when a run is not ok.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace mixsim::report {

/// One row of runs.csv.
struct SweepRun {
  int line = 0;  // in runs.csv
  std::string run_id;
  std::string status;
  std::string seed;
  std::vector<std::string> levels;       // one per factor, in sweep.json's order
  std::map<std::string, double> metrics;  // every metric when status is ok, empty otherwise

  bool ok() const { return status == "ok"; }
};

/// A sweep folder's description and runs.
struct Sweep {
  std::filesystem::path dir;
  std::string name;
  std::string scenario;
  std::vector<std::string> factors;
  std::vector<std::string> seeds;  // as JSON text
  int64_t planned_runs = 0;
  std::vector<std::string> metrics;
  std::vector<SweepRun> runs;  // in file order
};

/// Reads `dir`/sweep.json and `dir`/runs.csv. Throws ReportInputError naming the file and line when a key is
/// missing or the header does not match sweep.json. It also throws for a row with the wrong field count, an
/// unknown status, a duplicate run_id or a metric that is not a number, for a last row cut short, and when
/// runs.csv lists fewer or more runs than sweep.json's `runs`.
Sweep read_sweep(const std::filesystem::path& dir);

}  // namespace mixsim::report
