#include "batch/run_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "mixsim/diagnostics.hpp"
#include "recording/recorder.hpp"
#include "scenario/csv_reader.hpp"

namespace mixsim::batch {

namespace {

// Source of a metric column: a JSON pointer into summary.json (the totals over all scale sets).
struct MetricSource {
  const char* column;
  const char* json_pointer;
};

constexpr MetricSource kMetricSources[] = {
    {"cost_total", "/cost/total"},
    {"cost_compute", "/cost/compute"},
    {"cost_disk", "/cost/disk"},
    {"cost_regular", "/cost/byPriority/Regular"},
    {"cost_spot", "/cost/byPriority/Spot"},
    {"availability_capacity", "/availability/capacity"},
    {"availability_demand", "/availability/demand"},
    {"time_below_target_s", "/availability/timeBelowTarget"},
    {"evictions", "/counts/evictions"},
    {"allocation_failures", "/counts/allocationFailures"},
    {"scale_outs", "/counts/scaleOuts"},
    {"scale_ins", "/counts/scaleIns"},
    {"restores", "/counts/restores"},
};

// Formats a JSON number for runs.csv: integers as integers, other numbers in the shortest text that reads back
// to the same double, so the cell does not depend on anything but the value.
std::optional<std::string> format_number(const nlohmann::json& value) {
  if (value.is_number_integer()) {
    return value.dump();
  }
  if (value.is_number_float()) {
    return fmt::format("{}", value.get<double>());
  }
  return std::nullopt;
}

void append_row(fmt::memory_buffer& out, const std::vector<std::string>& cells) {
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) {
      out.push_back(',');
    }
    append_csv_field(out, cells[i]);
  }
  out.push_back('\n');
}

}  // namespace

std::string_view to_string(RunStatus status) {
  switch (status) {
    case RunStatus::Ok:
      return "ok";
    case RunStatus::Failed:
      return "failed";
    case RunStatus::Timeout:
      return "timeout";
    case RunStatus::Crashed:
      return "crashed";
  }
  return "failed";
}

const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> list;
    for (const MetricSource& source : kMetricSources) {
      list.emplace_back(source.column);
    }
    return list;
  }();
  return names;
}

bool is_reserved_column(std::string_view name) {
  if (name == "run_id" || name == "status" || name == "seed") {
    return true;
  }
  const auto& metrics = metric_names();
  return std::find(metrics.begin(), metrics.end(), name) != metrics.end();
}

std::optional<std::vector<std::string>> read_run_metrics(const std::filesystem::path& summary_path) {
  std::ifstream in(summary_path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  const nlohmann::json summary = nlohmann::json::parse(in, nullptr, false);
  if (summary.is_discarded() || !summary.is_object()) {
    return std::nullopt;
  }
  std::vector<std::string> cells;
  for (const MetricSource& source : kMetricSources) {
    const nlohmann::json::json_pointer pointer(source.json_pointer);
    if (!summary.contains(pointer)) {
      return std::nullopt;
    }
    auto cell = format_number(summary.at(pointer));
    if (!cell) {
      return std::nullopt;
    }
    cells.push_back(std::move(*cell));
  }
  return cells;
}

std::string format_runs_csv(const std::vector<std::string>& factor_names, const std::vector<RunRow>& rows) {
  CsvTable table;
  table.columns = {"run_id", "status", "seed"};
  table.columns.insert(table.columns.end(), factor_names.begin(), factor_names.end());
  table.columns.insert(table.columns.end(), metric_names().begin(), metric_names().end());
  for (const RunRow& row : rows) {
    std::vector<std::string> cells = {row.run_id, std::string(to_string(row.status)), std::to_string(row.seed)};
    cells.insert(cells.end(), row.levels.begin(), row.levels.end());
    if (row.status == RunStatus::Ok && row.metrics.size() == metric_names().size()) {
      cells.insert(cells.end(), row.metrics.begin(), row.metrics.end());
    } else {
      cells.resize(table.columns.size());
    }
    table.rows.push_back(std::move(cells));
  }
  return format_csv_table(table);
}

std::optional<size_t> CsvTable::find_column(std::string_view name) const {
  const auto found = std::find(columns.begin(), columns.end(), name);
  if (found == columns.end()) {
    return std::nullopt;
  }
  return static_cast<size_t>(found - columns.begin());
}

CsvTable parse_csv_table(std::string_view text, const std::string& display_file) {
  load::CsvReader reader(text);
  load::CsvRow row;
  std::string error;
  CsvTable table;
  if (!reader.next(row, error)) {
    throw InputError(Diagnostic{Origin{display_file, 0, 0, {}}, {}, "the file is empty; expected a header row"});
  }
  if (!error.empty()) {
    throw InputError(Diagnostic{Origin{display_file, row.line, 1, {}}, {}, error});
  }
  for (auto& field : row.fields) {
    table.columns.push_back(std::move(field.text));
  }
  while (reader.next(row, error)) {
    if (!error.empty()) {
      throw InputError(Diagnostic{Origin{display_file, row.line, 1, {}}, {}, error});
    }
    if (row.fields.size() != table.columns.size()) {
      throw InputError(Diagnostic{
          Origin{display_file, row.line, 1, {}},
          {},
          fmt::format("the row has {} fields but the header has {}", row.fields.size(), table.columns.size())});
    }
    std::vector<std::string> cells;
    for (auto& field : row.fields) {
      cells.push_back(std::move(field.text));
    }
    table.rows.push_back(std::move(cells));
  }
  return table;
}

std::string format_csv_table(const CsvTable& table) {
  fmt::memory_buffer out;
  append_row(out, table.columns);
  for (const auto& row : table.rows) {
    append_row(out, row);
  }
  return fmt::to_string(out);
}

uint64_t shard_run_count(uint64_t total_runs, uint64_t index, uint64_t count) {
  if (count == 0 || index >= total_runs) {
    return 0;
  }
  return (total_runs - index + count - 1) / count;
}

std::string interleave_shards(const std::vector<CsvTable>& shards, uint64_t total_runs, CsvTable& merged) {
  if (shards.empty()) {
    return "no shards given";
  }
  const uint64_t count = shards.size();
  for (uint64_t index = 0; index < count; ++index) {
    if (shards[index].columns != shards.front().columns) {
      return fmt::format("shard {} of {} has other runs.csv columns than shard 0", index, count);
    }
    const uint64_t expected = shard_run_count(total_runs, index, count);
    if (shards[index].rows.size() != expected) {
      return fmt::format("shard {} of {} has {} runs in runs.csv, but a sweep of {} runs gives it {}", index, count,
                         shards[index].rows.size(), total_runs, expected);
    }
  }
  merged.columns = shards.front().columns;
  merged.rows.clear();
  merged.rows.reserve(total_runs);
  for (uint64_t position = 0; position < total_runs; ++position) {
    merged.rows.push_back(shards[position % count].rows[position / count]);
  }
  return {};
}

}  // namespace mixsim::batch
