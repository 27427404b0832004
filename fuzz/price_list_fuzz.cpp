// Fuzz target: a CSV price list (catalog.import) through the import into a catalog.
// Seeds: tests/bad_inputs/data/prices-*.csv shared/data/azure-vm-prices/vms.csv
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_checks.hpp"
#include "scenario/loader_internal.hpp"

namespace {

bool valid_price(double usd_per_hour) {
  return std::isfinite(usd_per_hour) && usd_per_hour >= 0 && usd_per_hour <= mixsim::load::limits::kMaxPriceUsdPerHour;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using mixsim::fuzz::require;
  const std::string text(reinterpret_cast<const char*>(data), size);
  mixsim::load::Context context;
  mixsim::load::Draft draft;
  mixsim::load::parse_price_list(context, text, "prices.csv", draft);
  if (!context.diagnostics.empty()) {
    mixsim::fuzz::check_diagnostics(context.diagnostics);
  }

  require(draft.catalog.size() == draft.catalog_index.size(), "every imported size is indexed once");
  for (size_t i = 0; i < draft.catalog.size(); ++i) {
    const mixsim::load::CatalogSize& entry = draft.catalog[i];
    require(!entry.name.empty() && draft.catalog_index.at(entry.name) == i, "an imported size is indexed by its name");
    require(entry.vcpus >= 1 && entry.vcpus <= 4096, "an imported size has 1 to 4096 vCPUs");
    require(std::isfinite(entry.memory_gib) && entry.memory_gib >= 0, "an imported size's memory is finite");
    for (const auto& [region, price] : entry.regular_usd_per_hour) {
      require(!region.empty() && valid_price(price), "an imported Regular price is valid");
    }
    for (const auto& [region, price] : entry.spot_usd_per_hour) {
      require(!region.empty() && valid_price(price), "an imported Spot price is valid");
    }
  }
  return 0;
}
