// The tables of a run report: the summary of cost, availability and counts, and the scenario's key parameters.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace mixsim::report {

/// Returns the summary table: totals and, for up to a few sets, one column per set.
std::string render_summary_table(const nlohmann::json& summary);

/// Returns the scenario parameters recorded in summary.json (`parameters`), or a note when the run predates them.
std::string render_parameters(const nlohmann::json& summary);

/// Describes an autoscale rule in words: "scale out by 3 when Average Percentage CPU over 5 min > 70".
std::string describe_rule(const nlohmann::json& rule);

}  // namespace mixsim::report
