// runs.csv: one row per run of a sweep with its status, seed, factor levels and key summary metrics.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mixsim::batch {

/// Outcome of a run. A run that is not Ok has empty metric cells in runs.csv.
enum class RunStatus : uint8_t {
  Ok,       // exited 0 and left a complete summary.json
  Failed,   // exited with a non-zero status, or exited 0 without a complete summary.json
  Timeout,  // ran longer than --run-timeout; its process group was killed
  Crashed,  // ended by a signal it did not get from the sweep
};

std::string_view to_string(RunStatus status);

/// The metric columns of runs.csv, in order: cost_total ... restores.
const std::vector<std::string>& metric_names();

/// True for the fixed columns of runs.csv (run_id, status, seed and the metrics), which no factor may be named.
bool is_reserved_column(std::string_view name);

/// Reads the metrics of `summary_path` as runs.csv cells, in metric_names() order. Returns empty when the file is
/// missing, is not JSON, or lacks a metric: such a run is not complete.
std::optional<std::vector<std::string>> read_run_metrics(const std::filesystem::path& summary_path);

/// One row of runs.csv as the sweep writes it.
struct RunRow {
  std::string run_id;
  RunStatus status = RunStatus::Ok;
  uint64_t seed = 0;
  std::vector<std::string> levels;   // one label per factor, in factor order
  std::vector<std::string> metrics;  // metric_names().size() cells, or empty when the run is not Ok
};

/// Returns the text of runs.csv: the header `run_id,status,seed,<factors>,<metrics>` and one line per row, fields
/// quoted as RFC 4180 requires.
std::string format_runs_csv(const std::vector<std::string>& factor_names, const std::vector<RunRow>& rows);

/// A CSV file read as text cells: its header and its rows, each as long as the header.
struct CsvTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;

  /// Returns the index of `name` in columns, or empty.
  std::optional<size_t> find_column(std::string_view name) const;
};

/// Parses CSV text with a header. Throws InputError naming `display_file` and the line of a malformed row or of a
/// row whose field count differs from the header's.
CsvTable parse_csv_table(std::string_view text, const std::string& display_file);

/// Returns the text of `table` as CSV, fields quoted as RFC 4180 requires.
std::string format_csv_table(const CsvTable& table);

/// Combines the runs.csv tables of the shards of one sweep, given in shard order (shard i of n ran run-list
/// positions i, i + n, i + 2n, ...), into the table of the whole run list of `total_runs` runs. Returns an error
/// message when the headers differ or a shard does not have the rows its position requires.
std::string interleave_shards(const std::vector<CsvTable>& shards, uint64_t total_runs, CsvTable& merged);

/// Returns how many of `total_runs` run-list positions shard `index` of `count` runs.
uint64_t shard_run_count(uint64_t total_runs, uint64_t index, uint64_t count);

}  // namespace mixsim::batch
