#include "svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "html.hpp"
#include "scenario/time_format.hpp"

namespace mixsim::report {

namespace {

constexpr double kSecondsPerHour = 3600;
constexpr double kSecondsPerDay = 86400;
// Runs up to this long are labelled in hours, longer ones in days.
constexpr double kHourAxisLimitS = 2 * kSecondsPerDay;
// Tick steps on the time axis, in hours or days, smallest first.
constexpr std::array<double, 9> kHourSteps = {0.25, 0.5, 1, 2, 3, 4, 6, 12, 24};
constexpr std::array<double, 11> kDaySteps = {0.25, 0.5, 1, 2, 3, 7, 14, 30, 60, 90, 180};
constexpr int kMaxTimeTicks = 10;
// Opacity of stacked areas: the grid stays visible through them.
constexpr double kAreaOpacity = 0.85;

// Formats an SVG coordinate with one decimal: a tenth of a user unit is finer than a pixel at any page width.
std::string coordinate(double value) { return fmt::format("{:.1f}", value); }

std::string dash_attribute(const std::string& dash) {
  return dash.empty() ? std::string() : fmt::format(" stroke-dasharray=\"{}\"", dash);
}

/// SVG path data in relative commands, whose short numbers keep a year-long chart small. Positions are rounded to
/// tenths of a unit first and each step is the difference of two rounded positions, so rounding errors do not add
/// up along a path of a thousand columns.
class CompactPath {
 public:
  void move_to(double x, double y) {
    const int64_t tx = tenths(x);
    const int64_t ty = tenths(y);
    if (!started_) {
      data_ += "M" + decimal(tx) + " " + decimal(ty);
      started_ = true;
    } else {
      data_ += "m" + decimal(tx - x_) + " " + decimal(ty - y_);
    }
    x_ = tx;
    y_ = ty;
  }
  void line_to(double x, double y) {
    const int64_t tx = tenths(x);
    const int64_t ty = tenths(y);
    if (tx == x_) {
      if (ty != y_) {
        data_ += "v" + decimal(ty - y_);
      }
    } else if (ty == y_) {
      data_ += "h" + decimal(tx - x_);
    } else {
      data_ += "l" + decimal(tx - x_) + " " + decimal(ty - y_);
    }
    x_ = tx;
    y_ = ty;
  }
  void close() { data_ += "Z"; }
  bool empty() const { return !started_; }
  const std::string& data() const { return data_; }

 private:
  static int64_t tenths(double value) { return static_cast<int64_t>(std::llround(value * 10)); }
  // 12 -> "1.2", -5 -> "-.5", 30 -> "3": the shortest text SVG parses back to the same number.
  static std::string decimal(int64_t tenths_value) {
    const bool negative = tenths_value < 0;
    const int64_t magnitude = negative ? -tenths_value : tenths_value;
    std::string text = negative ? "-" : "";
    if (magnitude >= 10 || magnitude % 10 == 0) {
      text += std::to_string(magnitude / 10);
    }
    if (magnitude % 10 != 0) {
      text += "." + std::to_string(magnitude % 10);
    }
    return text;
  }

  std::string data_;
  bool started_ = false;
  int64_t x_ = 0;
  int64_t y_ = 0;
};

// The y values to visit in one column, in the order they occurred, without repeats.
std::vector<double> column_path_values(const ColumnExtremes& column) {
  const std::array<double, 4> ordered = {column.first, column.min_before_max ? column.min : column.max,
                                         column.min_before_max ? column.max : column.min, column.last};
  std::vector<double> values;
  for (double value : ordered) {
    if (values.empty() || values.back() != value) {
      values.push_back(value);
    }
  }
  return values;
}

}  // namespace

namespace palette {

const char* category_color(size_t index) {
  // Yellow is left out: it is too faint for a thin line on white.
  static constexpr std::array<const char*, 7> kColors = {kBlue, kOrange, kBluishGreen, kReddishPurple,
                                                         kSkyBlue, kVermillion, kBlack};
  return kColors[index % kColors.size()];
}

const char* category_dash(size_t index) {
  static constexpr std::array<const char*, 3> kDashes = {"", "6 3", "2 2"};
  return kDashes[(index / 7) % kDashes.size()];
}

}  // namespace palette

NiceScale nice_scale(double low, double high, int ticks) {
  if (!std::isfinite(low) || !std::isfinite(high)) {
    return {};
  }
  if (high <= low) {
    high = low + (low == 0 ? 1 : std::fabs(low) * 0.1);
  }
  const double rough = (high - low) / std::max(1, ticks);
  const double magnitude = std::pow(10, std::floor(std::log10(rough)));
  double step = 10 * magnitude;
  for (double multiple : {1.0, 2.0, 2.5, 5.0}) {
    if (multiple * magnitude >= rough) {
      step = multiple * magnitude;
      break;
    }
  }
  return {std::floor(low / step) * step, std::ceil(high / step) * step, step};
}

std::string format_tick(double value, double step) {
  int decimals = 0;
  while (decimals < 6 && std::fabs(step * std::pow(10, decimals) - std::round(step * std::pow(10, decimals))) > 1e-9) {
    ++decimals;
  }
  if (std::fabs(value) < step * 1e-9) {
    value = 0;  // no "-0"
  }
  return fmt::format("{:.{}f}", value, decimals);
}

double column_x(int column) {
  return ChartFrame::plot_left() + (column + 0.5) * ChartFrame::plot_width() / ChartFrame::columns();
}

double time_x(double t_s, double duration_s) {
  return ChartFrame::plot_left() + t_s / duration_s * ChartFrame::plot_width();
}

std::string render_time_axis(const TimeAxis& axis, double top, double bottom) {
  const bool in_hours = axis.duration_s <= kHourAxisLimitS;
  const double unit_s = in_hours ? kSecondsPerHour : kSecondsPerDay;
  const double span = axis.duration_s / unit_s;
  const std::span<const double> steps = in_hours ? std::span<const double>(kHourSteps) : std::span<const double>(kDaySteps);
  double step = steps.back();
  for (double candidate : steps) {
    if (span / candidate <= kMaxTimeTicks) {
      step = candidate;
      break;
    }
  }

  std::string svg = "<g class=\"tick x-ticks\">";
  for (int i = 0; i * step <= span + 1e-9; ++i) {
    const double x = time_x(i * step * unit_s, axis.duration_s);
    svg += fmt::format("<line class=\"grid\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/>", coordinate(x),
                       coordinate(top), coordinate(bottom));
    svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>", coordinate(x),
                       coordinate(bottom + 16), format_tick(i * step, step));
  }
  svg += "</g>";

  std::string title = in_hours ? "Time since start (h)" : "Time since start (days)";
  if (axis.start_unix_s) {
    title += "; start " + format_timestamp(*axis.start_unix_s);
  }
  svg += fmt::format("<text class=\"axis-title\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                     coordinate(ChartFrame::plot_left() + ChartFrame::plot_width() / 2), coordinate(bottom + 36),
                     escape_html(title));
  return svg;
}

std::string legend_swatch(const std::string& color, const std::string& dash, bool filled) {
  if (filled) {
    return fmt::format("<svg viewBox=\"0 0 26 12\" aria-hidden=\"true\"><rect x=\"1\" y=\"1\" width=\"24\" "
                       "height=\"10\" fill=\"{}\" fill-opacity=\"{}\"/></svg>",
                       color, kAreaOpacity);
  }
  return fmt::format("<svg viewBox=\"0 0 26 12\" aria-hidden=\"true\"><line x1=\"1\" y1=\"6\" x2=\"25\" y2=\"6\" "
                     "stroke=\"{}\" stroke-width=\"2.2\"{}/></svg>",
                     color, dash_attribute(dash));
}

TimeChart::TimeChart(std::string id, std::string title, TimeAxis axis, std::string y_title, std::string y_unit)
    : id_(std::move(id)),
      title_(std::move(title)),
      axis_(axis),
      y_title_(std::move(y_title)),
      y_unit_(std::move(y_unit)) {}

void TimeChart::add_line(const std::string& key, const std::string& label, const SeriesStyle& style,
                         std::span<const double> times_s, std::span<const double> values) {
  lines_.push_back(
      Line{key, label, style, reduce_to_columns(times_s, values, 0, axis_.duration_s, ChartFrame::columns())});
}

void TimeChart::add_stack(std::span<const double> times_s, const std::vector<StackLayer>& layers) {
  std::vector<double> below(times_s.size(), 0.0);
  std::vector<ColumnExtremes> lower;
  for (const StackLayer& layer : layers) {
    std::vector<double> top(below);
    for (size_t i = 0; i < top.size(); ++i) {
      top[i] += std::isnan(layer.values[i]) ? 0.0 : layer.values[i];
    }
    std::vector<ColumnExtremes> upper = reduce_to_columns(times_s, top, 0, axis_.duration_s, ChartFrame::columns());
    areas_.push_back(Area{layer.key, layer.label, layer.color, upper, lower});
    lower = std::move(upper);
    below = std::move(top);
  }
}

void TimeChart::add_threshold(const std::string& key, const std::string& label, double value,
                              const SeriesStyle& style) {
  thresholds_.push_back(Threshold{key, label, value, style});
}

NiceScale TimeChart::y_scale() const {
  double low = include_zero_ ? 0.0 : std::numeric_limits<double>::infinity();
  double high = include_zero_ ? 0.0 : -std::numeric_limits<double>::infinity();
  auto cover = [&](const std::vector<ColumnExtremes>& columns) {
    for (const ColumnExtremes& column : columns) {
      low = std::min(low, column.min);
      high = std::max(high, column.max);
    }
  };
  for (const Area& area : areas_) {
    cover(area.upper);
  }
  for (const Line& line : lines_) {
    cover(line.columns);
  }
  for (const Threshold& threshold : thresholds_) {
    low = std::min(low, threshold.value);
    high = std::max(high, threshold.value);
  }
  if (!std::isfinite(low) || !std::isfinite(high)) {
    return {};
  }
  return nice_scale(low, high);
}

double TimeChart::y_of(double value, const NiceScale& scale) const {
  const double fraction = (value - scale.min) / (scale.max - scale.min);
  return frame_.plot_bottom() - fraction * (frame_.plot_bottom() - frame_.plot_top());
}

std::string TimeChart::render_legend() const {
  std::string html = "<ul class=\"legend\">";
  for (const Area& area : areas_) {
    html += fmt::format("<li data-series=\"{}\">{}{}</li>", escape_html(area.key),
                        legend_swatch(area.color, "", true), escape_html(area.label));
  }
  for (const Line& line : lines_) {
    html += fmt::format("<li data-series=\"{}\">{}{}</li>", escape_html(line.key),
                        legend_swatch(line.style.color, line.style.dash, false), escape_html(line.label));
  }
  for (const Threshold& threshold : thresholds_) {
    html += fmt::format("<li data-series=\"{}\">{}{}</li>", escape_html(threshold.key),
                        legend_swatch(threshold.style.color, threshold.style.dash, false),
                        escape_html(threshold.label));
  }
  return html + "</ul>";
}

std::string TimeChart::render_y_axis(const NiceScale& scale) const {
  std::string svg = "<g class=\"tick y-ticks\">";
  for (double value = scale.min; value <= scale.max + scale.step * 1e-6; value += scale.step) {
    const double y = y_of(value, scale);
    svg += fmt::format("<line class=\"grid\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\"/>",
                       coordinate(ChartFrame::plot_left()), coordinate(ChartFrame::plot_right()), coordinate(y));
    svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                       coordinate(ChartFrame::plot_left() - 6), coordinate(y + 4), format_tick(value, scale.step));
  }
  svg += "</g>";
  const double middle = (frame_.plot_top() + frame_.plot_bottom()) / 2;
  svg += fmt::format(
      "<text class=\"axis-title\" transform=\"translate(16 {}) rotate(-90)\" text-anchor=\"middle\">{} ({})</text>",
      coordinate(middle), escape_html(y_title_), escape_html(y_unit_));
  return svg;
}

std::string TimeChart::render_area(const Area& area, const NiceScale& scale) const {
  if (area.upper.empty()) {
    return fmt::format("<path class=\"series area\" data-series=\"{}\" data-columns=\"0\" d=\"\"/>",
                       escape_html(area.key));
  }
  // Within a column the band spans from the lowest lower edge to the highest upper edge, so a spike shorter than
  // a column still shows at full height.
  CompactPath path;
  for (const ColumnExtremes& column : area.upper) {
    if (path.empty()) {
      path.move_to(column_x(column.column), y_of(column.max, scale));
    } else {
      path.line_to(column_x(column.column), y_of(column.max, scale));
    }
  }
  if (area.lower.empty()) {
    const double base = y_of(std::max(0.0, scale.min), scale);
    path.line_to(column_x(area.upper.back().column), base);
    path.line_to(column_x(area.upper.front().column), base);
  } else {
    for (auto column = area.lower.rbegin(); column != area.lower.rend(); ++column) {
      path.line_to(column_x(column->column), y_of(column->min, scale));
    }
  }
  path.close();
  return fmt::format(
      "<path class=\"series area\" data-series=\"{}\" data-columns=\"{}\" fill=\"{}\" fill-opacity=\"{}\" "
      "stroke=\"none\" d=\"{}\"/>",
      escape_html(area.key), area.upper.size(), area.color, kAreaOpacity, path.data());
}

std::string TimeChart::render_line(const Line& line, const NiceScale& scale) const {
  CompactPath path;
  for (const ColumnExtremes& column : line.columns) {
    const double x = column_x(column.column);
    const std::vector<double> values = column_path_values(column);
    if (path.empty() || column.gap_before) {
      path.move_to(x, y_of(values.front(), scale));
    } else {
      path.line_to(x, y_of(values.front(), scale));
    }
    for (size_t i = 1; i < values.size(); ++i) {
      path.line_to(x, y_of(values[i], scale));
    }
  }
  return fmt::format(
      "<path class=\"series line\" data-series=\"{}\" data-columns=\"{}\" stroke=\"{}\" stroke-width=\"{}\"{} "
      "d=\"{}\"/>",
      escape_html(line.key), line.columns.size(), line.style.color, line.style.width,
      dash_attribute(line.style.dash), path.data());
}

std::string TimeChart::render_threshold(const Threshold& threshold, const NiceScale& scale) const {
  const double y = y_of(threshold.value, scale);
  std::string svg = fmt::format(
      "<g class=\"series threshold\" data-series=\"{}\" data-value=\"{}\"><line x1=\"{}\" x2=\"{}\" y1=\"{}\" "
      "y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"{}/>",
      escape_html(threshold.key), threshold.value, coordinate(ChartFrame::plot_left()),
      coordinate(ChartFrame::plot_right()), coordinate(y), coordinate(y), threshold.style.color,
      threshold.style.width, dash_attribute(threshold.style.dash));
  svg += fmt::format("<text class=\"threshold-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"{}\">{}</text></g>",
                     coordinate(ChartFrame::plot_right() - 4), coordinate(y - 4), threshold.style.color,
                     escape_html(threshold.label));
  return svg;
}

std::string TimeChart::render() const {
  const NiceScale scale = y_scale();
  std::string html = fmt::format("<figure class=\"chart\" id=\"{}\">\n<figcaption>{}</figcaption>\n",
                                 escape_html(id_), escape_html(title_));
  if (!note_.empty()) {
    html += fmt::format("<p class=\"note\">{}</p>\n", escape_html(note_));
  }
  html += render_legend() + "\n";

  html += fmt::format(
      "<svg class=\"time-chart\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\" data-plot-left=\"{}\" "
      "data-plot-right=\"{}\" data-plot-top=\"{}\" data-plot-bottom=\"{}\" data-time-end=\"{}\" data-y-min=\"{}\" "
      "data-y-max=\"{}\" data-unit=\"{}\"",
      ChartFrame::kWidth, frame_.height, escape_html(title_), ChartFrame::plot_left(), ChartFrame::plot_right(),
      frame_.plot_top(), frame_.plot_bottom(), axis_.duration_s, scale.min, scale.max, escape_html(y_unit_));
  if (axis_.start_unix_s) {
    html += fmt::format(" data-start=\"{}\"", *axis_.start_unix_s);
  }
  html += ">\n";
  html += render_y_axis(scale) + render_time_axis(axis_, frame_.plot_top(), frame_.plot_bottom()) + "\n";
  for (const Area& area : areas_) {
    html += render_area(area, scale) + "\n";
  }
  for (const Line& line : lines_) {
    html += render_line(line, scale) + "\n";
  }
  for (const Threshold& threshold : thresholds_) {
    html += render_threshold(threshold, scale) + "\n";
  }
  html += fmt::format("<rect class=\"frame\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                      coordinate(ChartFrame::plot_left()), coordinate(frame_.plot_top()),
                      coordinate(ChartFrame::plot_width()), coordinate(frame_.plot_bottom() - frame_.plot_top()));
  html += fmt::format("<line class=\"crosshair\" visibility=\"hidden\" x1=\"0\" x2=\"0\" y1=\"{}\" y2=\"{}\"/>",
                      coordinate(frame_.plot_top()), coordinate(frame_.plot_bottom()));
  return html + "\n</svg>\n</figure>\n";
}

}  // namespace mixsim::report
