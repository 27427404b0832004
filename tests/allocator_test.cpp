// Allocator: strategies, fallback, zone balance, Spot Priority Mix and scale-in order.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <map>

#include "mixsim/allocator.hpp"
#include "mixsim/fleet.hpp"
#include "recording/recorder.hpp"
#include "test_support.hpp"

using namespace mixsim;

namespace {

// Three 2-vCPU sizes with distinct prices: A is the cheapest Regular and Spot, C the most expensive.
const char* const kCatalog = R"(
catalog:
  osDiskPricePerHour: 0.01
  sizes:
    - { name: A, family: famA, vCPUs: 2, prices: { eastus: { regular: 0.10, spot: 0.010 } } }
    - { name: B, family: famB, vCPUs: 2, prices: { eastus: { regular: 0.20, spot: 0.020 } } }
    - { name: C, family: famC, vCPUs: 2, prices: { eastus: { regular: 0.30, spot: 0.030 } } }
)";

struct SetOptions {
  std::string sizes = "[{name: A, rank: 2}, {name: B, rank: 0}, {name: C, rank: 1}]";
  std::string strategy = "LowestPrice";
  std::string priority = "Regular";
  std::string extra;       // more keys of the scale set, each line indented by four spaces
  std::string zones = R"(["1", "2", "3"])";
  std::string region_extra;  // more keys of the region (quotas, pools), indented by four spaces
  std::string scenario_extra;
  std::string platform_options;  // the content of a top-level platformOptions mapping
};

std::string scenario_yaml(const SetOptions& options) {
  return fmt::format(R"(
scenario: {{ name: test, duration: P1D, platformRules: ga {} }}
{}
regions:
  - name: eastus
    zones: ["1", "2", "3"]
{}
scaleSets:
  - name: web
    region: eastus
    zones: {}
    sku: {{ name: Mix, capacity: 0 }}
    skuProfile: {{ vmSizes: {}, allocationStrategy: {} }}
    virtualMachineProfile: {{ priority: {} }}
{}
platformOptions: {{ {} }}
)",
                     options.scenario_extra, kCatalog, options.region_extra, options.zones, options.sizes,
                     options.strategy, options.priority, options.extra, options.platform_options);
}

// A loaded scenario with its fleet and allocator.
struct World {
  explicit World(const SetOptions& options) : scenario(test::load_yaml(scenario_yaml(options))), fleet(scenario), allocator(scenario, fleet) {}

  SizeId size(const std::string& name) const {
    for (SizeId id = 0; id < scenario.sizes.size(); ++id) {
      if (scenario.sizes[id].name == name) {
        return id;
      }
    }
    FAIL("no size " << name);
    return 0;
  }
  ZoneId zone(const std::string& name) const {
    for (ZoneId id = 0; id < scenario.zones.size(); ++id) {
      if (scenario.zones[id].name == name) {
        return id;
      }
    }
    FAIL("no zone " << name);
    return 0;
  }
  int count(const std::string& size_name, Priority priority) const {
    int total = 0;
    for (ZoneId zone_id = 0; zone_id < scenario.zones.size(); ++zone_id) {
      total += static_cast<int>(fleet.set(0).buckets[fleet.bucket_index(zone_id, priority, size(size_name))].size());
    }
    return total;
  }
  int in_zone(const std::string& zone_name) const { return fleet.set(0).by_zone[zone(zone_name)]; }
  int regular() const { return fleet.set(0).by_priority[0]; }
  int spot() const { return fleet.set(0).by_priority[1]; }

  /// Scales set 0 to `capacity` VMs the way autoscale does.
  PlacementReport scale_to(int capacity) {
    const int current = fleet.capacity(0);
    if (capacity > current) {
      return allocator.scale_out(0, capacity - current, 0);
    }
    allocator.scale_in(0, current - capacity, 0);
    return {};
  }

  /// Evicts `count` running Spot VMs (any), with the set's eviction policy.
  void evict_spot(int count, EvictionPolicy policy) {
    for (int i = 0; i < count; ++i) {
      for (size_t pool = 0; pool < fleet.pool_count(); ++pool) {
        const PoolState& state = fleet.pool_at(pool);
        if (pool % kPriorityCount == static_cast<size_t>(Priority::Spot) && !state.active.empty()) {
          const VmRef victim = state.active.front();
          if (policy == EvictionPolicy::Delete) {
            fleet.delete_vm(victim, 0, "eviction");
          } else {
            fleet.deallocate(victim, 0, "eviction");
          }
          break;
        }
      }
    }
  }

  Scenario scenario;
  Fleet fleet;
  Allocator allocator;
};

}  // namespace

TEST_CASE("priority mix: regular target: rounds the percentage down", "[allocator][priority-mix]") {
  const PriorityMix base10_50{10, 50};
  CHECK(regular_target(base10_50, 0) == 0);
  CHECK(regular_target(base10_50, 10) == 10);
  CHECK(regular_target(base10_50, 41) == 25);  // 15.5 extra Regular rounds down to 15
  const PriorityMix base10_25{10, 25};
  CHECK(regular_target(base10_25, 20) == 12);  // 2.5 rounds down to 2
  CHECK(new_regular_count(base10_25, 110, 35, 10) == 2);
  CHECK(new_regular_count(base10_50, 30, 26, 12) == 0);  // never negative
  CHECK(new_regular_count(PriorityMix{100, 0}, 0, 0, 5) == 5);  // never more than added
}

TEST_CASE("priority mix: documented scenario 1 with Delete", "[allocator][priority-mix]") {
  SetOptions options;
  options.priority = "Spot";
  options.sizes = "[{name: A}]";
  options.extra = "    priorityMixPolicy: { baseRegularPriorityCount: 10, regularPriorityPercentageAboveBase: 50 }";
  World world(options);

  const std::vector<std::tuple<int, int, int>> rows = {
      {10, 10, 0}, {20, 15, 5}, {30, 20, 10}, {40, 25, 15}, {41, 25, 16}, {42, 26, 16}};
  for (const auto& [capacity, regular, spot] : rows) {
    world.scale_to(capacity);
    INFO("capacity " << capacity);
    CHECK(world.regular() == regular);
    CHECK(world.spot() == spot);
  }

  // All Spot VMs evicted with Delete: they leave the set and its capacity.
  world.evict_spot(16, EvictionPolicy::Delete);
  CHECK(world.fleet.capacity(0) == 26);
  CHECK(world.regular() == 26);

  // Regular is above its target, so growth is all Spot until the target catches up.
  world.scale_to(30);
  CHECK(world.regular() == 26);
  CHECK(world.spot() == 4);
  world.scale_to(42);
  CHECK(world.regular() == 26);
  CHECK(world.spot() == 16);
  world.scale_to(44);
  CHECK(world.regular() == 27);
  CHECK(world.spot() == 17);
}

TEST_CASE("priority mix: documented scenario 2 with Deallocate", "[allocator][priority-mix]") {
  SetOptions options;
  options.priority = "Spot";
  options.sizes = "[{name: A}]";
  options.extra = "    priorityMixPolicy: { baseRegularPriorityCount: 10, regularPriorityPercentageAboveBase: 25 }";
  World world(options);

  const std::vector<std::tuple<int, int, int>> rows = {{20, 12, 8}, {50, 20, 30}, {110, 35, 75}};
  for (const auto& [capacity, regular, spot] : rows) {
    world.scale_to(capacity);
    INFO("capacity " << capacity);
    CHECK(world.regular() == regular);
    CHECK(world.spot() == spot);
  }

  // Ten Spot VMs evicted with Deallocate count toward capacity but do not run.
  world.evict_spot(10, EvictionPolicy::Deallocate);
  CHECK(world.fleet.capacity(0) == 110);
  CHECK(world.fleet.set(0).by_state[static_cast<int>(VmState::Deallocated)] == 10);

  world.scale_to(120);
  CHECK(world.regular() == 37);
  CHECK(world.spot() == 83);
  CHECK(world.fleet.set(0).by_state[static_cast<int>(VmState::Deallocated)] == 10);
}

TEST_CASE("allocator: strategies: each picks its documented size", "[allocator][strategy]") {
  SECTION("LowestPrice fills the cheapest size, then the next cheapest") {
    SetOptions options;
    options.region_extra = "    pools:\n      - { size: A, zones: [\"1\", \"2\", \"3\"], regular: 2 }";
    World world(options);
    world.scale_to(9);
    CHECK(world.count("A", Priority::Regular) == 6);
    CHECK(world.count("B", Priority::Regular) == 3);
    CHECK(world.count("C", Priority::Regular) == 0);
  }
  SECTION("CapacityOptimized takes the size with the most free capacity, whatever its price") {
    SetOptions options;
    options.strategy = "CapacityOptimized";
    options.region_extra = "    pools:\n"
                           "      - { size: A, regular: 5 }\n"
                           "      - { size: B, regular: 8 }\n"
                           "      - { size: C, regular: 20 }";
    World world(options);
    world.scale_to(3);
    CHECK(world.count("C", Priority::Regular) == 3);
  }
  SECTION("CapacityOptimized with equal capacity keeps the listed order") {
    SetOptions options;
    options.strategy = "CapacityOptimized";
    options.sizes = "[{name: C}, {name: A}, {name: B}]";
    World world(options);
    world.scale_to(3);
    CHECK(world.count("C", Priority::Regular) == 3);
  }
  SECTION("Prioritized follows ranks, equal ranks by price") {
    SetOptions options;
    options.strategy = "Prioritized";
    options.sizes = "[{name: C, rank: 1}, {name: B, rank: 0}, {name: A, rank: 1}]";
    options.region_extra = "    pools:\n      - { size: B, regular: 1 }";
    World world(options);
    world.scale_to(6);
    CHECK(world.count("B", Priority::Regular) == 3);  // rank 0 first, one per zone
    CHECK(world.count("A", Priority::Regular) == 3);  // then rank 1, the cheaper of A and C
    CHECK(world.count("C", Priority::Regular) == 0);
  }
  SECTION("LowestPrice compares Spot prices for Spot VMs") {
    SetOptions options;
    options.priority = "Spot";
    options.sizes = "[{name: C}, {name: B}, {name: A}]";
    World world(options);
    world.scale_to(3);
    CHECK(world.count("A", Priority::Spot) == 3);
  }
}

TEST_CASE("allocator: fallback: capacity and quota move VMs to the next size or leave them pending", "[allocator][fallback]") {
  SECTION("a family quota sends Regular VMs to the next cheapest size") {
    SetOptions options;
    options.region_extra = "    quotas: { famA: 4 }";  // two 2-vCPU VMs of A
    World world(options);
    world.scale_to(5);
    CHECK(world.count("A", Priority::Regular) == 2);
    CHECK(world.count("B", Priority::Regular) == 3);
  }
  SECTION("lowPriorityCores caps Spot VMs and the rest stay pending for quota") {
    SetOptions options;
    options.priority = "Spot";
    options.region_extra = "    quotas: { lowPriorityCores: 6 }";
    World world(options);
    const PlacementReport report = world.scale_to(5);
    CHECK(report.placed == 3);
    CHECK(report.unplaced == 2);
    CHECK(report.reason == "quota");
    CHECK(world.fleet.capacity(0) == 5);
    CHECK(world.fleet.set(0).pending[1] == 2);
  }
  SECTION("no capacity anywhere leaves VMs pending for capacity, retried when capacity returns") {
    SetOptions options;
    options.sizes = "[{name: A}]";
    options.region_extra = "    pools:\n      - { size: A, regular: 1 }";
    World world(options);
    PlacementReport report = world.scale_to(5);
    CHECK(report.placed == 3);
    CHECK(report.reason == "capacity");
    world.fleet.set_pool_capacity(world.zone("2"), world.size("A"), Priority::Regular, 3);
    report = world.allocator.place_pending(0, 60);
    CHECK(report.placed == 2);
    CHECK(report.unplaced == 0);
    CHECK(world.in_zone("2") == 3);
  }
  SECTION("a size without a Spot price is used for Regular VMs only") {
    SetOptions options;
    options.priority = "Spot";
    options.sizes = "[{name: A}, {name: D}]";
    options.extra = "    priorityMixPolicy: { baseRegularPriorityCount: 2, regularPriorityPercentageAboveBase: 0 }";
    std::string yaml = scenario_yaml(options);
    yaml.insert(yaml.find("    - { name: C"), "    - { name: D, vCPUs: 2, prices: { eastus: { regular: 0.01 } } }\n");
    Scenario scenario = test::load_yaml(yaml);
    Fleet fleet(scenario);
    Allocator allocator(scenario, fleet);
    allocator.scale_out(0, 6, 0);
    const SizeId d = scenario.sizes[0].name == "D" ? 0 : 1;
    CHECK(fleet.set(0).by_size[d] == 2);  // D is the cheapest Regular size
    CHECK(fleet.set(0).by_priority[static_cast<int>(Priority::Spot)] == 4);
    CHECK(fleet.set(0).by_size[1 - d] == 4);
  }
}

TEST_CASE("allocator: zone balance on scale-out", "[allocator][zones]") {
  SECTION("best effort fills zones round robin in listed order") {
    World world(SetOptions{});
    world.scale_to(7);
    CHECK(world.in_zone("1") == 3);
    CHECK(world.in_zone("2") == 2);
    CHECK(world.in_zone("3") == 2);
  }
  SECTION("best effort goes to the next zone when a zone is full") {
    SetOptions options;
    options.sizes = "[{name: A}]";
    options.region_extra = "    pools:\n      - { size: A, zones: [\"1\"], regular: 1 }";
    World world(options);
    const PlacementReport report = world.scale_to(9);
    CHECK(report.unplaced == 0);
    CHECK(world.in_zone("1") == 1);
    CHECK(world.in_zone("2") == 4);
    CHECK(world.in_zone("3") == 4);
  }
  SECTION("strict balance refuses to unbalance the zones") {
    SetOptions options;
    options.sizes = "[{name: A}]";
    options.extra = "    zoneBalance: true";
    options.region_extra = "    pools:\n      - { size: A, zones: [\"1\"], regular: 1 }";
    World world(options);
    const PlacementReport report = world.scale_to(9);
    CHECK(world.in_zone("1") == 1);
    CHECK(world.in_zone("2") == 2);
    CHECK(world.in_zone("3") == 2);
    CHECK(report.unplaced == 4);
    CHECK(report.reason == "zone_balance");
  }
  SECTION("a regional set takes the zone with the most free capacity") {
    SetOptions options;
    options.sizes = "[{name: A}]";
    options.extra = "";
    options.zones = "null";
    options.region_extra = "    pools:\n"
                           "      - { size: A, zones: [\"1\"], regular: 1 }\n"
                           "      - { size: A, zones: [\"2\"], regular: 5 }\n"
                           "      - { size: A, zones: [\"3\"], regular: 3 }";
    World world(options);
    world.scale_to(4);
    CHECK(world.in_zone("2") == 3);
    CHECK(world.in_zone("3") == 1);
    CHECK(world.in_zone("1") == 0);
  }
}

namespace {

// Builds the fleet of Azure's documented scale-in examples: instance ids 3, 4, 5, 10 in zone 1; 2, 6, 9, 11 in
// zone 2; 1, 7, 8 in zone 3 (id 0 is created and deleted so that ids match the documentation).
void build_documented_fleet(World& world) {
  const std::map<int, std::string> zone_of = {{0, "1"}, {1, "3"}, {2, "2"},  {3, "1"}, {4, "1"}, {5, "1"},
                                              {6, "2"}, {7, "3"}, {8, "3"}, {9, "2"}, {10, "1"}, {11, "2"}};
  for (const auto& [id, zone] : zone_of) {
    world.fleet.create_vm(0, world.size("A"), world.zone(zone), 0, Priority::Regular, VmState::Running, id);
  }
  world.allocator.scale_in(0, 0, 0);
  const auto victim = world.fleet.set(0).buckets[world.fleet.bucket_index(world.zone("1"), Priority::Regular, world.size("A"))].oldest();
  REQUIRE(world.fleet.vm(victim.second).instance_id == 0);
  world.fleet.delete_vm(victim.second, 0, "test");
}

std::vector<uint32_t> scale_in_ids(World& world, int steps) {
  std::vector<uint32_t> removed;
  for (int i = 0; i < steps; ++i) {
    const auto victim = world.allocator.choose_victim(0);
    REQUIRE(victim.has_value());
    removed.push_back(world.fleet.vm(*victim).instance_id);
    world.allocator.scale_in(0, 1, 0);
  }
  return removed;
}

}  // namespace

TEST_CASE("allocator: documented scale-in policy examples", "[allocator][scale-in]") {
  SetOptions options;
  options.sizes = "[{name: A}]";
  SECTION("OldestVM") {
    options.extra = "    scaleInPolicy: { rules: [OldestVM] }";
    World world(options);
    build_documented_fleet(world);
    CHECK(scale_in_ids(world, 6) == std::vector<uint32_t>{2, 3, 1, 4, 6, 5});
  }
  SECTION("NewestVM") {
    options.extra = "    scaleInPolicy: { rules: [NewestVM] }";
    World world(options);
    build_documented_fleet(world);
    CHECK(scale_in_ids(world, 6) == std::vector<uint32_t>{11, 10, 9, 8, 5, 7});
  }
  SECTION("Default removes the highest instance id after balancing zones") {
    World world(options);
    build_documented_fleet(world);
    CHECK(scale_in_ids(world, 6) == std::vector<uint32_t>{11, 10, 9, 8, 5, 7});
  }
  SECTION("Default with scaleInDefaultOrder: oldest removes the oldest VM after balancing zones") {
    options.platform_options = "scaleInDefaultOrder: oldest";
    World world(options);
    build_documented_fleet(world);
    CHECK(scale_in_ids(world, 6) == std::vector<uint32_t>{2, 3, 1, 4, 6, 5});
  }
}

TEST_CASE("allocator: scale-in order", "[allocator][scale-in]") {
  SECTION("LowestPrice removes the most expensive size first") {
    SetOptions options;
    options.sizes = "[{name: A}, {name: B}, {name: C}]";
    options.region_extra = "    pools:\n"
                           "      - { size: A, regular: 1 }\n"
                           "      - { size: B, regular: 1 }\n"
                           "      - { size: C, regular: 1 }";
    World world(options);
    world.scale_to(9);
    world.fleet.set(0).strategy = AllocationStrategy::LowestPrice;
    const int c_before = world.count("C", Priority::Regular);
    REQUIRE(c_before > 0);
    world.scale_to(9 - c_before);
    CHECK(world.count("C", Priority::Regular) == 0);
  }
  SECTION("Prioritized removes the highest rank number first") {
    SetOptions options;
    options.strategy = "Prioritized";
    options.sizes = "[{name: A, rank: 0}, {name: B, rank: 5}]";
    options.region_extra = "    pools:\n      - { size: A, regular: 1 }";
    World world(options);
    world.scale_to(6);
    REQUIRE(world.count("B", Priority::Regular) == 3);
    world.scale_to(3);
    CHECK(world.count("B", Priority::Regular) == 0);
    CHECK(world.count("A", Priority::Regular) == 3);
  }
  SECTION("CapacityOptimized removes from the scarcest pool first") {
    SetOptions options;
    options.strategy = "CapacityOptimized";
    options.sizes = "[{name: A}, {name: B}]";
    options.region_extra = "    pools:\n      - { size: A, regular: 2 }\n      - { size: B, regular: 100 }";
    World world(options);
    world.fleet.set(0).sizes = {SizeChoice{world.size("A"), 0}};
    world.scale_to(3);
    world.fleet.set(0).sizes = {SizeChoice{world.size("A"), 0}, SizeChoice{world.size("B"), 0}};
    world.scale_to(6);
    REQUIRE(world.count("A", Priority::Regular) == 3);
    world.scale_to(3);
    CHECK(world.count("A", Priority::Regular) == 0);
  }
  SECTION("the priority class above its mix target goes first") {
    SetOptions options;
    options.priority = "Spot";
    options.sizes = "[{name: A}]";
    options.extra = "    priorityMixPolicy: { baseRegularPriorityCount: 2, regularPriorityPercentageAboveBase: 50 }";
    World world(options);
    world.scale_to(10);  // target(10) = 2 + 4 = 6 Regular, 4 Spot
    REQUIRE(world.regular() == 6);
    world.evict_spot(4, EvictionPolicy::Delete);  // now 6 Regular, 0 Spot
    world.scale_to(10);                            // 4 Spot again
    world.scale_to(8);                             // target(8) = 5: Regular above it goes first
    CHECK(world.regular() == 5);
    CHECK(world.spot() == 3);
  }
  SECTION("pending VMs are cancelled before any VM is deleted") {
    SetOptions options;
    options.sizes = "[{name: A}]";
    options.region_extra = "    pools:\n      - { size: A, regular: 1 }";
    World world(options);
    world.scale_to(5);
    REQUIRE(world.fleet.set(0).pending_count() == 2);
    const ScaleInReport report = world.allocator.scale_in(0, 3, 0);
    CHECK(report.cancelled_pending == 2);
    CHECK(report.removed == 1);
    CHECK(world.fleet.capacity(0) == 2);
  }
  SECTION("scale-in balances zones before anything else") {
    SetOptions options;
    options.sizes = "[{name: A}, {name: C}]";
    World world(options);
    world.fleet.create_vm(0, world.size("A"), world.zone("1"), 0, Priority::Regular, VmState::Running, 0);
    world.fleet.create_vm(0, world.size("A"), world.zone("1"), 0, Priority::Regular, VmState::Running, 0);
    world.fleet.create_vm(0, world.size("C"), world.zone("2"), 0, Priority::Regular, VmState::Running, 0);
    world.allocator.scale_in(0, 1, 0);
    CHECK(world.in_zone("1") == 1);  // the cheap size in the fuller zone, not the expensive one in zone 2
    CHECK(world.in_zone("2") == 1);
  }
}

TEST_CASE("recorder: Delete and Deallocate billing", "[allocator][billing]") {
  SetOptions options;
  options.priority = "Spot";
  options.sizes = "[{name: A}]";
  World world(options);
  Recorder recorder(world.scenario, world.fleet, "");
  world.fleet.set_observer(&recorder);

  const VmRef kept = world.fleet.create_vm(0, world.size("A"), world.zone("1"), 0, Priority::Spot, VmState::Running, 0);
  const VmRef deallocated = world.fleet.create_vm(0, world.size("A"), world.zone("2"), 0, Priority::Spot, VmState::Running, 0);
  const VmRef deleted = world.fleet.create_vm(0, world.size("A"), world.zone("3"), 0, Priority::Spot, VmState::Running, 0);
  world.fleet.deallocate(deallocated, 3600, "eviction");
  world.fleet.delete_vm(deleted, 3600, "eviction");
  (void)kept;

  const auto summary = recorder.finish(86400, 0);
  // Spot A costs 0.01 per hour and its disk 0.01 per hour.
  const double compute = 0.01 * (24 + 1 + 1);
  const double disk = 0.01 * (24 + 24 + 1);
  CHECK(summary["cost"]["compute"].get<double>() == Approx(compute));
  CHECK(summary["cost"]["disk"].get<double>() == Approx(disk));
  CHECK(summary["vmHours"]["byPriority"]["Spot"].get<double>() == Approx(26));
  CHECK(world.fleet.capacity(0) == 2);  // the deallocated VM still counts
}

TEST_CASE("fleet: invariants: counters match a recount after mixed operations", "[allocator][invariants]") {
  SetOptions options;
  options.priority = "Spot";
  options.extra = "    priorityMixPolicy: { baseRegularPriorityCount: 3, regularPriorityPercentageAboveBase: 40 }";
  options.region_extra = "    pools:\n      - { size: A, regular: 4, spot: 3 }";
  World world(options);
  world.scale_to(30);
  world.evict_spot(5, EvictionPolicy::Deallocate);
  world.scale_to(12);
  world.evict_spot(2, EvictionPolicy::Delete);
  world.scale_to(25);
  CHECK(world.fleet.check_invariants() == "");
}
