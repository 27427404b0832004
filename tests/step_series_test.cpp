// Step functions of time: values between points, repetition.
#include <catch2/catch.hpp>

#include "mixsim/step_series.hpp"

using namespace mixsim;

TEST_CASE("step series: values hold until the next point", "[step-series]") {
  StepSeries series;
  series.times_s = {100, 200, 400};
  series.values = {1, 2, 3};
  CHECK(series.value_at(0) == 1);  // before the first point the first value holds
  CHECK(series.value_at(199.9) == 1);
  CHECK(series.value_at(200) == 2);
  CHECK(series.value_at(1e9) == 3);
  CHECK(series.next_change_after(0) == 100);
  CHECK(series.next_change_after(200) == 400);
  CHECK(series.next_change_after(400) == kInfinity);
}

TEST_CASE("step series: a loop repeats from the first point", "[step-series]") {
  StepSeries series;
  series.times_s = {0, 10, 20};
  series.values = {5, 6, 7};
  series.period_s = 30;
  CHECK(series.value_at(25) == 7);
  CHECK(series.value_at(30) == 5);
  CHECK(series.value_at(41) == 6);
  CHECK(series.value_at(3e6 + 20) == 7);
  CHECK(series.next_change_after(25) == 30);
  CHECK(series.next_change_after(30) == 40);
}

TEST_CASE("step series: a constant never changes", "[step-series]") {
  const StepSeries series = StepSeries::constant(42);
  CHECK(series.is_constant());
  CHECK(series.value_at(1e12) == 42);
  CHECK(series.next_change_after(0) == kInfinity);
}

TEST_CASE("step series: a loop's next change always comes later", "[step-series]") {
  // Here the cycle start plus the point's time rounds back onto t. The next change must still come after t, or
  // the simulated clock would stop.
  StepSeries series;
  series.times_s = {0, 3.3};
  series.values = {1, 2};
  series.period_s = 3.4;
  const double t_s = 4058008.6999999997;
  const double next = series.next_change_after(t_s);
  CHECK(next > t_s);
  CHECK(next < t_s + 3.4);
}
