// Fuzz target: an AWS Spot price history (tab-separated, no header) through the import and its alignment. The
// mapping selects the first three zone ids and instance types that the input names, so that rows are imported
// whatever names the fuzzer invents.
// Seeds: tests/bad_inputs/data/*.tsv shared/data/aws-spot-price-2022-05/2022-05.tsv
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_checks.hpp"
#include "scenario/loader_internal.hpp"

namespace {

constexpr size_t kMappedNames = 3;
constexpr int64_t kScenarioStartUnixS = 1704067200;  // 2024-01-01T00:00:00Z
constexpr double kHorizonS = 3650.0 * 86400;

// Maps the first zone ids and instance types found in the input's rows to zones and sizes 0, 1, 2.
mixsim::load::SpotPriceHistoryMapping mapping_for(const std::string& text) {
  mixsim::load::SpotPriceHistoryMapping mapping;
  size_t pos = 0;
  while (pos < text.size() && (mapping.zones.size() < kMappedNames || mapping.instance_types.size() < kMappedNames)) {
    const size_t end = std::min(text.find('\n', pos), text.size());
    const std::string row = text.substr(pos, end - pos);
    pos = end + 1;
    const size_t first_tab = row.find('\t');
    const size_t second_tab = first_tab == std::string::npos ? std::string::npos : row.find('\t', first_tab + 1);
    if (second_tab == std::string::npos) {
      continue;
    }
    if (mapping.zones.size() < kMappedNames) {
      mapping.zones.emplace(row.substr(0, first_tab), static_cast<mixsim::ZoneId>(mapping.zones.size()));
    }
    if (mapping.instance_types.size() < kMappedNames) {
      mapping.instance_types.emplace(row.substr(first_tab + 1, second_tab - first_tab - 1),
                                     mapping.instance_types.size());
    }
  }
  return mapping;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using mixsim::fuzz::require;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto mapping = mapping_for(text);
  mixsim::load::Context context;
  mixsim::load::SpotPriceHistory history;
  const bool ok = mixsim::load::parse_spot_price_history(context, text, "history.tsv", mapping, history);
  if (!ok) {
    mixsim::fuzz::check_diagnostics(context.diagnostics);
    return 0;
  }
  require(context.diagnostics.empty(), "a usable history reports no problem");
  if (history.empty()) {
    return 0;
  }
  for (const auto align : {mixsim::load::TraceAlign::Start, mixsim::load::TraceAlign::Absolute}) {
    mixsim::load::TraceOptions options;
    options.align = align;
    options.loop = true;
    for (const auto& [key, series] : mixsim::load::align_spot_price_history(history, options, kScenarioStartUnixS)) {
      require(key.first < kMappedNames && key.second < kMappedNames, "an imported series belongs to a mapped pair");
      mixsim::fuzz::check_series(series, kHorizonS);
    }
  }
  return 0;
}
