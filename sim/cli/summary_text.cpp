#include "summary_text.hpp"

#include <fmt/format.h>

#include "scenario/time_format.hpp"

namespace mixsim::cli {

namespace {

std::string money(double usd) { return fmt::format("${:.2f}", usd); }

std::string breakdown(const nlohmann::ordered_json& values, bool as_money) {
  std::string text;
  for (const auto& [name, value] : values.items()) {
    if (!text.empty()) {
      text += ", ";
    }
    text += name + " " + (as_money ? money(value.get<double>()) : fmt::format("{:.1f}", value.get<double>()));
  }
  return text;
}

std::string hours_minutes(double seconds) {
  const auto total_minutes = static_cast<long long>(seconds / 60 + 0.5);
  return fmt::format("{}h {:02d}m", total_minutes / 60, total_minutes % 60);
}

void append_block(std::string& text, const nlohmann::ordered_json& block, const std::string& indent) {
  const auto& cost = block["cost"];
  const auto& availability = block["availability"];
  const auto& counts = block["counts"];
  text += fmt::format("{}Cost: {} ({} compute, {} disk)\n", indent, money(cost["total"].get<double>()),
                      money(cost["compute"].get<double>()), money(cost["disk"].get<double>()));
  text += fmt::format("{}  by size:     {}\n", indent, breakdown(cost["bySize"], true));
  text += fmt::format("{}  by priority: {}\n", indent, breakdown(cost["byPriority"], true));
  text += fmt::format("{}Availability: capacity {:.2f} %, demand {:.2f} %, below target {}\n", indent,
                      availability["capacity"].get<double>() * 100, availability["demand"].get<double>() * 100,
                      hours_minutes(availability["timeBelowTarget"].get<double>()));
  text += fmt::format("{}Counts: {} evictions, {} allocation failures, {} scale-outs, {} scale-ins, {} restores\n",
                      indent, counts["evictions"].get<int64_t>(), counts["allocationFailures"].get<int64_t>(),
                      counts["scaleOuts"].get<int64_t>(), counts["scaleIns"].get<int64_t>(),
                      counts["restores"].get<int64_t>());
  text += fmt::format("{}VM-hours: {}\n", indent, breakdown(block["vmHours"]["byPriority"], false));
}

}  // namespace

std::string format_summary(const Scenario& scenario, const nlohmann::ordered_json& summary,
                           const std::string& out_dir) {
  std::string text = fmt::format("mixsim {}: scenario {}, seed {}, {} from {}, {} rules\n", MIXSIM_VERSION,
                                 scenario.name, scenario.seed, format_duration(scenario.duration_s),
                                 format_timestamp(scenario.start_unix_s), to_string(scenario.platform_rules));
  text += fmt::format("Results: {}\n\n", out_dir);
  append_block(text, summary, "");
  if (scenario.scale_sets.size() > 1) {
    for (const auto& [name, block] : summary["scaleSets"].items()) {
      text += fmt::format("\nScale set {}:\n", name);
      append_block(text, block, "  ");
    }
  }
  return text;
}

}  // namespace mixsim::cli
