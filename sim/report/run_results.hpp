// Reading a run's result folder for a report: summary.json and timeline.csv, checked against the result-file
// contract in docs/scenario-format.md. Every problem is a ReportInputError naming the file and line.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/csv_reader.hpp"

namespace mixsim::report {

/// The timeline rows of one scale set, column by column.
struct SetTimeline {
  std::string name;
  std::vector<double> time_s;
  /// One vector per entry of Timeline::column_names, parallel to time_s; NaN where a field is empty.
  std::vector<std::vector<double>> columns;
};

/// timeline.csv, split by scale set.
struct Timeline {
  std::vector<std::string> column_names;  // every header field except time_s and scaleSet, in file order
  std::vector<SetTimeline> sets;          // in order of first appearance; only the first `max_sets` keep values
  std::vector<std::string> set_names;     // every set in the file, in order of first appearance

  /// Returns the index of a column in SetTimeline::columns, or nothing when the file has no such column.
  std::optional<size_t> column(std::string_view name) const;
  /// Returns the columns whose name starts with `prefix`, with the prefix removed, as (index, suffix) pairs.
  std::vector<std::pair<size_t, std::string>> columns_with_prefix(std::string_view prefix) const;
};

/// Reads the whole text of `path`; throws ReportInputError when it cannot be read.
std::string read_text_file(const std::filesystem::path& path);

/// Parses a JSON file; a syntax error becomes a ReportInputError with its line.
nlohmann::json read_json_file(const std::filesystem::path& path);

/// Returns the value at a dotted `key_path` of `json` ("cost.total"). Throws ReportInputError naming `file` when
/// it is missing or not of the expected kind: a number when `number` is true, an object otherwise.
const nlohmann::json& require_key(const nlohmann::json& json, std::string_view key_path, const std::string& file,
                                  bool number);

/// Reads summary.json and checks the keys a report uses.
nlohmann::json read_summary(const std::filesystem::path& path);

/// Reads timeline.csv. Checks the contract's leading columns, the field count and numbers of every row, that
/// times increase within each set, that the file ends with a complete row and that each set's last row is at
/// `duration_s`. Keeps the values of the first `max_sets` sets only, so that memory stays bounded for scenarios
/// with many sets.
Timeline read_timeline(const std::filesystem::path& path, double duration_s, size_t max_sets);

/// Throws ReportInputError when `text`, the content of `file`, does not end with a line break: every result file
/// ends its last row with one, so its absence means the file was cut short.
void require_complete_last_line(const std::string& text, const std::string& file);

/// Throws ReportInputError naming `file` and the row's line when the row does not have `expected` fields, or when
/// the CSV reader reported `csv_error` for it.
void require_row_shape(const load::CsvRow& row, const std::string& csv_error, size_t expected,
                       const std::string& file);

/// Parses a whole CSV number; returns nothing for text that is not one.
std::optional<double> parse_number(std::string_view text);

}  // namespace mixsim::report
