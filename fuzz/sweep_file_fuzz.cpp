// Fuzz target: a sweep file through its reader, then through the expansion into a run list.
// Seeds: scenarios/sweeps/*.yaml fuzz/seeds/sweep_file/*.yaml
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "batch/run_list.hpp"
#include "batch/sweep_file.hpp"
#include "fuzz_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using mixsim::fuzz::require;
  const std::string text(reinterpret_cast<const char*>(data), size);
  mixsim::batch::SweepSpec spec;
  try {
    spec = mixsim::batch::read_sweep_text(text, "sweeps/fuzz-input.yaml");
  } catch (const mixsim::InputError& error) {
    mixsim::fuzz::check_diagnostics(error.diagnostics());
    return 0;
  }
  require(!spec.seeds.empty(), "a valid sweep has seeds");
  require(spec.run_count() >= 1 && spec.run_count() <= mixsim::batch::kMaxRuns,
          "a valid sweep's run count is in range");
  try {
    const auto runs = mixsim::batch::expand_runs(spec);
    require(runs.size() == spec.run_count(), "the run list has run_count() runs");
    std::set<std::string> ids;
    for (size_t i = 0; i < runs.size(); ++i) {
      require(runs[i].position == i, "runs are numbered in list order");
      require(runs[i].levels.size() == spec.factors.size(), "a run has one level per factor");
      require(ids.insert(runs[i].id).second, "run ids are unique");
      for (const std::string& argument : mixsim::batch::run_overrides(spec, runs[i])) {
        require(argument.find('\n') == std::string::npos, "an override is one line");
      }
    }
  } catch (const mixsim::InputError& error) {
    mixsim::fuzz::check_diagnostics(error.diagnostics());
  }
  return 0;
}
