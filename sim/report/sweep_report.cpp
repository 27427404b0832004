#include "sweep_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "html.hpp"
#include "stats/summary_statistics.hpp"
#include "svg_chart.hpp"
#include "sweep_charts.hpp"
#include "sweep_results.hpp"

namespace fs = std::filesystem;

namespace mixsim::report {

namespace {

constexpr double kSecondsPerHour = 3600;
// Metrics with a paired-difference chart; the table lists every metric.
const std::vector<std::string> kChartedDifferences = {"cost_total", "availability_capacity", "availability_demand"};

/// The runs that share one combination of factor levels.
struct Configuration {
  std::string key;    // for element data attributes
  std::string label;  // "strategy=LowestPrice"
  std::string color;
  std::vector<std::string> levels;
  std::vector<const SweepRun*> runs;  // every status

  std::vector<const SweepRun*> ok_runs() const {
    std::vector<const SweepRun*> ok;
    for (const SweepRun* run : runs) {
      if (run->ok()) {
        ok.push_back(run);
      }
    }
    return ok;
  }
};

AxisQuantity metric_quantity(const std::string& metric) {
  static const std::map<std::string, AxisQuantity> kKnown = {
      {"cost_total", {"Cost, total", "USD", 1}},
      {"cost_compute", {"Cost, compute", "USD", 1}},
      {"cost_disk", {"Cost, OS disk", "USD", 1}},
      {"cost_regular", {"Cost, Regular VMs", "USD", 1}},
      {"cost_spot", {"Cost, Spot VMs", "USD", 1}},
      {"availability_capacity", {"Availability of capacity", "%", 100}},
      {"availability_demand", {"Availability of demand", "%", 100}},
      {"time_below_target_s", {"Time below target", "h", 1 / kSecondsPerHour}},
      {"evictions", {"Evictions", "count", 1}},
      {"allocation_failures", {"Allocation failures", "count", 1}},
      {"scale_outs", {"Scale-outs", "count", 1}},
      {"scale_ins", {"Scale-ins", "count", 1}},
      {"restores", {"Restores", "count", 1}},
  };
  if (const auto found = kKnown.find(metric); found != kKnown.end()) {
    return found->second;
  }
  // A metric the batch runner added later: name it after its column, in its stored unit.
  std::string title = metric;
  std::replace(title.begin(), title.end(), '_', ' ');
  return {title, "as stored", 1};
}

std::string describe_levels(const std::vector<std::string>& factors, const std::vector<std::string>& levels) {
  std::string text;
  for (size_t i = 0; i < factors.size(); ++i) {
    text += fmt::format("{}{}={}", text.empty() ? "" : ", ", factors[i], levels[i]);
  }
  return text.empty() ? "all runs" : text;
}

std::vector<Configuration> group_configurations(const Sweep& sweep) {
  std::vector<Configuration> configurations;
  for (const SweepRun& run : sweep.runs) {
    auto found = std::find_if(configurations.begin(), configurations.end(),
                              [&](const Configuration& c) { return c.levels == run.levels; });
    if (found == configurations.end()) {
      const size_t index = configurations.size();
      configurations.push_back(Configuration{fmt::format("config:{}", index), describe_levels(sweep.factors, run.levels),
                                             palette::category_color(index), run.levels, {}});
      found = configurations.end() - 1;
    }
    found->runs.push_back(&run);
  }
  return configurations;
}

std::vector<double> metric_values(const std::vector<const SweepRun*>& runs, const std::string& metric) {
  std::vector<double> values;
  for (const SweepRun* run : runs) {
    values.push_back(run->metrics.at(metric));
  }
  return values;
}

bool has_metric(const Sweep& sweep, const std::string& metric) {
  return std::find(sweep.metrics.begin(), sweep.metrics.end(), metric) != sweep.metrics.end();
}

std::string run_detail(const SweepRun& run, const std::string& label) {
  return fmt::format("run {} (seed {}), {}", run.run_id, run.seed, label);
}

std::string scatter_chart(const std::vector<Configuration>& configurations, const std::string& availability) {
  const AxisQuantity x_quantity = metric_quantity(availability);
  const AxisQuantity y_quantity = metric_quantity("cost_total");
  std::vector<ScatterGroup> groups;
  for (const Configuration& configuration : configurations) {
    const auto runs = configuration.ok_runs();
    ScatterGroup group{configuration.key, configuration.label, configuration.color, {},
                       stats::summarize(metric_values(runs, availability)),
                       stats::summarize(metric_values(runs, "cost_total"))};
    for (const SweepRun* run : runs) {
      const double x = run->metrics.at(availability);
      const double y = run->metrics.at("cost_total");
      group.runs.push_back({x, y,
                            fmt::format("{}\n{}: {}\ncost: {}", run_detail(*run, configuration.label),
                                        x_quantity.title, format_percent(x), format_usd(y))});
    }
    groups.push_back(std::move(group));
  }
  const std::string suffix = availability.substr(std::string("availability_").size());
  std::string title = "Total cost against " + x_quantity.title;
  title[std::string("Total cost against ").size()] = 'a';  // "Availability of ..." in the middle of a sentence
  return render_scatter_chart("scatter-" + suffix, title, x_quantity, y_quantity, groups);
}

std::string spread_chart(const std::vector<Configuration>& configurations, const std::string& metric) {
  const AxisQuantity quantity = metric_quantity(metric);
  std::vector<SpreadGroup> groups;
  for (const Configuration& configuration : configurations) {
    const auto runs = configuration.ok_runs();
    SpreadGroup group{configuration.key, configuration.label, configuration.color, {},
                      stats::summarize(metric_values(runs, metric))};
    for (const SweepRun* run : runs) {
      const double value = run->metrics.at(metric);
      group.runs.push_back({0, value,
                            fmt::format("{}\n{}: {} {}", run_detail(*run, configuration.label), quantity.title,
                                        format_number(value * quantity.scale, 6), quantity.unit)});
    }
    groups.push_back(std::move(group));
  }
  return render_spread_chart("spread-" + metric, quantity.title + " across seeds", quantity, groups);
}

std::string interval_cell(const stats::SampleSummary& summary, const AxisQuantity& quantity) {
  if (summary.count == 0) {
    return "-";
  }
  if (std::isnan(summary.ci_half_width)) {
    return fmt::format("{} (n=1)", format_number(summary.mean * quantity.scale, 5));
  }
  return fmt::format("{} ± {} (n={})", format_number(summary.mean * quantity.scale, 5),
                     format_number(summary.ci_half_width * quantity.scale, 2), summary.count);
}

std::string configuration_table(const Sweep& sweep, const std::vector<Configuration>& configurations) {
  std::string html = "<table class=\"configurations\"><tr><th>Metric (unit)</th>";
  for (const Configuration& configuration : configurations) {
    html += "<th class=\"num\" data-series=\"" + escape_html(configuration.key) + "\">" +
            escape_html(configuration.label) + "</th>";
  }
  html += "</tr>\n<tr><th scope=\"row\">Runs ok / all</th>";
  for (const Configuration& configuration : configurations) {
    html += fmt::format("<td class=\"num\">{} / {}</td>", configuration.ok_runs().size(), configuration.runs.size());
  }
  html += "</tr>\n";
  for (const std::string& metric : sweep.metrics) {
    const AxisQuantity quantity = metric_quantity(metric);
    html += fmt::format("<tr><th scope=\"row\">{} ({})</th>", escape_html(quantity.title), escape_html(quantity.unit));
    for (const Configuration& configuration : configurations) {
      const auto summary = stats::summarize(metric_values(configuration.ok_runs(), metric));
      html += "<td class=\"num\">" + escape_html(interval_cell(summary, quantity)) + "</td>";
    }
    html += "</tr>\n";
  }
  return html + "</table>\n";
}

// The key that pairs runs across the levels of factor `factor`: the seed and the levels of every other factor.
std::string pairing_key(const SweepRun& run, size_t factor) {
  std::string key = run.seed;
  for (size_t i = 0; i < run.levels.size(); ++i) {
    if (i != factor) {
      key += "\x1f" + run.levels[i];
    }
  }
  return key;
}

std::vector<std::string> levels_of(const Sweep& sweep, size_t factor) {
  std::vector<std::string> levels;
  for (const SweepRun& run : sweep.runs) {
    if (std::find(levels.begin(), levels.end(), run.levels[factor]) == levels.end()) {
      levels.push_back(run.levels[factor]);
    }
  }
  return levels;
}

std::vector<stats::PairedObservation> observations(const Sweep& sweep, size_t factor, const std::string& level,
                                                   const std::string& metric) {
  std::vector<stats::PairedObservation> found;
  for (const SweepRun& run : sweep.runs) {
    if (run.ok() && run.levels[factor] == level) {
      found.push_back({pairing_key(run, factor), run.metrics.at(metric)});
    }
  }
  return found;
}

std::string difference_cell(const stats::PairedComparison& comparison, const AxisQuantity& quantity) {
  const stats::SampleSummary& d = comparison.difference;
  if (d.count == 0) {
    return "no pairs";
  }
  std::string text = fmt::format("{:+.5g}", d.mean * quantity.scale);
  if (!std::isnan(d.ci_half_width)) {
    text += fmt::format(" [{:+.4g}, {:+.4g}]", d.ci_low() * quantity.scale, d.ci_high() * quantity.scale);
  }
  return text + fmt::format(" (n={})", d.count);
}

std::string factor_differences(const Sweep& sweep, size_t factor) {
  const std::vector<std::string> levels = levels_of(sweep, factor);
  const std::string& factor_name = sweep.factors[factor];
  std::string html = fmt::format("<h3>Factor {}: against {}={}</h3>\n", escape_html(factor_name),
                                 escape_html(factor_name), escape_html(levels.front()));
  if (levels.size() < 2) {
    return html + "<p class=\"note\">This factor has one level only, so there is nothing to compare.</p>\n";
  }
  html += "<table class=\"differences\"><tr><th>Metric (unit)</th>";
  for (size_t i = 1; i < levels.size(); ++i) {
    html += "<th class=\"num\">" + escape_html(factor_name + "=" + levels[i]) + "</th>";
  }
  html += "</tr>\n";

  std::map<std::string, std::vector<DifferenceRow>> charted;
  for (const std::string& metric : sweep.metrics) {
    const AxisQuantity quantity = metric_quantity(metric);
    const auto baseline = observations(sweep, factor, levels.front(), metric);
    html += fmt::format("<tr><th scope=\"row\">{} ({})</th>", escape_html(quantity.title), escape_html(quantity.unit));
    for (size_t i = 1; i < levels.size(); ++i) {
      const auto comparison = stats::compare_paired(baseline, observations(sweep, factor, levels[i], metric));
      html += "<td class=\"num\">" + escape_html(difference_cell(comparison, quantity)) + "</td>";
      charted[metric].push_back(DifferenceRow{fmt::format("level:{}", levels[i]), factor_name + "=" + levels[i],
                                              palette::category_color(i), comparison});
    }
    html += "</tr>\n";
  }
  html += "</table>\n<p class=\"note\">Each cell: mean difference (level minus baseline) [95 % confidence interval] "
          "(n = runs paired by seed";
  html += sweep.factors.size() > 1 ? " and the other factors' levels).</p>\n" : ").</p>\n";
  for (const std::string& metric : kChartedDifferences) {
    if (has_metric(sweep, metric)) {
      html += render_difference_chart(fmt::format("paired-{}-{}", factor, metric),
                                      fmt::format("{}: difference against {}={}", metric_quantity(metric).title,
                                                  factor_name, levels.front()),
                                      metric_quantity(metric), charted[metric]);
    }
  }
  return html;
}

std::string runs_table(const Sweep& sweep) {
  std::string html = "<table class=\"runs\"><tr><th>Run</th><th>Status</th><th>Seed</th>";
  for (const std::string& factor : sweep.factors) {
    html += "<th>" + escape_html(factor) + "</th>";
  }
  html += "<th class=\"num\">Cost (USD)</th><th class=\"num\">Availability of capacity</th></tr>\n";
  for (const SweepRun& run : sweep.runs) {
    const fs::path run_dir = fs::path("runs") / run.run_id;
    std::error_code error;
    const bool has_report = fs::exists(sweep.dir / run_dir / "report.html", error);
    const std::string target = (has_report ? run_dir / "report.html" : run_dir).generic_string();
    html += fmt::format("<tr data-status=\"{}\"><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td>",
                        escape_html(run.status), escape_html(target), escape_html(run.run_id),
                        escape_html(run.status), escape_html(run.seed));
    for (const std::string& level : run.levels) {
      html += "<td>" + escape_html(level) + "</td>";
    }
    const auto metric = [&](const char* name) {
      const auto found = run.metrics.find(name);
      return found == run.metrics.end() ? std::nan("") : found->second;
    };
    html += fmt::format("<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                        run.ok() ? format_usd(metric("cost_total")) : "-",
                        run.ok() ? format_percent(metric("availability_capacity")) : "-");
  }
  return html + "</table>\n";
}

std::string render_header(const Sweep& sweep) {
  std::map<std::string, int> by_status;
  for (const SweepRun& run : sweep.runs) {
    ++by_status[run.status];
  }
  std::string statuses;
  for (const auto& [status, count] : by_status) {
    statuses += fmt::format("{}{} {}", statuses.empty() ? "" : ", ", count, status);
  }
  std::string factors;
  for (const std::string& factor : sweep.factors) {
    factors += (factors.empty() ? "" : ", ") + factor;
  }
  return fmt::format("<header>\n<h1>mixsim sweep report: {}</h1>\n<p class=\"lead\">Scenario {}; factors: {}; {} "
                     "seeds; {} runs ({}). Results from {}.</p>\n</header>\n",
                     escape_html(sweep.name), escape_html(sweep.scenario), escape_html(factors.empty() ? "none" : factors),
                     sweep.seeds.size(), sweep.runs.size(), escape_html(statuses), escape_html(sweep.dir.string()));
}

std::string cost_availability_section(const Sweep& sweep, const std::vector<Configuration>& configurations) {
  std::string html = "<section id=\"cost-availability\">\n<h2>Cost against availability</h2>\n"
                     "<p class=\"note\">Each outlined marker is a configuration's mean with its 95 % confidence "
                     "intervals (Student t) on both axes; the faint dots are its runs. Down and to the right is "
                     "better: lower cost, higher availability.</p>\n";
  if (!has_metric(sweep, "cost_total")) {
    return html + "<p class=\"note\">runs.csv has no cost_total column.</p>\n</section>\n";
  }
  for (const char* availability : {"availability_capacity", "availability_demand"}) {
    if (has_metric(sweep, availability)) {
      html += scatter_chart(configurations, availability);
    }
  }
  return html + "</section>\n";
}

}  // namespace

std::string build_sweep_report(const fs::path& sweep_dir) {
  const Sweep sweep = read_sweep(sweep_dir);
  const std::vector<Configuration> configurations = group_configurations(sweep);

  std::string body = render_header(sweep);
  body += "<nav><ul><li><a href=\"#cost-availability\">Cost against availability</a></li><li><a "
          "href=\"#configurations\">Metrics per configuration</a></li><li><a href=\"#spread\">Spread across "
          "seeds</a></li><li><a href=\"#differences\">Paired differences</a></li><li><a href=\"#runs\">Runs</a></li>"
          "</ul></nav>\n";
  body += cost_availability_section(sweep, configurations);
  body += "<section id=\"configurations\">\n<h2>Metrics per configuration</h2>\n<p class=\"note\">Mean ± half "
          "the width of the 95 % confidence interval over the runs that finished.</p>\n" +
          configuration_table(sweep, configurations) + "</section>\n";

  body += "<section id=\"spread\">\n<h2>Spread across seeds</h2>\n<p class=\"note\">Boxes span the quartiles with "
          "the median inside, whiskers the minimum to the maximum; dots are runs; the black dot with its bar is the "
          "mean and its 95 % confidence interval.</p>\n";
  for (const std::string& metric : sweep.metrics) {
    body += spread_chart(configurations, metric);
  }
  body += "</section>\n<section id=\"differences\">\n<h2>Paired differences against the baseline</h2>\n<p "
          "class=\"note\">For each factor, the baseline is its first level in runs.csv. Runs are paired when they "
          "share a seed, so the variation that seeds bring to both levels cancels out.</p>\n";
  for (size_t factor = 0; factor < sweep.factors.size(); ++factor) {
    body += factor_differences(sweep, factor);
  }
  body += "</section>\n<section id=\"runs\">\n<h2>Runs</h2>\n" + runs_table(sweep) + "</section>\n";
  body += fmt::format("<footer>Drawn by mixsim {} from sweep.json and runs.csv in {}.</footer>\n", MIXSIM_VERSION,
                      escape_html(sweep_dir.string()));
  return html_page("mixsim sweep report: " + sweep.name, body);
}

}  // namespace mixsim::report
