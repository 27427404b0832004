// Charts as inline SVG: the palette, nice axis scales, and time charts of lines, stacked areas and thresholds.
// Every series is reduced to one entry per pixel column before it is drawn (series_reduction.hpp), so a chart's
// size depends on its width, not on the length of the run.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "series_reduction.hpp"

namespace mixsim::report {

/// The Okabe-Ito palette (Okabe and Ito, "Color Universal Design", 2008): eight colours that stay distinct with
/// the common colour-vision deficiencies and in greyscale print with the dash patterns below.
namespace palette {
inline constexpr const char* kBlack = "#000000";
inline constexpr const char* kOrange = "#E69F00";
inline constexpr const char* kSkyBlue = "#56B4E9";
inline constexpr const char* kBluishGreen = "#009E73";
inline constexpr const char* kYellow = "#F0E442";
inline constexpr const char* kBlue = "#0072B2";
inline constexpr const char* kVermillion = "#D55E00";
inline constexpr const char* kReddishPurple = "#CC79A7";
inline constexpr const char* kGrey = "#7A7A7A";

/// Returns the colour of the index-th category (a size, a zone, a sweep level); colours repeat after seven.
const char* category_color(size_t index);
/// Returns a dash pattern that separates categories sharing a colour: solid for the first seven.
const char* category_dash(size_t index);
}  // namespace palette

/// The stroke of a line.
struct SeriesStyle {
  std::string color = palette::kBlack;
  std::string dash;  // an SVG stroke-dasharray; empty for a solid line
  double width = 1.6;
};

/// The drawing area of a chart in SVG user units. The SVG scales to the page width, so these are proportions.
struct ChartFrame {
  static constexpr double kWidth = 1000;
  static constexpr double kLeft = 72;
  static constexpr double kRight = 20;
  static constexpr double kTop = 12;
  static constexpr double kBottom = 46;

  double height = 250;

  static constexpr double plot_left() { return kLeft; }
  static constexpr double plot_right() { return kWidth - kRight; }
  static constexpr double plot_width() { return kWidth - kLeft - kRight; }
  double plot_top() const { return kTop; }
  double plot_bottom() const { return height - kBottom; }
  /// Pixel columns a time series is reduced to: one per unit of plot width.
  static constexpr int columns() { return static_cast<int>(plot_width()); }
};

/// An axis range rounded out to nice numbers, with its tick step.
struct NiceScale {
  double min = 0;
  double max = 1;
  double step = 0.2;
};

/// Returns a range that covers [low, high] with about `ticks` steps of 1, 2, 2.5 or 5 times a power of ten.
NiceScale nice_scale(double low, double high, int ticks = 5);

/// Formats a tick value with the decimals its step needs.
std::string format_tick(double value, double step);

/// Simulated time on a chart's x axis: [0, duration_s] seconds, labelled in hours or days from the start.
struct TimeAxis {
  double duration_s = 0;
  std::optional<int64_t> start_unix_s;  // wall-clock origin, shown in the axis title and the hover readout
};

/// Returns the SVG of the time axis ticks, grid lines and title for a plot spanning [top, bottom].
std::string render_time_axis(const TimeAxis& axis, double top, double bottom);

/// Returns `<svg>` text for a legend swatch: a line (with its dash), or a filled box when `filled`.
std::string legend_swatch(const std::string& color, const std::string& dash, bool filled);

/// A chart of series against simulated time.
class TimeChart {
 public:
  /// `id` must be unique in the page; `y_title` names the quantity and `y_unit` its unit, e.g. "Running VMs", "VMs".
  TimeChart(std::string id, std::string title, TimeAxis axis, std::string y_title, std::string y_unit);

  /// Adds a line. `times_s` and `values` have the same length; NaN values leave a gap.
  void add_line(const std::string& key, const std::string& label, const SeriesStyle& style,
                std::span<const double> times_s, std::span<const double> values);

  /// One layer of a stacked area; NaN values count as 0.
  struct StackLayer {
    std::string key;
    std::string label;
    std::string color;
    std::span<const double> values;
  };
  /// Adds areas stacked bottom to top in the order given, all sampled at `times_s`.
  void add_stack(std::span<const double> times_s, const std::vector<StackLayer>& layers);

  /// Adds a horizontal line at `value` with its label drawn at the right end.
  void add_threshold(const std::string& key, const std::string& label, double value, const SeriesStyle& style);

  /// A short text shown under the title (plain text).
  void set_note(std::string note) { note_ = std::move(note); }
  /// Whether the y axis must include 0 (default true: counts, costs and percentages start at 0).
  void set_include_zero(bool include_zero) { include_zero_ = include_zero; }
  void set_height(double height) { frame_.height = height; }

  /// Returns the chart as a <figure> holding its title, legend and SVG.
  std::string render() const;

 private:
  struct Line {
    std::string key;
    std::string label;
    SeriesStyle style;
    std::vector<ColumnExtremes> columns;
  };
  struct Area {
    std::string key;
    std::string label;
    std::string color;
    std::vector<ColumnExtremes> upper;
    std::vector<ColumnExtremes> lower;  // empty for the bottom layer, which rests on 0
  };
  struct Threshold {
    std::string key;
    std::string label;
    double value = 0;
    SeriesStyle style;
  };

  NiceScale y_scale() const;
  double y_of(double value, const NiceScale& scale) const;
  std::string render_legend() const;
  std::string render_y_axis(const NiceScale& scale) const;
  std::string render_area(const Area& area, const NiceScale& scale) const;
  std::string render_line(const Line& line, const NiceScale& scale) const;
  std::string render_threshold(const Threshold& threshold, const NiceScale& scale) const;

  std::string id_;
  std::string title_;
  TimeAxis axis_;
  std::string y_title_;
  std::string y_unit_;
  std::string note_;
  bool include_zero_ = true;
  ChartFrame frame_;
  std::vector<Area> areas_;
  std::vector<Line> lines_;
  std::vector<Threshold> thresholds_;
};

/// Returns the x coordinate of the centre of pixel column `column`.
double column_x(int column);

/// Returns the x coordinate of simulated time t_s on an axis of `duration_s`.
double time_x(double t_s, double duration_s);

}  // namespace mixsim::report
