#include "run_results.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "report_input_error.hpp"
#include "scenario/csv_reader.hpp"

namespace fs = std::filesystem;

namespace mixsim::report {

namespace {

// The leading columns of timeline.csv that the result-file contract fixes.
const std::vector<std::string> kTimelineLeadingColumns = {
    "time_s",         "scaleSet",     "target",      "running",     "deallocated", "running_regular",
    "running_spot",   "demand_vcpu",  "served_vcpu", "cpu_percent", "cost_usd"};
// Columns that may be empty: Percentage CPU is undefined while no VM runs.
const std::vector<std::string> kTimelineOptionalColumns = {"cpu_percent"};
// Times closer than this are equal: the recorder writes times with up to 17 significant digits.
constexpr double kTimeToleranceS = 1e-6;

int line_of_offset(const std::string& text, size_t offset) {
  int line = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    line += text[i] == '\n' ? 1 : 0;
  }
  return line;
}

std::vector<std::string> header_names(const load::CsvRow& header) {
  std::vector<std::string> names;
  for (const load::CsvField& field : header.fields) {
    names.push_back(field.text);
  }
  return names;
}

void check_timeline_header(const std::vector<std::string>& names, const std::string& file) {
  for (size_t i = 0; i < kTimelineLeadingColumns.size(); ++i) {
    if (i >= names.size() || names[i] != kTimelineLeadingColumns[i]) {
      throw ReportInputError(file, 1,
                             fmt::format("column {} should be '{}' but is '{}'; this is not a mixsim timeline", i + 1,
                                         kTimelineLeadingColumns[i], i < names.size() ? names[i] : ""));
    }
  }
}

}  // namespace

void require_complete_last_line(const std::string& text, const std::string& file) {
  if (!text.empty() && text.back() != '\n') {
    throw ReportInputError(file, line_of_offset(text, text.size()),
                           "the last row does not end with a line break; the file is truncated");
  }
}

void require_row_shape(const load::CsvRow& row, const std::string& csv_error, size_t expected,
                       const std::string& file) {
  if (!csv_error.empty()) {
    throw ReportInputError(file, row.line, csv_error);
  }
  if (row.fields.size() != expected) {
    throw ReportInputError(file, row.line,
                           fmt::format("{} fields but the header has {}; the file is truncated or damaged",
                                       row.fields.size(), expected));
  }
}

std::optional<double> parse_number(std::string_view text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [position, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || position != end || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<size_t> Timeline::column(std::string_view name) const {
  for (size_t i = 0; i < column_names.size(); ++i) {
    if (column_names[i] == name) {
      return i;
    }
  }
  return std::nullopt;
}

std::vector<std::pair<size_t, std::string>> Timeline::columns_with_prefix(std::string_view prefix) const {
  std::vector<std::pair<size_t, std::string>> found;
  for (size_t i = 0; i < column_names.size(); ++i) {
    if (column_names[i].starts_with(prefix)) {
      found.emplace_back(i, column_names[i].substr(prefix.size()));
    }
  }
  return found;
}

std::string read_text_file(const fs::path& path) {
  std::error_code error;
  if (!fs::is_regular_file(path, error)) {
    throw ReportInputError(path.string(), 0, "not found");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (!in) {
    throw ReportInputError(path.string(), 0, "cannot be read");
  }
  return buffer.str();
}

nlohmann::json read_json_file(const fs::path& path) {
  const std::string text = read_text_file(path);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& error) {
    throw ReportInputError(path.string(), line_of_offset(text, error.byte > 0 ? error.byte - 1 : 0),
                           fmt::format("invalid JSON ({}); the file is truncated or damaged", error.what()));
  }
}

const nlohmann::json& require_key(const nlohmann::json& json, std::string_view key_path, const std::string& file,
                                  bool number) {
  const nlohmann::json* node = &json;
  size_t start = 0;
  while (start <= key_path.size()) {
    const size_t dot = std::min(key_path.find('.', start), key_path.size());
    const std::string key(key_path.substr(start, dot - start));
    if (!node->is_object() || !node->contains(key)) {
      throw ReportInputError(file, 0, fmt::format("the key '{}' is missing", key_path));
    }
    node = &(*node)[key];
    start = dot + 1;
  }
  if (number ? !node->is_number() : !node->is_object()) {
    throw ReportInputError(file, 0,
                           fmt::format("'{}' should be {} but is {}", key_path, number ? "a number" : "an object",
                                       node->type_name()));
  }
  return *node;
}

nlohmann::json read_summary(const fs::path& path) {
  nlohmann::json summary = read_json_file(path);
  const std::string file = path.string();
  for (const char* key : {"duration_s", "seed", "cost.total", "cost.compute", "cost.disk", "availability.capacity",
                          "availability.demand", "availability.timeBelowTarget", "counts.evictions",
                          "counts.allocationFailures", "counts.scaleOuts", "counts.scaleIns", "counts.restores"}) {
    require_key(summary, key, file, true);
  }
  for (const char* key : {"cost.bySize", "cost.byPriority", "cost.byZone", "scaleSets"}) {
    require_key(summary, key, file, false);
  }
  if (!summary.contains("scenario") || !summary["scenario"].is_string()) {
    throw ReportInputError(file, 0, "the key 'scenario' is missing or not a string");
  }
  if (!(summary["duration_s"].get<double>() > 0)) {
    throw ReportInputError(file, 0, "'duration_s' must be above 0");
  }
  return summary;
}

Timeline read_timeline(const fs::path& path, double duration_s, size_t max_sets) {
  const std::string file = path.string();
  const std::string text = read_text_file(path);
  require_complete_last_line(text, file);

  load::CsvReader reader(text);
  load::CsvRow row;
  std::string csv_error;
  if (!reader.next(row, csv_error)) {
    throw ReportInputError(file, 1, "the file is empty; expected a header and one row per set and sample");
  }
  const std::vector<std::string> names = header_names(row);
  check_timeline_header(names, file);

  Timeline timeline;
  timeline.column_names.assign(names.begin() + 2, names.end());
  std::vector<bool> may_be_empty(names.size(), false);
  for (size_t i = 0; i < names.size(); ++i) {
    may_be_empty[i] = std::find(kTimelineOptionalColumns.begin(), kTimelineOptionalColumns.end(), names[i]) !=
                      kTimelineOptionalColumns.end();
  }

  std::map<std::string, size_t> set_index;
  std::vector<double> last_time;
  while (reader.next(row, csv_error)) {
    require_row_shape(row, csv_error, names.size(), file);
    const auto time = parse_number(row.fields[0].text);
    if (!time) {
      throw ReportInputError(file, row.line, fmt::format("time_s '{}' is not a number", row.fields[0].text));
    }
    const std::string& set_name = row.fields[1].text;
    auto [found, inserted] = set_index.emplace(set_name, timeline.set_names.size());
    if (inserted) {
      timeline.set_names.push_back(set_name);
      last_time.push_back(-std::numeric_limits<double>::infinity());
      if (timeline.sets.size() < max_sets) {
        timeline.sets.push_back(SetTimeline{set_name, {}, std::vector<std::vector<double>>(names.size() - 2)});
      }
    }
    const size_t set = found->second;
    if (*time <= last_time[set] || *time > duration_s + kTimeToleranceS) {
      throw ReportInputError(file, row.line,
                             fmt::format("time_s {} of set '{}' does not follow {} or lies beyond the run's duration "
                                         "{} s",
                                         *time, set_name, last_time[set], duration_s));
    }
    last_time[set] = *time;

    SetTimeline* values = set < timeline.sets.size() ? &timeline.sets[set] : nullptr;
    if (values != nullptr) {
      values->time_s.push_back(*time);
    }
    for (size_t i = 2; i < names.size(); ++i) {
      const std::string& field = row.fields[i].text;
      double value = std::numeric_limits<double>::quiet_NaN();
      if (!field.empty() || !may_be_empty[i]) {
        const auto number = parse_number(field);
        if (!number) {
          throw ReportInputError(file, row.line,
                                 fmt::format("column '{}': '{}' is not a number", names[i], field));
        }
        value = *number;
      }
      if (values != nullptr) {
        values->columns[i - 2].push_back(value);
      }
    }
  }

  for (size_t set = 0; set < timeline.set_names.size(); ++set) {
    if (std::fabs(last_time[set] - duration_s) > kTimeToleranceS) {
      throw ReportInputError(file, 0,
                             fmt::format("the last row of set '{}' is at {} s but the run lasted {} s "
                                         "(summary.json duration_s); the file is truncated",
                                         timeline.set_names[set], last_time[set], duration_s));
    }
  }
  if (timeline.set_names.empty()) {
    throw ReportInputError(file, 0, "the file has a header but no rows");
  }
  return timeline;
}

}  // namespace mixsim::report
