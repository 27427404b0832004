// Scenario loader: what valid files produce, and the message each kind of mistake gets.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "mixsim/diagnostics.hpp"
#include "mixsim/loader.hpp"
#include "scenario/time_format.hpp"
#include "scenario/yaml_document.hpp"
#include "test_support.hpp"

using namespace mixsim;
using Catch::Matchers::Contains;

namespace {

// A small valid scenario; tests replace one part of it.
std::string valid_yaml(const std::string& set_extra = "", const std::string& top_extra = "") {
  return R"(scenario:
  name: small
  duration: P1D
catalog:
  sizes:
    - name: Standard_D2s_v5
      family: standardDSv5Family
      vCPUs: 2
      prices: { eastus: { regular: 0.096, spot: 0.01056 } }
    - name: Standard_D2as_v5
      vCPUs: 2
      prices: { eastus: { regular: 0.086, spot: 0.00946 } }
regions:
  - name: eastus
    zones: ["1", "2", "3"]
scaleSets:
  - name: web
    region: eastus
    zones: ["1", "2"]
    sku: { name: Mix, capacity: "2" }
    skuProfile:
      vmSizes: [{ name: Standard_D2s_v5 }, { name: Standard_D2as_v5 }]
)" + set_extra +
         top_extra;
}

}  // namespace

TEST_CASE("durations: ISO 8601 and short forms", "[loader][time]") {
  CHECK(parse_duration("PT90S").seconds == 90);
  CHECK(parse_duration("PT5M").seconds == 300);
  CHECK(parse_duration("P7D").seconds == 7 * 86400);
  CHECK(parse_duration("P2W").seconds == 14 * 86400);
  CHECK(parse_duration("P1DT12H").seconds == 1.5 * 86400);
  CHECK(parse_duration("PT0.5S").seconds == 0.5);
  CHECK(parse_duration("90s").seconds == 90);
  CHECK(parse_duration("12h").seconds == 12 * 3600);
  CHECK(parse_duration("-PT6H", true).seconds == -6 * 3600);
  CHECK_THAT(parse_duration("P1Y").error, Contains("days"));
  CHECK_THAT(parse_duration("P1M").error, Contains("days"));
  CHECK_THAT(parse_duration("-PT6H").error, Contains("negative"));
  CHECK_FALSE(parse_duration("PT").seconds.has_value());
  CHECK_FALSE(parse_duration("P1H").seconds.has_value());
  CHECK_FALSE(parse_duration("PT1M1H").seconds.has_value());
  CHECK_FALSE(parse_duration("90").seconds.has_value());
  CHECK_FALSE(parse_duration("").seconds.has_value());
}

TEST_CASE("timestamps: RFC 3339 and the plain UTC form", "[loader][time]") {
  CHECK(parse_timestamp("2024-01-01T00:00:00Z") == 1704067200);
  CHECK(parse_timestamp("2024-01-01 00:00:00") == 1704067200);
  CHECK(parse_timestamp("2024-01-01T02:00:00+02:00") == 1704067200);
  CHECK(parse_timestamp("2024-01-01T00:00:00.5Z") == 1704067200.5);
  CHECK_FALSE(parse_timestamp("2024-02-30T00:00:00Z").has_value());
  CHECK_FALSE(parse_timestamp("yesterday").has_value());
  CHECK(format_timestamp(1704067200) == "2024-01-01T00:00:00Z");
}

TEST_CASE("loader: a valid scenario: defaults and values", "[loader]") {
  const Scenario scenario = test::load_yaml(valid_yaml());
  CHECK(scenario.name == "small");
  CHECK(scenario.duration_s == 86400);
  CHECK(scenario.seed == 1);
  CHECK(scenario.platform_rules == PlatformRules::Preview);
  CHECK(scenario.sample_interval_s == 300);
  REQUIRE(scenario.scale_sets.size() == 1);
  const ScaleSetSpec& set = scenario.scale_sets[0];
  CHECK(set.initial_capacity == 2);
  CHECK(set.strategy == AllocationStrategy::LowestPrice);
  CHECK(set.priority == Priority::Regular);
  CHECK(set.eviction_policy == EvictionPolicy::Deallocate);
  CHECK(set.max_price_usd_per_hour == -1);
  CHECK(set.provisioning_time.median_s == 90);
  CHECK(set.provisioning_time.is_constant());
  CHECK(set.zones.size() == 2);
  REQUIRE(scenario.sizes.size() == 2);
  CHECK(scenario.sizes[0].name == "Standard_D2s_v5");  // in order of first appearance
  CHECK(scenario.sizes[1].regular_usd_per_hour[0] == 0.086);
  CHECK(scenario.outputs.timeline);
  CHECK(scenario.outputs.events);
}

TEST_CASE("loader: enum values match case-insensitively", "[loader]") {
  const Scenario scenario = test::load_yaml(valid_yaml("      allocationStrategy: capacityOptimized\n"));
  CHECK(scenario.scale_sets[0].strategy == AllocationStrategy::CapacityOptimized);
}

TEST_CASE("loader: mistakes: each gets a located message", "[loader][errors]") {
  struct Case {
    const char* name;
    std::string yaml;
    const char* expected;
  };
  const std::vector<Case> cases = {
      {"unknown key with a hint", valid_yaml("    provisioningTme: PT1M\n"),
       "scenario.yaml:23:5: scaleSets[0].provisioningTme: unknown key 'provisioningTme'; did you mean 'provisioningTime'?"},
      {"duplicate key", valid_yaml("    region: eastus\n"),
       "scenario.yaml:23:5: scaleSets[0].region: duplicate key 'region' in this mapping"},
      {"wrong type", valid_yaml("    provisioningTime: [1, 2]\n"),
       "scaleSets[0].provisioningTime: expected a duration such as PT5M, found a list"},
      {"Prioritized under preview rules", valid_yaml("      allocationStrategy: Prioritized\n"),
       "Prioritized is not available under platformRules: preview"},
      {"unknown strategy", valid_yaml("      allocationStrategy: Cheapest\n"),
       "'Cheapest' is not a valid allocation strategy; valid: LowestPrice, CapacityOptimized, Prioritized"},
      {"size not in the catalog", valid_yaml("", "  - name: api\n    region: eastus\n    sku: { name: Standard_D2_v5 }\n"),
       "size 'Standard_D2_v5' is not in the catalog; did you mean 'Standard_D2s_v5'?"},
      {"unknown region", valid_yaml("", "  - name: api\n    region: westus9\n    sku: { name: Standard_D2s_v5 }\n"),
       "region 'westus9' is not defined under regions; defined: eastus"},
      {"priority mix without Spot",
       valid_yaml("    priorityMixPolicy: { baseRegularPriorityCount: 1, regularPriorityPercentageAboveBase: 50 }\n"),
       "priorityMixPolicy requires virtualMachineProfile.priority: Spot"},
      {"too many sizes", std::string(valid_yaml()).replace(
                             valid_yaml().find("vmSizes: [{ name: Standard_D2s_v5 }, { name: Standard_D2as_v5 }]"),
                             66, "vmSizes: [{name: a}, {name: b}, {name: c}, {name: d}, {name: e}, {name: f}]"),
       "6 sizes given; valid: 1 to 5"},
      {"duplicate size", std::string(valid_yaml()).replace(
                             valid_yaml().find("vmSizes: [{ name: Standard_D2s_v5 }, { name: Standard_D2as_v5 }]"),
                             66, "vmSizes: [{ name: Standard_D2s_v5 }, { name: Standard_D2s_v5 }]"),
       "size 'Standard_D2s_v5' is listed twice"},
      {"Mix without a profile", valid_yaml("", "  - name: api\n    region: eastus\n    sku: { name: Mix }\n"),
       "sku.name Mix needs a skuProfile"},
      {"negative capacity", std::string(valid_yaml()).replace(valid_yaml().find("capacity: \"2\""), 13, "capacity: -1"),
       "-1 is out of range; valid: 0 to 1000000"},
      {"absurd capacity", std::string(valid_yaml()).replace(valid_yaml().find("capacity: \"2\""), 13, "capacity: 1e12"),
       "1e12 is out of range"},
      {"NaN", std::string(valid_yaml()).replace(valid_yaml().find("capacity: \"2\""), 13, "capacity: .nan"),
       "'.nan' is not a finite number"},
      {"years in a duration", std::string(valid_yaml()).replace(valid_yaml().find("duration: P1D"), 13, "duration: P1Y"),
       "give the span in days"},
      {"absurd duration",
       std::string(valid_yaml()).replace(valid_yaml().find("duration: P1D"), 13, "duration: P3650000D"),
       "'P3650000D' is out of range; valid: PT1S to P3650D"},
      {"zone of another region", valid_yaml("    zones: [\"9\"]\n"), "duplicate key 'zones'"},
      {"missing required key", std::string(valid_yaml()).replace(valid_yaml().find("  duration: P1D\n"), 16, ""),
       "scenario.duration: missing required key 'duration'"},
      {"event after the end", valid_yaml("", "events:\n  - at: P2D\n    setCapacity: { scaleSet: web, capacity: 3 }\n"),
       "is after the end of the run"},
      {"event for an unknown set",
       valid_yaml("", "events:\n  - at: P0D\n    setCapacity: { scaleSet: api, capacity: 3 }\n"),
       "scale set 'api' is not defined; defined: web"},
      {"a key not built yet", valid_yaml("      automaticSkuMigrationPolicy: {}\n"),
       "'automaticSkuMigrationPolicy' is not supported yet"},
      {"restore with autoscale under preview rules",
       valid_yaml("    virtualMachineProfile: { priority: Spot }\n    spotRestorePolicy: { enabled: true }\n"
                  "    autoscale: { profiles: [{ capacity: { minimum: 1, maximum: 3, default: 2 } }] }\n"),
       "Try & Restore is disabled for a scale set with autoscale"},
      {"a zone outage in an unknown zone",
       valid_yaml("", "events:\n  - at: P0D\n    zoneOutage: { region: eastus, zone: \"7\", duration: PT1H }\n"),
       "zone '7' is not a zone of region 'eastus'"},
      {"lognormal provisioning with p95 below the median",
       valid_yaml("    provisioningTime: { median: PT2M, p95: PT1M }\n"), "the 95th percentile is below the median"},
      {"quota for an unknown family", std::string(valid_yaml()).insert(
                                          valid_yaml().find("scaleSets:"), "    quotas: { standardDSv5Famly: 10 }\n"),
       "no catalog size belongs to family 'standardDSv5Famly'; did you mean 'standardDSv5Family'?"},
  };
  for (const Case& test_case : cases) {
    INFO(test_case.name);
    CHECK_THAT(test::load_errors(test_case.yaml), Contains(test_case.expected));
  }
}

TEST_CASE("loader: several problems in file order", "[loader][errors]") {
  const std::string errors = test::load_errors(R"(scenario: { name: x, duration: P1Y, colour: red }
catalog: { sizes: [{ name: A, vCPUs: 0 }] }
regions: [{ name: eastus, zones: [] }]
scaleSets: []
)");
  CHECK_THAT(errors, Contains("scenario.yaml:1:32: scenario.duration:"));
  CHECK_THAT(errors, Contains("scenario.yaml:1:37: scenario.colour: unknown key"));
  CHECK_THAT(errors, Contains("scenario.yaml:2:38: catalog.sizes[0].vCPUs: 0 is out of range"));
  CHECK_THAT(errors, Contains("regions[0].zones: 0 zones given"));
  CHECK_THAT(errors, Contains("scaleSets: no scale sets given"));
  CHECK(errors.find("duration") < errors.find("colour"));
}

TEST_CASE("loader: unusable files", "[loader][errors]") {
  CHECK_THAT(test::load_errors(""), Contains("scenario.yaml: the file is empty"));
  CHECK_THAT(test::load_errors("scenario: [unclosed"), Contains("scenario.yaml:1:"));
  CHECK_THAT(test::load_errors("a: 1\n---\nb: 2\n"), Contains("expected one YAML document"));
  try {
    load_scenario("/nonexistent/scenario.yaml");
    FAIL("a missing file loads");
  } catch (const InputError& error) {
    CHECK(error.diagnostics().format_all() == "/nonexistent/scenario.yaml: file not found\n");
  }
  const std::string folder = test::scratch_dir("folder");
  try {
    load_scenario(folder);
    FAIL("a folder loads");
  } catch (const InputError& error) {
    CHECK_THAT(error.diagnostics().format_all(), Contains("is a directory, expected a file"));
  }
}

TEST_CASE("loader: overrides: --set edits the document before validation", "[loader][overrides]") {
  const std::string dir = test::scratch_dir("overrides");
  const std::string path = dir + "/scenario.yaml";
  std::ofstream(path) << valid_yaml();
  SECTION("by index and by name, adding keys") {
    const Scenario scenario = load_scenario(
        path, LoadOptions{{"scaleSets[web].skuProfile.allocationStrategy=CapacityOptimized",
                           "scaleSets[0].sku.capacity=7", "scenario.seed=99", "scaleSets[0].provisioningTime=PT2M"},
                          std::nullopt,
                          {}});
    CHECK(scenario.scale_sets[0].strategy == AllocationStrategy::CapacityOptimized);
    CHECK(scenario.scale_sets[0].initial_capacity == 7);
    CHECK(scenario.seed == 99);
    CHECK(scenario.scale_sets[0].provisioning_time.median_s == 120);
  }
  SECTION("a YAML value: a whole list") {
    const Scenario scenario =
        load_scenario(path, LoadOptions{{"scaleSets[0].skuProfile.vmSizes=[{name: Standard_D2as_v5}]"}, 5, {}});
    REQUIRE(scenario.scale_sets[0].sizes.size() == 1);
    CHECK(scenario.sizes[scenario.scale_sets[0].sizes[0].size].name == "Standard_D2as_v5");
    CHECK(scenario.seed == 5);
  }
  SECTION("problems name the override") {
    try {
      load_scenario(path,
                    LoadOptions{{"scaleSets[0].sku.capacity=abc", "scaleSets[api].sku.capacity=1", "nope"}, {}, {}});
      FAIL("bad overrides load");
    } catch (const InputError& error) {
      const std::string text = error.diagnostics().format_all();
      CHECK_THAT(text, Contains("mixsim: --set scaleSets[0].sku.capacity=abc: 'abc' is not a number"));
      CHECK_THAT(text, Contains("mixsim: --set scaleSets[api].sku.capacity=1: scaleSets has no item named 'api'"));
      CHECK_THAT(text, Contains("mixsim: --set nope: expected PATH=VALUE"));
    }
  }
}

TEST_CASE("loader: price list import: the real Azure price list", "[loader][catalog]") {
  const std::string prices = test::shared_data("azure-vm-prices/vms.csv");
  if (prices.empty()) {
    WARN("skipped: the shared data folder is absent");
    return;
  }
  const std::string yaml = "scenario: { name: import, duration: P1D }\ncatalog:\n  import: { file: " + prices +
                           ", families: { Standard_D4s_v5: standardDSv5Family } }\n"
                           "regions: [{ name: eastus, zones: [\"1\"], quotas: { standardDSv5Family: 8 } }]\n"
                           "scaleSets:\n  - name: web\n    region: eastus\n    zones: [\"1\"]\n"
                           "    sku: { name: Mix, capacity: 1 }\n"
                           "    skuProfile: { vmSizes: [{ name: Standard_D4s_v5 }, { name: Standard_D4as_v5 }] }\n";
  const Scenario scenario = test::load_yaml(yaml);
  REQUIRE(scenario.sizes.size() == 2);
  CHECK(scenario.sizes[0].vcpus == 4);
  CHECK(scenario.sizes[0].memory_gib == 16);
  CHECK(scenario.sizes[0].regular_usd_per_hour[0] == 0.192);
  CHECK(scenario.sizes[0].spot_usd_per_hour[0] == 0.02112);
  CHECK(scenario.sizes[0].family == "standardDSv5Family");
  CHECK(scenario.sizes[1].regular_usd_per_hour[0] == 0.172);
}

TEST_CASE("loader: price list import: a broken CSV names its line", "[loader][catalog]") {
  const std::string dir = test::scratch_dir("import");
  std::ofstream(dir + "/prices.csv") << "InstanceType,vCPUs,MemoryGiB,Price,SpotPrice,Region\n"
                                        "A,2,8,0.1,0.01,eastus\n"
                                        "B,two,8,0.1,0.01,eastus\n";
  std::ofstream(dir + "/scenario.yaml")
      << "scenario: { name: x, duration: P1D }\ncatalog: { import: { file: prices.csv } }\n"
         "regions: [{ name: eastus, zones: [\"1\"] }]\n"
         "scaleSets: [{ name: web, region: eastus, sku: { name: A } }]\n";
  try {
    load_scenario(dir + "/scenario.yaml");
    FAIL("a broken price list loads");
  } catch (const InputError& error) {
    const std::string text = error.diagnostics().format_all();
    CHECK_THAT(text, Contains(dir + "/prices.csv:3:3: vCPUs: 'two' is not a valid vCPU count"));
    CHECK_THAT(text, Contains("catalog.import.file: the price list"));
  }
}

TEST_CASE("loader: CSV and JSON traces", "[loader][trace]") {
  const std::string dir = test::scratch_dir("traces");
  std::ofstream(dir + "/cpu.csv") << "timestamp,value\n2014-05-14 01:00:00,10\n2014-05-14 01:05:00,20\n";
  std::ofstream(dir + "/bad.csv") << "time_s,value\n0,1\n60,x\n60,3\n30,4\n";
  std::ofstream(dir + "/spot.json") << R"({"metadata": {"gap_seconds": 600}, "data": [4, 2, 0, 3]})";
  std::ofstream(dir + "/empty.csv") << "";
  auto scenario_with = [&](const std::string& pool) {
    std::ofstream(dir + "/scenario.yaml")
        << "scenario: { name: x, duration: P1D }\n"
           "catalog: { sizes: [{ name: A, vCPUs: 2, prices: { eastus: { regular: 1, spot: 0.1 } } }] }\n"
           "regions:\n  - name: eastus\n    zones: [\"1\"]\n    pools:\n      - { size: A, spot: "
        << pool << " }\n"
        << "scaleSets: [{ name: web, region: eastus, sku: { name: A }, virtualMachineProfile: { priority: Spot } }]\n";
    return dir + "/scenario.yaml";
  };
  SECTION("a CSV trace aligned to the start, scaled") {
    const Scenario scenario = load_scenario(scenario_with("{ trace: cpu.csv, scale: 2 }"));
    const StepSeries& series = scenario.pools[0].capacity_vms;
    CHECK(series.value_at(0) == 20);
    CHECK(series.value_at(299) == 20);
    CHECK(series.value_at(300) == 40);
  }
  SECTION("a JSON trace with an offset and a loop") {
    const Scenario scenario = load_scenario(scenario_with("{ trace: spot.json, offset: PT10M, loop: true }"));
    const StepSeries& series = scenario.pools[0].capacity_vms;
    CHECK(series.value_at(0) == 4);
    CHECK(series.value_at(1200) == 2);
    CHECK(series.value_at(600 + 2400) == 4);  // the period is 4 x 600 s
    CHECK(series.value_at(600 + 2400 + 1800) == 3);
  }
  SECTION("a broken CSV: every bad line is named") {
    try {
      load_scenario(scenario_with("{ trace: bad.csv }"));
      FAIL("a broken trace loads");
    } catch (const InputError& error) {
      const std::string text = error.diagnostics().format_all();
      CHECK_THAT(text, Contains(dir + "/bad.csv:3:4: value: 'x' is not a finite number"));
      CHECK_THAT(text, Contains(dir + "/bad.csv:5:1: time_s: '30' is earlier than the time on line 4"));
      CHECK_THAT(text, Contains("regions[0].pools[0].spot.trace: the trace"));
    }
  }
  SECTION("an empty or missing trace") {
    CHECK_THROWS_WITH(load_scenario(scenario_with("{ trace: empty.csv }")), Contains("the trace is empty"));
    CHECK_THROWS_WITH(load_scenario(scenario_with("{ trace: nope.csv }")), Contains("nope.csv: file not found"));
  }
}

TEST_CASE("loader: real Spot availability trace: counts drive a pool", "[loader][trace]") {
  const std::string trace = test::shared_data("spot-traces/availability/16-node/aws-08-27-2023/us-east-2b_v100_1.json");
  if (trace.empty()) {
    WARN("skipped: the shared data folder is absent");
    return;
  }
  const Scenario scenario = test::load_yaml(
      "scenario: { name: x, duration: P1D }\n"
      "catalog: { sizes: [{ name: A, vCPUs: 2, prices: { eastus: { regular: 1, spot: 0.1 } } }] }\n"
      "regions:\n  - name: eastus\n    zones: [\"1\"]\n    pools:\n      - { size: A, spot: { trace: " +
      trace + " } }\n" +
      "scaleSets: [{ name: web, region: eastus, sku: { name: A }, virtualMachineProfile: { priority: Spot } }]\n");
  const StepSeries& series = scenario.pools[0].capacity_vms;
  CHECK(series.min_value() >= 0);
  CHECK(series.max_value() <= 16);
  CHECK(series.times_s[1] - series.times_s[0] == 300);
}

TEST_CASE("loader: autoscale profiles with schedules and Windows time zones", "[loader][autoscale]") {
  const std::string autoscale = R"(    autoscale:
      profiles:
        - name: default
          capacity: { minimum: 1, maximum: 10, default: 2 }
        - name: weekdays
          capacity: { minimum: 3, maximum: 10, default: 3 }
          recurrence: { frequency: Week, schedule: { timeZone: Pacific Standard Time, days: [Monday, "5"], hours: [8], minutes: [30] } }
        - name: sale
          capacity: { minimum: 8, maximum: 20, default: 8 }
          fixedDate: { timeZone: Tokyo Standard Time, start: "2024-01-01T09:00:00", end: "2024-01-01T18:00:00" }
)";
  const Scenario scenario = test::load_yaml(valid_yaml(autoscale));
  const AutoscaleSetting& setting = *scenario.scale_sets[0].autoscale;
  REQUIRE(setting.profiles.size() == 3);
  const Recurrence& recurrence = *setting.profiles[1].recurrence;
  CHECK(recurrence.time_zone == "America/Los_Angeles");
  CHECK(recurrence.days == ((1u << 1) | (1u << 5)));
  CHECK(recurrence.hours == std::vector<int>{8});
  const FixedDate& fixed = *setting.profiles[2].fixed_date;
  CHECK(fixed.time_zone == "Asia/Tokyo");
  CHECK(fixed.start_unix_s == 1704067200);  // 09:00 in Tokyo is midnight UTC
  CHECK(fixed.end_unix_s == 1704067200 + 9 * 3600);
}

TEST_CASE("loader: autoscale schedule mistakes", "[loader][autoscale]") {
  auto errors_for = [](const std::string& profile) {
    return test::load_errors(valid_yaml("    autoscale:\n      profiles:\n        - capacity: { minimum: 1, maximum: 3, default: 2 }\n" + profile));
  };
  CHECK_THAT(errors_for("          recurrence: { frequency: Week, schedule: { timeZone: Pacific Standard Tme, days: [Monday], hours: [8], minutes: [0] } }\n"),
             Contains("'Pacific Standard Tme' is not a Windows time zone name; did you mean 'Pacific Standard Time'?"));
  CHECK_THAT(errors_for("          recurrence: { frequency: Day, schedule: { days: [Monday], hours: [8], minutes: [0] } }\n"),
             Contains("'Day' is not a valid recurrence frequency"));
  CHECK_THAT(errors_for("          recurrence: { frequency: Week, schedule: { days: [Moonday], hours: [8], minutes: [0] } }\n"),
             Contains("did you mean 'Monday'?"));
  CHECK_THAT(errors_for("          recurrence: { frequency: Week, schedule: { days: [Monday], hours: [24], minutes: [0] } }\n"),
             Contains("24 is out of range; valid: 0 to 23"));
  CHECK_THAT(errors_for("          fixedDate: { start: \"2024-01-02T00:00:00\", end: \"2024-01-01T00:00:00\" }\n"),
             Contains("the end must come after the start"));
  CHECK_THAT(errors_for("          rules:\n            - metricTrigger: { metricName: Requets, timeGrain: PT1M, statistic: Average, timeWindow: PT5M, operator: GreaterThan, threshold: 1 }\n"
                        "              scaleAction: { direction: Increase, type: ChangeCount, value: 1, cooldown: PT5M }\n"),
             Contains("metric 'Requets' has no source"));
}

TEST_CASE("loader: named metric traces and their gaps", "[loader][metrics]") {
  const std::string dir = test::scratch_dir("metrics");
  std::ofstream(dir + "/requests.csv") << "time_s,value\n0,100\n60,120\n120,90\n1200,80\n1260,70\n";
  std::ofstream(dir + "/scenario.yaml") << valid_yaml(
      "    workload:\n      metrics:\n        - { name: Requests, trace: requests.csv, per: set }\n"
      "    autoscale:\n      profiles:\n        - capacity: { minimum: 1, maximum: 3, default: 2 }\n"
      "          rules:\n            - metricTrigger: { metricName: Requests, timeGrain: PT1M, statistic: Sum, "
      "timeWindow: PT5M, operator: GreaterThan, threshold: 100 }\n"
      "              scaleAction: { direction: Increase, type: ChangeCount, value: 1, cooldown: PT5M }\n");
  const Scenario scenario = load_scenario(dir + "/scenario.yaml");
  const NamedMetric& metric = scenario.scale_sets[0].workload.metrics.at(0);
  CHECK(metric.name == "Requests");
  CHECK_FALSE(metric.per_instance);
  // The median spacing is 60 s, so the default maxGap is 180 s: data stops 180 s after t = 120 until t = 1200.
  CHECK(metric.available.value_at(200) == 1);
  CHECK(metric.available.value_at(300) == 0);
  CHECK(metric.available.value_at(1199) == 0);
  CHECK(metric.available.value_at(1200) == 1);
}

TEST_CASE("loader: scenario text: named like a file, files beside that name", "[loader][text]") {
  const std::string dir = test::scratch_dir("text");
  std::ofstream(dir + "/cpu.csv") << "time_s,value\n0,4\n60,8\n";
  const std::string demand = "    workload: { demand: { trace: cpu.csv } }\n";

  const Scenario scenario = load_scenario_text(valid_yaml(demand), dir + "/inline.yaml");
  CHECK(scenario.source_file == dir + "/inline.yaml");
  CHECK(scenario.scale_sets[0].workload.demand->trace.value_at(60) == 8);

  try {
    load_scenario_text("scenario: [unclosed", "inline.yaml");
    FAIL("broken text loads");
  } catch (const InputError& error) {
    CHECK_THAT(error.diagnostics().format_all(), Contains("inline.yaml:1:"));
  }
  CHECK_THROWS_WITH(load_scenario_text("", "empty.yaml"), Contains("empty.yaml: the file is empty"));
}

TEST_CASE("loader: files_root: no file outside it is read", "[loader][text]") {
  const std::string root = test::scratch_dir("root");
  const std::string outside = test::scratch_dir("outside");
  std::ofstream(root + "/cpu.csv") << "time_s,value\n0,4\n";
  std::ofstream(outside + "/cpu.csv") << "time_s,value\n0,4\n";
  std::filesystem::create_symlink(outside + "/cpu.csv", root + "/link.csv");
  LoadOptions options;
  options.files_root = root;
  auto errors_with = [&](const std::string& trace) {
    try {
      load_scenario_text(valid_yaml("    workload: { demand: { trace: " + trace + " } }\n"), root + "/s.yaml", options);
      return std::string();
    } catch (const InputError& error) {
      return error.diagnostics().format_all();
    }
  };

  CHECK(errors_with("cpu.csv").empty());
  CHECK_THAT(errors_with("../outside/cpu.csv"), Contains("is outside the folder " + root));
  CHECK_THAT(errors_with(outside + "/cpu.csv"), Contains("is outside the folder " + root));
  CHECK_THAT(errors_with("link.csv"), Contains("link.csv: is outside the folder"));
}

TEST_CASE("loader: files that are not regular files are not read", "[loader][errors]") {
  const std::string dir = test::scratch_dir("special");
  const std::string fifo = dir + "/pipe.yaml";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_THROWS_WITH(load_scenario(fifo), Contains("pipe.yaml: is not a regular file (a pipe, socket or device)"));
  CHECK_THROWS_WITH(load_scenario_text(valid_yaml("    workload: { demand: { trace: /dev/zero } }\n"), dir + "/s.yaml"),
                    Contains("/dev/zero: is not a regular file"));

  const std::string loop = dir + "/loop.yaml";
  std::filesystem::create_symlink(loop, loop);
  CHECK_THROWS_WITH(load_scenario(loop), Contains("loop.yaml: cannot be read: Too many levels of symbolic links"));
}

TEST_CASE("diagnostics: control characters are escaped", "[loader][errors]") {
  const Diagnostic diagnostic{Origin{"s.yaml", 3, 5, {}}, "scenario.a\nb", "unknown key 'a\nb'\r"};
  CHECK(diagnostic.format() == "s.yaml:3:5: scenario.a\\x0ab: unknown key 'a\\x0ab'\\x0d");
  const std::string errors = test::load_errors("scenario: { name: \"a\\\tb\" }\n");
  CHECK(errors.find('\t') == std::string::npos);
  CHECK_THAT(errors, Contains("scenario.name: 'a\\x09b' contains a control character; a name is printable text"));
}

TEST_CASE("loader: text that is not UTF-8 is rejected with its position", "[loader][errors]") {
  CHECK_THAT(test::load_errors(std::string("scenario:\n  name: a\0b\n", 22)),
             Contains("scenario.yaml:2:10: the text contains a NUL byte; expected UTF-8 text"));
  CHECK_THAT(test::load_errors("scenario: { name: \"caf\xc3\xa9\xff\" }\n"),
             Contains("scenario.yaml:1:25: the text contains the byte 0xff, which is not UTF-8; expected UTF-8 text"));
  CHECK(yaml::find_invalid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") == std::string::npos);
  CHECK(yaml::find_invalid_utf8("\xc0\xaf") == 0);            // an overlong '/'
  CHECK(yaml::find_invalid_utf8("a\xed\xa0\x80") == 1);       // a UTF-16 surrogate
  CHECK(yaml::find_invalid_utf8("ab\xf4\x90\x80\x80") == 2);  // above U+10FFFF
  CHECK(yaml::find_invalid_utf8("abc\xe2\x82") == 3);         // cut short
}

TEST_CASE("yaml: the escapes \\_ and \\N give UTF-8 text", "[loader]") {
  // yaml-cpp gives the single bytes 0xA0 and 0x85 for them, which the JSON result files cannot hold.
  Diagnostics diagnostics;
  const yaml::NodePtr root =
      yaml::parse_document("a: \"x\\_y\\Nz\"\nb: \"caf\xc3\xa9\\_\"\n", "escapes.yaml", diagnostics);
  REQUIRE(diagnostics.empty());
  CHECK(root->find("a")->scalar == "x\xc2\xa0y\xc2\x85z");
  CHECK(root->find("b")->scalar == "caf\xc3\xa9\xc2\xa0");
}

TEST_CASE("loader: hostile YAML: limits hold", "[loader][errors]") {
  SECTION("an alias bomb") {
    std::string yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (int i = 1; i < 10; ++i) {
      yaml += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
      for (int j = 0; j < 10; ++j) {
        yaml += (j > 0 ? ", *a" : "*a") + std::to_string(i - 1);
      }
      yaml += "]\n";
    }
    CHECK_THAT(test::load_errors(yaml),
               Contains("the document expands to more than 4000000 nodes through its aliases"));
  }
  SECTION("an alias inside its own anchor") {
    CHECK_THAT(test::load_errors("scenario: &s { name: x, again: *s }\n"),
               Contains("scenario.yaml:1:32: an alias refers to a node that contains it"));
  }
  SECTION("nesting 100,000 levels deep, in flow and block style") {
    CHECK_THAT(test::load_errors(std::string(100000, '[') + std::string(100000, ']')),
               Contains("scenario.yaml:1:201: nesting deeper than 200 levels"));
    std::string block;
    for (int i = 0; i < 100000; ++i) {
      block += "- ";
    }
    CHECK_THAT(test::load_errors(block + "x\n"), Contains("nesting deeper than 200 levels"));
  }
  SECTION("a duration of 5,000 digits is shown shortened") {
    const std::string errors =
        test::load_errors(valid_yaml("    provisioningTime: P" + std::string(5000, '9') + "D\n"));
    CHECK_THAT(errors,
               Contains("'P99999999999999999999999999999999999999999999999999999999999...' is not a valid duration"));
    CHECK(errors.size() < 1000);
  }
}

TEST_CASE("loader: diurnal peak: HH:MM only", "[loader][errors]") {
  auto errors_for = [](const std::string& peak) {
    return test::load_errors(
        valid_yaml("    workload: { demand: { diurnal: { mean: 4, amplitude: 2, peak: \"" + peak + "\" } } }\n"));
  };
  CHECK(errors_for("14:00").empty());
  CHECK(errors_for("9:05").empty());
  for (const char* peak : {"24:00", "12:60", "99999999999:00", "-1:00", "12:00x", " 9:00", "12", ":30"}) {
    INFO(peak);
    CHECK_THAT(errors_for(peak), Contains("is not a time of day; valid: HH:MM"));
  }
}

TEST_CASE("diagnostics: closest match skips words of another length", "[loader][errors]") {
  CHECK(closest_match("Standard_D2s_v6", {"Standard_D2s_v5", "Standard_D4s_v5"}) == "Standard_D2s_v5");
  const std::string long_word(100000, 'S');
  CHECK(closest_match(long_word, std::vector<std::string>(1000, "Standard_D2s_v5")).empty());
  CHECK(closest_match("sku", {std::string(1000, 's')}).empty());
}
