#include "summary_statistics.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

namespace mixsim::stats {

namespace {

void require_finite(std::span<const double> values) {
  for (double value : values) {
    if (!std::isfinite(value)) {
      throw std::invalid_argument("summary statistics need finite values; got " + std::to_string(value));
    }
  }
}

std::map<std::string, double> index_by_key(std::span<const PairedObservation> sample, const char* sample_name) {
  std::map<std::string, double> by_key;
  for (const PairedObservation& observation : sample) {
    if (!by_key.emplace(observation.key, observation.value).second) {
      throw std::invalid_argument(std::string("paired comparison: key '") + observation.key + "' appears twice in the " +
                                  sample_name + " sample");
    }
  }
  return by_key;
}

}  // namespace

double student_t_quantile(double p, double degrees_of_freedom) {
  if (!(p > 0 && p < 1) || !(degrees_of_freedom > 0)) {
    throw std::invalid_argument("student_t_quantile: requires 0 < p < 1 and degrees of freedom > 0");
  }
  return boost::math::quantile(boost::math::students_t_distribution<double>(degrees_of_freedom), p);
}

double sorted_quantile(std::span<const double> sorted_values, double p) {
  if (sorted_values.empty()) {
    return kNaN;
  }
  const double position = p * static_cast<double>(sorted_values.size() - 1);
  const auto below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, sorted_values.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted_values[below] + fraction * (sorted_values[above] - sorted_values[below]);
}

SampleSummary summarize(std::span<const double> values, double confidence) {
  if (!(confidence > 0 && confidence < 1)) {
    throw std::invalid_argument("summarize: the confidence level must lie strictly between 0 and 1");
  }
  require_finite(values);
  SampleSummary summary;
  summary.confidence = confidence;
  summary.count = values.size();
  if (values.empty()) {
    return summary;
  }

  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  summary.min = sorted.front();
  summary.max = sorted.back();
  summary.q1 = sorted_quantile(sorted, 0.25);
  summary.median = sorted_quantile(sorted, 0.5);
  summary.q3 = sorted_quantile(sorted, 0.75);

  // Two passes: the mean first, then squared deviations from it, which is accurate when values are close.
  double sum = 0;
  for (double value : values) {
    sum += value;
  }
  const auto n = static_cast<double>(values.size());
  summary.mean = sum / n;
  if (values.size() < 2) {
    return summary;
  }
  double squares = 0;
  for (double value : values) {
    squares += (value - summary.mean) * (value - summary.mean);
  }
  summary.sd = std::sqrt(squares / (n - 1));
  const double t = student_t_quantile(0.5 + confidence / 2, n - 1);
  summary.ci_half_width = t * summary.sd / std::sqrt(n);
  return summary;
}

PairedComparison compare_paired(std::span<const PairedObservation> baseline,
                                std::span<const PairedObservation> treatment, double confidence) {
  const auto baseline_by_key = index_by_key(baseline, "baseline");
  const auto treatment_by_key = index_by_key(treatment, "treatment");

  PairedComparison comparison;
  std::vector<double> differences;
  std::vector<double> baseline_values;
  std::vector<double> treatment_values;
  for (const auto& [key, value] : treatment_by_key) {
    const auto match = baseline_by_key.find(key);
    if (match == baseline_by_key.end()) {
      comparison.unmatched_keys.push_back(key);
      continue;
    }
    differences.push_back(value - match->second);
    baseline_values.push_back(match->second);
    treatment_values.push_back(value);
  }
  for (const auto& [key, value] : baseline_by_key) {
    if (treatment_by_key.count(key) == 0) {
      comparison.unmatched_keys.push_back(key);
    }
  }
  std::sort(comparison.unmatched_keys.begin(), comparison.unmatched_keys.end());

  comparison.difference = summarize(differences, confidence);
  comparison.baseline_mean = summarize(baseline_values, confidence).mean;
  comparison.treatment_mean = summarize(treatment_values, confidence).mean;
  return comparison;
}

}  // namespace mixsim::stats
