// Loading and validating a scenario file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mixsim/scenario.hpp"

namespace mixsim {

struct LoadOptions {
  /// `PATH=VALUE` overrides applied to the document before validation (the CLI's `--set`).
  std::vector<std::string> overrides;
  /// Replaces `scenario.seed` when set (the CLI's `--seed`).
  std::optional<uint64_t> seed;
};

/// Reads, overrides and validates the scenario at `path` (as the user named it; messages use this spelling).
/// Throws InputError listing every problem found; returns a scenario that needs no further checks.
Scenario load_scenario(const std::string& path, const LoadOptions& options = {});

/// Like load_scenario(), for scenario text that is not (yet) in a file: `path` names it in messages and its folder
/// resolves relative paths.
Scenario load_scenario_text(const std::string& text, const std::string& path, const LoadOptions& options = {});

}  // namespace mixsim
