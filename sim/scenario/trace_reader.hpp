// Reading time series from CSV (`time,value`) and JSON (`{"metadata":{"gap_seconds":N},"data":[...]}`) files,
// aligned to the scenario's clock.
#pragma once

#include <optional>
#include <string>

#include "mixsim/step_series.hpp"
#include "node_reader.hpp"

namespace mixsim::load {

enum class TraceAlign : uint8_t { Start, Absolute };

struct TraceOptions {
  std::string column;  // CSV value column by header name; empty = the second column
  TraceAlign align = TraceAlign::Start;
  double offset_s = 0;
  double scale = 1;
  bool loop = false;
  double min_value = 0;  // values below this (after scaling) are reported
};

/// A trace as read from its file: times in seconds (Unix time when `absolute_times`, else from the trace's start)
/// and values as written.
struct RawTrace {
  std::vector<double> times_s;
  std::vector<double> values;
  std::vector<int> lines;  // source line of each point, for messages
  bool absolute_times = false;
  double json_gap_s = 0;  // gap_seconds of a JSON trace, else 0
};

/// Parses the text of a trace file: JSON when its first non-blank character is '{', else CSV. `display` names the
/// file in messages; problems inside it are reported with the file's own line and column. Returns empty when the
/// trace is unusable.
std::optional<RawTrace> parse_raw_trace(Context& context, const std::string& text, const std::string& display,
                                        const std::string& column);

/// Parses a CSV trace (`time,value` with a header row); `column` names the value column, empty for the second.
std::optional<RawTrace> parse_csv_trace(Context& context, const std::string& text, const std::string& display,
                                        const std::string& column);

/// Parses a JSON trace `{"metadata": {"gap_seconds": N}, "data": [...]}`.
std::optional<RawTrace> parse_json_trace(Context& context, const std::string& text, const std::string& display);

/// Turns a raw trace into a step function of simulated time, applying alignment, offset, scale and loop.
StepSeries align_trace(const RawTrace& raw, const TraceOptions& options, int64_t scenario_start_unix_s);

/// Reads the common trace keys of a mapping (`trace`, `column`, `align`, `offset`, `scale`, `loop`) that
/// `reader` has already checked for unknown keys, then reads and aligns the file. Returns empty on any problem.
std::optional<StepSeries> read_trace_spec(Context& context, const MapReader& reader, double min_value,
                                          int64_t scenario_start_unix_s);

}  // namespace mixsim::load
