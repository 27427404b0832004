// The validated scenario: plain values with no SimGrid types. The loader builds it and checks every rule;
// nothing downstream needs to handle bad input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "mixsim/step_series.hpp"

namespace mixsim {

using SizeId = uint32_t;    // index into Scenario::sizes
using RegionId = uint32_t;  // index into Scenario::regions
using ZoneId = uint32_t;    // index into Scenario::zones (zones of all regions, in listed order)
using SetId = uint32_t;     // index into Scenario::scale_sets

enum class Priority : uint8_t { Regular = 0, Spot = 1 };
inline constexpr int kPriorityCount = 2;

enum class EvictionPolicy : uint8_t { Deallocate, Delete };
enum class AllocationStrategy : uint8_t { LowestPrice, CapacityOptimized, Prioritized };
enum class ScaleInRule : uint8_t { Default, OldestVM, NewestVM };
enum class PlatformRules : uint8_t { Preview, Ga };

const char* to_string(Priority priority);
const char* to_string(EvictionPolicy policy);
const char* to_string(AllocationStrategy strategy);
const char* to_string(ScaleInRule rule);
const char* to_string(PlatformRules rules);

/// A VM size of the catalog, restricted to the sizes the scenario's scale sets can use.
struct VmSize {
  std::string name;
  std::string family;  // quota family; empty = not limited by a family quota
  int vcpus = 0;
  double memory_gib = 0;
  /// Hourly prices in USD indexed by RegionId; absent = that priority cannot be allocated in that region.
  std::vector<std::optional<double>> regular_usd_per_hour;
  std::vector<std::optional<double>> spot_usd_per_hour;

  const std::optional<double>& price_usd_per_hour(Priority priority, RegionId region) const {
    return priority == Priority::Regular ? regular_usd_per_hour[region] : spot_usd_per_hour[region];
  }
};

struct Zone {
  std::string name;   // as listed, e.g. "1"
  std::string label;  // "<region>/<zone>", used in results
  RegionId region = 0;
};

struct FamilyQuota {
  std::string family;
  double vcpus = 0;
};

struct Region {
  std::string name;
  std::vector<ZoneId> zones;
  std::vector<FamilyQuota> family_quotas;         // families absent here are unlimited
  std::optional<double> low_priority_vcpus;       // regional Spot vCPU quota (`lowPriorityCores`); absent = unlimited
  std::vector<double> eviction_rate_per_hour;     // per SizeId: probability of eviction within an hour; 0 = none
};

/// A capacity value at or above this stands for unlimited capacity (a model's "available" state, for one).
inline constexpr double kUnlimitedCapacityValue = 1e15;

/// Capacity of one pool (zone, size, priority) over time, in VMs. Fractional values are rounded down; values at
/// or above kUnlimitedCapacityValue mean unlimited.
struct PoolSpec {
  ZoneId zone = 0;
  SizeId size = 0;
  Priority priority = Priority::Regular;
  StepSeries capacity_vms;
};

/// The Spot price of one size in one zone over time, in USD per hour; replaces the catalog's Spot price there.
struct SpotPriceSpec {
  ZoneId zone = 0;
  SizeId size = 0;
  StepSeries usd_per_hour;
};

struct SizeChoice {
  SizeId size = 0;
  int rank = 0;  // read only by the Prioritized strategy; lower is preferred
};

/// Time from allocation to running: a constant, or lognormal with a median and a 95th percentile.
struct ProvisioningTime {
  double median_s = 90;
  double p95_s = 90;  // equal to the median for a constant time
  bool is_constant() const { return p95_s == median_s; }
};

struct SpotRestorePolicy {
  bool enabled = false;
  double restore_timeout_s = 3600;
};

struct PriorityMix {
  int base_regular_count = 0;
  int regular_percentage_above_base = 0;
};

// --- autoscale ---------------------------------------------------------------------------------------------

enum class MetricStatistic : uint8_t { Average, Min, Max, Sum, Count };
enum class TimeAggregation : uint8_t { Average, Minimum, Maximum, Total, Count, Last };
enum class ComparisonOperator : uint8_t {
  Equals,
  NotEquals,
  GreaterThan,
  GreaterThanOrEqual,
  LessThan,
  LessThanOrEqual
};
enum class ScaleDirection : uint8_t { None, Increase, Decrease };
enum class ScaleType : uint8_t { ChangeCount, PercentChangeCount, ExactCount };

const char* to_string(MetricStatistic statistic);
const char* to_string(TimeAggregation aggregation);
const char* to_string(ComparisonOperator op);
const char* to_string(ScaleDirection direction);
const char* to_string(ScaleType type);

inline constexpr const char* kPercentageCpu = "Percentage CPU";

struct MetricTrigger {
  std::string metric_name = kPercentageCpu;
  double time_grain_s = 60;
  MetricStatistic statistic = MetricStatistic::Average;
  double time_window_s = 300;
  TimeAggregation time_aggregation = TimeAggregation::Average;
  ComparisonOperator op = ComparisonOperator::GreaterThan;
  double threshold = 0;
  bool divide_per_instance = false;
};

struct ScaleAction {
  ScaleDirection direction = ScaleDirection::None;
  ScaleType type = ScaleType::ChangeCount;
  double value = 1;  // VMs for ChangeCount and ExactCount, percent for PercentChangeCount
  double cooldown_s = 300;
};

struct ScaleRule {
  MetricTrigger trigger;
  ScaleAction action;
};

struct CapacityLimits {
  int minimum = 0;
  int maximum = 0;
  int default_count = 0;
};

/// A profile active in [start, end), both given as wall-clock times in a time zone and stored as Unix times.
struct FixedDate {
  std::string time_zone;  // tz database id
  double start_unix_s = 0;
  double end_unix_s = 0;
};

/// A weekly profile that starts at each listed day, hour and minute in its time zone and runs until another
/// profile starts.
struct Recurrence {
  std::string time_zone;  // tz database id
  uint8_t days = 0;       // bit d set = weekday d, 0 = Sunday
  std::vector<int> hours;
  std::vector<int> minutes;
};

struct AutoscaleProfile {
  std::string name;
  CapacityLimits capacity;
  std::vector<ScaleRule> rules;
  std::optional<FixedDate> fixed_date;
  std::optional<Recurrence> recurrence;
};

enum class PredictiveMode : uint8_t { Disabled, ForecastOnly, Enabled };

struct PredictivePolicy {
  PredictiveMode mode = PredictiveMode::Disabled;
  double look_ahead_s = 0;
};

struct AutoscaleSetting {
  bool enabled = true;
  std::vector<AutoscaleProfile> profiles;  // at most one without fixedDate or recurrence: the default
  PredictivePolicy predictive;
};

// --- workload ----------------------------------------------------------------------------------------------

/// Offered work in vCPUs over time.
struct Demand {
  enum class Kind : uint8_t { Constant, Diurnal, Trace };
  Kind kind = Kind::Constant;
  double vcpus_per_unit = 1;  // 1 for unit vCPU; reference / 100 for unit percent
  double constant = 0;        // in the demand's unit
  double diurnal_mean = 0;
  double diurnal_amplitude = 0;
  double diurnal_peak_hour = 0;  // hour of day, UTC
  StepSeries trace;              // in the demand's unit
};

/// A metric other than Percentage CPU, from a trace, for autoscale rules that name it.
struct NamedMetric {
  std::string name;
  StepSeries values;
  /// 1 where the metric has data, 0 over gaps longer than the trace's maxGap.
  StepSeries available;
  /// true: the trace gives each instance's value; false: the value of the whole set, shared by running VMs.
  bool per_instance = false;
};

struct Workload {
  std::optional<Demand> demand;
  std::vector<NamedMetric> metrics;
};

// --- scale sets --------------------------------------------------------------------------------------------

struct ScaleSetSpec {
  std::string name;
  RegionId region = 0;
  std::vector<ZoneId> zones;  // the zones it spans; for a regional set, all zones of its region
  bool zonal = true;          // false: a regional (non-zonal) set
  bool zone_balance = false;  // true: strict balance
  int platform_fault_domain_count = 1;

  bool instance_mix = false;  // sku.name is Mix and a skuProfile is given
  std::string sku_name;
  int initial_capacity = 0;
  std::vector<SizeChoice> sizes;  // 1 to 5; a single-size set has one
  AllocationStrategy strategy = AllocationStrategy::LowestPrice;

  Priority priority = Priority::Regular;
  EvictionPolicy eviction_policy = EvictionPolicy::Deallocate;
  double max_price_usd_per_hour = -1;
  std::optional<PriorityMix> priority_mix;

  ScaleInRule scale_in_rule = ScaleInRule::Default;
  bool prioritize_unhealthy_vms = false;  // deallocated VMs are removed first on scale-in

  ProvisioningTime provisioning_time;
  double creation_failure_probability = 0;  // chance that a new VM fails at the end of provisioning
  bool resilient_vm_creation = false;       // failed VMs are deleted and recreated, for up to 30 minutes
  SpotRestorePolicy spot_restore;           // disabled when the set has autoscale, as in Azure
  std::optional<AutoscaleSetting> autoscale;
  Workload workload;
};

// --- scripted events ---------------------------------------------------------------------------------------

struct SetCapacityEvent {
  SetId scale_set = 0;
  int capacity = 0;
};

struct SetPoolEvent {
  std::vector<ZoneId> zones;
  SizeId size = 0;
  std::optional<double> regular_vms;
  std::optional<double> spot_vms;
};

/// Stops every VM of a zone for a while; nothing is allocated there meanwhile.
struct ZoneOutageEvent {
  ZoneId zone = 0;
  double duration_s = 0;
};

/// Stops the VMs of one fault domain of regional scale sets (all of the region's, or one set's).
struct FaultDomainFailureEvent {
  RegionId region = 0;
  int fault_domain = 0;
  double duration_s = 0;
  std::optional<SetId> scale_set;
};

struct UpdateSkuProfileEvent {
  SetId scale_set = 0;
  std::vector<SizeChoice> sizes;  // empty = unchanged
  std::optional<AllocationStrategy> strategy;
};

struct ScriptedEvent {
  double at_s = 0;
  std::variant<SetCapacityEvent, SetPoolEvent, UpdateSkuProfileEvent, ZoneOutageEvent, FaultDomainFailureEvent> action;
};

// --- options -----------------------------------------------------------------------------------------------

enum class ScaleInDefaultOrder : uint8_t { HighestInstanceId, Newest, Oldest };
enum class CapacityOptimizedScaleIn : uint8_t { ScarcestPoolFirst, MostExpensiveFirst, NewestFirst };
enum class PrioritizedScaleIn : uint8_t { HighestRankFirst, NewestFirst };
enum class PercentChangeRounding : uint8_t { Aws, Ceil, Floor, Round };

/// Choices for rules the platform leaves undocumented; each default follows the current Azure documentation.
struct PlatformOptions {
  double autoscale_evaluation_interval_s = 60;
  double allocation_retry_interval_s = 60;
  ScaleInDefaultOrder scale_in_default_order = ScaleInDefaultOrder::HighestInstanceId;
  CapacityOptimizedScaleIn capacity_optimized_scale_in = CapacityOptimizedScaleIn::ScarcestPoolFirst;
  PrioritizedScaleIn prioritized_scale_in = PrioritizedScaleIn::HighestRankFirst;
  PercentChangeRounding percent_change_rounding = PercentChangeRounding::Aws;
  bool deallocated_counts_toward_capacity = true;
  /// Fault domains a regional set spreads over with platformFaultDomainCount 1 ("max spreading").
  int max_spreading_fault_domains = 5;
  /// Seconds between a price eviction's notice and the eviction.
  double eviction_notice_s = 30;
  /// How long the platform keeps recreating a VM whose creation failed (resilientVMCreationPolicy).
  double resilient_creation_window_s = 1800;
  /// restoreTimeout when spotRestorePolicy leaves it out (undocumented; Azure's examples use PT1H).
  double spot_restore_timeout_s = 3600;
  /// scaleLookAheadTime when predictiveAutoscalePolicy leaves it out (undocumented; the portal's smallest choice).
  double predictive_look_ahead_s = 300;
};

struct OutputOptions {
  bool timeline = true;
  bool events = true;
};

struct Scenario {
  std::string name;
  std::string description;
  std::string source_file;  // the path as given by the user
  int64_t start_unix_s = 1704067200;  // 2024-01-01T00:00:00Z
  double duration_s = 0;
  uint64_t seed = 1;
  PlatformRules platform_rules = PlatformRules::Preview;
  double sample_interval_s = 300;

  std::vector<VmSize> sizes;
  double os_disk_usd_per_hour = 0;
  std::vector<Region> regions;
  std::vector<Zone> zones;
  std::vector<PoolSpec> pools;  // only pools with a profile
  std::vector<SpotPriceSpec> spot_prices;  // zones and sizes without one use the catalog's Spot price
  std::vector<ScaleSetSpec> scale_sets;
  std::vector<ScriptedEvent> events;  // sorted by time, file order among equal times
  PlatformOptions options;
  OutputOptions outputs;
  std::vector<std::string> warnings;  // accepted but suspicious input, formatted like errors
};

}  // namespace mixsim
