// Properties that every fuzz target checks on what a parser returns. A broken property aborts, which libFuzzer
// reports as a crash and the replay program as a failed test.
#pragma once

#include <string>

#include "mixsim/diagnostics.hpp"
#include "mixsim/scenario.hpp"
#include "mixsim/step_series.hpp"

namespace mixsim::fuzz {

/// Aborts with `what` on stderr unless `condition` holds.
void require(bool condition, const std::string& what);

/// Every diagnostic is one line of the contract's form: a file position with line and column from 1, a whole-file
/// problem, or an override; with a non-empty message and no line break.
void check_diagnostics(const Diagnostics& diagnostics);

/// A step series keeps its invariants, and stepping from change to change over [0, horizon_s] always moves forward.
void check_series(const StepSeries& series, double horizon_s);

/// Every series of a validated scenario keeps its invariants over the run, and the names that go into the result
/// files serialize as JSON.
void check_scenario(const Scenario& scenario);

}  // namespace mixsim::fuzz
