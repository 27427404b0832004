#include "run_report.hpp"

#include <fmt/format.h>

#include <map>
#include <optional>

#include "event_markers.hpp"
#include "html.hpp"
#include "report_input_error.hpp"
#include "run_results.hpp"
#include "run_tables.hpp"
#include "scenario/time_format.hpp"
#include "svg_chart.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace mixsim::report {

namespace {

const SeriesStyle kTargetStyle{palette::kBlack, "", 2.0};
const SeriesStyle kDeallocatedStyle{palette::kBlack, "6 3", 1.5};
const SeriesStyle kPendingStyle{palette::kBlack, "1.5 2.5", 1.8};
const SeriesStyle kProvisioningStyle{palette::kGrey, "8 3 2 3", 1.5};
const SeriesStyle kLimitStyle{palette::kGrey, "2 4", 1.2};
const SeriesStyle kScaleOutThresholdStyle{palette::kVermillion, "7 4", 1.6};
const SeriesStyle kScaleInThresholdStyle{palette::kBluishGreen, "7 4", 1.6};

/// The inputs of one set's charts.
struct SetContext {
  size_t index = 0;
  const Timeline* timeline = nullptr;
  const SetTimeline* rows = nullptr;
  const json* parameters = nullptr;  // the set's entry in summary.json parameters.scaleSets, or null
  TimeAxis axis;
  std::string id;  // prefix of the element ids of the set's charts
};

std::optional<std::span<const double>> column_values(const SetContext& set, std::string_view name) {
  const auto index = set.timeline->column(name);
  if (!index) {
    return std::nullopt;
  }
  return std::span<const double>(set.rows->columns[*index]);
}

std::span<const double> required_column(const SetContext& set, std::string_view name) {
  // The reader checked the contract's leading columns, so these are always present.
  return *column_values(set, name);
}

bool any_nonzero(std::span<const double> values) {
  for (double value : values) {
    if (value != 0 && !std::isnan(value)) {
      return true;
    }
  }
  return false;
}

// Names after `prefix` of the columns the set uses: those the parameters list, or else those that are ever
// non-zero (all of them when none is).
std::vector<std::string> used_names(const SetContext& set, std::string_view prefix, const char* parameter_list) {
  const auto columns = set.timeline->columns_with_prefix(prefix);
  std::vector<std::string> names;
  if (set.parameters != nullptr && set.parameters->contains(parameter_list)) {
    for (const auto& item : (*set.parameters)[parameter_list]) {
      const std::string name = item.is_string() ? item.get<std::string>() : item.value("name", std::string());
      if (set.timeline->column(std::string(prefix) + name)) {
        names.push_back(name);
      }
    }
    return names;
  }
  for (const auto& [index, name] : columns) {
    if (any_nonzero(set.rows->columns[index])) {
      names.push_back(name);
    }
  }
  if (names.empty()) {
    for (const auto& [index, name] : columns) {
      names.push_back(name);
    }
  }
  return names;
}

void add_state_lines(TimeChart& chart, const SetContext& set) {
  const std::span<const double> time = set.rows->time_s;
  chart.add_line("target", "Target capacity", kTargetStyle, time, required_column(set, "target"));
  chart.add_line("deallocated", "Deallocated", kDeallocatedStyle, time, required_column(set, "deallocated"));
  if (const auto provisioning = column_values(set, "provisioning")) {
    chart.add_line("provisioning", "Provisioning", kProvisioningStyle, time, *provisioning);
  }
  if (const auto pending = column_values(set, "pending")) {
    chart.add_line("pending", "Pending (not yet placed)", kPendingStyle, time, *pending);
  }
}

std::string capacity_by_size_chart(const SetContext& set) {
  TimeChart chart(set.id + "-capacity-by-size", "Capacity: running VMs by size against the target", set.axis,
                  "VMs", "count");
  std::vector<TimeChart::StackLayer> layers;
  const std::vector<std::string> sizes = used_names(set, "running.size.", "vmSizes");
  for (size_t i = 0; i < sizes.size(); ++i) {
    layers.push_back({"size:" + sizes[i], sizes[i], palette::category_color(i),
                      required_column(set, "running.size." + sizes[i])});
  }
  chart.add_stack(set.rows->time_s, layers);
  add_state_lines(chart, set);
  if (set.parameters != nullptr && (*set.parameters)["autoscale"].is_object()) {
    const json& autoscale = (*set.parameters)["autoscale"];
    chart.add_threshold("autoscale-minimum", fmt::format("autoscale minimum {}", autoscale.value("minimum", 0)),
                        autoscale.value("minimum", 0), kLimitStyle);
    chart.add_threshold("autoscale-maximum", fmt::format("autoscale maximum {}", autoscale.value("maximum", 0)),
                        autoscale.value("maximum", 0), kLimitStyle);
  }
  return chart.render();
}

std::string capacity_by_priority_chart(const SetContext& set) {
  TimeChart chart(set.id + "-capacity-by-priority", "Capacity: running VMs by priority against the target",
                  set.axis, "VMs", "count");
  chart.add_stack(set.rows->time_s, {{"priority:Regular", "Regular", palette::kBlue,
                                      required_column(set, "running_regular")},
                                     {"priority:Spot", "Spot", palette::kOrange, required_column(set, "running_spot")}});
  add_state_lines(chart, set);
  return chart.render();
}

std::string zone_chart(const SetContext& set) {
  TimeChart chart(set.id + "-vms-by-zone", "Running VMs per availability zone", set.axis, "VMs", "count");
  const std::vector<std::string> zones = used_names(set, "running.zone.", "zones");
  for (size_t i = 0; i < zones.size(); ++i) {
    chart.add_line("zone:" + zones[i], zones[i],
                   SeriesStyle{palette::category_color(i), palette::category_dash(i), 1.8}, set.rows->time_s,
                   required_column(set, "running.zone." + zones[i]));
  }
  return chart.render();
}

std::string demand_chart(const SetContext& set) {
  TimeChart chart(set.id + "-demand", "Demand against served vCPUs", set.axis, "Work", "vCPUs");
  chart.set_note("Served = min(demand, vCPUs of running VMs); where the demand line rises above the area, work "
                 "went unserved.");
  chart.add_stack(set.rows->time_s, {{"served", "Served", palette::kSkyBlue, required_column(set, "served_vcpu")}});
  chart.add_line("demand", "Demand", SeriesStyle{palette::kBlack, "", 1.2}, set.rows->time_s,
                 required_column(set, "demand_vcpu"));
  return chart.render();
}

std::string cpu_chart(const SetContext& set) {
  TimeChart chart(set.id + "-cpu", "Percentage CPU and the autoscale thresholds", set.axis, "Percentage CPU", "%");
  chart.add_line("cpu", "Percentage CPU (timeline sample)", SeriesStyle{palette::kBlue, "", 1.6}, set.rows->time_s,
                 required_column(set, "cpu_percent"));
  const json* autoscale = set.parameters != nullptr ? &(*set.parameters)["autoscale"] : nullptr;
  if (autoscale == nullptr || !autoscale->is_object()) {
    chart.set_note(set.parameters == nullptr ? "summary.json has no parameters, so the thresholds are not known."
                                             : "This set has no autoscale setting.");
    return chart.render();
  }
  int index = 0;
  for (const auto& rule : autoscale->value("rules", json::array())) {
    const int rule_index = index++;
    if (rule.value("metricName", std::string()) != "Percentage CPU" || rule.value("dividePerInstance", false)) {
      continue;
    }
    const bool grows = rule.value("direction", std::string()) == "Increase";
    chart.add_threshold(fmt::format("threshold:{}", rule_index),
                        fmt::format("rule {}: {} {} ({})", rule_index, rule.value("operator", std::string()),
                                    format_number(rule.value("threshold", 0.0), 6), grows ? "scale out" : "scale in"),
                        rule.value("threshold", 0.0), grows ? kScaleOutThresholdStyle : kScaleInThresholdStyle);
  }
  chart.set_note("Autoscale compares each rule's aggregate over its time window with the threshold; the line is the "
                 "instantaneous value at each timeline sample.");
  return chart.render();
}

std::string cost_chart(const SetContext& set, const char* prefix, const char* key_prefix, const char* what,
                       const std::vector<std::string>& names, const std::vector<std::string>& colors) {
  TimeChart chart(set.id + "-cost-by-" + what, fmt::format("Cumulative cost by {}", what), set.axis, "Cost", "USD");
  std::vector<TimeChart::StackLayer> layers;
  for (size_t i = 0; i < names.size(); ++i) {
    if (const auto values = column_values(set, prefix + names[i])) {
      layers.push_back({key_prefix + names[i], names[i], colors[i], *values});
    }
  }
  if (layers.empty()) {
    chart.set_note(fmt::format("timeline.csv has no {} columns (it was written by an earlier mixsim); only the total "
                               "is drawn.",
                               prefix));
  }
  chart.add_stack(set.rows->time_s, layers);
  chart.add_line("cost-total", "Total (compute and OS disk)", SeriesStyle{palette::kBlack, "", 1.5}, set.rows->time_s,
                 required_column(set, "cost_usd"));
  return chart.render();
}

std::string cost_charts(const SetContext& set) {
  std::vector<std::string> sizes = used_names(set, "running.size.", "vmSizes");
  std::vector<std::string> size_colors;
  for (size_t i = 0; i < sizes.size(); ++i) {
    size_colors.push_back(palette::category_color(i));
  }
  return cost_chart(set, "cost.size.", "size:", "size", sizes, size_colors) +
         cost_chart(set, "cost.priority.", "priority:", "priority", {"Regular", "Spot"},
                    {palette::kBlue, palette::kOrange});
}

const json* set_parameters(const json& summary, const std::string& name) {
  if (!summary.contains("parameters") || !summary["parameters"].contains("scaleSets")) {
    return nullptr;
  }
  for (const auto& set : summary["parameters"]["scaleSets"]) {
    if (set.value("name", std::string()) == name) {
      return &set;
    }
  }
  return nullptr;
}

std::string render_set_section(const SetContext& set, const SetMarkers* markers) {
  std::string html = fmt::format("<section class=\"scale-set\" id=\"{}\" data-set=\"{}\">\n<h2>Scale set {}</h2>\n",
                                 set.id, escape_html(set.rows->name), escape_html(set.rows->name));
  html += capacity_by_size_chart(set) + capacity_by_priority_chart(set);
  if (markers != nullptr) {
    html += render_event_strip(set.id + "-events", "Events: evictions, allocation failures, outages, autoscale",
                               set.axis, *markers);
  } else {
    html += "<p class=\"note\">events.csv was not written for this run (outputs.events: false), so no event markers "
            "are drawn.</p>\n";
  }
  html += zone_chart(set) + demand_chart(set) + cpu_chart(set) + cost_charts(set);
  return html + "</section>\n";
}

bool output_enabled(const json& summary, const char* file) {
  if (!summary.contains("parameters")) {
    return true;
  }
  return summary["parameters"].value("outputs", json::object()).value(file, true);
}

std::string render_header(const json& summary, const fs::path& run_dir) {
  const json parameters = summary.value("parameters", json::object());
  std::string html = fmt::format("<header>\n<h1>mixsim run report: {}, seed {}</h1>\n",
                                 escape_html(summary["scenario"].get<std::string>()), summary["seed"].dump());
  if (!parameters.value("description", std::string()).empty()) {
    html += "<p class=\"lead\">" + escape_html(parameters["description"].get<std::string>()) + "</p>\n";
  }
  html += fmt::format("<p class=\"lead\">{} simulated{}, {} rules, mixsim {}. Results from {}.</p>\n</header>\n",
                      format_duration(summary["duration_s"].get<double>()),
                      parameters.contains("start") ? " from " + escape_html(parameters["start"].get<std::string>()) : "",
                      escape_html(summary.value("platformRules", std::string("?"))),
                      escape_html(summary.value("version", std::string("?"))), escape_html(run_dir.string()));
  return html;
}

std::string render_navigation(const Timeline* timeline) {
  std::string html = "<nav><ul><li><a href=\"#summary\">Summary</a></li>";
  if (timeline != nullptr) {
    for (size_t i = 0; i < timeline->sets.size(); ++i) {
      html += fmt::format("<li><a href=\"#set{}\">Scale set {}</a></li>", i, escape_html(timeline->sets[i].name));
    }
  }
  return html + "<li><a href=\"#parameters\">Scenario parameters</a></li></ul></nav>\n";
}

std::optional<int64_t> start_of(const json& summary) {
  if (!summary.contains("parameters") || !summary["parameters"].contains("start")) {
    return std::nullopt;
  }
  const auto start = parse_timestamp(summary["parameters"]["start"].get<std::string>());
  return start ? std::optional<int64_t>(static_cast<int64_t>(*start)) : std::nullopt;
}

}  // namespace

std::string build_run_report(const fs::path& run_dir) {
  std::error_code error;
  if (!fs::is_directory(run_dir, error)) {
    throw ReportInputError(run_dir.string(), 0, "not found or not a folder");
  }
  if (!fs::exists(run_dir / "summary.json", error)) {
    throw ReportInputError((run_dir / "summary.json").string(), 0,
                           "not found; give a result folder written by mixsim run, or a sweep folder with sweep.json");
  }
  const json summary = read_summary(run_dir / "summary.json");
  const double duration_s = summary["duration_s"].get<double>();
  const TimeAxis axis{duration_s, start_of(summary)};

  std::optional<Timeline> timeline;
  if (output_enabled(summary, "timeline") || fs::exists(run_dir / "timeline.csv")) {
    timeline = read_timeline(run_dir / "timeline.csv", duration_s, kMaxChartedSets);
  }
  std::map<std::string, SetMarkers> markers;
  const bool has_events = output_enabled(summary, "events") || fs::exists(run_dir / "events.csv");
  if (timeline && has_events) {
    for (const SetTimeline& set : timeline->sets) {
      markers[set.name] = SetMarkers{};
    }
  }
  if (has_events) {
    read_event_markers(run_dir / "events.csv", duration_s, markers);
  }

  std::string body = render_header(summary, run_dir) + render_navigation(timeline ? &*timeline : nullptr);
  body += "<section id=\"summary\">\n<h2>Summary</h2>\n" + render_summary_table(summary) + "</section>\n";
  if (!timeline) {
    body += "<p class=\"note\">timeline.csv was not written for this run (outputs.timeline: false), so there are no "
            "charts.</p>\n";
  } else {
    for (size_t i = 0; i < timeline->sets.size(); ++i) {
      SetContext set{i, &*timeline, &timeline->sets[i], set_parameters(summary, timeline->sets[i].name), axis,
                     fmt::format("set{}", i)};
      if (set.parameters != nullptr) {
        add_capacity_drops(summary["parameters"], *set.parameters, duration_s, markers[set.rows->name]);
      }
      body += render_set_section(set, has_events ? &markers[set.rows->name] : nullptr);
    }
    if (timeline->set_names.size() > timeline->sets.size()) {
      body += fmt::format("<p class=\"note\">Charts are drawn for the first {} of {} scale sets.</p>\n",
                          timeline->sets.size(), timeline->set_names.size());
    }
  }
  body += "<section id=\"parameters\">\n<h2>Scenario parameters</h2>\n" + render_parameters(summary) + "</section>\n";
  body += fmt::format("<footer>Drawn by mixsim {} from summary.json, timeline.csv and events.csv in {}.</footer>\n",
                      MIXSIM_VERSION, escape_html(run_dir.string()));
  return html_page(fmt::format("mixsim run report: {}", summary["scenario"].get<std::string>()), body);
}

}  // namespace mixsim::report
