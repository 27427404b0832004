// Fuzz target: a JSON trace ({"metadata": {"gap_seconds": N}, "data": [...]}) through the reader, then through
// alignment to the scenario's clock.
// Seeds: tests/bad_inputs/data/*.json shared/data/spot-traces/*/*/*/*.json shared/data/spothedge-traces/data/*/*.json
#include <cstddef>
#include <cstdint>
#include <string>

#include "trace_fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  mixsim::load::Context context;
  const auto raw = mixsim::load::parse_json_trace(context, text, "trace.json");
  mixsim::fuzz::check_trace_result(context, raw);
  return 0;
}
