#include "sweep_charts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "html.hpp"
#include "svg_chart.hpp"

namespace mixsim::report {

namespace {

constexpr double kWidth = 1000;
constexpr double kInf = std::numeric_limits<double>::infinity();

/// A numeric axis: a nice value range mapped onto a pixel range (which may run backwards, as y does).
struct NumericAxis {
  NiceScale scale;
  double from_px = 0;
  double to_px = 1;

  double map(double value) const {
    return from_px + (value - scale.min) / (scale.max - scale.min) * (to_px - from_px);
  }
};

/// The low and high ends of the values a chart must show.
struct Extent {
  double low = kInf;
  double high = -kInf;

  void cover(double value) {
    if (std::isfinite(value)) {
      low = std::min(low, value);
      high = std::max(high, value);
    }
  }
  NiceScale nice() const { return std::isfinite(low) ? nice_scale(low, high) : NiceScale{}; }
};

std::string y_ticks(const NumericAxis& axis, double left, double right) {
  std::string svg = "<g class=\"tick y-ticks\">";
  for (double value = axis.scale.min; value <= axis.scale.max + axis.scale.step * 1e-6; value += axis.scale.step) {
    const double y = axis.map(value);
    svg += fmt::format("<line class=\"grid\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>", left, right,
                       y, y);
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>", left - 6, y + 4,
                       format_tick(value, axis.scale.step));
  }
  return svg + "</g>";
}

std::string x_ticks(const NumericAxis& axis, double top, double bottom) {
  std::string svg = "<g class=\"tick x-ticks\">";
  for (double value = axis.scale.min; value <= axis.scale.max + axis.scale.step * 1e-6; value += axis.scale.step) {
    const double x = axis.map(value);
    svg += fmt::format("<line class=\"grid\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>", x, x, top,
                       bottom);
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>", x, bottom + 16,
                       format_tick(value, axis.scale.step));
  }
  return svg + "</g>";
}

std::string axis_title_text(const AxisQuantity& quantity) {
  return escape_html(quantity.title + " (" + quantity.unit + ")");
}

std::string x_title(const AxisQuantity& quantity, double center_x, double y) {
  return fmt::format("<text class=\"axis-title\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>",
                     center_x, y, axis_title_text(quantity));
}

std::string y_title(const AxisQuantity& quantity, double center_y) {
  return fmt::format(
      "<text class=\"axis-title\" transform=\"translate(16 {:.1f}) rotate(-90)\" text-anchor=\"middle\">{}</text>",
      center_y, axis_title_text(quantity));
}

std::string frame_rect(double left, double top, double right, double bottom) {
  return fmt::format("<rect class=\"frame\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\"/>", left, top,
                     right - left, bottom - top);
}

std::string figure_start(const std::string& id, const std::string& title, const std::string& css_class) {
  return fmt::format("<figure class=\"chart {}\" id=\"{}\">\n<figcaption>{}</figcaption>\n", css_class,
                     escape_html(id), escape_html(title));
}

std::string shown(double value, const AxisQuantity& quantity) {
  return format_number(value * quantity.scale, 5) + " " + quantity.unit;
}

std::string interval_text(const stats::SampleSummary& summary, const AxisQuantity& quantity) {
  if (std::isnan(summary.ci_half_width)) {
    return fmt::format("mean {} (one run: no interval)", shown(summary.mean, quantity));
  }
  return fmt::format("mean {}, 95 % CI {} to {}", shown(summary.mean, quantity), shown(summary.ci_low(), quantity),
                     shown(summary.ci_high(), quantity));
}


// A deterministic spread of dots across a band, so that equal values do not hide each other.
double jitter(size_t index) {
  const double golden = 0.6180339887498949;
  return std::fmod(static_cast<double>(index) * golden, 1.0) - 0.5;
}

// A mean marker whose shape differs by configuration, so that configurations stay apart in greyscale print and
// when their means coincide.
std::string mean_marker_path(size_t index, double x, double y) {
  constexpr double r = 6.5;
  switch (index % 4) {
    case 0:
      return fmt::format("M{:.1f} {:.1f}h{:.1f}v{:.1f}h{:.1f}Z", x - r * 0.8, y - r * 0.8, r * 1.6, r * 1.6, -r * 1.6);
    case 1:
      return fmt::format("M{:.1f} {:.1f}L{:.1f} {:.1f}L{:.1f} {:.1f}L{:.1f} {:.1f}Z", x, y - r, x + r, y, x, y + r,
                         x - r, y);
    case 2:
      return fmt::format("M{:.1f} {:.1f}L{:.1f} {:.1f}L{:.1f} {:.1f}Z", x, y - r, x + r, y + r * 0.8, x - r,
                         y + r * 0.8);
    default:
      return fmt::format("M{:.1f} {:.1f}L{:.1f} {:.1f}L{:.1f} {:.1f}Z", x, y + r, x + r, y - r * 0.8, x - r,
                         y - r * 0.8);
  }
}

std::string scatter_legend(const std::vector<ScatterGroup>& groups) {
  std::string html = "<ul class=\"legend\">";
  for (size_t i = 0; i < groups.size(); ++i) {
    html += fmt::format("<li data-series=\"{}\"><svg viewBox=\"0 0 26 14\" aria-hidden=\"true\"><path d=\"{}\" "
                        "fill=\"{}\" stroke=\"#000\" stroke-width=\"1\"/></svg>{}</li>",
                        escape_html(groups[i].key), mean_marker_path(i, 13, 7), groups[i].color,
                        escape_html(groups[i].label));
  }
  return html + "</ul>\n";
}

std::string error_bar(double x1, double y1, double x2, double y2, const std::string& color) {
  return fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" "
                     "stroke-width=\"1.8\"/>",
                     x1, y1, x2, y2, color);
}

}  // namespace

std::string render_scatter_chart(const std::string& id, const std::string& title, const AxisQuantity& x_quantity,
                                 const AxisQuantity& y_quantity, const std::vector<ScatterGroup>& groups) {
  constexpr double kHeight = 420;
  constexpr double kLeft = 80;
  constexpr double kRight = kWidth - 20;
  constexpr double kTop = 12;
  constexpr double kBottom = kHeight - 46;

  Extent x_extent;
  Extent y_extent;
  for (const ScatterGroup& group : groups) {
    for (const RunPoint& run : group.runs) {
      x_extent.cover(run.x * x_quantity.scale);
      y_extent.cover(run.y * y_quantity.scale);
    }
    x_extent.cover(group.x.ci_low() * x_quantity.scale);
    x_extent.cover(group.x.ci_high() * x_quantity.scale);
    y_extent.cover(group.y.ci_low() * y_quantity.scale);
    y_extent.cover(group.y.ci_high() * y_quantity.scale);
  }
  const NumericAxis x_axis{x_extent.nice(), kLeft, kRight};
  const NumericAxis y_axis{y_extent.nice(), kBottom, kTop};

  std::string html = figure_start(id, title, "scatter") + scatter_legend(groups);
  html += fmt::format("<svg class=\"xy-chart\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">\n", kWidth,
                      kHeight, escape_html(title));
  html += y_ticks(y_axis, kLeft, kRight) + x_ticks(x_axis, kTop, kBottom);
  html += x_title(x_quantity, (kLeft + kRight) / 2, kBottom + 36) + y_title(y_quantity, (kTop + kBottom) / 2) + "\n";

  size_t shape = 0;
  for (const ScatterGroup& group : groups) {
    html += fmt::format("<g class=\"series group\" data-series=\"{}\" data-runs=\"{}\">", escape_html(group.key),
                        group.runs.size());
    for (const RunPoint& run : group.runs) {
      html += fmt::format("<circle class=\"point run has-tip\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\" fill=\"{}\" "
                          "fill-opacity=\"0.45\"><title>{}</title></circle>",
                          x_axis.map(run.x * x_quantity.scale), y_axis.map(run.y * y_quantity.scale), group.color,
                          escape_html(run.detail));
    }
    if (group.x.count > 0) {
      const double cx = x_axis.map(group.x.mean * x_quantity.scale);
      const double cy = y_axis.map(group.y.mean * y_quantity.scale);
      if (!std::isnan(group.x.ci_half_width)) {
        html += error_bar(x_axis.map(group.x.ci_low() * x_quantity.scale), cy,
                          x_axis.map(group.x.ci_high() * x_quantity.scale), cy, group.color);
        html += error_bar(cx, y_axis.map(group.y.ci_low() * y_quantity.scale), cx,
                          y_axis.map(group.y.ci_high() * y_quantity.scale), group.color);
      }
      const std::string detail =
          fmt::format("{}: {} runs\n{}: {}\n{}: {}", group.label, group.x.count, x_quantity.title,
                      interval_text(group.x, x_quantity), y_quantity.title, interval_text(group.y, y_quantity));
      html += fmt::format("<path class=\"point mean has-tip\" d=\"{}\" fill=\"{}\" stroke=\"#000\" "
                          "stroke-width=\"1\"><title>{}</title></path>",
                          mean_marker_path(shape++, cx, cy), group.color, escape_html(detail));
    }
    html += "</g>\n";
  }
  html += frame_rect(kLeft, kTop, kRight, kBottom);
  return html + "\n</svg>\n</figure>\n";
}

std::string render_spread_chart(const std::string& id, const std::string& title, const AxisQuantity& quantity,
                                const std::vector<SpreadGroup>& groups) {
  constexpr double kHeight = 300;
  constexpr double kLeft = 80;
  constexpr double kRight = kWidth - 20;
  constexpr double kTop = 12;
  constexpr double kBottom = kHeight - 40;

  Extent extent;
  for (const SpreadGroup& group : groups) {
    for (const RunPoint& run : group.runs) {
      extent.cover(run.y * quantity.scale);
    }
    extent.cover(group.summary.ci_low() * quantity.scale);
    extent.cover(group.summary.ci_high() * quantity.scale);
  }
  const NumericAxis y_axis{extent.nice(), kBottom, kTop};
  const double band = (kRight - kLeft) / static_cast<double>(std::max<size_t>(1, groups.size()));

  std::string html = figure_start(id, title, "spread");
  html += fmt::format("<svg class=\"xy-chart\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">\n", kWidth,
                      kHeight, escape_html(title));
  html += y_ticks(y_axis, kLeft, kRight) + y_title(quantity, (kTop + kBottom) / 2) + "\n";
  for (size_t g = 0; g < groups.size(); ++g) {
    const SpreadGroup& group = groups[g];
    const stats::SampleSummary& s = group.summary;
    const double center = kLeft + (static_cast<double>(g) + 0.5) * band;
    const double half_box = std::min(40.0, band * 0.2);
    html += fmt::format("<g class=\"series group\" data-series=\"{}\" data-runs=\"{}\">", escape_html(group.key),
                        group.runs.size());
    html += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" class=\"category\">{}</text>", center,
                        kBottom + 18, escape_html(group.label));
    if (s.count > 0) {
      const auto y = [&](double value) { return y_axis.map(value * quantity.scale); };
      html += error_bar(center, y(s.min), center, y(s.q1), palette::kGrey);
      html += error_bar(center, y(s.q3), center, y(s.max), palette::kGrey);
      html += fmt::format("<rect class=\"box\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" "
                          "fill=\"{}\" fill-opacity=\"0.25\" stroke=\"{}\" stroke-width=\"1.5\"/>",
                          center - half_box, y(s.q3), 2 * half_box, std::max(0.5, y(s.q1) - y(s.q3)), group.color,
                          group.color);
      html += error_bar(center - half_box, y(s.median), center + half_box, y(s.median), group.color);
    }
    for (size_t i = 0; i < group.runs.size(); ++i) {
      html += fmt::format("<circle class=\"point run has-tip\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\">"
                          "<title>{}</title></circle>",
                          center + half_box + 14 + jitter(i) * 16, y_axis.map(group.runs[i].y * quantity.scale),
                          group.color, escape_html(group.runs[i].detail));
    }
    if (s.count > 0) {
      const double x = center - half_box - 14;
      if (!std::isnan(s.ci_half_width)) {
        html += error_bar(x, y_axis.map(s.ci_low() * quantity.scale), x, y_axis.map(s.ci_high() * quantity.scale),
                          palette::kBlack);
      }
      const std::string detail =
          fmt::format("{}: {} runs\n{}\nmedian {}, quartiles {} to {}, range {} to {}", group.label, s.count,
                      interval_text(s, quantity), shown(s.median, quantity), shown(s.q1, quantity),
                      shown(s.q3, quantity), shown(s.min, quantity), shown(s.max, quantity));
      html += fmt::format("<circle class=\"point mean has-tip\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4.5\" fill=\"#000\">"
                          "<title>{}</title></circle>",
                          x, y_axis.map(s.mean * quantity.scale), escape_html(detail));
    }
    html += "</g>\n";
  }
  html += frame_rect(kLeft, kTop, kRight, kBottom);
  return html + "\n</svg>\n</figure>\n";
}

std::string render_difference_chart(const std::string& id, const std::string& title, const AxisQuantity& quantity,
                                    const std::vector<DifferenceRow>& rows) {
  constexpr double kLeft = 240;
  constexpr double kRight = kWidth - 20;
  constexpr double kTop = 10;
  constexpr double kRowHeight = 30;
  const double bottom = kTop + kRowHeight * static_cast<double>(std::max<size_t>(1, rows.size()));
  const double height = bottom + 46;

  Extent extent;
  extent.cover(0);
  for (const DifferenceRow& row : rows) {
    const stats::SampleSummary& d = row.comparison.difference;
    extent.cover(d.min * quantity.scale);
    extent.cover(d.max * quantity.scale);
    extent.cover(d.ci_low() * quantity.scale);
    extent.cover(d.ci_high() * quantity.scale);
  }
  const NumericAxis x_axis{extent.nice(), kLeft, kRight};

  std::string html = figure_start(id, title, "difference");
  html += fmt::format("<svg class=\"xy-chart\" viewBox=\"0 0 {} {:.1f}\" role=\"img\" aria-label=\"{}\">\n", kWidth,
                      height, escape_html(title));
  html += x_ticks(x_axis, kTop, bottom) + x_title(quantity, (kLeft + kRight) / 2, bottom + 36);
  html += fmt::format("<line class=\"zero\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\" "
                      "stroke=\"#000\" stroke-width=\"1.2\"/>\n",
                      x_axis.map(0), kTop, bottom);
  for (size_t r = 0; r < rows.size(); ++r) {
    const DifferenceRow& row = rows[r];
    const stats::SampleSummary& d = row.comparison.difference;
    const double y = kTop + (static_cast<double>(r) + 0.5) * kRowHeight;
    html += fmt::format("<g class=\"series difference\" data-series=\"{}\" data-pairs=\"{}\">", escape_html(row.key),
                        d.count);
    html += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>", kLeft - 8, y + 4,
                        escape_html(row.label));
    if (d.count == 0) {
      html += fmt::format("<text class=\"lane-empty\" x=\"{:.1f}\" y=\"{:.1f}\">no runs share a seed with the "
                          "baseline</text></g>\n",
                          kLeft + 8, y + 4);
      continue;
    }
    if (!std::isnan(d.ci_half_width)) {
      html += error_bar(x_axis.map(d.ci_low() * quantity.scale), y, x_axis.map(d.ci_high() * quantity.scale), y,
                        row.color);
    }
    const std::string detail = fmt::format("{}: {} pairs\ndifference {}\nbaseline mean {}, this level {}", row.label,
                                           d.count, interval_text(d, quantity),
                                           shown(row.comparison.baseline_mean, quantity),
                                           shown(row.comparison.treatment_mean, quantity));
    html += fmt::format("<circle class=\"point mean has-tip\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"5\" fill=\"{}\" "
                        "stroke=\"#000\"><title>{}</title></circle></g>\n",
                        x_axis.map(d.mean * quantity.scale), y, row.color, escape_html(detail));
  }
  html += frame_rect(kLeft, kTop, kRight, bottom);
  return html + "\n</svg>\n</figure>\n";
}

}  // namespace mixsim::report
