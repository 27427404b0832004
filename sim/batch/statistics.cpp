#include "batch/statistics.hpp"

#include <boost/math/distributions/students_t.hpp>
#include <cmath>

namespace mixsim::batch {

double student_t_quantile(double probability, double degrees_of_freedom) {
  const boost::math::students_t distribution(degrees_of_freedom);
  return boost::math::quantile(distribution, probability);
}

SampleStatistics describe_sample(const std::vector<double>& values, double confidence) {
  SampleStatistics statistics;
  statistics.n = values.size();
  if (values.empty()) {
    return statistics;
  }
  double sum = 0;
  for (const double value : values) {
    sum += value;
  }
  const double n = static_cast<double>(values.size());
  statistics.mean = sum / n;
  if (values.size() < 2) {
    return statistics;
  }

  // Two passes: the sum of squared deviations from the mean loses no precision when the values are large and
  // close together, as costs of runs that differ only in seed are.
  double squares = 0;
  for (const double value : values) {
    squares += (value - statistics.mean) * (value - statistics.mean);
  }
  const double sd = std::sqrt(squares / (n - 1));
  const double half_width = student_t_quantile(1 - (1 - confidence) / 2, n - 1) * sd / std::sqrt(n);
  statistics.sd = sd;
  statistics.ci_low = statistics.mean - half_width;
  statistics.ci_high = statistics.mean + half_width;
  return statistics;
}

}  // namespace mixsim::batch
