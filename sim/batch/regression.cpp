#include "batch/regression.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "scenario/node_reader.hpp"

namespace mixsim::batch {

namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    parts.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) {
      return parts;
    }
    start = dot + 1;
  }
}

bool contains_run(const std::vector<std::string>& haystack, const std::vector<std::string>& needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) != haystack.end();
}

void flatten(const nlohmann::ordered_json& node, const std::string& path,
             std::vector<std::pair<std::string, const nlohmann::ordered_json*>>& leaves) {
  if (node.is_object() && !node.empty()) {
    for (const auto& [key, value] : node.items()) {
      // The version changes with every release and `parameters` echoes the inputs: neither is a result.
      if (path.empty() && (key == "version" || key == "parameters")) {
        continue;
      }
      flatten(value, path.empty() ? key : path + "." + key, leaves);
    }
    return;
  }
  if (node.is_array() && !node.empty()) {
    for (size_t i = 0; i < node.size(); ++i) {
      flatten(node[i], fmt::format("{}[{}]", path, i), leaves);
    }
    return;
  }
  leaves.emplace_back(path, &node);
}

std::vector<std::pair<std::string, const nlohmann::ordered_json*>> leaves_of(const nlohmann::ordered_json& summary) {
  std::vector<std::pair<std::string, const nlohmann::ordered_json*>> leaves;
  flatten(summary, "", leaves);
  return leaves;
}

MetricChange compare_leaf(const std::string& metric, const nlohmann::ordered_json& baseline,
                          const nlohmann::ordered_json& current, const Tolerances& tolerances) {
  MetricChange change;
  change.metric = metric;
  change.baseline = baseline.dump();
  change.current = current.dump();
  if (!baseline.is_number() || !current.is_number()) {
    change.regression = baseline != current;
    return change;
  }
  const double before = baseline.get<double>();
  const double after = current.get<double>();
  change.tolerance = tolerances.for_metric(metric, baseline.is_number_integer() && current.is_number_integer());
  if (before != 0) {
    change.relative_change = (after - before) / std::abs(before);
  }
  change.regression = std::abs(after - before) > change.tolerance * std::max(std::abs(before), std::abs(after));
  return change;
}

}  // namespace

std::string parse_tolerance_rule(std::string_view text, ToleranceRule& rule) {
  const size_t equals = text.rfind('=');
  if (equals == std::string_view::npos || equals == 0) {
    return fmt::format("--tolerance {}: expected METRIC=REL, e.g. cost.total=1e-6", text);
  }
  const auto value = load::parse_finite_number(text.substr(equals + 1));
  if (!value || *value < 0) {
    return fmt::format("--tolerance {}: '{}' is not a relative tolerance; valid: a number >= 0 such as 1e-6", text,
                       text.substr(equals + 1));
  }
  rule = ToleranceRule{std::string(text.substr(0, equals)), *value};
  return {};
}

double Tolerances::for_metric(const std::string& metric, bool is_integer) const {
  const std::vector<std::string> parts = split_path(metric);
  const ToleranceRule* best = nullptr;
  size_t best_length = 0;
  for (const ToleranceRule& rule : rules_) {
    const std::vector<std::string> rule_parts = split_path(rule.metric);
    if (rule_parts.size() >= best_length && contains_run(parts, rule_parts)) {
      best = &rule;
      best_length = rule_parts.size();
    }
  }
  if (best != nullptr) {
    return best->relative;
  }
  return is_integer ? 0 : default_relative_;
}

std::vector<ToleranceRule> Tolerances::unmatched(const std::vector<std::string>& metrics) const {
  std::vector<ToleranceRule> result;
  for (const ToleranceRule& rule : rules_) {
    const std::vector<std::string> rule_parts = split_path(rule.metric);
    const bool matches = std::any_of(metrics.begin(), metrics.end(), [&](const std::string& metric) {
      return contains_run(split_path(metric), rule_parts);
    });
    if (!matches) {
      result.push_back(rule);
    }
  }
  return result;
}

std::vector<std::string> metric_paths(const nlohmann::ordered_json& summary) {
  std::vector<std::string> paths;
  for (const auto& [path, value] : leaves_of(summary)) {
    paths.push_back(path);
  }
  return paths;
}

std::vector<MetricChange> compare_summaries(const nlohmann::ordered_json& baseline,
                                            const nlohmann::ordered_json& current, const Tolerances& tolerances) {
  const auto baseline_leaves = leaves_of(baseline);
  const auto current_leaves = leaves_of(current);
  std::map<std::string, const nlohmann::ordered_json*> current_by_path(current_leaves.begin(), current_leaves.end());
  std::map<std::string, const nlohmann::ordered_json*> baseline_by_path(baseline_leaves.begin(), baseline_leaves.end());

  std::vector<MetricChange> changes;
  for (const auto& [path, value] : baseline_leaves) {
    const auto found = current_by_path.find(path);
    if (found == current_by_path.end()) {
      changes.push_back(MetricChange{path, value->dump(), "", std::nullopt, 0, true});
      continue;
    }
    if (*value != *found->second) {
      changes.push_back(compare_leaf(path, *value, *found->second, tolerances));
    }
  }
  for (const auto& [path, value] : current_leaves) {
    if (baseline_by_path.count(path) == 0) {
      changes.push_back(MetricChange{path, "", value->dump(), std::nullopt, 0, true});
    }
  }
  return changes;
}

}  // namespace mixsim::batch
