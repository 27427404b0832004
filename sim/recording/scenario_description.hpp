// The scenario's key parameters as recorded in summary.json under `parameters`, so that a report can be drawn
// from the result files alone: sizes and prices, each set's strategy and autoscale rules, pool capacity profiles.
#pragma once

#include <nlohmann/json.hpp>

#include "mixsim/scenario.hpp"

namespace mixsim {

/// Describes `scenario` as JSON. Long lists are capped (see docs/scenario-format.md, "Result files"), so the
/// description stays small whatever the scenario's size.
nlohmann::ordered_json describe_scenario(const Scenario& scenario);

}  // namespace mixsim
