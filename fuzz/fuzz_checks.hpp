// Properties that every fuzz target checks on what a parser returns. A broken property aborts, which libFuzzer
// reports as a crash and the replay program as a failed test.
#pragma once

#include <string>

#include "mixsim/diagnostics.hpp"
#include "mixsim/scenario.hpp"
#include "mixsim/step_series.hpp"

namespace mixsim::fuzz {

/// Aborts with `property` on stderr unless `condition` is true.
void require(bool condition, const std::string& property);

/// Checks that every diagnostic is one line of the contract's form, with a non-empty message and no line break.
/// The forms are a file position with line and column from 1, a whole-file problem, and an override.
void check_diagnostics(const Diagnostics& diagnostics);

/// Checks that a step series keeps its invariants and that stepping from change to change over [0, horizon_s]
/// moves forward.
void check_series(const StepSeries& series, double horizon_s);

/// Checks that every series of a validated scenario keeps its invariants over the run and that the names that go
/// into the result files serialize as JSON.
void check_scenario(const Scenario& scenario);

}  // namespace mixsim::fuzz
