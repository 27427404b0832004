// The reference for mixsim's per-event cost: a minimal SimGrid program in which one actor calls sleep_until once
// for each event of a run. Usage: sleep_baseline EVENTS. Prints the events it dispatched.
#include <simgrid/s4u.hpp>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  simgrid::s4u::Engine engine(&argc, argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: sleep_baseline EVENTS\n");
    return 2;
  }
  const long events = std::atol(argv[1]);
  auto* zone = simgrid::s4u::create_full_zone("world");
  simgrid::s4u::Host* host = zone->create_host("controller", 1e9);
  zone->seal();
  simgrid::s4u::Actor::create("clock", host, [events]() {
    for (long i = 1; i <= events; ++i) {
      simgrid::s4u::this_actor::sleep_until(static_cast<double>(i));
    }
  });
  engine.run();
  std::printf("%ld\n", events);
  return 0;
}
