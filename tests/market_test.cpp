// Market realism through the simulator: capacity traces and models, Spot prices and price evictions, Try &
// Restore, zone outages, fault domains, sets competing for one pool. Each test runs the mixsim binary.
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "simulation_support.hpp"
#include "test_support.hpp"

using namespace mixsim;
using Catch::Matchers::Contains;

namespace {

std::vector<double> json_trace_values(const std::string& path) {
  std::ifstream in(path);
  const auto document = nlohmann::json::parse(in);
  return document["data"].get<std::vector<double>>();
}

// A one-zone, one-size Spot fleet of `capacity` VMs on a pool described by `pool`, with Delete, Try & Restore and
// instant provisioning, so that the fleet always fills the pool up to its capacity.
std::string trace_fleet_yaml(const std::string& pool, int capacity, const std::string& duration) {
  return fmt::format(R"(
scenario: {{ name: trace, duration: {} }}
catalog: {{ sizes: [{{ name: V100, vCPUs: 8, prices: {{ eastus: {{ regular: 3.06, spot: 0.918 }} }} }}] }}
regions:
  - name: eastus
    zones: ["1"]
    pools:
      - {{ size: V100, spot: {} }}
scaleSets:
  - name: fleet
    region: eastus
    zones: ["1"]
    sku: {{ name: V100, capacity: {} }}
    virtualMachineProfile: {{ priority: Spot, evictionPolicy: Delete }}
    spotRestorePolicy: {{ enabled: true, restoreTimeout: P60D }}
    provisioningTime: PT0S
outputs: {{ timeline: false }}
)",
                     duration, pool, capacity);
}

}  // namespace

TEST_CASE("market: replayed instance-count trace: evictions follow its drops", "[market][trace]") {
  const std::string trace = test::shared_data("spot-traces/availability/16-node/aws-08-27-2023/us-east-2b_v100_1.json");
  if (trace.empty()) {
    WARN("skipped: the shared data folder is absent");
    return;
  }
  const auto values = json_trace_values(trace);
  const double duration_s = 11 * 86400.0;
  const int capacity = 16;

  // The fleet holds min(value, capacity) VMs before each point; a drop evicts what no longer fits.
  long expected = 0;
  for (size_t i = 1; i < values.size() && i * 300.0 <= duration_s; ++i) {
    expected += std::max(0L, static_cast<long>(std::min<double>(values[i - 1], capacity) - values[i]));
  }
  REQUIRE(expected > 100);

  const auto result = test::run_scenario("count-trace", trace_fleet_yaml("{ trace: " + trace + " }", capacity, "P11D"));
  REQUIRE(result.status == 0);
  CHECK(static_cast<long>(result.of_kind("evict", "capacity").size()) == expected);
  CHECK(result.summary["counts"]["evictionsByCause"]["capacity"].get<long>() == expected);
  CHECK(result.summary["counts"]["restores"].get<long>() > 0);
}

TEST_CASE("market: preempted-flag trace: each preemption evicts the fleet", "[market][trace]") {
  const std::string trace = test::shared_data("spot-traces/availability/1-node/aws-02-15-2023/us-east-1a_v100_1.json");
  if (trace.empty()) {
    WARN("skipped: the shared data folder is absent");
    return;
  }
  const auto values = json_trace_values(trace);
  const double gap_s = 195;
  const double duration_s = 10 * 86400.0;
  long preemptions = 0;
  for (size_t i = 1; i < values.size() && i * gap_s <= duration_s; ++i) {
    preemptions += values[i - 1] == 0 && values[i] == 1;
  }
  REQUIRE(preemptions > 10);

  const auto result = test::run_scenario(
      "preempted-trace",
      trace_fleet_yaml("{ trace: " + trace + ", values: preempted, available: 4 }", 4, "P10D"));
  REQUIRE(result.status == 0);
  CHECK(static_cast<long>(result.of_kind("evict", "capacity").size()) == 4 * preemptions);
}

TEST_CASE("market: threshold trace: counts below the threshold empty the pool", "[market][trace]") {
  const std::string trace = test::shared_data("spot-traces/availability/16-node/aws-08-27-2023/us-west-2a_v100_1.json");
  if (trace.empty()) {
    WARN("skipped: the shared data folder is absent");
    return;
  }
  const auto values = json_trace_values(trace);
  long drops = 0;
  for (size_t i = 1; i < values.size() && i * 300.0 <= 5 * 86400.0; ++i) {
    drops += values[i - 1] >= 8 && values[i] < 8;
  }
  const auto result = test::run_scenario(
      "threshold-trace",
      trace_fleet_yaml("{ trace: " + trace + ", values: threshold, threshold: 8, available: 5 }", 5, "P5D"));
  REQUIRE(result.status == 0);
  CHECK(static_cast<long>(result.of_kind("evict", "capacity").size()) == 5 * drops);
}

TEST_CASE("market: Spot price above maxPrice: notice then eviction", "[market][price]") {
  const std::string yaml = R"(
scenario: { name: price, duration: P1D, platformRules: ga }
catalog: { sizes: [{ name: A, vCPUs: 2, prices: { eastus: { regular: 0.10, spot: 0.02 } } }] }
regions:
  - name: eastus
    zones: ["1"]
    spot:
      prices: [{ size: A, price: { steps: [[P0D, 0.02], [PT6H, 0.08], [PT12H, 0.15], [PT18H, 0.02]] } }]
scaleSets:
  - name: capped
    region: eastus
    zones: ["1"]
    sku: { name: A, capacity: 3 }
    virtualMachineProfile: { priority: Spot, evictionPolicy: Delete, billingProfile: { maxPrice: 0.05 } }
    provisioningTime: PT0S
  - name: uncapped
    region: eastus
    zones: ["1"]
    sku: { name: A, capacity: 2 }
    virtualMachineProfile: { priority: Spot, evictionPolicy: Delete, billingProfile: { maxPrice: -1 } }
    provisioningTime: PT0S
  - name: late
    region: eastus
    zones: ["1"]
    sku: { name: A, capacity: 0 }
    virtualMachineProfile: { priority: Spot, billingProfile: { maxPrice: 0.05 } }
    provisioningTime: PT0S
events:
  - at: PT7H
    setCapacity: { scaleSet: late, capacity: 2 }
)";
  const auto result = test::run_scenario("price", yaml);
  REQUIRE(result.status == 0);

  SECTION("a positive maxPrice: a notice when the price rises, the eviction 30 seconds later") {
    const auto notices = result.of_kind("eviction_notice");
    REQUIRE(notices.size() == 3);
    for (const auto& notice : notices) {
      CHECK(notice.scale_set == "capped");
      CHECK(notice.time_s == 21600);
    }
    const auto evictions = result.of_kind("evict", "price");
    REQUIRE(evictions.size() == 3);
    for (const auto& eviction : evictions) {
      CHECK(eviction.time_s == 21630);
    }
    // 3 VMs for 6 hours at 0.02, then 30 seconds at 0.08.
    CHECK(result.summary["scaleSets"]["capped"]["cost"]["compute"].get<double>() ==
          Approx(3 * (6 * 0.02 + 0.08 * 30 / 3600)));
  }
  SECTION("maxPrice -1: never evicted for price, pays the Spot price capped at the Regular price") {
    CHECK(result.summary["scaleSets"]["uncapped"]["counts"]["evictions"].get<long>() == 0);
    CHECK(result.summary["scaleSets"]["uncapped"]["cost"]["compute"].get<double>() ==
          Approx(2 * (6 * 0.02 + 6 * 0.08 + 6 * 0.10 + 6 * 0.02)));
  }
  SECTION("no VM is created while the price is above maxPrice") {
    const auto failures = result.of_kind("allocation_failed");
    REQUIRE(failures.size() == 1);
    CHECK(failures[0].scale_set == "late");
    CHECK(failures[0].detail == "price");
    std::vector<double> allocated;
    for (const auto& row : result.of_kind("allocate")) {
      if (row.scale_set == "late") {
        allocated.push_back(row.time_s);
      }
    }
    CHECK(allocated == std::vector<double>{64800, 64800});
  }
}

TEST_CASE("market: Try & Restore: within the timeout and after it", "[market][restore]") {
  const std::string yaml = R"(
scenario: { name: restore, duration: P1D }
catalog: { sizes: [{ name: A, vCPUs: 2, prices: { eastus: { regular: 0.10, spot: 0.02 } } }] }
regions:
  - name: eastus
    zones: ["1"]
    pools:
      - { size: A, spot: { steps: [[P0D, 4], [PT1H, 0], [PT2H, 4], [PT10H, 0], [PT20H, 4]] } }
scaleSets:
  - name: batch
    region: eastus
    zones: ["1"]
    sku: { name: A, capacity: 4 }
    virtualMachineProfile: { priority: Spot, evictionPolicy: Deallocate }
    spotRestorePolicy: { enabled: true, restoreTimeout: PT5H }
)";
  const auto result = test::run_scenario("restore", yaml);
  REQUIRE(result.status == 0);
  CHECK(result.of_kind("evict", "capacity").size() == 8);
  const auto restores = result.of_kind("restore");
  REQUIRE(restores.size() == 4);
  for (const auto& restore : restores) {
    CHECK(restore.time_s == 7200);  // capacity came back one hour later: within the timeout
  }
  // The second drop lasts ten hours, longer than the timeout: the VMs stay deallocated.
  const auto rows = result.rows_of("batch");
  CHECK(rows.back().at("deallocated") == "4");
  CHECK(rows.back().at("running") == "0");
  CHECK(result.summary["counts"]["restores"].get<long>() == 4);
}

namespace {

std::string zonal_set_yaml(bool strict, const std::string& events) {
  return fmt::format(R"(
scenario: {{ name: outage, duration: PT6H }}
catalog: {{ sizes: [{{ name: A, vCPUs: 2, prices: {{ eastus: {{ regular: 0.10 }} }} }}] }}
regions: [{{ name: eastus, zones: ["1", "2", "3"] }}]
scaleSets:
  - name: web
    region: eastus
    zones: ["1", "2", "3"]
    zoneBalance: {}
    sku: {{ name: A, capacity: 6 }}
    provisioningTime: PT0S
events:
{}
)",
                     strict ? "true" : "false", events);
}

std::map<std::string, std::string> row_at(const test::RunResult& result, double t_s) {
  for (const auto& row : result.timeline) {
    if (std::stod(row.at("time_s")) == t_s) {
      return row;
    }
  }
  FAIL("no timeline row at " << t_s);
  return {};
}

}  // namespace

TEST_CASE("market: best-effort balance: one zone down", "[market][outage]") {
  const auto result = test::run_scenario("best-effort-one", zonal_set_yaml(false, R"(
  - { at: PT1H, zoneOutage: { region: eastus, zone: "2", duration: PT1H } }
  - { at: PT90M, setCapacity: { scaleSet: web, capacity: 9 } }
  - { at: PT3H, setCapacity: { scaleSet: web, capacity: 10 } }
  - { at: PT4H, setCapacity: { scaleSet: web, capacity: 9 } }
)"));
  REQUIRE(result.status == 0);
  const auto starts = result.of_kind("outage_start");
  REQUIRE(starts.size() == 1);
  CHECK(starts[0].count == 2);
  // During the outage scaling goes on in the other zones.
  const auto during = row_at(result, 6000);
  CHECK(during.at("running.zone.eastus/1") == "4");
  CHECK(during.at("running.zone.eastus/2") == "0");
  CHECK(during.at("running.zone.eastus/3") == "3");
  CHECK(during.at("stopped") == "2");
  // After it, a scale-out refills the short zone and a scale-in trims the long one.
  const auto refilled = row_at(result, 3 * 3600);
  CHECK(refilled.at("running.zone.eastus/2") == "3");
  const auto trimmed = row_at(result, 4 * 3600);
  CHECK(trimmed.at("running.zone.eastus/1") == "3");
  CHECK(trimmed.at("running.zone.eastus/2") == "3");
  CHECK(trimmed.at("running.zone.eastus/3") == "3");
  CHECK(result.summary["availability"]["worstDomainLoss"].get<double>() == Approx(2.0 / 6));
}

TEST_CASE("market: best-effort balance: two zones down block scaling", "[market][outage]") {
  const auto result = test::run_scenario("best-effort-two", zonal_set_yaml(false, R"(
  - { at: PT1H, zoneOutage: { region: eastus, zone: "1", duration: PT1H } }
  - { at: PT1H, zoneOutage: { region: eastus, zone: "2", duration: PT1H } }
  - { at: PT90M, setCapacity: { scaleSet: web, capacity: 9 } }
  - { at: PT100M, setCapacity: { scaleSet: web, capacity: 7 } }
)"));
  REQUIRE(result.status == 0);
  const auto failures = result.of_kind("allocation_failed");
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].detail == "zone_outage");
  CHECK(failures[0].count == 3);
  const auto blocked = result.of_kind("scale_in_blocked");
  CHECK(blocked.empty());  // the scale-in to 7 cancels pending VMs first
  const auto after = row_at(result, 3 * 3600);
  CHECK(after.at("running") == "7");
  CHECK(after.at("pending") == "0");
}

TEST_CASE("market: strict balance: an outage blocks what would unbalance", "[market][outage]") {
  const auto result = test::run_scenario("strict-one", zonal_set_yaml(true, R"(
  - { at: PT1H, zoneOutage: { region: eastus, zone: "2", duration: PT1H } }
  - { at: PT90M, setCapacity: { scaleSet: web, capacity: 9 } }
)"));
  REQUIRE(result.status == 0);
  const auto failures = result.of_kind("allocation_failed");
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].detail == "zone_balance");
  CHECK(failures[0].count == 1);
  const auto during = row_at(result, 6000);
  CHECK(during.at("running.zone.eastus/1") == "3");
  CHECK(during.at("running.zone.eastus/3") == "3");
  CHECK(during.at("pending") == "1");
  // When the zone returns, the blocked VM goes there.
  const auto after = row_at(result, 3 * 3600);
  CHECK(after.at("running.zone.eastus/2") == "3");
  CHECK(after.at("pending") == "0");
}

TEST_CASE("market: fault domains: spreading and a domain failure", "[market][fault-domain]") {
  auto yaml = [](int count) {
    return fmt::format(R"(
scenario: {{ name: domains, duration: PT6H }}
catalog: {{ sizes: [{{ name: A, vCPUs: 2, prices: {{ eastus: {{ regular: 0.10 }} }} }}] }}
regions: [{{ name: eastus, zones: ["1", "2", "3"] }}]
scaleSets:
  - name: db
    region: eastus
    platformFaultDomainCount: {}
    sku: {{ name: A, capacity: 9 }}
events:
  - {{ at: PT1H, faultDomainFailure: {{ region: eastus, faultDomain: 1, duration: PT2H }} }}
)",
                       count);
  };
  SECTION("three fixed domains: a third of the set stops") {
    const auto result = test::run_scenario("domains-3", yaml(3));
    REQUIRE(result.status == 0);
    const auto starts = result.of_kind("outage_start");
    REQUIRE(starts.size() == 1);
    CHECK(starts[0].count == 3);
    CHECK(result.of_kind("outage_end").at(0).count == 3);
    CHECK(result.summary["availability"]["worstDomainShare"].get<double>() == Approx(1.0 / 3));
    CHECK(result.summary["availability"]["worstDomainLoss"].get<double>() == Approx(1.0 / 3));
  }
  SECTION("max spreading over five domains") {
    const auto result = test::run_scenario("domains-max", yaml(1));
    REQUIRE(result.status == 0);
    CHECK(result.of_kind("outage_start").at(0).count == 2);
    CHECK(result.summary["availability"]["worstDomainShare"].get<double>() == Approx(2.0 / 9));
  }
}

TEST_CASE("market: two sets compete for one pool", "[market][pools]") {
  const std::string yaml = R"(
scenario: { name: compete, duration: PT4H }
catalog: { sizes: [{ name: A, vCPUs: 2, prices: { eastus: { regular: 0.10, spot: 0.02 } } }] }
regions:
  - name: eastus
    zones: ["1"]
    pools: [{ size: A, spot: { steps: [[P0D, 10], [PT2H, 5]] } }]
scaleSets:
  - { name: first, region: eastus, zones: ["1"], sku: { name: A, capacity: 6 }, virtualMachineProfile: { priority: Spot, evictionPolicy: Delete } }
  - { name: second, region: eastus, zones: ["1"], sku: { name: A, capacity: 6 }, virtualMachineProfile: { priority: Spot, evictionPolicy: Delete } }
)";
  const auto result = test::run_scenario("compete", yaml);
  REQUIRE(result.status == 0);
  const auto failures = result.of_kind("allocation_failed");
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].scale_set == "second");
  CHECK(failures[0].count == 2);
  CHECK(result.of_kind("evict", "capacity").size() == 5);
  const auto first = result.rows_of("first").back();
  const auto second = result.rows_of("second").back();
  CHECK(std::stoi(first.at("running")) + std::stoi(second.at("running")) == 5);
  CHECK(result.summary["counts"]["evictions"].get<long>() == 5);
}

TEST_CASE("market: priority mix with Deallocate: evicted VMs stay counted", "[market][priority-mix]") {
  const std::string yaml = R"(
scenario: { name: mix, duration: PT10H }
catalog: { sizes: [{ name: A, vCPUs: 2, prices: { eastus: { regular: 0.10, spot: 0.02 } } }] }
regions: [{ name: eastus, zones: ["1"] }]
scaleSets:
  - name: web
    region: eastus
    zones: ["1"]
    sku: { name: A, capacity: 20 }
    virtualMachineProfile: { priority: Spot, evictionPolicy: Deallocate }
    priorityMixPolicy: { baseRegularPriorityCount: 10, regularPriorityPercentageAboveBase: 25 }
    provisioningTime: PT0S
events:
  - { at: PT1H, setCapacity: { scaleSet: web, capacity: 50 } }
  - { at: PT2H, setCapacity: { scaleSet: web, capacity: 110 } }
  - { at: PT3H, setPool: { region: eastus, zone: "1", size: A, spot: 65 } }
  - { at: PT4H, setPool: { region: eastus, zone: "1", size: A, spot: 1000 } }
  - { at: PT5H, setCapacity: { scaleSet: web, capacity: 120 } }
)";
  const auto result = test::run_scenario("mix-deallocate", yaml);
  REQUIRE(result.status == 0);
  auto at = [&](double t) { return row_at(result, t); };
  CHECK(at(0).at("running_regular") == "12");
  CHECK(at(0).at("running_spot") == "8");
  CHECK(at(3600).at("running_regular") == "20");
  CHECK(at(3600).at("running_spot") == "30");
  CHECK(at(7200).at("running_regular") == "35");
  CHECK(at(7200).at("running_spot") == "75");
  // Ten Spot VMs are evicted and deallocated; the capacity stays 110.
  CHECK(at(3 * 3600).at("target") == "110");
  CHECK(at(3 * 3600).at("deallocated") == "10");
  CHECK(at(3 * 3600).at("running_spot") == "65");
  // Growing to 120 adds 2 Regular and 8 Spot; the deallocated VMs stay deallocated.
  CHECK(at(5 * 3600).at("running_regular") == "37");
  CHECK(at(5 * 3600).at("running_spot") == "73");
  CHECK(at(5 * 3600).at("deallocated") == "10");
  CHECK(at(5 * 3600).at("target") == "120");
}

TEST_CASE("market: creation failures: resilient creation recreates the VM", "[market][provisioning]") {
  auto yaml = [](bool resilient) {
    return fmt::format(R"(
scenario: {{ name: create, duration: PT2H, seed: 7 }}
catalog: {{ sizes: [{{ name: A, vCPUs: 2, prices: {{ eastus: {{ regular: 0.10 }} }} }}] }}
regions: [{{ name: eastus, zones: ["1"] }}]
scaleSets:
  - name: web
    region: eastus
    zones: ["1"]
    sku: {{ name: A, capacity: 0 }}
    provisioningTime: {{ distribution: lognormal, median: PT90S, p95: PT4M }}
    creationFailureProbability: 0.3
    resiliencyPolicy: {{ resilientVMCreationPolicy: {{ enabled: {} }} }}
events:
  - {{ at: PT1M, setCapacity: {{ scaleSet: web, capacity: 40 }} }}
)",
                       resilient ? "true" : "false");
  };
  SECTION("without resilient creation the failed VMs stay failed") {
    const auto result = test::run_scenario("create-plain", yaml(false));
    REQUIRE(result.status == 0);
    const auto failed = result.of_kind("create_failed");
    REQUIRE(failed.size() > 3);
    const auto last = result.rows_of("web").back();
    CHECK(last.at("failed") == std::to_string(failed.size()));
    CHECK(std::stoi(last.at("running")) == 40 - static_cast<int>(failed.size()));
  }
  SECTION("with resilient creation every VM ends up running") {
    const auto result = test::run_scenario("create-resilient", yaml(true));
    REQUIRE(result.status == 0);
    CHECK(result.of_kind("create_failed", "recreated").size() > 3);
    const auto last = result.rows_of("web").back();
    CHECK(last.at("running") == "40");
    CHECK(last.at("failed") == "0");
  }
}

TEST_CASE("market: AWS Spot price history: a real series moves the price", "[market][price]") {
  const std::string history = test::shared_data("aws-spot-price-2022-05/2022-05.tsv");
  if (history.empty()) {
    WARN("skipped: the shared data folder is absent");
    return;
  }
  // sae1-az1 c5ad.16xlarge: 1.3588 at 23:05:26, 1.3474 five seconds later, 1.3588 again a minute after.
  const std::string yaml = R"(
scenario: { name: aws, duration: PT10M, platformRules: ga }
catalog: { sizes: [{ name: Standard_D64as_v5, vCPUs: 64, prices: { eastus: { regular: 2.752, spot: 1.0 } } }] }
regions:
  - name: eastus
    zones: ["1"]
    spot:
      prices:
        - import: { file: )" + history + R"(, instanceTypes: { c5ad.16xlarge: Standard_D64as_v5 }, zones: { sae1-az1: "1" } }
scaleSets:
  - name: hpc
    region: eastus
    zones: ["1"]
    sku: { name: Standard_D64as_v5, capacity: 0 }
    virtualMachineProfile: { priority: Spot, evictionPolicy: Delete, billingProfile: { maxPrice: 1.35 } }
    provisioningTime: PT0S
events:
  - { at: PT1S, setCapacity: { scaleSet: hpc, capacity: 2 } }
)";
  const auto result = test::run_scenario("aws-history", yaml);
  REQUIRE(result.status == 0);
  REQUIRE(result.of_kind("allocation_failed").size() == 1);  // 1.3588 is above 1.35 at t = 1 s
  const auto allocations = result.of_kind("allocate");
  REQUIRE(allocations.size() == 2);
  CHECK(allocations[0].time_s == 5);  // the price drops to 1.3474 five seconds in
  const auto notices = result.of_kind("eviction_notice");
  REQUIRE(notices.size() == 2);
  CHECK(notices[0].time_s == 65);
  const auto evictions = result.of_kind("evict", "price");
  REQUIRE(evictions.size() == 2);
  CHECK(evictions[0].time_s == 95);
}

TEST_CASE("market: real availability and price traces with restore and an outage", "[market][end-to-end]") {
  const std::string availability =
      test::shared_data("spot-traces/availability/16-node/aws-08-27-2023/us-east-2b_v100_1.json");
  const std::string prices = test::shared_data("aws-spot-price-2022-05/2022-05.tsv");
  if (availability.empty() || prices.empty()) {
    WARN("skipped: the shared data folder is absent");
    return;
  }
  const std::string yaml = R"(
scenario: { name: real-market, duration: P11D, platformRules: ga }
catalog:
  sizes:
    - { name: Standard_NC6s_v3, vCPUs: 6, prices: { eastus: { regular: 3.06, spot: 0.918 } } }
    - { name: Standard_D64as_v5, vCPUs: 64, prices: { eastus: { regular: 2.752, spot: 1.0 } } }
    - { name: Standard_D2s_v5, vCPUs: 2, prices: { eastus: { regular: 0.096 } } }
regions:
  - name: eastus
    zones: ["1", "2"]
    pools:
      - { size: Standard_NC6s_v3, zones: ["1"], spot: { trace: )" + availability + R"( } }
    spot:
      prices:
        - import: { file: )" + prices + R"(, instanceTypes: { c5ad.16xlarge: Standard_D64as_v5 }, zones: { sae1-az1: "1" } }
scaleSets:
  - name: gpu
    region: eastus
    zones: ["1"]
    sku: { name: Standard_NC6s_v3, capacity: 16 }
    virtualMachineProfile: { priority: Spot, evictionPolicy: Delete }
    spotRestorePolicy: { enabled: true, restoreTimeout: P60D }
    provisioningTime: PT0S
  - name: hpc
    region: eastus
    zones: ["1"]
    sku: { name: Standard_D64as_v5, capacity: 0 }
    virtualMachineProfile: { priority: Spot, evictionPolicy: Delete, billingProfile: { maxPrice: 1.35 } }
    provisioningTime: PT0S
  - name: web
    region: eastus
    zones: ["1", "2"]
    sku: { name: Standard_D2s_v5, capacity: 4 }
events:
  - { at: PT1S, setCapacity: { scaleSet: hpc, capacity: 2 } }
  - { at: P3D, zoneOutage: { region: eastus, zone: "2", duration: PT6H } }
outputs: { timeline: false }
)";
  const auto result = test::run_scenario("real-market", yaml);
  REQUIRE(result.status == 0);

  // The GPU fleet fills the pool up to 16 VMs; each drop evicts what no longer fits, and each rise first restores
  // VMs evicted earlier, in eviction order, then places VMs that never fitted.
  const auto values = json_trace_values(availability);
  long evictions = 0;
  long restores = 0;
  long waiting = 0;
  long level = std::min<long>(static_cast<long>(values[0]), 16);
  for (size_t i = 1; i < values.size() && i * 300.0 <= 11 * 86400.0; ++i) {
    const long fit = std::min<long>(static_cast<long>(values[i]), 16);
    if (fit < level) {
      evictions += level - fit;
      waiting += level - fit;
    } else if (fit > level) {
      const long restored = std::min(waiting, fit - level);
      restores += restored;
      waiting -= restored;
    }
    level = fit;
  }
  long capacity_evictions = 0;
  long gpu_restores = 0;
  for (const auto& row : result.of_kind("evict", "capacity")) {
    capacity_evictions += row.scale_set == "gpu";
  }
  for (const auto& row : result.of_kind("restore")) {
    gpu_restores += row.scale_set == "gpu";
  }
  CHECK(capacity_evictions == evictions);
  CHECK(gpu_restores == restores);

  // The HPC VMs wait for the price to drop under maxPrice, then leave 30 seconds after it rises again.
  const auto price_evictions = result.of_kind("evict", "price");
  REQUIRE(price_evictions.size() == 2);
  CHECK(price_evictions[0].scale_set == "hpc");
  CHECK(price_evictions[0].time_s == 95);
  CHECK(result.of_kind("eviction_notice").size() == 2);

  // The outage of zone 2 stops the web VMs there and brings them back six hours later.
  const auto starts = result.of_kind("outage_start");
  const auto ends = result.of_kind("outage_end");
  long web_stopped = 0;
  long web_restarted = 0;
  for (const auto& row : starts) {
    web_stopped += row.scale_set == "web" ? row.count : 0;
  }
  for (const auto& row : ends) {
    web_restarted += row.scale_set == "web" ? row.count : 0;
    CHECK(row.time_s == 3 * 86400 + 6 * 3600);
  }
  CHECK(web_stopped == 2);
  CHECK(web_restarted == 2);
}

TEST_CASE("market: strict balance: two zones down block scale-out beyond one VM", "[market][outage]") {
  const auto result = test::run_scenario("strict-two", zonal_set_yaml(true, R"(
  - { at: PT1H, zoneOutage: { region: eastus, zone: "1", duration: PT1H } }
  - { at: PT1H, zoneOutage: { region: eastus, zone: "2", duration: PT1H } }
  - { at: PT90M, setCapacity: { scaleSet: web, capacity: 9 } }
)"));
  REQUIRE(result.status == 0);
  // Zone 3 may take one VM (3, 2, 2 would be balanced); the other two would unbalance the set.
  const auto failures = result.of_kind("allocation_failed");
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].count == 2);
  const auto during = row_at(result, 6000);
  CHECK(during.at("running.zone.eastus/3") == "3");
  CHECK(during.at("pending") == "2");
  const auto after = row_at(result, 3 * 3600);
  CHECK(after.at("running") == "9");
}
