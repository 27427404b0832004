// Fuzz target: a scenario file through the whole loader and its validation. Lines at the very start of the input
// of the form `#set PATH=VALUE` become --set overrides, so that the override paths are reached too. Relative file
// names resolve against scenarios/, and the loader may read no file outside that folder.
// Seeds: scenarios/*.yaml tests/bad_inputs/*.yaml fuzz/seeds/scenario/*.yaml
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_checks.hpp"
#include "mixsim/loader.hpp"

namespace {

const std::string kScenarioFolder = MIXSIM_SOURCE_DIR "/scenarios";

std::vector<std::string> leading_overrides(const std::string& text) {
  constexpr std::string_view kPrefix = "#set ";
  std::vector<std::string> overrides;
  size_t pos = 0;
  while (text.compare(pos, kPrefix.size(), kPrefix) == 0) {
    const size_t end = text.find('\n', pos);
    const size_t value_end = end == std::string::npos ? text.size() : end;
    overrides.push_back(text.substr(pos + kPrefix.size(), value_end - pos - kPrefix.size()));
    if (end == std::string::npos) {
      break;
    }
    pos = end + 1;
  }
  return overrides;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  mixsim::LoadOptions options;
  options.overrides = leading_overrides(text);
  options.files_root = kScenarioFolder;
  try {
    const mixsim::Scenario scenario = mixsim::load_scenario_text(text, kScenarioFolder + "/fuzz-input.yaml", options);
    mixsim::fuzz::check_scenario(scenario);
  } catch (const mixsim::InputError& error) {
    mixsim::fuzz::check_diagnostics(error.diagnostics());
  }
  return 0;
}
