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
  /// The folder that every file the scenario names (traces, price lists, price histories, ARM templates) must lie
  /// in once `..` and symbolic links are resolved; empty means any folder. A file outside it is invalid input.
  std::string files_root;
};

/// Reads, overrides and validates the scenario at `path` (as the user named it; messages use this spelling).
/// Throws InputError listing every problem found; returns a scenario that needs no further checks.
Scenario load_scenario(const std::string& path, const LoadOptions& options = {});

/// Overrides and validates a scenario given as text, as if it were the file `display_name`: messages name
/// `display_name`, and relative paths in it resolve against that name's folder (the current folder when it has
/// none). Set `options.files_root` to keep the files it may read inside one folder. Throws InputError like
/// load_scenario().
Scenario load_scenario_text(const std::string& text, const std::string& display_name, const LoadOptions& options = {});

}  // namespace mixsim
