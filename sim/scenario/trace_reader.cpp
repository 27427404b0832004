#include "trace_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "csv_reader.hpp"
#include "time_format.hpp"

namespace mixsim::load {

namespace {

// A broken file can have an error on every line; past this many the rest are summarized.
constexpr int kMaxErrorsPerFile = 10;

// A trace alone may have as many points as the whole scenario.
constexpr size_t kMaxTracePoints = kMaxSeriesPoints;

constexpr size_t kMaxTraceBytes = 512u << 20;

// Bounds that keep every later sum and product of trace values and times finite.
constexpr double kMaxTraceValue = 1e15;
constexpr double kMaxRelativeTimeS = 1e10;  // about 317 years

// A shorter loop would add an instant to the run more often than once a second.
constexpr double kMinLoopPeriodS = 1;

class FileErrors {
 public:
  FileErrors(Context& context, std::string display) : context_(context), display_(std::move(display)) {}

  void add(int line, int column, const std::string& key, std::string message) {
    ++count_;
    if (count_ <= kMaxErrorsPerFile) {
      context_.error(Origin{display_, line, column, {}}, key, std::move(message));
    }
  }
  void add_file(std::string message) {
    ++count_;
    context_.diagnostics.add_file_error(display_, std::move(message));
  }
  void finish() {
    if (count_ > kMaxErrorsPerFile) {
      context_.diagnostics.add_file_error(
          display_, fmt::format("{} more problems in this file are not listed", count_ - kMaxErrorsPerFile));
    }
  }
  int count() const { return count_; }

 private:
  Context& context_;
  std::string display_;
  int count_ = 0;
};

bool looks_like_json(const std::string& text) {
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      continue;
    }
    return c == '{';
  }
  return false;
}

std::optional<RawTrace> csv_trace(const std::string& text, FileErrors& errors, const std::string& column) {
  CsvReader reader(text);
  CsvRow header;
  std::string error;
  if (!reader.next(header, error)) {
    errors.add_file("the trace is empty; expected a header row and data rows (time,value)");
    return std::nullopt;
  }
  if (header.fields.size() < 2) {
    errors.add(header.line, 1, {},
               "the header has " + std::to_string(header.fields.size()) +
                   " column; a trace needs a time column and a value column");
    return std::nullopt;
  }

  size_t value_index = 1;
  if (!column.empty()) {
    std::vector<std::string> names;
    value_index = header.fields.size();
    for (size_t i = 0; i < header.fields.size(); ++i) {
      names.push_back(header.fields[i].text);
      if (header.fields[i].text == column && i > 0) {
        value_index = i;
      }
    }
    if (value_index == header.fields.size()) {
      errors.add(header.line, 1, {},
                 "no value column named " + quote(column) + "; the header has: " + list_names(names));
      return std::nullopt;
    }
  }

  RawTrace trace;
  const std::string time_name = header.fields[0].text;
  const std::string value_name = header.fields[value_index].text;
  trace.absolute_times = (time_name != "time_s");

  CsvRow row;
  while (reader.next(row, error)) {
    if (!error.empty()) {
      errors.add(row.line, row.fields.empty() ? 1 : row.fields.back().column, {}, error);
      break;
    }
    if (row.fields.size() <= value_index) {
      errors.add(row.line, 1, {},
                 fmt::format("the row has {} columns, expected at least {}", row.fields.size(), value_index + 1));
      continue;
    }
    const CsvField& time_field = row.fields[0];
    const CsvField& value_field = row.fields[value_index];

    std::optional<double> time = trace.absolute_times ? parse_timestamp(time_field.text)
                                                      : parse_finite_number(time_field.text);
    if (time && !trace.absolute_times && std::fabs(*time) > kMaxRelativeTimeS) {
      errors.add(row.line, time_field.column, time_name,
                 fmt::format("{} is out of range; valid: -{:g} to {:g} seconds", quote(time_field.text),
                             kMaxRelativeTimeS, kMaxRelativeTimeS));
      continue;
    }
    if (!time) {
      errors.add(row.line, time_field.column, time_name,
                 quote(time_field.text) +
                     (trace.absolute_times
                          ? " is not a time; valid: RFC 3339 (2024-06-03T00:00:00Z), 'YYYY-MM-DD HH:MM:SS' (UTC), or "
                            "seconds under a 'time_s' header"
                          : " is not a number of seconds"));
      continue;
    }
    const auto value = parse_finite_number(value_field.text);
    if (!value) {
      errors.add(row.line, value_field.column, value_name, quote(value_field.text) + " is not a finite number");
      continue;
    }
    if (!trace.times_s.empty() && *time <= trace.times_s.back()) {
      errors.add(row.line, time_field.column, time_name,
                 quote(time_field.text) + (*time == trace.times_s.back() ? " repeats" : " is earlier than") +
                     " the time on line " + std::to_string(trace.lines.back()) +
                     "; times must strictly increase");
      continue;
    }
    if (trace.times_s.size() >= kMaxTracePoints) {
      errors.add(row.line, 1, {}, fmt::format("the trace has more than {} points", kMaxTracePoints));
      break;
    }
    trace.times_s.push_back(*time);
    trace.values.push_back(*value);
    trace.lines.push_back(row.line);
  }
  if (errors.count() == 0 && trace.times_s.empty()) {
    errors.add_file("the trace has a header but no data rows");
  }
  if (errors.count() > 0) {
    return std::nullopt;
  }
  return trace;
}

std::optional<RawTrace> json_trace(const std::string& text, const std::string& display, FileErrors& errors,
                                   Context& context) {
  Diagnostics parse_problems;
  yaml::NodePtr root;
  try {
    root = yaml::parse_document(text, display, parse_problems);
  } catch (const InputError& error) {
    for (const auto& item : error.diagnostics().items()) {
      context.diagnostics.add(item.origin, item.key_path, item.message);
    }
    return std::nullopt;
  }
  for (const auto& item : parse_problems.items()) {
    context.diagnostics.add(item.origin, item.key_path, item.message);
  }
  if (!parse_problems.empty()) {
    return std::nullopt;
  }

  const int errors_before = static_cast<int>(context.diagnostics.size());
  if (!root->is_mapping()) {
    errors.add(root->origin.line, root->origin.column, {},
               "expected an object {\"metadata\": {\"gap_seconds\": N}, \"data\": [...]}");
    return std::nullopt;
  }
  const Node* metadata = root->find("metadata");
  const Node* data = root->find("data");
  if (metadata == nullptr || !metadata->is_mapping() || metadata->find("gap_seconds") == nullptr) {
    errors.add(root->origin.line, root->origin.column, "metadata.gap_seconds",
               "missing: a JSON trace needs metadata.gap_seconds, the seconds between points");
  }
  if (data == nullptr) {
    errors.add(root->origin.line, root->origin.column, "data", "missing: a JSON trace needs a data list");
  }
  if (static_cast<int>(context.diagnostics.size()) > errors_before) {
    return std::nullopt;
  }

  RawTrace trace;
  const auto gap = read_number(context, *metadata->find("gap_seconds"), "metadata.gap_seconds",
                               NumberRange{0, 86400 * 366.0, true});
  const auto* items = read_list(context, *data, "data");
  if (!gap || items == nullptr) {
    return std::nullopt;
  }
  if (items->empty()) {
    errors.add(data->origin.line, data->origin.column, "data", "the trace has no data points");
    return std::nullopt;
  }
  if (items->size() > kMaxTracePoints) {
    errors.add(data->origin.line, data->origin.column, "data",
               fmt::format("the trace has more than {} points", kMaxTracePoints));
    return std::nullopt;
  }
  trace.json_gap_s = *gap;
  for (size_t i = 0; i < items->size(); ++i) {
    const Node& item = *(*items)[i];
    const auto value = item.is_scalar() ? parse_finite_number(item.scalar) : std::nullopt;
    if (!value) {
      errors.add(item.origin.line, item.origin.column, index_path("data", i),
                 (item.is_scalar() ? quote(item.scalar) : std::string(yaml::kind_name(item.kind))) +
                     " is not a finite number");
      continue;
    }
    trace.times_s.push_back(static_cast<double>(i) * *gap);
    trace.values.push_back(*value);
    trace.lines.push_back(item.origin.line);
  }
  if (errors.count() > 0) {
    return std::nullopt;
  }
  return trace;
}

double median_spacing(const std::vector<double>& times) {
  if (times.size() < 2) {
    return 0;
  }
  std::vector<double> gaps;
  gaps.reserve(times.size() - 1);
  for (size_t i = 1; i < times.size(); ++i) {
    gaps.push_back(times[i] - times[i - 1]);
  }
  std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2), gaps.end());
  return gaps[gaps.size() / 2];
}

}  // namespace

std::optional<RawTrace> parse_csv_trace(Context& context, const std::string& text, const std::string& display,
                                        const std::string& column) {
  FileErrors errors(context, display);
  auto trace = csv_trace(text, errors, column);
  errors.finish();
  return trace;
}

std::optional<RawTrace> parse_json_trace(Context& context, const std::string& text, const std::string& display) {
  FileErrors errors(context, display);
  auto trace = json_trace(text, display, errors, context);
  errors.finish();
  return trace;
}

std::optional<RawTrace> parse_raw_trace(Context& context, const std::string& text, const std::string& display,
                                        const std::string& column) {
  if (looks_like_json(text)) {
    return parse_json_trace(context, text, display);
  }
  return parse_csv_trace(context, text, display, column);
}

StepSeries align_trace(const RawTrace& raw, const TraceOptions& options, int64_t scenario_start_unix_s) {
  StepSeries series;
  series.times_s.reserve(raw.times_s.size());
  series.values.reserve(raw.values.size());

  // Relative traces start at the scenario start whatever the alignment.
  double shift = options.offset_s;
  if (raw.absolute_times) {
    shift += options.align == TraceAlign::Start ? -raw.times_s.front()
                                                : -static_cast<double>(scenario_start_unix_s);
  }
  for (size_t i = 0; i < raw.times_s.size(); ++i) {
    series.times_s.push_back(raw.times_s[i] + shift);
    series.values.push_back(raw.values[i] * options.scale);
  }
  // A trace whose values are all equal is the same looped or not; without a period it adds no instants to the run.
  const bool constant = std::all_of(raw.values.begin(), raw.values.end(), [&](double v) { return v == raw.values.front(); });
  if (options.loop && !constant) {
    const double spacing = raw.json_gap_s > 0 ? raw.json_gap_s : median_spacing(raw.times_s);
    series.period_s = raw.times_s.back() - raw.times_s.front() + (spacing > 0 ? spacing : 1.0);
  }
  return series;
}

std::optional<StepSeries> read_trace_spec(Context& context, const MapReader& reader, double min_value,
                                          int64_t scenario_start_unix_s) {
  const Node* file_node = reader.get("trace");
  if (file_node == nullptr) {
    return std::nullopt;
  }
  const auto file = read_name(context, *file_node, reader.path("trace"));

  TraceOptions options;
  options.min_value = min_value;
  bool ok = file.has_value();
  if (const Node* node = reader.get("column")) {
    const auto value = read_name(context, *node, reader.path("column"));
    ok = ok && value;
    options.column = value.value_or("");
  }
  if (const Node* node = reader.get("align")) {
    const auto value = read_enum<TraceAlign>(context, *node, reader.path("align"),
                                             {{"start", TraceAlign::Start}, {"absolute", TraceAlign::Absolute}},
                                             "trace alignment");
    ok = ok && value;
    options.align = value.value_or(TraceAlign::Start);
  }
  if (const Node* node = reader.get("offset")) {
    const auto value = read_duration(context, *node, reader.path("offset"), -3650 * 86400.0, 3650 * 86400.0, true);
    ok = ok && value;
    options.offset_s = value.value_or(0);
  }
  if (const Node* node = reader.get("scale")) {
    const auto value = read_number(context, *node, reader.path("scale"), NumberRange{0, 1e9});
    ok = ok && value;
    options.scale = value.value_or(1);
  }
  if (const Node* node = reader.get("loop")) {
    const auto value = read_bool(context, *node, reader.path("loop"));
    ok = ok && value;
    options.loop = value.value_or(false);
  }
  if (!ok) {
    return std::nullopt;
  }

  const size_t problems_before = context.diagnostics.size();
  std::string text;
  std::string display;
  std::optional<RawTrace> raw;
  if (context.read_named_file(*file, kMaxTraceBytes, text, display)) {
    raw = parse_raw_trace(context, text, display, options.column);
  }
  if (!raw) {
    if (context.diagnostics.size() > problems_before) {
      context.error(*file_node, reader.path("trace"), "the trace " + quote_path(display) + " cannot be used; its problems are listed under its name");
    }
    return std::nullopt;
  }

  if (!context.reserve_series_points(static_cast<double>(raw->times_s.size()), *file_node, reader.path("trace"))) {
    return std::nullopt;
  }
  for (size_t i = 0; i < raw->values.size(); ++i) {
    const double value = raw->values[i] * options.scale;
    std::string problem;
    if (value < min_value) {
      problem = fmt::format("value {} is below the minimum of {}", raw->values[i], min_value);
    } else if (!(std::fabs(value) <= kMaxTraceValue)) {
      problem = fmt::format("value {} times the scale {} is beyond the limit of {:g}", raw->values[i], options.scale,
                            kMaxTraceValue);
    }
    if (!problem.empty()) {
      context.error(Origin{display, raw->lines[i], 1, {}}, {}, problem);
      context.error(*file_node, reader.path("trace"),
                    "the trace " + quote_path(display) + " cannot be used; its problems are listed under its name");
      return std::nullopt;
    }
  }

  StepSeries series = align_trace(*raw, options, scenario_start_unix_s);
  if (series.period_s > 0 && series.period_s < kMinLoopPeriodS) {
    context.error(*reader.get("loop"), reader.path("loop"),
                  fmt::format("the trace repeats every {} s; a looped trace must cover at least {} s", series.period_s,
                              kMinLoopPeriodS));
    return std::nullopt;
  }
  return series;
}

}  // namespace mixsim::load
