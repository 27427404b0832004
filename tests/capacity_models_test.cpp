// Stochastic capacity models: the two-state process and the random walk, with and without correlation.
#include <catch2/catch.hpp>

#include <cmath>

#include "scenario/capacity_models.hpp"

using namespace mixsim;

namespace {

constexpr double kHour = 3600;

// Mean lengths of the unavailable and available spells of a realized two-state series over [0, end).
std::pair<double, double> mean_spells(const StepSeries& series, double unavailable, double end) {
  double down = 0;
  double up = 0;
  int down_spells = 0;
  int up_spells = 0;
  for (size_t i = 0; i < series.times_s.size(); ++i) {
    const double until = i + 1 < series.times_s.size() ? series.times_s[i + 1] : end;
    if (series.values[i] == unavailable) {
      down += until - series.times_s[i];
      ++down_spells;
    } else {
      up += until - series.times_s[i];
      ++up_spells;
    }
  }
  return {down / down_spells, up / up_spells};
}

double share_unavailable(const StepSeries& series, double end) {
  double down = 0;
  for (size_t i = 0; i < series.times_s.size(); ++i) {
    const double until = i + 1 < series.times_s.size() ? series.times_s[i + 1] : end;
    down += series.values[i] == 0 ? until - series.times_s[i] : 0;
  }
  return down / end;
}

}  // namespace

TEST_CASE("two-state model: spells have the given mean lengths", "[capacity-models]") {
  RandomStream random(7, "test");
  const double duration = 20000 * kHour;
  const TwoStateModel model{10 * kHour, 2 * kHour, 50, 0, 0};
  const auto series = realize(model, 1, duration, random);
  REQUIRE(series.size() == 1);
  const auto [down, up] = mean_spells(series[0], 0, duration);
  CHECK(down == Approx(2 * kHour).epsilon(0.1));
  CHECK(up == Approx(10 * kHour).epsilon(0.1));
  CHECK(series[0].values.front() == 50);  // the series starts available
}

TEST_CASE("two-state model: correlation 1 makes zones fail together, 0 apart", "[capacity-models]") {
  const double duration = 2000 * kHour;
  SECTION("correlation 1") {
    RandomStream random(3, "test");
    const auto series = realize(TwoStateModel{10 * kHour, 2 * kHour, 5, 0, 1}, 3, duration, random);
    CHECK(series[0].times_s == series[1].times_s);
    CHECK(series[1].times_s == series[2].times_s);
  }
  SECTION("correlation 0") {
    RandomStream random(3, "test");
    const auto series = realize(TwoStateModel{10 * kHour, 2 * kHour, 5, 0, 0}, 3, duration, random);
    CHECK(series[0].times_s != series[1].times_s);
  }
  SECTION("a partial correlation keeps each zone's share of outage time") {
    RandomStream random(5, "test");
    const double long_run = 50000 * kHour;
    const auto series = realize(TwoStateModel{10 * kHour, 2 * kHour, 5, 0, 0.5}, 2, long_run, random);
    // An alternating process with means 10 h and 2 h is down 2 / 12 of the time; two overlapping processes of
    // half the onset rate each come close to that.
    CHECK(share_unavailable(series[0], long_run) == Approx(2.0 / 12).epsilon(0.15));
  }
}

TEST_CASE("random walk: stays in its bounds and returns to its mean", "[capacity-models]") {
  RandomStream random(11, "test");
  const RandomWalkModel model{40, 10, 60, 8, 0.5, 3600, 10, 0.3};
  const auto series = realize(model, 2, 5000 * kHour, random);
  REQUIRE(series.size() == 2);
  double sum = 0;
  for (double value : series[0].values) {
    CHECK(value >= 10);
    CHECK(value <= 60);
    sum += value;
  }
  CHECK(series[0].values.front() == 10);
  CHECK(sum / static_cast<double>(series[0].values.size()) == Approx(40).epsilon(0.05));
  CHECK(series[0].times_s[1] - series[0].times_s[0] == 3600);
}

TEST_CASE("random walk: correlation 1 moves zones together", "[capacity-models]") {
  RandomStream random(13, "test");
  const auto series = realize(RandomWalkModel{40, 0, 80, 8, 0.5, 3600, 40, 1}, 2, 100 * kHour, random);
  CHECK(series[0].values == series[1].values);
}
