// Checks shared by the CSV and JSON trace targets.
#pragma once

#include <optional>

#include "scenario/node_reader.hpp"
#include "scenario/trace_reader.hpp"

namespace mixsim::fuzz {

/// Checks a parser's result. A usable trace reports no problem and keeps its invariants once aligned, with and
/// without `loop` and in both alignments. An unusable one reports at least one problem, each in the contract's form.
void check_trace_result(const load::Context& context, const std::optional<load::RawTrace>& raw);

}  // namespace mixsim::fuzz
