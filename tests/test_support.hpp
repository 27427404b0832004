// Helpers shared by the unit tests: scenarios written inline as YAML, and scratch folders.
#pragma once

#include <string>

#include "mixsim/scenario.hpp"

namespace mixsim::test {

/// A fresh folder under the system's temporary folder, unique to this process and `name`.
std::string scratch_dir(const std::string& name);

/// Writes `yaml` to a file in a scratch folder and loads it with load_scenario(); throws InputError when invalid.
Scenario load_yaml(const std::string& yaml, const std::string& file_name = "scenario.yaml");

/// Loads `yaml` and returns the formatted error messages (one per line), or "" when it is valid.
std::string load_errors(const std::string& yaml, const std::string& file_name = "scenario.yaml");

/// Path of a file under the shared reference data folder, or "" when that folder is absent.
std::string shared_data(const std::string& relative);

}  // namespace mixsim::test
