#include "batch/statistics.hpp"

#include "stats/summary_statistics.hpp"

namespace mixsim::batch {

// The numbers come from the statistics module the sweep reports use, so `mixsim compare` and a report print
// the same means and intervals.

double student_t_quantile(double probability, double degrees_of_freedom) {
  return stats::student_t_quantile(probability, degrees_of_freedom);
}

SampleStatistics describe_sample(const std::vector<double>& values, double confidence) {
  SampleStatistics statistics;
  statistics.n = values.size();
  if (values.empty()) {
    return statistics;
  }
  const stats::SampleSummary summary = stats::summarize(values, confidence);
  statistics.mean = summary.mean;
  if (values.size() >= 2) {
    statistics.sd = summary.sd;
    statistics.ci_low = summary.ci_low();
    statistics.ci_high = summary.ci_high();
  }
  return statistics;
}

}  // namespace mixsim::batch
