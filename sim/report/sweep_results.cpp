#include "sweep_results.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "report_input_error.hpp"
#include "run_results.hpp"
#include "scenario/csv_reader.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace mixsim::report {

namespace {

const std::vector<std::string> kStatuses = {"ok", "failed", "timeout", "crashed"};
const std::vector<std::string> kLeadingColumns = {"run_id", "status", "seed"};

std::vector<std::string> string_list(const json& description, const char* key, const std::string& file) {
  if (!description.contains(key) || !description[key].is_array()) {
    throw ReportInputError(file, 0, fmt::format("the key '{}' is missing or not a list", key));
  }
  std::vector<std::string> items;
  for (const auto& item : description[key]) {
    if (!item.is_string()) {
      throw ReportInputError(file, 0, fmt::format("'{}' should list names but contains {}", key, item.dump()));
    }
    items.push_back(item.get<std::string>());
  }
  return items;
}

std::string required_string(const json& description, const char* key, const std::string& file) {
  if (!description.contains(key) || !description[key].is_string()) {
    throw ReportInputError(file, 0, fmt::format("the key '{}' is missing or not a string", key));
  }
  return description[key].get<std::string>();
}

void read_description(const fs::path& path, Sweep& sweep) {
  const std::string file = path.string();
  const json description = read_json_file(path);
  if (!description.is_object()) {
    throw ReportInputError(file, 1, "should be a JSON object");
  }
  sweep.name = required_string(description, "name", file);
  sweep.scenario = required_string(description, "scenario", file);
  sweep.factors = string_list(description, "factors", file);
  sweep.metrics = string_list(description, "metrics", file);
  if (!description.contains("seeds") || !description["seeds"].is_array()) {
    throw ReportInputError(file, 0, "the key 'seeds' is missing or not a list");
  }
  for (const auto& seed : description["seeds"]) {
    sweep.seeds.push_back(seed.is_string() ? seed.get<std::string>() : seed.dump());
  }
  if (!description.contains("runs") || !description["runs"].is_number_integer()) {
    throw ReportInputError(file, 0, "the key 'runs' is missing or not a whole number");
  }
  sweep.planned_runs = description["runs"].get<int64_t>();
  if (sweep.metrics.empty()) {
    throw ReportInputError(file, 0, "'metrics' is empty; a sweep report needs at least one metric");
  }
}

std::vector<std::string> expected_header(const Sweep& sweep) {
  std::vector<std::string> header = kLeadingColumns;
  header.insert(header.end(), sweep.factors.begin(), sweep.factors.end());
  header.insert(header.end(), sweep.metrics.begin(), sweep.metrics.end());
  return header;
}

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) {
    text += (text.empty() ? "" : ",") + item;
  }
  return text;
}

SweepRun parse_run(const load::CsvRow& row, const Sweep& sweep, const std::string& file) {
  SweepRun run;
  run.line = row.line;
  run.run_id = row.fields[0].text;
  run.status = row.fields[1].text;
  run.seed = row.fields[2].text;
  if (std::find(kStatuses.begin(), kStatuses.end(), run.status) == kStatuses.end()) {
    throw ReportInputError(file, row.line,
                           fmt::format("status '{}' is not one of ok, failed, timeout, crashed", run.status));
  }
  const size_t first_metric = kLeadingColumns.size() + sweep.factors.size();
  for (size_t i = kLeadingColumns.size(); i < first_metric; ++i) {
    run.levels.push_back(row.fields[i].text);
  }
  if (!run.ok()) {
    return run;  // a run that did not finish has no metrics
  }
  for (size_t i = 0; i < sweep.metrics.size(); ++i) {
    const std::string& text = row.fields[first_metric + i].text;
    const auto value = parse_number(text);
    if (!value) {
      throw ReportInputError(file, row.line,
                             fmt::format("metric '{}' of run '{}' is '{}', not a number", sweep.metrics[i],
                                         run.run_id, text));
    }
    run.metrics[sweep.metrics[i]] = *value;
  }
  return run;
}

void read_runs(const fs::path& path, Sweep& sweep) {
  const std::string file = path.string();
  const std::string text = read_text_file(path);
  require_complete_last_line(text, file);
  load::CsvReader reader(text);
  load::CsvRow row;
  std::string csv_error;
  const std::vector<std::string> header = expected_header(sweep);
  std::vector<std::string> found;
  if (reader.next(row, csv_error)) {
    for (const load::CsvField& field : row.fields) {
      found.push_back(field.text);
    }
  }
  if (found != header) {
    throw ReportInputError(file, 1,
                           fmt::format("the header is '{}' but sweep.json's factors and metrics give '{}'",
                                       join(found), join(header)));
  }

  std::set<std::string> run_ids;
  while (reader.next(row, csv_error)) {
    require_row_shape(row, csv_error, header.size(), file);
    SweepRun run = parse_run(row, sweep, file);
    if (!run_ids.insert(run.run_id).second) {
      throw ReportInputError(file, row.line, fmt::format("run_id '{}' appears twice", run.run_id));
    }
    sweep.runs.push_back(std::move(run));
  }
  if (static_cast<int64_t>(sweep.runs.size()) != sweep.planned_runs) {
    throw ReportInputError(file, 0,
                           fmt::format("{} runs listed but sweep.json says {}; the file is truncated or the sweep "
                                       "has not finished",
                                       sweep.runs.size(), sweep.planned_runs));
  }
}

}  // namespace

Sweep read_sweep(const fs::path& dir) {
  Sweep sweep;
  sweep.dir = dir;
  read_description(dir / "sweep.json", sweep);
  read_runs(dir / "runs.csv", sweep);
  return sweep;
}

}  // namespace mixsim::report
