// SimGrid wiring: the platform (one NetZone per region, one per zone) and the actor whose sleeps advance the
// clock. The agenda itself lives in Simulation: SimGrid does not order wake-ups that fall on the same date, and
// the contract fixes that order, so one actor sleeps until the next due instant and runs it in that order.
#include <simgrid/s4u.hpp>

#include <cmath>
#include <exception>
#include <memory>

#include "mixsim/check.hpp"
#include "mixsim/simulation.hpp"
#include "simulation.hpp"

XBT_LOG_NEW_CATEGORY(mixsim, "mixsim, the mixed-size VM fleet simulator");
XBT_LOG_NEW_DEFAULT_SUBCATEGORY(mixsim_driver, mixsim, "SimGrid platform and clock");

namespace mixsim {

namespace {

// Speed of the placeholder hosts: nothing computes on them yet, but SimGrid requires a speed.
constexpr double kHostFlops = 1e9;

// Builds one NetZone per region under a root zone, and one per availability zone under its region, each with a
// host standing for the zone's hardware. Returns the host the clock actor runs on.
simgrid::s4u::Host* build_platform(const Scenario& scenario) {
  auto* world = simgrid::s4u::create_full_zone("world");
  simgrid::s4u::Host* controller = world->create_host("controller", kHostFlops);
  for (const Region& region : scenario.regions) {
    auto* region_zone = simgrid::s4u::create_full_zone(region.name);
    region_zone->set_parent(world);
    for (ZoneId zone : region.zones) {
      auto* availability_zone = simgrid::s4u::create_full_zone(scenario.zones[zone].label);
      availability_zone->set_parent(region_zone);
      availability_zone->create_host(scenario.zones[zone].label, kHostFlops);
      availability_zone->seal();
    }
    region_zone->seal();
  }
  world->seal();
  return controller;
}

}  // namespace

nlohmann::ordered_json run_simulation(const Scenario& scenario, const RunOptions& options) {
  std::vector<std::string> arguments = {"mixsim"};
  arguments.insert(arguments.end(), options.simgrid_args.begin(), options.simgrid_args.end());
  std::vector<char*> argv;
  for (std::string& argument : arguments) {
    argv.push_back(argument.data());
  }
  argv.push_back(nullptr);
  int argc = static_cast<int>(arguments.size());
  std::unique_ptr<simgrid::s4u::Engine> engine_holder;
  try {
    engine_holder = std::make_unique<simgrid::s4u::Engine>(&argc, argv.data());
  } catch (const std::exception& error) {
    // SimGrid's message lists every configuration key after the unknown one, so only its first line is kept.
    const std::string message = error.what();
    throw SettingError(message.substr(0, message.find('\n')));
  }
  simgrid::s4u::Engine& engine = *engine_holder;

  simgrid::s4u::Host* controller = build_platform(scenario);
  Simulation simulation(scenario, options);
  std::exception_ptr failure;

  // Exceptions must not cross SimGrid's context switches; the actor keeps the first one and stops.
  simgrid::s4u::Actor::create("clock", controller, [&]() {
    try {
      simulation.start();
      for (double next = simulation.next_time(); std::isfinite(next); next = simulation.next_time()) {
        simgrid::s4u::this_actor::sleep_until(next);
        const double clock = simgrid::s4u::Engine::get_clock();
        MIXSIM_CHECK(std::fabs(clock - next) <= 1e-9 * std::max(1.0, next), "SimGrid's clock reached the planned instant");
        simulation.process_instant(next);
      }
    } catch (...) {
      failure = std::current_exception();
    }
  });
  engine.run();
  if (failure) {
    std::rethrow_exception(failure);
  }
  XBT_VERB("run finished at t = %g s after %lld instants", simgrid::s4u::Engine::get_clock(),
           static_cast<long long>(simulation.events_processed()));
  return simulation.finish();
}

}  // namespace mixsim
