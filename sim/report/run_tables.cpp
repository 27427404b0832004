#include "run_tables.hpp"

#include <fmt/format.h>

#include <functional>
#include <vector>

#include "html.hpp"
#include "scenario/time_format.hpp"

namespace mixsim::report {

namespace {

// Per-set columns beyond this many would make the table too wide to read or print; totals are always shown.
constexpr size_t kMaxSetColumns = 6;
// Capacity profiles with more steps than this are summarized by their range.
constexpr size_t kMaxListedSteps = 8;

using json = nlohmann::json;
using CellFunction = std::function<std::string(const json& block)>;

double number_at(const json& block, std::initializer_list<const char*> path) {
  const json* node = &block;
  for (const char* key : path) {
    if (!node->is_object() || !node->contains(key)) {
      return std::nan("");
    }
    node = &(*node)[key];
  }
  return node->is_number() ? node->get<double>() : std::nan("");
}

std::string text_or_dash(const json& value) {
  if (value.is_null()) {
    return "-";
  }
  if (value.is_string()) {
    return value.get<std::string>();
  }
  return value.dump();
}

std::string table_row(const std::string& label, const std::vector<std::string>& cells, bool numeric = true) {
  std::string html = "<tr><th scope=\"row\">" + escape_html(label) + "</th>";
  for (const std::string& cell : cells) {
    html += fmt::format("<td{}>{}</td>", numeric ? " class=\"num\"" : "", escape_html(cell));
  }
  return html + "</tr>\n";
}

std::string summary_row(const std::string& label, const std::vector<const json*>& blocks, const CellFunction& cell) {
  std::vector<std::string> cells;
  for (const json* block : blocks) {
    cells.push_back(cell(*block));
  }
  return table_row(label, cells);
}

std::string money_at(const json& block, std::initializer_list<const char*> path) {
  return format_usd(number_at(block, path));
}

std::string render_breakdown_rows(const std::string& heading, const char* group, const char* key,
                                  const std::vector<const json*>& blocks, bool as_money) {
  std::string html;
  for (const auto& [name, value] : (*blocks.front())[group][key].items()) {
    const std::string entry = name;
    html += summary_row(heading + " " + entry, blocks, [&](const json& block) {
      const double amount = number_at(block, {group, key, entry.c_str()});
      return as_money ? format_usd(amount) : format_number(amount, 6);
    });
  }
  return html;
}

std::string key_value_table(const std::vector<std::pair<std::string, std::string>>& rows) {
  std::string html = "<table class=\"parameters\">\n";
  for (const auto& [key, value] : rows) {
    html += table_row(key, {value}, false);
  }
  return html + "</table>\n";
}

std::string describe_zones(const json& zones) {
  std::string text;
  for (const auto& zone : zones) {
    text += (text.empty() ? "" : ", ") + zone.get<std::string>();
  }
  return text.empty() ? "-" : text;
}

std::string price_text(const json& price) {
  return price.is_number() ? fmt::format("${}", format_number(price.get<double>(), 6)) : "-";
}

std::string render_sizes_table(const json& set, const json& parameters) {
  std::string html =
      "<table class=\"sizes\"><tr><th>Size</th><th class=\"num\">vCPUs</th><th class=\"num\">Memory (GiB)</th>"
      "<th class=\"num\">Rank</th><th class=\"num\">Regular (USD/h)</th><th class=\"num\">Spot (USD/h)</th></tr>\n";
  for (const auto& size : set["vmSizes"]) {
    const std::string name = size.value("name", std::string());
    json catalog_entry = json::object();
    for (const auto& entry : parameters.value("sizes", json::array())) {
      if (entry.value("name", std::string()) == name) {
        catalog_entry = entry;
      }
    }
    html += fmt::format(
        "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
        escape_html(name), text_or_dash(catalog_entry.value("vCPUs", json())),
        text_or_dash(catalog_entry.value("memoryGiB", json())), text_or_dash(size.value("rank", json())),
        price_text(size.value("regularPricePerHour", json())), price_text(size.value("spotPricePerHour", json())));
  }
  return html + "</table>\n";
}

std::string render_rules_table(const json& autoscale) {
  std::string html = "<table class=\"rules\"><tr><th class=\"num\">Rule</th><th>Condition and action</th>"
                     "<th>Cooldown</th></tr>\n";
  int index = 0;
  for (const auto& rule : autoscale.value("rules", json::array())) {
    html += fmt::format("<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>\n", index++,
                        escape_html(describe_rule(rule)), format_duration(rule.value("cooldown_s", 0.0)));
  }
  return html + "</table>\n";
}

std::vector<std::pair<std::string, std::string>> set_rows(const json& set) {
  std::vector<std::pair<std::string, std::string>> rows = {
      {"Region and zones", set.value("region", std::string()) + ": " + describe_zones(set["zones"]) +
                               (set.value("zoneBalance", false) ? " (strict zone balance)" : "")},
      {"SKU and strategy", set.value("skuName", std::string()) + ", " + set.value("allocationStrategy", std::string())},
      {"Initial capacity", text_or_dash(set.value("initialCapacity", json())) + " VMs"},
      {"Priority", set.value("priority", std::string()) + ", eviction policy " +
                       set.value("evictionPolicy", std::string()) + ", max price " +
                       text_or_dash(set.value("maxPrice", json()))},
      {"Scale-in rule", set.value("scaleInRule", std::string())},
      {"Provisioning time", format_duration(set.value("provisioningTime_s", 0.0))},
  };
  const json& mix = set.value("priorityMix", json());
  if (mix.is_object()) {
    rows.emplace_back("Spot Priority Mix",
                      fmt::format("{} Regular VMs as base, {} % Regular above it",
                                  text_or_dash(mix.value("baseRegularPriorityCount", json())),
                                  text_or_dash(mix.value("regularPriorityPercentageAboveBase", json()))));
  }
  const json& autoscale = set.value("autoscale", json());
  if (autoscale.is_object()) {
    rows.emplace_back("Autoscale", fmt::format("{}profile '{}': minimum {}, maximum {}, default {} VMs",
                                               autoscale.value("enabled", true) ? "" : "disabled; ",
                                               autoscale.value("profile", std::string()),
                                               text_or_dash(autoscale.value("minimum", json())),
                                               text_or_dash(autoscale.value("maximum", json())),
                                               text_or_dash(autoscale.value("default", json()))));
  }
  const json& demand = set.value("demand", json());
  if (demand.is_object()) {
    std::string text = demand.value("kind", std::string());
    for (const auto& [key, value] : demand.items()) {
      if (key != "kind") {
        text += fmt::format(", {} {}", key, format_number(value.get<double>(), 6));
      }
    }
    rows.emplace_back("Demand", text);
  }
  return rows;
}

std::string describe_steps(const json& pool) {
  if (!pool.contains("steps") || pool["steps"].size() > kMaxListedSteps) {
    return fmt::format("{} points", text_or_dash(pool.value("points", json())));
  }
  std::string text;
  for (const auto& step : pool["steps"]) {
    text += fmt::format("{}{}: {}", text.empty() ? "" : ", ", format_duration(step.at(0).get<double>()),
                        format_number(step.at(1).get<double>(), 6));
  }
  if (pool.value("period_s", 0.0) > 0) {
    text += ", repeating every " + format_duration(pool.value("period_s", 0.0));
  }
  return text;
}

std::string render_pools_table(const json& pools) {
  if (pools.empty()) {
    return "<p class=\"note\">Every pool has unlimited capacity.</p>\n";
  }
  std::string html = "<table class=\"pools\"><tr><th>Zone</th><th>Size</th><th>Priority</th><th class=\"num\">"
                     "Min (VMs)</th><th class=\"num\">Max (VMs)</th><th>Steps (time from start: VMs)</th></tr>\n";
  for (const auto& pool : pools) {
    html += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
        escape_html(pool.value("zone", std::string())), escape_html(pool.value("size", std::string())),
        escape_html(pool.value("priority", std::string())), text_or_dash(pool.value("min", json())),
        text_or_dash(pool.value("max", json())), escape_html(describe_steps(pool)));
  }
  return html + "</table>\n";
}

std::string describe_numbers(const json& map) {
  std::string text;
  for (const auto& [key, value] : map.items()) {
    text += fmt::format("{}{} {}", text.empty() ? "" : ", ", key, format_number(value.get<double>(), 6));
  }
  return text.empty() ? "-" : text;
}

std::string render_regions_table(const json& regions) {
  std::string html = "<table class=\"regions\"><tr><th>Region</th><th>Zones</th><th>Family quotas (vCPUs)</th>"
                     "<th>Spot quota (vCPUs)</th><th>Spot eviction rate per hour</th></tr>\n";
  for (const auto& region : regions) {
    const json& spot_quota = region.value("lowPriorityCores", json());
    html += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                        escape_html(region.value("name", std::string())),
                        escape_html(describe_zones(region.value("zones", json::array()))),
                        escape_html(describe_numbers(region.value("quotas", json::object()))),
                        spot_quota.is_number() ? format_number(spot_quota.get<double>(), 8) : "unlimited",
                        escape_html(describe_numbers(region.value("spotEvictionRatePerHour", json::object()))));
  }
  return html + "</table>\n";
}

std::string render_general_parameters(const json& summary, const json& parameters) {
  return key_value_table({
      {"Scenario", summary.value("scenario", std::string())},
      {"Description", parameters.value("description", std::string())},
      {"Seed", text_or_dash(summary.value("seed", json()))},
      {"Platform rules", summary.value("platformRules", std::string())},
      {"Start and duration", parameters.value("start", std::string()) + ", " +
                                 format_duration(summary.value("duration_s", 0.0))},
      {"Timeline sample interval", format_duration(parameters.value("sampleInterval_s", 0.0))},
      {"OS disk price", fmt::format("${} per VM-hour", format_number(parameters.value("osDiskPricePerHour", 0.0), 6))},
      {"Scripted events", text_or_dash(parameters.value("scriptedEventCount", json()))},
      {"mixsim version", summary.value("version", std::string())},
  });
}

}  // namespace

std::string describe_rule(const json& rule) {
  const std::string direction = rule.value("direction", std::string());
  std::string verb = "no change";
  if (direction == "Increase") {
    verb = "scale out";
  } else if (direction == "Decrease") {
    verb = "scale in";
  }
  const std::string type = rule.value("type", std::string());
  const double value = rule.value("value", 0.0);
  const std::string amount = type == "PercentChangeCount" ? fmt::format("by {} %", format_number(value))
                             : type == "ExactCount"       ? fmt::format("to {} VMs", format_number(value))
                                                          : fmt::format("by {}", format_number(value));
  return fmt::format("{} {} when {} {} per {} over {} ({}) {} {}{}", verb, amount, rule.value("statistic", std::string()),
                     rule.value("metricName", std::string()), format_duration(rule.value("timeGrain_s", 0.0)),
                     format_duration(rule.value("timeWindow_s", 0.0)), rule.value("timeAggregation", std::string()),
                     rule.value("operator", std::string()), format_number(rule.value("threshold", 0.0), 6),
                     rule.value("dividePerInstance", false) ? " per instance" : "");
}

std::string render_summary_table(const json& summary) {
  std::vector<const json*> blocks = {&summary};
  std::string header = "<tr><th></th><th class=\"num\">All sets</th>";
  size_t set_count = 0;
  for (const auto& [name, block] : summary["scaleSets"].items()) {
    if (++set_count > kMaxSetColumns || summary["scaleSets"].size() == 1) {
      continue;
    }
    blocks.push_back(&block);
    header += "<th class=\"num\">Set " + escape_html(name) + "</th>";
  }

  std::string html = "<table class=\"summary\">\n" + header + "</tr>\n";
  html += summary_row("Cost, total", blocks, [](const json& b) { return money_at(b, {"cost", "total"}); });
  html += summary_row("Cost, compute", blocks, [](const json& b) { return money_at(b, {"cost", "compute"}); });
  html += summary_row("Cost, OS disk", blocks, [](const json& b) { return money_at(b, {"cost", "disk"}); });
  html += render_breakdown_rows("Cost,", "cost", "byPriority", blocks, true);
  html += render_breakdown_rows("Cost,", "cost", "bySize", blocks, true);
  html += render_breakdown_rows("Cost, zone", "cost", "byZone", blocks, true);

  html += summary_row("Availability of capacity", blocks,
                      [](const json& b) { return format_percent(number_at(b, {"availability", "capacity"})); });
  html += summary_row("Availability of demand", blocks,
                      [](const json& b) { return format_percent(number_at(b, {"availability", "demand"})); });
  html += summary_row("Time below target", blocks, [](const json& b) {
    return format_hours_minutes(number_at(b, {"availability", "timeBelowTarget"}));
  });

  for (const auto& [key, label] : std::vector<std::pair<const char*, const char*>>{
           {"evictions", "Evictions"},
           {"allocationFailures", "Allocation failures"},
           {"scaleOuts", "Scale-outs"},
           {"scaleIns", "Scale-ins"},
           {"restores", "Restores"}}) {
    const char* counter = key;
    html += summary_row(label, blocks,
                        [counter](const json& b) { return format_number(number_at(b, {"counts", counter}), 12); });
  }
  html += render_breakdown_rows("VM-hours,", "vmHours", "byPriority", blocks, false);
  html += "</table>\n";

  if (summary["scaleSets"].size() > kMaxSetColumns) {
    html += fmt::format("<p class=\"note\">The table shows the first {} of {} scale sets; summary.json has all.</p>\n",
                        kMaxSetColumns, summary["scaleSets"].size());
  }
  return html;
}

std::string render_parameters(const json& summary) {
  if (!summary.contains("parameters") || !summary["parameters"].is_object()) {
    return "<p class=\"note\">This run's summary.json has no <code>parameters</code> (it was written by an earlier "
           "mixsim), so the scenario's settings, autoscale thresholds and pool capacity drops are not shown.</p>\n";
  }
  const json& parameters = summary["parameters"];
  std::string html = render_general_parameters(summary, parameters);
  for (const auto& set : parameters.value("scaleSets", json::array())) {
    html += "<h3>Scale set " + escape_html(set.value("name", std::string())) + "</h3>\n";
    html += key_value_table(set_rows(set));
    html += render_sizes_table(set, parameters);
    if (set.value("autoscale", json()).is_object()) {
      html += render_rules_table(set["autoscale"]);
    }
  }
  html += "<h3>Regions</h3>\n" + render_regions_table(parameters.value("regions", json::array()));
  html += "<h3>Pools with limited capacity</h3>\n" + render_pools_table(parameters.value("pools", json::array()));
  return html;
}

}  // namespace mixsim::report
