// Reduction of time series to pixel columns: extremes survive, order is kept, gaps stay gaps.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "report/series_reduction.hpp"

using namespace mixsim::report;

TEST_CASE("series reduction: a one-sample spike keeps its height", "[report][reduction]") {
  // A year at five-minute samples into 900 columns: about 117 samples per column.
  const int samples = 105120;
  std::vector<double> times(samples);
  std::vector<double> values(samples, 10.0);
  for (int i = 0; i < samples; ++i) {
    times[i] = i * 300.0;
  }
  values[50000] = 500.0;  // one sample up
  values[80000] = -3.0;   // one sample down
  const double end = times.back();
  const auto columns = reduce_to_columns(times, values, 0, end, 900);

  CHECK(columns.size() == 900);
  double highest = -1e9;
  double lowest = 1e9;
  for (const ColumnExtremes& column : columns) {
    highest = std::max(highest, column.max);
    lowest = std::min(lowest, column.min);
  }
  CHECK(highest == 500.0);
  CHECK(lowest == -3.0);
  const int spike_column = static_cast<int>(std::floor(times[50000] / end * 900));
  CHECK(columns[spike_column].max == 500.0);
  CHECK(columns[spike_column].first == 10.0);
  CHECK(columns[spike_column].last == 10.0);
}

TEST_CASE("series reduction: first, last and the order of extremes", "[report][reduction]") {
  const std::vector<double> times = {0, 1, 2, 3, 4, 5, 6, 7};
  const std::vector<double> values = {5, 9, 1, 6, 4, 0, 8, 3};
  // Two columns of four samples each.
  const auto columns = reduce_to_columns(times, values, 0, 8, 2);
  REQUIRE(columns.size() == 2);
  CHECK(columns[0].first == 5);
  CHECK(columns[0].max == 9);
  CHECK(columns[0].min == 1);
  CHECK(columns[0].last == 6);
  CHECK(columns[0].min_before_max == false);  // 9 came before 1
  CHECK(columns[1].first == 4);
  CHECK(columns[1].min == 0);
  CHECK(columns[1].max == 8);
  CHECK(columns[1].last == 3);
  CHECK(columns[1].min_before_max == true);  // 0 came before 8
}

TEST_CASE("series reduction: missing values start a gap", "[report][reduction]") {
  const std::vector<double> times = {0, 1, 2, 3, 4, 5};
  const std::vector<double> values = {1, 2, NAN, NAN, 5, 6};
  const auto columns = reduce_to_columns(times, values, 0, 6, 6);
  REQUIRE(columns.size() == 4);  // the two missing samples make no column
  CHECK(columns[0].column == 0);
  CHECK_FALSE(columns[0].gap_before);
  CHECK(columns[2].column == 4);
  CHECK(columns[2].gap_before);
  CHECK_FALSE(columns[3].gap_before);
}

TEST_CASE("series reduction: few samples keep every value", "[report][reduction]") {
  const std::vector<double> times = {0, 100, 200};
  const std::vector<double> values = {3, 7, 5};
  const auto columns = reduce_to_columns(times, values, 0, 200, 1000);
  REQUIRE(columns.size() == 3);
  CHECK(columns[0].column == 0);
  CHECK(columns[1].column == 500);
  CHECK(columns[2].column == 999);  // the sample at the end belongs to the last column
  CHECK(columns[1].first == 7);
}

TEST_CASE("series reduction: samples outside the range are ignored", "[report][reduction]") {
  const std::vector<double> times = {-5, 0, 10, 20};
  const std::vector<double> values = {100, 1, 2, 100};
  const auto columns = reduce_to_columns(times, values, 0, 10, 2);
  REQUIRE(columns.size() == 2);
  CHECK(columns[0].max == 1);
  CHECK(columns[1].max == 2);
}

TEST_CASE("series reduction: invalid arguments are rejected", "[report][reduction]") {
  const std::vector<double> times = {0, 1};
  const std::vector<double> values = {1};
  CHECK_THROWS_AS(reduce_to_columns(times, values, 0, 1, 10), std::invalid_argument);
  CHECK_THROWS_AS(reduce_to_columns(times, times, 0, 1, 0), std::invalid_argument);
  CHECK_THROWS_AS(reduce_to_columns(times, times, 1, 1, 10), std::invalid_argument);
}
