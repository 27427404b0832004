#include "test_support.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "mixsim/diagnostics.hpp"
#include "mixsim/loader.hpp"

namespace mixsim::test {

std::string scratch_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("mixsim-test-" + std::to_string(::getpid())) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

Scenario load_yaml(const std::string& yaml, const std::string& file_name) {
  const std::string path = scratch_dir("yaml") + "/" + file_name;
  std::ofstream(path) << yaml;
  return load_scenario(path);
}

std::string load_errors(const std::string& yaml, const std::string& file_name) {
  try {
    load_yaml(yaml, file_name);
    return "";
  } catch (const InputError& error) {
    return error.diagnostics().format_all();
  }
}

std::string shared_data(const std::string& relative) {
  const std::filesystem::path path = std::filesystem::path(MIXSIM_SHARED_DIR) / "data" / relative;
  return std::filesystem::exists(path) ? path.string() : "";
}

}  // namespace mixsim::test
