// The short human summary `mixsim run` prints on stdout.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "mixsim/scenario.hpp"

namespace mixsim::cli {

/// Formats cost by size and priority, availability, evictions and failures, for the totals and, when the
/// scenario has several sets, for each set.
std::string format_summary(const Scenario& scenario, const nlohmann::ordered_json& summary,
                           const std::string& out_dir);

}  // namespace mixsim::cli
