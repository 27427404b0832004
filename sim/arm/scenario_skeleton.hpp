// The scenario that `mixsim import arm` writes around imported scale sets: a catalog with their sizes, their
// regions, and run settings, with comments marking every value the user should check.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "arm_import.hpp"
#include "scenario/loader_internal.hpp"

namespace mixsim::arm {

/// A price list in the `catalog.import` CSV format, read as the scenario loader reads it.
struct PriceList {
  std::string display_file;
  std::vector<load::CatalogSize> sizes;

  /// Returns the size named `name`, or nullptr.
  const load::CatalogSize* find(const std::string& name) const;
};

/// Reads the price list at `path` (`display_file` in messages); problems are added to `diagnostics`.
PriceList read_price_list(const std::string& path, const std::string& display_file, Diagnostics& diagnostics);

/// Reads the vCPU count from an Azure size name: Standard_D8s_v5 -> 8, Standard_E4-2s_v3 -> 2 (a constrained-core
/// size names its active vCPUs after the dash). Returns nothing when the name has no count.
std::optional<int> vcpus_from_size_name(const std::string& size);

struct SkeletonOptions {
  std::string source_file;    // the imported file, named in the header comment
  std::string scenario_name;  // scenario.name
  const PriceList* prices = nullptr;  // real prices where the list has them; placeholders otherwise
};

struct Skeleton {
  std::string text;
  int placeholder_prices = 0;  // sizes and regions whose prices are placeholders to edit
};

/// Writes a complete scenario holding `scale_sets`: scenario settings (platformRules: ga when a set needs it), a
/// catalog entry for each size they use, and a region entry for each region.
Skeleton write_skeleton(const std::vector<const ImportedScaleSet*>& scale_sets, const SkeletonOptions& options);

}  // namespace mixsim::arm
