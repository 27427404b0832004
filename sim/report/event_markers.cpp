#include "event_markers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "html.hpp"
#include "report_input_error.hpp"
#include "run_results.hpp"
#include "scenario/csv_reader.hpp"
#include "scenario/time_format.hpp"

namespace fs = std::filesystem;

namespace mixsim::report {

namespace {

const char* const kEventsHeader = "time_s,scaleSet,kind,vm,size,zone,priority,count,detail";
enum EventField { kTime, kSet, kKind, kVm, kSize, kZone, kPriority, kCount, kDetail, kFieldCount };

// Pixel columns per marker bin. A marker is at most as wide as its bin, so neighbours never overlap and each one
// can be hovered; finer bins would need markers too small to point at.
constexpr int kColumnsPerBin = 8;
constexpr double kMinMarkerRadius = 2.5;
constexpr size_t kExamplesPerBin = 3;
constexpr size_t kMaxDetailChars = 240;
// A looping pool capacity profile can repeat many times in a long run. Drops beyond this many per set are not drawn.
constexpr int64_t kMaxCapacityDrops = 10000;
constexpr double kLaneHeight = 28;
constexpr double kTimeToleranceS = 1e-6;

struct LaneStyle {
  const char* key;
  const char* label;
  const char* color;
  const char* shape;  // circle, up, down, diamond, square
};

constexpr std::array<LaneStyle, kMarkerLaneCount> kLaneStyles = {{
    {"scale_out", "Scale-out", palette::kBluishGreen, "up"},
    {"scale_in", "Scale-in", palette::kSkyBlue, "down"},
    {"evict", "Evictions", palette::kVermillion, "circle"},
    {"allocation_failed", "Allocation failures", palette::kReddishPurple, "diamond"},
    {"outage", "Outages and pool capacity drops", palette::kBlack, "square"},
    {"other", "Other (flapping, SKU profile updates)", palette::kOrange, "circle"},
}};

std::optional<MarkerLane> lane_of_kind(const std::string& kind) {
  if (kind == "allocate" || kind == "delete" || kind == "deallocate" || kind == "eviction_notice") {
    return std::nullopt;  // VM lifecycle rows; evictions have their own `evict` row
  }
  if (kind == "scale_out") {
    return MarkerLane::ScaleOut;
  }
  if (kind == "scale_in") {
    return MarkerLane::ScaleIn;
  }
  if (kind == "evict") {
    return MarkerLane::Eviction;
  }
  if (kind == "allocation_failed") {
    return MarkerLane::AllocationFailure;
  }
  if (kind.find("outage") != std::string::npos) {
    return MarkerLane::Outage;
  }
  return MarkerLane::Other;
}

std::string shorten(const std::string& text) {
  return text.size() <= kMaxDetailChars ? text : text.substr(0, kMaxDetailChars) + "...";
}

void add_to_bin(SetMarkers& markers, MarkerLane lane, double t_s, double duration_s, int64_t vms,
                const std::vector<std::string>& breakdown_keys, const std::string& example) {
  const int bins = marker_bin_count();
  const int bin = std::clamp(static_cast<int>(std::floor(t_s / duration_s * bins)), 0, bins - 1);
  auto [found, inserted] = markers.lanes[static_cast<size_t>(lane)].try_emplace(bin);
  MarkerBin& entry = found->second;
  if (inserted) {
    entry.first_s = t_s;
  }
  entry.last_s = t_s;
  ++entry.events;
  entry.vms += vms;
  for (const std::string& key : breakdown_keys) {
    ++entry.breakdown[key];
  }
  if (entry.examples.size() < kExamplesPerBin) {
    entry.examples.push_back(example);
  }
  ++markers.events[static_cast<size_t>(lane)];
}

// Describes one events.csv row for a marker's hover detail.
std::string describe_row(const load::CsvRow& row) {
  const auto& f = row.fields;
  if (!f[kVm].text.empty()) {
    return fmt::format("{} {} {} {} {} {}", f[kKind].text, f[kVm].text, f[kSize].text, f[kZone].text,
                       f[kPriority].text, f[kDetail].text);
  }
  return fmt::format("{} {} VM(s): {}", f[kKind].text, f[kCount].text, shorten(f[kDetail].text));
}

std::vector<std::string> breakdown_keys(MarkerLane lane, const load::CsvRow& row) {
  const auto& f = row.fields;
  switch (lane) {
    case MarkerLane::Eviction:
      return {"cause " + f[kDetail].text, "size " + f[kSize].text, "zone " + f[kZone].text};
    case MarkerLane::AllocationFailure:
      return {"reason " + f[kDetail].text};
    case MarkerLane::Outage:
    case MarkerLane::Other:
      return {f[kKind].text};
    default:
      return {};
  }
}

void check_events_row(const load::CsvRow& row, const std::string& csv_error, const std::string& file,
                      double duration_s, double& time_s, int64_t& count) {
  require_row_shape(row, csv_error, kFieldCount, file);
  const auto time = parse_number(row.fields[kTime].text);
  if (!time || *time < 0 || *time > duration_s + kTimeToleranceS) {
    throw ReportInputError(file, row.line,
                           fmt::format("time_s '{}' is not a time within the run (0 to {} s)",
                                       row.fields[kTime].text, duration_s));
  }
  const auto vms = parse_number(row.fields[kCount].text);
  if (!vms || *vms < 0 || *vms != std::floor(*vms)) {
    throw ReportInputError(file, row.line,
                           fmt::format("count '{}' is not a whole number of VMs", row.fields[kCount].text));
  }
  time_s = *time;
  count = static_cast<int64_t>(*vms);
}

std::string format_time(double t_s, const TimeAxis& axis) {
  std::string text = fmt::format("day {:.3f}", t_s / 86400);
  if (axis.start_unix_s) {
    text += " (" + format_timestamp(*axis.start_unix_s + static_cast<int64_t>(std::floor(t_s))) + ")";
  }
  return text;
}

std::string marker_detail(const LaneStyle& style, const MarkerBin& bin, const TimeAxis& axis) {
  std::string text = fmt::format("{}: {} event{}", style.label, bin.events, bin.events == 1 ? "" : "s");
  if (bin.vms > 0) {
    text += fmt::format(", {} VM{}", bin.vms, bin.vms == 1 ? "" : "s");
  }
  text += "\n" + format_time(bin.first_s, axis);
  if (bin.last_s > bin.first_s) {
    text += " to " + format_time(bin.last_s, axis);
  }
  for (const auto& [key, count] : bin.breakdown) {
    text += fmt::format("\n  {}: {}", key, count);
  }
  for (const std::string& example : bin.examples) {
    text += "\n- " + example;
  }
  if (bin.events > static_cast<int64_t>(bin.examples.size())) {
    text += fmt::format("\n  and {} more", bin.events - static_cast<int64_t>(bin.examples.size()));
  }
  return text;
}

std::string marker_shape(const char* shape, double x, double y, double r, const char* color) {
  const std::string fill = fmt::format("fill=\"{}\"", color);
  if (std::string_view(shape) == "up") {
    return fmt::format("<path {} d=\"M{:.1f} {:.1f}L{:.1f} {:.1f}L{:.1f} {:.1f}Z\"", fill, x, y - r, x + r, y + r * 0.8,
                       x - r, y + r * 0.8);
  }
  if (std::string_view(shape) == "down") {
    return fmt::format("<path {} d=\"M{:.1f} {:.1f}L{:.1f} {:.1f}L{:.1f} {:.1f}Z\"", fill, x, y + r, x + r, y - r * 0.8,
                       x - r, y - r * 0.8);
  }
  if (std::string_view(shape) == "diamond") {
    return fmt::format("<path {} d=\"M{:.1f} {:.1f}L{:.1f} {:.1f}L{:.1f} {:.1f}L{:.1f} {:.1f}Z\"", fill, x, y - r,
                       x + r, y, x, y + r, x - r, y);
  }
  if (std::string_view(shape) == "square") {
    return fmt::format("<rect {} x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\"", fill, x - r * 0.85,
                       y - r * 0.85, r * 1.7, r * 1.7);
  }
  return fmt::format("<circle {} cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{:.1f}\"", fill, x, y, r);
}

std::string render_lane(size_t lane, const SetMarkers& markers, const TimeAxis& axis, double center_y) {
  const LaneStyle& style = kLaneStyles[lane];
  std::string svg = fmt::format("<g class=\"lane\" data-lane=\"{}\" data-events=\"{}\">", style.key,
                                markers.events[lane]);
  svg += fmt::format("<text class=\"lane-label\" x=\"{:.1f}\" y=\"{:.1f}\">{} ({})</text>",
                     ChartFrame::plot_left() + 4, center_y - 9, escape_html(style.label), markers.events[lane]);
  if (markers.lanes[lane].empty()) {
    svg += fmt::format("<text class=\"lane-empty\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">none in this "
                       "run</text>",
                       ChartFrame::plot_left() + ChartFrame::plot_width() / 2, center_y + 8);
  }
  const double bin_width = ChartFrame::plot_width() / marker_bin_count();
  for (const auto& [bin, entry] : markers.lanes[lane]) {
    const double x = ChartFrame::plot_left() + (bin + 0.5) * bin_width;
    // The radius grows with the logarithm of the count, so markers for one event and for a thousand both stay
    // readable, up to half the bin width.
    const double r =
        std::min(bin_width / 2, kMinMarkerRadius + 0.6 * std::log10(static_cast<double>(entry.events)));
    svg += marker_shape(style.shape, x, center_y + 5, r, style.color);
    svg += fmt::format(" class=\"marker has-tip\" data-kind=\"{}\" data-count=\"{}\"><title>{}</title>{}", style.key,
                       entry.events, escape_html(marker_detail(style, entry, axis)),
                       std::string_view(style.shape) == "circle" ? "</circle>"
                       : std::string_view(style.shape) == "square" ? "</rect>"
                                                                   : "</path>");
  }
  return svg + "</g>\n";
}

// Returns the pool's capacity steps as (time, VMs) pairs within the run, repeated when the profile loops.
std::vector<std::pair<double, double>> pool_steps(const nlohmann::json& pool, double duration_s) {
  std::vector<std::pair<double, double>> steps;
  for (const auto& step : pool["steps"]) {
    steps.emplace_back(step.at(0).get<double>(), step.at(1).get<double>());
  }
  const double period_s = pool.value("period_s", 0.0);
  if (period_s <= 0 || steps.empty()) {
    return steps;
  }
  std::vector<std::pair<double, double>> repeated;
  const size_t points = steps.size();
  for (int64_t k = 0; static_cast<int64_t>(repeated.size()) < kMaxCapacityDrops * 2; ++k) {
    const double offset = static_cast<double>(k) * period_s;
    if (steps.front().first + offset > duration_s) {
      break;
    }
    for (size_t i = 0; i < points; ++i) {
      repeated.emplace_back(steps[i].first + offset, steps[i].second);
    }
  }
  return repeated;
}

bool contains_name(const nlohmann::json& list, const std::string& name, const char* field) {
  for (const auto& item : list) {
    const std::string value = field == nullptr ? item.get<std::string>() : item.value(field, std::string());
    if (value == name) {
      return true;
    }
  }
  return false;
}

}  // namespace

int marker_bin_count() { return ChartFrame::columns() / kColumnsPerBin; }

void read_event_markers(const fs::path& path, double duration_s, std::map<std::string, SetMarkers>& markers) {
  const std::string file = path.string();
  const std::string text = read_text_file(path);
  require_complete_last_line(text, file);
  load::CsvReader reader(text);
  load::CsvRow row;
  std::string csv_error;
  if (!reader.next(row, csv_error) || text.rfind(std::string(kEventsHeader) + "\n", 0) != 0) {
    throw ReportInputError(file, 1, fmt::format("the header should be '{}'", kEventsHeader));
  }

  while (reader.next(row, csv_error)) {
    double time_s = 0;
    int64_t count = 0;
    check_events_row(row, csv_error, file, duration_s, time_s, count);
    const auto set = markers.find(row.fields[kSet].text);
    const auto lane = lane_of_kind(row.fields[kKind].text);
    if (set == markers.end() || !lane) {
      continue;
    }
    add_to_bin(set->second, *lane, time_s, duration_s, count, breakdown_keys(*lane, row),
               fmt::format("day {:.3f}: {}", time_s / 86400, describe_row(row)));
  }
}

void add_capacity_drops(const nlohmann::json& parameters, const nlohmann::json& set, double duration_s,
                        SetMarkers& markers) {
  const nlohmann::json& zones = set["zones"];
  const nlohmann::json& sizes = set["vmSizes"];
  int64_t drops = 0;
  for (const auto& pool : parameters.value("pools", nlohmann::json::array())) {
    const std::string zone = pool.value("zone", std::string());
    const std::string size = pool.value("size", std::string());
    if (!pool.contains("steps") || !contains_name(zones, zone, nullptr) || !contains_name(sizes, size, "name")) {
      continue;
    }
    const auto steps = pool_steps(pool, duration_s);
    for (size_t i = 1; i < steps.size() && drops < kMaxCapacityDrops; ++i) {
      const auto [t_s, vms] = steps[i];
      if (vms >= steps[i - 1].second || t_s < 0 || t_s > duration_s) {
        continue;
      }
      const std::string priority = pool.value("priority", std::string());
      add_to_bin(markers, MarkerLane::Outage, t_s, duration_s, 0, {"capacity drop " + priority + " " + size},
                 fmt::format("day {:.3f}: {} capacity of {} in {} drops from {} to {} VMs", t_s / 86400, priority,
                             size, zone, steps[i - 1].second, vms));
      ++drops;
    }
  }

  for (const auto& event : parameters.value("scriptedEvents", nlohmann::json::array())) {
    const double t_s = event.value("at_s", 0.0);
    if (event.value("action", std::string()) != "setPool" ||
        !contains_name(sizes, event.value("size", std::string()), "name")) {
      continue;
    }
    bool touches_set = false;
    for (const auto& zone : event.value("zones", nlohmann::json::array())) {
      touches_set = touches_set || contains_name(zones, zone.get<std::string>(), nullptr);
    }
    if (touches_set) {
      add_to_bin(markers, MarkerLane::Outage, t_s, duration_s, 0, {"scripted setPool"},
                 fmt::format("day {:.3f}: setPool {}", t_s / 86400, event.value("detail", std::string())));
    }
  }
}

std::string render_event_strip(const std::string& id, const std::string& title, const TimeAxis& axis,
                               const SetMarkers& markers) {
  ChartFrame frame;
  frame.height = ChartFrame::kTop + kLaneHeight * kMarkerLaneCount + ChartFrame::kBottom;
  std::string html = fmt::format("<figure class=\"chart events\" id=\"{}\">\n<figcaption>{}</figcaption>\n",
                                 escape_html(id), escape_html(title));
  html += "<p class=\"note\">One marker per group of events close in time; its size grows with the count. Hover "
          "over a marker for the counts and the first events.</p>\n";
  html += fmt::format("<svg class=\"event-strip\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">\n",
                      ChartFrame::kWidth, frame.height, escape_html(title));
  html += render_time_axis(axis, frame.plot_top(), frame.plot_bottom()) + "\n";
  for (size_t lane = 0; lane < kMarkerLaneCount; ++lane) {
    const double top = frame.plot_top() + kLaneHeight * static_cast<double>(lane);
    if (lane > 0) {
      html += fmt::format("<line x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#e6e6e6\"/>",
                          ChartFrame::plot_left(), ChartFrame::plot_right(), top, top);
    }
    html += render_lane(lane, markers, axis, top + kLaneHeight / 2);
  }
  html += fmt::format("<rect class=\"frame\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\"/>",
                      ChartFrame::plot_left(), frame.plot_top(), ChartFrame::plot_width(),
                      frame.plot_bottom() - frame.plot_top());
  return html + "\n</svg>\n</figure>\n";
}

}  // namespace mixsim::report
