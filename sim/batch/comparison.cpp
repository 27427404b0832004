#include "batch/comparison.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "mixsim/diagnostics.hpp"
#include "scenario/node_reader.hpp"

namespace mixsim::batch {

namespace {

std::string unknown(const std::string& what, const std::string& value, const std::vector<std::string>& valid) {
  const std::string hint = closest_match(value, valid);
  return fmt::format("{} '{}' is not in this sweep{}; valid: {}", what, value,
                     hint.empty() ? "" : "; did you mean '" + hint + "'?", load::list_names(valid));
}

size_t column_of(const CsvTable& runs, const std::string& name) {
  const auto column = runs.find_column(name);
  if (!column) {
    throw CompareError(fmt::format("runs.csv has no column '{}'", name));
  }
  return *column;
}

// Column indexes of a runs.csv table, resolved once.
struct Columns {
  size_t run_id;
  size_t status;
  size_t seed;
  std::vector<size_t> factors;  // per request.factors
  std::vector<size_t> by;       // indexes into factors
};

Columns resolve_columns(const CsvTable& runs, const CompareRequest& request, std::vector<std::string>& by) {
  Columns columns{column_of(runs, "run_id"), column_of(runs, "status"), column_of(runs, "seed"), {}, {}};
  for (const std::string& factor : request.factors) {
    columns.factors.push_back(column_of(runs, factor));
  }
  by = request.by.empty() ? request.factors : request.by;
  for (const std::string& name : by) {
    const auto found = std::find(request.factors.begin(), request.factors.end(), name);
    if (found == request.factors.end()) {
      throw CompareError(unknown("--by: factor", name, request.factors));
    }
    const auto index = static_cast<size_t>(found - request.factors.begin());
    if (std::find(columns.by.begin(), columns.by.end(), index) != columns.by.end()) {
      throw CompareError(fmt::format("--by {} is given twice", name));
    }
    columns.by.push_back(index);
  }
  return columns;
}

std::vector<std::string> choose_metrics(const CsvTable& runs, const CompareRequest& request) {
  std::vector<std::string> available;
  for (const std::string& column : runs.columns) {
    if (std::find(metric_names().begin(), metric_names().end(), column) != metric_names().end()) {
      available.push_back(column);
    }
  }
  if (request.metrics.empty()) {
    return available;
  }
  for (const std::string& metric : request.metrics) {
    if (std::find(available.begin(), available.end(), metric) == available.end()) {
      throw CompareError(unknown("--metrics: metric", metric, available));
    }
  }
  return request.metrics;
}

std::vector<std::string> levels_in_order(const CsvTable& runs, size_t column) {
  std::vector<std::string> levels;
  for (const auto& row : runs.rows) {
    if (std::find(levels.begin(), levels.end(), row[column]) == levels.end()) {
      levels.push_back(row[column]);
    }
  }
  return levels;
}

// Resolves --baseline into (factor index in request.factors, level); factor SIZE_MAX when there is no baseline.
std::pair<size_t, std::string> resolve_baseline(const CsvTable& runs, const CompareRequest& request,
                                                const Columns& columns, const std::vector<std::string>& by) {
  if (columns.by.empty()) {
    if (request.baseline) {
      throw CompareError("--baseline needs a factor to compare, but the sweep has none");
    }
    return {SIZE_MAX, {}};
  }
  size_t factor = columns.by.front();
  std::string level;
  if (request.baseline) {
    level = *request.baseline;
    const size_t equals = level.find('=');
    if (equals != std::string::npos) {
      const auto named = std::find(by.begin(), by.end(), level.substr(0, equals));
      if (named != by.end()) {
        factor = columns.by[static_cast<size_t>(named - by.begin())];
        level = level.substr(equals + 1);
      }
    }
  }
  const std::vector<std::string> levels = levels_in_order(runs, columns.factors[factor]);
  if (!request.baseline) {
    return levels.size() < 2 ? std::pair<size_t, std::string>{SIZE_MAX, {}} : std::pair{factor, levels.front()};
  }
  if (std::find(levels.begin(), levels.end(), level) == levels.end()) {
    throw CompareError(unknown("--baseline: level", level, levels) + " (levels of " + request.factors[factor] + ")");
  }
  return {factor, level};
}

std::optional<double> parse_cell(const std::string& text) {
  return load::parse_finite_number(text);
}

// The pairing key of a row: its seed and the levels of every factor except the baseline factor.
std::vector<std::string> pairing_key(const std::vector<std::string>& row, const Columns& columns,
                                     size_t baseline_factor) {
  std::vector<std::string> key = {row[columns.seed]};
  for (size_t factor = 0; factor < columns.factors.size(); ++factor) {
    if (factor != baseline_factor) {
      key.push_back(row[columns.factors[factor]]);
    }
  }
  return key;
}

double metric_value(const std::vector<std::string>& row, size_t column, const Columns& columns,
                    const std::string& metric) {
  const auto value = parse_cell(row[column]);
  if (!value) {
    throw CompareError(fmt::format("runs.csv: run {} is ok but its {} is '{}', not a number", row[columns.run_id],
                                   metric, row[column]));
  }
  return *value;
}

MetricComparison compare_metric(const CsvTable& runs, const Columns& columns, const std::string& metric,
                                size_t baseline_factor, const std::string& baseline_level, double confidence) {
  const size_t metric_column = column_of(runs, metric);
  const bool has_baseline = baseline_factor != SIZE_MAX;
  const size_t baseline_column = has_baseline ? columns.factors[baseline_factor] : 0;

  std::map<std::vector<std::string>, double> baseline_values;
  for (const auto& row : runs.rows) {
    if (has_baseline && row[columns.status] == "ok" && row[baseline_column] == baseline_level) {
      baseline_values[pairing_key(row, columns, baseline_factor)] = metric_value(row, metric_column, columns, metric);
    }
  }

  struct Collected {
    std::vector<double> values;
    std::vector<double> differences;
    double paired_baseline_sum = 0;
    GroupComparison group;
  };
  std::vector<Collected> collected;
  std::map<std::vector<std::string>, size_t> group_of;
  for (const auto& row : runs.rows) {
    std::vector<std::string> levels;
    for (const size_t factor : columns.by) {
      levels.push_back(row[columns.factors[factor]]);
    }
    const auto [found, inserted] = group_of.emplace(levels, collected.size());
    if (inserted) {
      collected.push_back(Collected{{}, {}, 0, GroupComparison{levels, {}, 0, {}, {}, 0}});
    }
    Collected& group = collected[found->second];
    if (row[columns.status] != "ok") {
      ++group.group.not_ok;
      continue;
    }
    const double value = metric_value(row, metric_column, columns, metric);
    group.values.push_back(value);
    if (!has_baseline || row[baseline_column] == baseline_level) {
      continue;
    }
    const auto partner = baseline_values.find(pairing_key(row, columns, baseline_factor));
    if (partner == baseline_values.end()) {
      ++group.group.unpaired;
      continue;
    }
    group.differences.push_back(value - partner->second);
    group.paired_baseline_sum += partner->second;
  }

  MetricComparison comparison{metric, {}};
  for (Collected& group : collected) {
    group.group.sample = describe_sample(group.values, confidence);
    const bool is_baseline =
        !has_baseline ||
        group.group.levels[static_cast<size_t>(std::find(columns.by.begin(), columns.by.end(), baseline_factor) -
                                               columns.by.begin())] == baseline_level;
    if (!is_baseline) {
      group.group.difference = describe_sample(group.differences, confidence);
      const double paired_baseline_mean =
          group.differences.empty() ? 0 : group.paired_baseline_sum / static_cast<double>(group.differences.size());
      if (paired_baseline_mean != 0) {
        group.group.relative_difference = group.group.difference->mean / paired_baseline_mean;
      }
    }
    comparison.groups.push_back(std::move(group.group));
  }
  return comparison;
}

std::string number(double value) {
  return fmt::format("{:.6g}", value);
}
std::string signed_number(double value) {
  return fmt::format("{:+.6g}", value);
}

std::string interval(const SampleStatistics& sample, bool with_sign) {
  if (!sample.ci_low) {
    return "";
  }
  return with_sign ? fmt::format("[{}, {}]", signed_number(*sample.ci_low), signed_number(*sample.ci_high))
                   : fmt::format("[{}, {}]", number(*sample.ci_low), number(*sample.ci_high));
}

std::string optional_number(const std::optional<double>& value) {
  return value ? number(*value) : "";
}

std::string full_precision(const std::optional<double>& value) {
  return value ? fmt::format("{}", *value) : "";
}

std::string group_label(const GroupComparison& group) {
  if (group.levels.empty()) {
    return "all runs";
  }
  std::string label;
  for (size_t i = 0; i < group.levels.size(); ++i) {
    label += (i == 0 ? "" : " / ") + group.levels[i];
  }
  return label;
}

std::string notes(const GroupComparison& group) {
  std::string text;
  if (group.not_ok > 0) {
    text += fmt::format("  ({} not ok, left out)", group.not_ok);
  }
  if (group.unpaired > 0) {
    text += fmt::format("  ({} without a baseline partner)", group.unpaired);
  }
  return text;
}

}  // namespace

Comparison compare_runs(const CsvTable& runs, const CompareRequest& request) {
  Comparison comparison;
  comparison.confidence = request.confidence;
  const Columns columns = resolve_columns(runs, request, comparison.by);
  const std::vector<std::string> metrics = choose_metrics(runs, request);
  const auto [baseline_factor, baseline_level] = resolve_baseline(runs, request, columns, comparison.by);
  if (baseline_factor != SIZE_MAX) {
    comparison.baseline_factor = request.factors[baseline_factor];
    comparison.baseline_level = baseline_level;
  }
  for (const std::string& metric : metrics) {
    comparison.metrics.push_back(
        compare_metric(runs, columns, metric, baseline_factor, baseline_level, request.confidence));
  }
  return comparison;
}

std::string format_comparison_text(const Comparison& comparison) {
  size_t width = comparison.by.empty() ? 8 : 0;
  for (const std::string& name : comparison.by) {
    width += name.size() + 3;
  }
  for (const auto& metric : comparison.metrics) {
    for (const auto& group : metric.groups) {
      width = std::max(width, group_label(group).size());
    }
  }
  const std::string ci_title = fmt::format("{:g} % CI", comparison.confidence * 100);
  std::string by_title;
  for (size_t i = 0; i < comparison.by.size(); ++i) {
    by_title += (i == 0 ? "" : " / ") + comparison.by[i];
  }

  std::string text;
  for (const auto& metric : comparison.metrics) {
    text += fmt::format("{}\n  {:<{}}  {:>4}  {:>12}  {:>12}  {}\n", metric.metric,
                        by_title.empty() ? "group" : by_title, width, "n", "mean", "sd", ci_title);
    for (const auto& group : metric.groups) {
      text += fmt::format("  {:<{}}  {:>4}  {:>12}  {:>12}  {}{}\n", group_label(group), width, group.sample.n,
                          group.sample.n == 0 ? "" : number(group.sample.mean), optional_number(group.sample.sd),
                          interval(group.sample, false), notes(group));
    }
    if (comparison.baseline_factor.empty()) {
      text += "\n";
      continue;
    }
    text += fmt::format("  difference from {}={}, paired by seed{}:\n", comparison.baseline_factor,
                        comparison.baseline_level, comparison.by.size() > 1 ? " and the other factors" : "");
    for (const auto& group : metric.groups) {
      if (!group.difference) {
        continue;
      }
      const SampleStatistics& difference = *group.difference;
      text +=
          fmt::format("  {:<{}}  {:>4}  {:>12}  {:>12}  {}{}\n", group_label(group), width, difference.n,
                      difference.n == 0 ? "" : signed_number(difference.mean), optional_number(difference.sd),
                      interval(difference, true),
                      group.relative_difference ? fmt::format("  {:+.3g} %", *group.relative_difference * 100) : "");
    }
    text += "\n";
  }
  return text;
}

std::string format_comparison_csv(const Comparison& comparison) {
  CsvTable table;
  table.columns = {"metric"};
  table.columns.insert(table.columns.end(), comparison.by.begin(), comparison.by.end());
  for (const char* column : {"n", "mean", "sd", "ci_low", "ci_high", "baseline", "pairs", "diff_mean", "diff_sd",
                             "diff_ci_low", "diff_ci_high", "diff_relative"}) {
    table.columns.emplace_back(column);
  }
  for (const auto& metric : comparison.metrics) {
    for (const auto& group : metric.groups) {
      std::vector<std::string> row = {metric.metric};
      row.insert(row.end(), group.levels.begin(), group.levels.end());
      const SampleStatistics& sample = group.sample;
      row.push_back(std::to_string(sample.n));
      row.push_back(sample.n == 0 ? "" : fmt::format("{}", sample.mean));
      row.push_back(full_precision(sample.sd));
      row.push_back(full_precision(sample.ci_low));
      row.push_back(full_precision(sample.ci_high));
      if (group.difference) {
        const SampleStatistics& difference = *group.difference;
        row.push_back(comparison.baseline_factor + "=" + comparison.baseline_level);
        row.push_back(std::to_string(difference.n));
        row.push_back(difference.n == 0 ? "" : fmt::format("{}", difference.mean));
        row.push_back(full_precision(difference.sd));
        row.push_back(full_precision(difference.ci_low));
        row.push_back(full_precision(difference.ci_high));
        row.push_back(full_precision(group.relative_difference));
      } else {
        row.resize(table.columns.size());
      }
      table.rows.push_back(std::move(row));
    }
  }
  return format_csv_table(table);
}

std::string format_comparison_markdown(const Comparison& comparison) {
  const std::string ci_title = fmt::format("{:g} % CI", comparison.confidence * 100);
  std::string text = "# Comparison\n\n";
  if (!comparison.baseline_factor.empty()) {
    text += fmt::format("Differences are from {} = {}, paired by seed{}. ", comparison.baseline_factor,
                        comparison.baseline_level, comparison.by.size() > 1 ? " and the other factors" : "");
  }
  text += "Intervals use Student's t distribution; runs that did not end ok are left out.\n\n";
  for (const auto& metric : comparison.metrics) {
    text += fmt::format("## {}\n\n| group | n | mean | sd | {} | difference | difference {} | relative |\n",
                        metric.metric, ci_title, ci_title);
    text += "|---|---:|---:|---:|---|---:|---|---:|\n";
    for (const auto& group : metric.groups) {
      std::string difference_cells = " | | |";
      if (group.difference) {
        difference_cells =
            fmt::format(" {} | {} | {} |", group.difference->n == 0 ? "" : signed_number(group.difference->mean),
                        interval(*group.difference, true),
                        group.relative_difference ? fmt::format("{:+.3g} %", *group.relative_difference * 100) : "");
      }
      text += fmt::format("| {} | {} | {} | {} | {} |{}\n", group_label(group), group.sample.n,
                          group.sample.n == 0 ? "" : number(group.sample.mean), optional_number(group.sample.sd),
                          interval(group.sample, false), difference_cells);
    }
    text += "\n";
  }
  return text;
}

}  // namespace mixsim::batch
