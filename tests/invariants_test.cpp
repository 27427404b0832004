// Invariant checks of the fleet and the recorder: a consistent state passes, and each check fires, with the state
// that broke it, when a counter is corrupted on purpose.
#include <catch2/catch.hpp>

#include "mixsim/check.hpp"
#include "mixsim/fleet.hpp"
#include "recording/recorder.hpp"
#include "test_support.hpp"

using namespace mixsim;
using Catch::Matchers::Contains;

namespace {

// Two sizes in two zones, a quota of 8 vCPUs for family famA, and a Spot quota of 8 vCPUs.
const char* const kScenario = R"(
scenario: { name: invariants, duration: P1D }
catalog:
  sizes:
    - { name: A, family: famA, vCPUs: 2, prices: { eastus: { regular: 0.10, spot: 0.01 } } }
    - { name: B, vCPUs: 4, prices: { eastus: { regular: 0.20, spot: 0.02 } } }
regions:
  - name: eastus
    zones: ["1", "2"]
    quotas: { famA: 8, lowPriorityCores: 8 }
scaleSets:
  - name: web
    region: eastus
    zones: ["1", "2"]
    sku: { name: Mix, capacity: 0 }
    skuProfile: { vmSizes: [{ name: A }, { name: B }] }
    virtualMachineProfile: { priority: Spot }
    priorityMixPolicy: { baseRegularPriorityCount: 1 }
)";

// A fleet of three VMs: a running Regular A in zone 1, a running Spot B in zone 2 and a provisioning Spot A in
// zone 2.
struct World {
  Scenario scenario = test::load_yaml(kScenario);
  Fleet fleet{scenario};

  World() {
    fleet.create_vm(0, 0, 0, 0, Priority::Regular, VmState::Running, 0);
    fleet.create_vm(0, 1, 1, 0, Priority::Spot, VmState::Running, 0);
    fleet.create_vm(0, 0, 1, 0, Priority::Spot, VmState::Provisioning, 0);
  }
};

}  // namespace

TEST_CASE("fleet invariants: a consistent fleet passes", "[invariants]") {
  World world;
  CHECK(world.fleet.check_invariants().empty());
  world.fleet.mark_running(2, 60);
  world.fleet.deallocate(1, 120, "eviction");
  world.fleet.delete_vm(0, 180, "scale_in");
  CHECK(world.fleet.check_invariants().empty());
}

TEST_CASE("fleet invariants: each check fires on a corrupted counter", "[invariants]") {
  World world;
  SetState& set = world.fleet.set(0);

  SECTION("VMs by zone") {
    set.by_zone[0] += 1;
    CHECK_THAT(world.fleet.check_invariants(),
               Contains("set web: VMs by zone sum to 4, the set has 3 (eastus/1 2, eastus/2 2)"));
  }
  SECTION("VMs by size") {
    set.by_size[1] -= 1;
    CHECK_THAT(world.fleet.check_invariants(), Contains("set web: VMs by size sum to 2, the set has 3 (A 2)"));
  }
  SECTION("VMs by priority") {
    set.by_priority[1] += 2;
    CHECK_THAT(world.fleet.check_invariants(),
               Contains("set web: VMs by priority sum to 5, the set has 3 (Regular 1, Spot 4)"));
  }
  SECTION("VMs by state") {
    set.by_state[static_cast<int>(VmState::Failed)] += 1;
    CHECK_THAT(world.fleet.check_invariants(), Contains("set web: VMs by state sum to 4, the set has 3"));
  }
  SECTION("running VMs by zone") {
    set.running_by_zone[1] -= 1;
    CHECK_THAT(world.fleet.check_invariants(), Contains("set web: running VMs by zone sum to 1, the set has 2"));
  }
  SECTION("counters that sum right but differ from the VM table") {
    set.by_zone[0] += 1;
    set.by_zone[1] -= 1;
    CHECK_THAT(world.fleet.check_invariants(),
               Contains("set web: VMs by zone differ from the VM table: recorded eastus/1 2, eastus/2 1; counted "
                        "eastus/1 1, eastus/2 2"));
  }
  SECTION("running vCPUs") {
    set.running_vcpus += 2;
    CHECK_THAT(world.fleet.check_invariants(), Contains("set web: running vCPUs differ from the VM table: recorded 8"));
  }
  SECTION("a pool below zero") {
    world.fleet.pool(0, 1, Priority::Spot).used_vms = -1;
    CHECK_THAT(world.fleet.check_invariants(), Contains("pool eastus/1 B Spot is below zero: -1 used"));
  }
  SECTION("a pool capacity below zero") {
    world.fleet.set_pool_capacity(1, 0, Priority::Regular, -5);
    CHECK_THAT(world.fleet.check_invariants(), Contains("pool eastus/2 A Regular is below zero: 0 used of a capacity of -5"));
  }
  SECTION("a pool's used count") {
    world.fleet.pool(1, 1, Priority::Spot).used_vms += 1;
    CHECK_THAT(world.fleet.check_invariants(), Contains("pool eastus/2 B Spot: 1 VMs hold its hardware, 2 recorded"));
  }
  SECTION("pending VMs below zero") {
    set.pending[1] = -2;
    CHECK_THAT(world.fleet.check_invariants(), Contains("set web: pending VMs below zero: 0 Regular, -2 Spot"));
  }
  SECTION("a family quota exceeded") {
    // create_vm trusts its caller to have checked the quota: four more Regular A VMs make 10 vCPUs of famA.
    for (int i = 0; i < 4; ++i) {
      world.fleet.create_vm(0, 0, 0, 0, Priority::Regular, VmState::Running, 0);
    }
    CHECK_THAT(world.fleet.check_invariants(),
               Contains("region eastus: a quota family's Regular VMs hold 10 vCPUs, above its quota of 8"));
  }
  SECTION("the Spot quota exceeded") {
    world.fleet.create_vm(0, 1, 0, 0, Priority::Spot, VmState::Running, 0);
    CHECK_THAT(world.fleet.check_invariants(),
               Contains("region eastus: Spot VMs hold 10 vCPUs, above the lowPriorityCores quota of 8"));
  }
}

TEST_CASE("recorder invariants: cost and availability", "[invariants]") {
  World world;
  Recorder recorder(world.scenario, world.fleet, "");
  recorder.set_demand(0, 4);
  recorder.advance(3600);
  CHECK(recorder.check_invariants(3600).empty());

  SECTION("availability outside [0, 1]") {
    // A negative pending count makes the target negative, so the integral of min(running, target) falls below 0.
    world.fleet.set(0).pending[0] = -10;
    recorder.advance(7200);
    CHECK_THAT(recorder.check_invariants(7200),
               Contains("set web at t = 7200 s: capacity availability is outside [0, 1]"));
  }
  SECTION("demand served above what was demanded") {
    world.fleet.set(0).running_vcpus = -10;
    recorder.advance(7200);
    CHECK_THAT(recorder.check_invariants(7200), Contains("set web at t = 7200 s: demand availability is outside [0, 1]"));
  }
}

TEST_CASE("recorder invariants: a cost that decreases", "[invariants]") {
  // A negative price, which the loader never accepts, makes the cost fall.
  Scenario scenario = test::load_yaml(kScenario);
  scenario.sizes[0].regular_usd_per_hour[0] = -1.0;
  Fleet fleet(scenario);
  Recorder recorder(scenario, fleet, "");
  fleet.set_observer(&recorder);
  fleet.create_vm(0, 0, 0, 0, Priority::Regular, VmState::Running, 0);
  CHECK_THAT(recorder.check_invariants(0), Contains("set web at t = 0 s: cost grows at"));
  CHECK_THAT(recorder.check_invariants(0), Contains("USD per second, below zero"));
}

TEST_CASE("invariant checks: a broken check throws InvariantError", "[invariants]") {
  const auto broken_check = [](int sum) { MIXSIM_CHECK(sum == 2, "1 + 1 is 2, found " + std::to_string(sum)); };
  CHECK_NOTHROW(broken_check(2));
  CHECK_THROWS_AS(broken_check(3), InvariantError);
  CHECK_THROWS_WITH(broken_check(3), Contains("invariant broken: 1 + 1 is 2, found 3 (sum == 2 at"));
}
