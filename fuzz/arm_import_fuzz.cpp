// Fuzz target: an ARM template, REST body or API example through the import. The scenario written around what it
// imports is then validated, and the same text also goes through the parameters-file reader.
// Seeds: shared/data/arm/*.json scenarios/data/*.json fuzz/seeds/arm_import/*.json
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "arm/arm_import.hpp"
#include "arm/scenario_skeleton.hpp"
#include "fuzz_checks.hpp"
#include "mixsim/loader.hpp"

namespace {

const std::string kScenarioFolder = MIXSIM_SOURCE_DIR "/scenarios";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using mixsim::fuzz::require;
  const std::string text(reinterpret_cast<const char*>(data), size);

  mixsim::Diagnostics parameter_problems;
  mixsim::arm::read_parameters_file(text, "parameters.json", parameter_problems);
  if (!parameter_problems.empty()) {
    mixsim::fuzz::check_diagnostics(parameter_problems);
  }

  mixsim::Diagnostics diagnostics;
  mixsim::arm::ImportOptions options;
  options.parameter_hint = "give it with --parameter NAME=VALUE";
  const mixsim::arm::ArmImport imported = mixsim::arm::import_arm(text, "template.json", options, diagnostics);
  if (!diagnostics.empty()) {
    mixsim::fuzz::check_diagnostics(diagnostics);
    return 0;
  }
  if (imported.scale_sets.empty()) {
    return 0;
  }

  std::vector<const mixsim::arm::ImportedScaleSet*> sets;
  for (const mixsim::arm::ImportedScaleSet& set : imported.scale_sets) {
    require(set.set != nullptr && set.set->is_mapping(), "an imported scale set is a mapping");
    sets.push_back(&set);
  }
  mixsim::arm::SkeletonOptions skeleton_options;
  skeleton_options.source_file = "template.json";
  skeleton_options.scenario_name = "imported";
  const mixsim::arm::Skeleton skeleton = mixsim::arm::write_skeleton(sets, skeleton_options);
  mixsim::LoadOptions load_options;
  load_options.files_root = kScenarioFolder;
  try {
    const mixsim::Scenario scenario =
        mixsim::load_scenario_text(skeleton.text, kScenarioFolder + "/imported.yaml", load_options);
    mixsim::fuzz::check_scenario(scenario);
  } catch (const mixsim::InputError& error) {
    mixsim::fuzz::check_diagnostics(error.diagnostics());
  }
  return 0;
}
