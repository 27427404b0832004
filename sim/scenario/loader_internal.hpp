// Shared state of one scenario load, passed between the readers of each top-level section.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "mixsim/scenario.hpp"
#include "node_reader.hpp"
#include "trace_reader.hpp"

namespace mixsim::load {

/// A size as the catalog describes it, before the scenario keeps only the sizes its sets use.
struct CatalogSize {
  std::string name;
  std::string family;
  int vcpus = 0;
  double memory_gib = 0;
  std::map<std::string, double> regular_usd_per_hour;  // by region name
  std::map<std::string, double> spot_usd_per_hour;
};

/// The place where a value was written: its position and its key path.
struct Mention {
  Origin origin;
  std::string path;
};

/// Everything read so far. Sizes are referred to by their index in `catalog` until the load ends, when the sizes
/// the scale sets use become Scenario::sizes.
struct Draft {
  Scenario scenario;
  std::optional<uint64_t> seed_override;  // --seed
  std::vector<CatalogSize> catalog;
  std::unordered_map<std::string, size_t> catalog_index;
  std::unordered_map<std::string, RegionId> region_index;
  std::unordered_map<std::string, SetId> set_index;

  /// Sizes a scale set may use, with where they were named: their order of first appearance in the file fixes
  /// the order of the timeline's per-size columns.
  struct SizeUse {
    size_t catalog_size;
    Origin origin;
  };
  std::vector<SizeUse> size_uses;

  /// Where each size of each scale set was named, by SetId, for price checks.
  std::vector<std::vector<Mention>> set_size_origins;
  /// Sizes named by updateSkuProfile events under ga rules, with their origins, for price checks.
  struct UpdateSizes {
    SetId scale_set;
    std::vector<SizeChoice> sizes;  // catalog indexes
    std::vector<Mention> origins;
  };
  std::vector<UpdateSizes> update_sizes;

  /// Eviction rates by region and catalog size, read before the sizes are compacted.
  std::vector<std::map<size_t, double>> eviction_rates;  // by RegionId
  /// Pools and Spot prices by catalog size (their size fields hold catalog indexes until compaction).
  std::vector<PoolSpec> pools;
  std::vector<SpotPriceSpec> spot_prices;
  /// Quota families per region with their origin, checked once the catalog is complete.
  std::vector<std::vector<std::pair<FamilyQuota, Origin>>> quota_origins;

  std::optional<size_t> find_size(Context& context, const Node& node, const std::string& path);
  std::optional<RegionId> find_region(Context& context, const Node& node, const std::string& path);
  std::optional<SetId> find_set(Context& context, const Node& node, const std::string& path);
  /// Resolves zone names of `region`; reports unknown and duplicate names.
  std::optional<std::vector<ZoneId>> find_zones(Context& context, const Node& node, const std::string& path,
                                                RegionId region);
};

/// Upper bounds that keep a scenario within what one process can simulate.
namespace limits {
inline constexpr double kMaxDurationS = 3650.0 * 86400;   // ten years
inline constexpr int64_t kMaxCapacity = 1'000'000;         // VMs in one scale set
/// VMs of all sets together (the sum of each set's largest capacity); the fleet needs about 150 bytes per VM.
inline constexpr double kMaxTotalVms = 2'000'000;
inline constexpr double kMaxPoolVms = 1e9;                 // a pool's capacity
inline constexpr double kMaxPriceUsdPerHour = 1e5;
inline constexpr size_t kMaxScaleSets = 1000;
inline constexpr size_t kMaxRegions = 100;
inline constexpr size_t kMaxZonesPerRegion = 16;
inline constexpr size_t kMaxEvents = 1'000'000;
inline constexpr int kMaxSizesPerSet = 5;
/// VM-seconds (peak VMs over all sets times the duration) above which a run would take too long to be useful:
/// a million VMs for 116 days, or 31,700 VMs for ten years.
inline constexpr double kMaxVmSeconds = 1e13;
}  // namespace limits

/// Reads a CSV price list (columns InstanceType, vCPUs, MemoryGiB, Price, SpotPrice, Region; others ignored) into
/// the draft's catalog. Problems are reported with the list's lines, at most ten of them.
void import_price_list(Context& context, const std::string& file, const std::string& display, Draft& draft);

/// Returns whether `region` was one of the regions of the June 2024 preview of instance mix.
bool is_preview_region(std::string_view region);

void read_scenario_block(Context& context, const Node& node, Draft& draft);
void read_platform_options(Context& context, const Node& node, Draft& draft);
void read_catalog(Context& context, const Node& node, Draft& draft);
void read_regions(Context& context, const Node& node, Draft& draft);
void read_scale_sets(Context& context, const Node& node, Draft& draft);
void read_events(Context& context, const Node& node, Draft& draft);
void read_outputs(Context& context, const Node& node, Draft& draft);

/// Parses the text of a CSV price list (`InstanceType, vCPUs, MemoryGiB, Price, SpotPrice, Region`, other columns
/// ignored) into the draft's catalog; `display` names the file in messages. Stops after ten problems.
void parse_price_list(Context& context, const std::string& text, const std::string& display, Draft& draft);

/// Reads a capacity profile (a number, "unlimited", steps, a trace or a stochastic model) for `zones` zones;
/// stochastic models draw from the stream named `stream`. Returns one series per zone.
std::optional<std::vector<StepSeries>> read_capacity_profile(Context& context, const Node& node,
                                                              const std::string& path, size_t zones,
                                                              const Draft& draft, const std::string& stream);

/// Imports the scale set of a `scaleSets[]` item that has an `arm` key from its template and merges the item's other
/// keys over it: mappings key by key, other values replace, an empty value removes the imported key. Returns the
/// scale set to read, or nullptr after reporting why the import failed.
yaml::NodePtr import_arm_set(Context& context, const Node& set, const std::string& path);

/// The selection of rows to import from an AWS Spot price history, and the zone and size each one goes to.
struct SpotPriceHistoryMapping {
  std::string product = "Linux/UNIX";
  std::map<std::string, size_t> instance_types;  // AWS instance type -> catalog size
  std::map<std::string, ZoneId> zones;           // AWS zone id -> zone
};

/// Imported prices by (zone, catalog size), each a map of Unix time to USD per hour.
using SpotPriceHistory = std::map<std::pair<ZoneId, size_t>, std::map<double, double>>;

/// Parses the text of an AWS Spot price history and adds the rows that `mapping` selects to `series`. The text is
/// tab-separated without a header: availability zone id, instance type, product description, USD per hour and
/// ISO 8601 time. When a time repeats, the last row wins. Returns false when a row is malformed; each one is
/// reported, and reading stops after ten.
bool parse_spot_price_history(Context& context, const std::string& text, const std::string& display,
                              const SpotPriceHistoryMapping& mapping, SpotPriceHistory& series);

/// Turns imported Spot price histories into step functions of simulated time. With `align: start` the earliest
/// row of all of them falls on the scenario start, so zones keep their relative timing.
std::vector<std::pair<std::pair<ZoneId, size_t>, StepSeries>> align_spot_price_history(const SpotPriceHistory& series,
                                                                                       const TraceOptions& options,
                                                                                       int64_t scenario_start_unix_s);

/// Reads `regions[].spot.prices`.
void read_spot_prices(Context& context, const Node& node, const std::string& path, RegionId region, Draft& draft);

/// Reads the `autoscale` block of a scale set.
/// Reads the `autoscale` block of a scale set whose workload provides the metrics `metric_names` (besides
/// Percentage CPU).
std::optional<AutoscaleSetting> read_autoscale(Context& context, const Node& node, const std::string& path,
                                               const Draft& draft, const std::vector<std::string>& metric_names);

/// Reads a `skuProfile.vmSizes` list: 1 to 5 sizes, no duplicates, each in the catalog. `origins` receives where
/// each size was named.
std::optional<std::vector<SizeChoice>> read_vm_sizes(Context& context, const Node& node, const std::string& path,
                                                     Draft& draft, std::vector<Mention>* origins = nullptr);

/// Replaces catalog indexes by compact size ids, keeps only used sizes, and runs the checks that need the whole
/// scenario (prices, quota families, run-size limits).
void finish_scenario(Context& context, Draft& draft);

/// Applies `--set PATH=VALUE` overrides to the document tree; problems are reported into the context.
void apply_overrides(Context& context, yaml::NodePtr& root, const std::vector<std::string>& overrides);

}  // namespace mixsim::load
