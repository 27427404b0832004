// Autoscale through the simulator: profile switches, manual capacity pulled back, named metrics with gaps and
// predictive forecasts in the results.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <fstream>

#include "simulation_support.hpp"
#include "test_support.hpp"

using namespace mixsim;

namespace {

std::string web_set(const std::string& workload, const std::string& autoscale) {
  return R"(
scenario: { name: autoscale, start: 2024-03-04T00:00:00Z, duration: P1D }
catalog: { sizes: [{ name: A, vCPUs: 2, prices: { eastus: { regular: 0.10 } } }] }
regions: [{ name: eastus, zones: ["1", "2"] }]
scaleSets:
  - name: web
    region: eastus
    zones: ["1", "2"]
    sku: { name: A, capacity: 2 }
    provisioningTime: PT0S
)" + workload + autoscale;
}

}  // namespace

TEST_CASE("autoscale run: a recurrence switches profiles and clamps", "[autoscale-run]") {
  const auto result = test::run_scenario("profiles", web_set("    workload: { demand: { constant: 1 } }\n", R"(
    autoscale:
      profiles:
        - name: quiet
          capacity: { minimum: 1, maximum: 4, default: 2 }
        - name: office
          capacity: { minimum: 6, maximum: 12, default: 6 }
          recurrence: { frequency: Week, schedule: { timeZone: W. Europe Standard Time, days: [Monday], hours: [9], minutes: [0] } }
        - name: evening
          capacity: { minimum: 1, maximum: 3, default: 2 }
          recurrence: { frequency: Week, schedule: { timeZone: W. Europe Standard Time, days: [Monday], hours: [18], minutes: [0] } }
)"));
  REQUIRE(result.status == 0);
  const auto switches = result.of_kind("profile_switch");
  REQUIRE(switches.size() == 2);
  CHECK(switches[0].time_s == 8 * 3600);  // 09:00 in Central European Time is 08:00 UTC in March
  CHECK(switches[0].detail == "profile 'office' replaces 'evening'");
  CHECK(switches[1].time_s == 17 * 3600);
  const auto scale_outs = result.of_kind("scale_out");
  REQUIRE_FALSE(scale_outs.empty());
  CHECK(scale_outs[0].time_s == 8 * 3600);
  CHECK(scale_outs[0].count == 4);
  CHECK(scale_outs[0].detail.find("outside [6, 12]") != std::string::npos);
}

TEST_CASE("autoscale run: manual capacity outside the limits is pulled back", "[autoscale-run]") {
  const auto result = test::run_scenario("manual", web_set(
      "    workload: { demand: { constant: 1 } }\n", R"(
    autoscale:
      profiles:
        - name: only
          capacity: { minimum: 1, maximum: 10, default: 2 }
events:
  - { at: PT10M30S, setCapacity: { scaleSet: web, capacity: 50 } }
)"));
  REQUIRE(result.status == 0);
  const auto scale_ins = result.of_kind("scale_in");
  REQUIRE(scale_ins.size() == 1);
  CHECK(scale_ins[0].time_s == 660);
  CHECK(scale_ins[0].count == 40);
}

TEST_CASE("autoscale run: a gap in a named metric falls back to the default count", "[autoscale-run]") {
  const std::string dir = test::scratch_dir("requests-trace");
  {
    std::ofstream trace(dir + "/requests.csv");
    trace << "time_s,value\n";
    for (int minute = 0; minute <= 60; ++minute) {
      trace << minute * 60 << ",50\n";
    }
    trace << 6 * 3600 << ",50\n";  // nothing between 01:00 and 06:00
  }
  const auto result = test::run_scenario("requests-gap", web_set(
      "    workload:\n      metrics: [{ name: Requests, trace: " + dir + "/requests.csv, per: set }]\n", R"(
    autoscale:
      profiles:
        - name: only
          capacity: { minimum: 1, maximum: 10, default: 5 }
          rules:
            - metricTrigger: { metricName: Requests, timeGrain: PT1M, statistic: Sum, timeWindow: PT5M, timeAggregation: Average, operator: LessThan, threshold: 1000 }
              scaleAction: { direction: Decrease, type: ChangeCount, value: 1, cooldown: PT1M }
)"));
  REQUIRE(result.status == 0);
  // The scale-in rule fires while data flows, then the gap leaves the metric without data: back to the default.
  const auto scale_ins = result.of_kind("scale_in");
  REQUIRE_FALSE(scale_ins.empty());
  CHECK(scale_ins.front().time_s < 3600);
  bool fell_back = false;
  for (const auto& row : result.of_kind("scale_out")) {
    fell_back = fell_back || (row.time_s > 3600 && row.time_s < 6 * 3600 &&
                              row.detail.find("metrics unavailable, scale out to default 5") != std::string::npos);
  }
  CHECK(fell_back);
}

TEST_CASE("autoscale run: predictive forecasts appear in the timeline", "[autoscale-run]") {
  const auto result = test::run_scenario("predictive", R"(
scenario: { name: predictive, duration: P8D, sampleInterval: PT1H }
catalog: { sizes: [{ name: A, vCPUs: 2, prices: { eastus: { regular: 0.10 } } }] }
regions: [{ name: eastus, zones: ["1"] }]
scaleSets:
  - name: web
    region: eastus
    zones: ["1"]
    sku: { name: A, capacity: 4 }
    provisioningTime: PT0S
    workload: { demand: { diurnal: { mean: 4, amplitude: 3, peak: "12:00" } } }
    autoscale:
      predictiveAutoscalePolicy: { scaleMode: ForecastOnly, scaleLookAheadTime: PT30M }
      profiles:
        - name: only
          capacity: { minimum: 2, maximum: 20, default: 4 }
          rules:
            - metricTrigger: { metricName: Percentage CPU, timeGrain: PT1M, statistic: Average, timeWindow: PT5M, timeAggregation: Average, operator: GreaterThan, threshold: 80 }
              scaleAction: { direction: Increase, type: ChangeCount, value: 1, cooldown: PT5M }
)");
  REQUIRE(result.status == 0);
  const auto rows = result.rows_of("web");
  REQUIRE(rows.front().count("forecast_cpu_percent") == 1);
  CHECK(rows.at(24 * 6).at("forecast_cpu_percent").empty());  // day 6: not yet seven days of history
  CHECK_FALSE(rows.at(24 * 7 + 1).at("forecast_cpu_percent").empty());
}

TEST_CASE("autoscale run: instant VMs that fail keep one row per instant", "[autoscale-run]") {
  // With no provisioning time but a chance of failure, a VM created by a scale-out completes at the instant it is
  // created, after the phase for completions has run. That instant must still be processed once.
  const auto result = test::run_scenario("instant-failures", web_set(
      "    creationFailureProbability: 0.5\n    workload: { demand: { constant: 20 } }\n", R"(
    autoscale:
      profiles:
        - capacity: { minimum: 1, maximum: 10, default: 1 }
          rules:
            - metricTrigger: { metricName: Percentage CPU, timeGrain: PT1M, statistic: Average, timeWindow: PT5M,
                               operator: GreaterThan, threshold: 50 }
              scaleAction: { direction: Increase, type: ChangeCount, value: 1, cooldown: PT5M }
)"));
  REQUIRE(result.status == 0);
  REQUIRE_FALSE(result.of_kind("scale_out").empty());
  REQUIRE_FALSE(result.of_kind("create_failed").empty());
  const auto rows = result.rows_of("web");
  CHECK(rows.size() == 24 * 12 + 1);
  for (size_t i = 1; i < rows.size(); ++i) {
    INFO("timeline row " << i);
    CHECK(std::stod(rows[i].at("time_s")) > std::stod(rows[i - 1].at("time_s")));
  }
}
