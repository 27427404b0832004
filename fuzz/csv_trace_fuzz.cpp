// Fuzz target: a CSV trace through the reader, then through alignment to the scenario's clock.
// Seeds: scenarios/data/*.csv tests/bad_inputs/data/*.csv shared/data/nab-cloudwatch/data/*/*.csv shared/data/azure-llm-inference-2023/data/*.csv shared/data/spothedge-traces/workloads/*/*.csv
#include <cstddef>
#include <cstdint>
#include <string>

#include "trace_fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  mixsim::load::Context context;
  const auto raw = mixsim::load::parse_csv_trace(context, text, "trace.csv", "");
  mixsim::fuzz::check_trace_result(context, raw);
  return 0;
}
