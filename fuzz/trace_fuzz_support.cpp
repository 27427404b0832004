#include "trace_fuzz_support.hpp"

#include <cmath>

#include "fuzz_checks.hpp"

namespace mixsim::fuzz {

namespace {

constexpr int64_t kScenarioStartUnixS = 1704067200;  // 2024-01-01T00:00:00Z
constexpr double kHorizonS = 3650.0 * 86400;          // the maximum scenario duration

}  // namespace

void check_trace_result(const load::Context& context, const std::optional<load::RawTrace>& raw) {
  if (!raw) {
    check_diagnostics(context.diagnostics);
    return;
  }
  require(context.diagnostics.empty(), "a usable trace reports no problem");
  require(!raw->times_s.empty() && raw->times_s.size() == raw->values.size() && raw->lines.size() == raw->values.size(),
          "a trace has a time, a value and a line for each point");
  for (size_t i = 0; i < raw->times_s.size(); ++i) {
    require(std::isfinite(raw->times_s[i]) && std::isfinite(raw->values[i]), "a trace holds finite numbers");
    require(i == 0 || raw->times_s[i] > raw->times_s[i - 1], "a trace's times strictly increase");
    require(raw->lines[i] >= 1, "a trace point has a line from 1");
  }
  for (const bool loop : {false, true}) {
    for (const load::TraceAlign align : {load::TraceAlign::Start, load::TraceAlign::Absolute}) {
      load::TraceOptions options;
      options.loop = loop;
      options.align = align;
      check_series(load::align_trace(*raw, options, kScenarioStartUnixS), kHorizonS);
    }
  }
}

}  // namespace mixsim::fuzz
