// Autoscale engine: metric windows, rule combination, cooldown, flapping, unavailable metrics, rounding.
#include <catch2/catch.hpp>

#include "mixsim/autoscale.hpp"

using namespace mixsim;

namespace {

ScaleRule rule(ScaleDirection direction, ComparisonOperator op, double threshold, ScaleType type, double value,
               double cooldown_s = 300, double window_s = 300) {
  ScaleRule result;
  result.trigger.time_grain_s = 60;
  result.trigger.time_window_s = window_s;
  result.trigger.op = op;
  result.trigger.threshold = threshold;
  result.action.direction = direction;
  result.action.type = type;
  result.action.value = value;
  result.action.cooldown_s = cooldown_s;
  return result;
}

ScaleRule out_above(double threshold, double change, double cooldown_s = 300) {
  return rule(ScaleDirection::Increase, ComparisonOperator::GreaterThan, threshold, ScaleType::ChangeCount, change,
              cooldown_s);
}

ScaleRule in_below(double threshold, double change, double cooldown_s = 300) {
  return rule(ScaleDirection::Decrease, ComparisonOperator::LessThan, threshold, ScaleType::ChangeCount, change,
              cooldown_s);
}

AutoscaleSetting setting(std::vector<ScaleRule> rules, CapacityLimits limits = {1, 100, 2}) {
  AutoscaleSetting result;
  result.profiles.push_back(AutoscaleProfile{"default", limits, std::move(rules), std::nullopt, std::nullopt});
  return result;
}

MinuteSample cpu(double percent, double running = 1) {
  return MinuteSample{{MetricMinute{true, percent, percent * running, running}}};
}

// Feeds the same sample for every minute in (from_s, to_s].
void feed(AutoscaleEngine& engine, double from_s, double to_s, const MinuteSample& sample) {
  for (double t = from_s + 60; t <= to_s; t += 60) {
    engine.add_minute_sample(t, sample);
  }
}

}  // namespace

TEST_CASE("metric window: aggregations over the grains in the window", "[autoscale][window]") {
  MetricTrigger trigger;
  trigger.time_grain_s = 120;
  trigger.time_window_s = 360;
  const std::vector<double> minutes = {10, 30, 50, 70, 20, 40, 90, 10};  // minute i ends at (i + 1) * 60
  auto aggregate = [&](TimeAggregation aggregation, double at_s) {
    trigger.time_aggregation = aggregation;
    MetricWindow window(trigger, 0);
    for (size_t i = 0; i < minutes.size(); ++i) {
      window.add_minute(static_cast<double>(i + 1) * 60, cpu(minutes[i]));
    }
    return window.aggregate(at_s);
  };
  // Grains end at 120, 240, 360, 480 with means 20, 60, 30, 50; at t = 480 the window (120, 480] holds the last
  // three.
  CHECK(aggregate(TimeAggregation::Average, 480).value() == Approx(140.0 / 3));
  CHECK(aggregate(TimeAggregation::Minimum, 480).value() == 30);
  CHECK(aggregate(TimeAggregation::Maximum, 480).value() == 60);
  CHECK(aggregate(TimeAggregation::Total, 480).value() == 140);
  CHECK(aggregate(TimeAggregation::Count, 480).value() == 3);
  CHECK(aggregate(TimeAggregation::Last, 480).value() == 50);
  CHECK_FALSE(aggregate(TimeAggregation::Average, 2000).has_value());  // every grain has left the window
}

TEST_CASE("metric window: missing minutes and grains", "[autoscale][window]") {
  MetricTrigger trigger;
  trigger.time_grain_s = 120;
  trigger.time_window_s = 240;
  MetricWindow window(trigger, 0);
  window.add_minute(60, cpu(80));
  window.add_minute(120, MinuteSample{});
  window.add_minute(180, MinuteSample{});
  window.add_minute(240, MinuteSample{});
  CHECK(window.aggregate(240).value() == 80);  // the grain ending at 120 holds one available minute
  CHECK_FALSE(window.aggregate(360).has_value());
}

TEST_CASE("metric window: a long window stays exact over a year of samples", "[autoscale][window]") {
  MetricTrigger trigger;
  trigger.time_window_s = 12 * 3600;
  trigger.time_aggregation = TimeAggregation::Average;
  MetricWindow window(trigger, 0);
  double t = 0;
  for (int i = 0; i < 525600; ++i) {
    t += 60;
    window.add_minute(t, cpu(i % 2 == 0 ? 0.1 : 99.9));
  }
  CHECK(window.aggregate(t).value() == Approx(50.0).epsilon(1e-12));
}

TEST_CASE("autoscale: rule combination", "[autoscale][rules]") {
  SECTION("+3 and +5 both fire: +5 applies") {
    AutoscaleSetting config = setting({out_above(70, 3), out_above(60, 5)});
    AutoscaleEngine engine(config, PlatformOptions{}, 0);
    feed(engine, 0, 300, cpu(80));
    const AutoscaleDecision decision = engine.evaluate(300, 10, 10);
    CHECK(decision.capacity == 15);
  }
  SECTION("-50 percent gives 5, -3 gives 7: the engine goes to 7") {
    ScaleRule half = rule(ScaleDirection::Decrease, ComparisonOperator::LessThan, 30, ScaleType::PercentChangeCount, 50);
    AutoscaleSetting config = setting({half, in_below(40, 3)});
    AutoscaleEngine engine(config, PlatformOptions{}, 0);
    feed(engine, 0, 300, cpu(10));
    CHECK(engine.evaluate(300, 10, 10).capacity == 7);
  }
  SECTION("scale-in needs every Decrease rule to fire") {
    AutoscaleSetting config = setting({in_below(30, 1), in_below(20, 1)});
    AutoscaleEngine engine(config, PlatformOptions{}, 0);
    feed(engine, 0, 300, cpu(25));
    CHECK(engine.evaluate(300, 10, 10).actions.empty());
  }
  SECTION("scale-out beats scale-in, and results are clamped to the profile's limits") {
    AutoscaleSetting config = setting({out_above(50, 10), in_below(90, 1)}, CapacityLimits{1, 12, 2});
    AutoscaleEngine engine(config, PlatformOptions{}, 0);
    feed(engine, 0, 300, cpu(60));
    const AutoscaleDecision decision = engine.evaluate(300, 10, 10);
    REQUIRE(decision.actions.size() == 1);
    CHECK(decision.actions[0].kind == AutoscaleAction::Kind::ScaleOut);
    CHECK(decision.capacity == 12);
  }
  SECTION("without a Decrease rule the set never scales in") {
    AutoscaleSetting config = setting({out_above(90, 1)});
    AutoscaleEngine engine(config, PlatformOptions{}, 0);
    feed(engine, 0, 300, cpu(1));
    CHECK(engine.evaluate(300, 10, 10).capacity == 10);
  }
  SECTION("a rule is not evaluated before its window has elapsed") {
    AutoscaleSetting config = setting({out_above(50, 1)});
    AutoscaleEngine engine(config, PlatformOptions{}, 0);
    feed(engine, 0, 240, cpu(99));
    CHECK(engine.evaluate(240, 3, 3).capacity == 3);
    feed(engine, 240, 300, cpu(99));
    CHECK(engine.evaluate(300, 3, 3).capacity == 4);
  }
}

TEST_CASE("autoscale: cooldown: the documented examples", "[autoscale][cooldown]") {
  SECTION("a scale-out at 10:00 with a 60-minute cooldown blocks until 11:00") {
    AutoscaleSetting config = setting({out_above(50, 1, 3600)});
    AutoscaleEngine engine(config, PlatformOptions{}, 0);
    const double ten = 10 * 3600;
    feed(engine, 0, ten, cpu(80));
    CHECK(engine.evaluate(ten, 3, 3).capacity == 4);
    feed(engine, ten, ten + 3540, cpu(80));
    CHECK(engine.evaluate(ten + 3540, 4, 4).capacity == 4);
    feed(engine, ten + 3540, ten + 3600, cpu(80));
    CHECK(engine.evaluate(ten + 3600, 4, 4).capacity == 5);
  }
  SECTION("a scale-in at 13:00 with a 40-minute cooldown blocks a scale-out at 13:20 until 13:40") {
    AutoscaleSetting config = setting({out_above(80, 1, 300), in_below(20, 1, 2400)});
    AutoscaleEngine engine(config, PlatformOptions{}, 0);
    const double one_pm = 13 * 3600;
    feed(engine, 0, one_pm, cpu(5));
    CHECK(engine.evaluate(one_pm, 10, 10).capacity == 9);
    feed(engine, one_pm, one_pm + 1200, cpu(95));
    CHECK(engine.evaluate(one_pm + 1200, 9, 9).actions.empty());
    feed(engine, one_pm + 1200, one_pm + 2400, cpu(95));
    CHECK(engine.evaluate(one_pm + 2400, 9, 9).capacity == 10);
  }
  SECTION("a clamp to the limits neither waits for nor starts a cooldown") {
    AutoscaleSetting config = setting({out_above(50, 1, 3600)}, CapacityLimits{3, 10, 3});
    AutoscaleEngine engine(config, PlatformOptions{}, 0);
    feed(engine, 0, 300, cpu(80));
    const AutoscaleDecision decision = engine.evaluate(300, 1, 1);
    REQUIRE(decision.actions.size() == 2);
    CHECK(decision.actions[0].kind == AutoscaleAction::Kind::Clamp);
    CHECK(decision.actions[0].to == 3);
    CHECK(decision.actions[1].kind == AutoscaleAction::Kind::ScaleOut);
    CHECK(decision.capacity == 4);
    CHECK(engine.evaluate(360, 15, 15).capacity == 10);  // in the rule's cooldown, the clamp still applies
  }
}

TEST_CASE("autoscale: flapping: the documented examples with their projected values", "[autoscale][flapping]") {
  SECTION("out >= 80, in <= 60, 3 instances at 60 percent: projected 90, no scale-in") {
    ScaleRule out = rule(ScaleDirection::Increase, ComparisonOperator::GreaterThanOrEqual, 80, ScaleType::ChangeCount, 1);
    ScaleRule in = rule(ScaleDirection::Decrease, ComparisonOperator::LessThanOrEqual, 60, ScaleType::ChangeCount, 1);
    AutoscaleSetting config = setting({out, in});
    AutoscaleEngine engine(config, PlatformOptions{}, 0);
    feed(engine, 0, 300, cpu(60, 3));
    const AutoscaleDecision decision = engine.evaluate(300, 3, 3);
    REQUIRE(decision.actions.size() == 1);
    CHECK(decision.actions[0].kind == AutoscaleAction::Kind::FlappingSkip);
    CHECK(decision.actions[0].detail.find("would read 90") != std::string::npos);
    CHECK(decision.capacity == 3);
  }
  SECTION("the same rules at 50 percent: projected 75, scale in to 2") {
    ScaleRule out = rule(ScaleDirection::Increase, ComparisonOperator::GreaterThanOrEqual, 80, ScaleType::ChangeCount, 1);
    ScaleRule in = rule(ScaleDirection::Decrease, ComparisonOperator::LessThanOrEqual, 60, ScaleType::ChangeCount, 1);
    AutoscaleSetting config = setting({out, in});
    AutoscaleEngine engine(config, PlatformOptions{}, 0);
    feed(engine, 0, 300, cpu(50, 3));
    const AutoscaleDecision decision = engine.evaluate(300, 3, 3);
    REQUIRE(decision.actions.size() == 1);
    CHECK(decision.actions[0].kind == AutoscaleAction::Kind::ScaleIn);
    CHECK(decision.capacity == 2);
  }
  SECTION("out > 50, in < 30, 2 instances at 28 percent: one instance would read 56, so no scale-in") {
    AutoscaleSetting config = setting({out_above(50, 1), in_below(30, 1)});
    AutoscaleEngine engine(config, PlatformOptions{}, 0);
    feed(engine, 0, 300, cpu(28, 2));
    const AutoscaleDecision decision = engine.evaluate(300, 2, 2);
    REQUIRE(decision.actions.size() == 1);
    CHECK(decision.actions[0].kind == AutoscaleAction::Kind::FlappingSkip);
    CHECK(decision.actions[0].detail.find("would read 56") != std::string::npos);
  }
  SECTION("30 instances, a rule removes 10, CPU would exceed 70: the engine stops at 27") {
    AutoscaleSetting config = setting({out_above(70, 1), in_below(65, 10)}, CapacityLimits{1, 100, 2});
    AutoscaleEngine engine(config, PlatformOptions{}, 0);
    feed(engine, 0, 300, cpu(62, 30));
    const AutoscaleDecision decision = engine.evaluate(300, 30, 30);
    REQUIRE(decision.actions.size() == 1);
    CHECK(decision.actions[0].kind == AutoscaleAction::Kind::FlappingShortened);
    CHECK(decision.actions[0].to == 27);
    CHECK(decision.capacity == 27);
  }
  SECTION("a sum of 575 across 3 instances projects to 862.5 on 2: no scale-in") {
    ScaleRule out = out_above(800, 1);
    ScaleRule in = in_below(600, 1);
    out.trigger.statistic = MetricStatistic::Sum;
    in.trigger.statistic = MetricStatistic::Sum;
    AutoscaleSetting config = setting({out, in});
    AutoscaleEngine engine(config, PlatformOptions{}, 0);
    feed(engine, 0, 300, MinuteSample{{MetricMinute{true, 575.0 / 3, 575, 3}}});
    const AutoscaleDecision decision = engine.evaluate(300, 3, 3);
    REQUIRE(decision.actions.size() == 1);
    CHECK(decision.actions[0].kind == AutoscaleAction::Kind::FlappingSkip);
    CHECK(decision.actions[0].detail.find("would read 862.5") != std::string::npos);
  }
}

TEST_CASE("autoscale: metrics unavailable", "[autoscale][unavailable]") {
  AutoscaleSetting config = setting({out_above(70, 1), in_below(30, 1)}, CapacityLimits{0, 20, 5});
  SECTION("below the default: scale out to it") {
    AutoscaleEngine engine(config, PlatformOptions{}, 0);
    feed(engine, 0, 300, MinuteSample{});
    const AutoscaleDecision decision = engine.evaluate(300, 2, 0);
    REQUIRE(decision.actions.size() == 1);
    CHECK(decision.actions[0].kind == AutoscaleAction::Kind::DefaultCapacity);
    CHECK(decision.capacity == 5);
  }
  SECTION("above the default: nothing happens") {
    AutoscaleEngine engine(config, PlatformOptions{}, 0);
    feed(engine, 0, 300, MinuteSample{});
    CHECK(engine.evaluate(300, 8, 0).actions.empty());
  }
}

TEST_CASE("autoscale: percentage steps on small sets follow the rounding option", "[autoscale][percent]") {
  ScaleRule grow = rule(ScaleDirection::Increase, ComparisonOperator::GreaterThan, 50, ScaleType::PercentChangeCount, 10);
  AutoscaleSetting config = setting({grow});
  auto grown = [&](PercentChangeRounding rounding, int capacity) {
    PlatformOptions options;
    options.percent_change_rounding = rounding;
    AutoscaleEngine engine(config, options, 0);
    feed(engine, 0, 300, cpu(90));
    return engine.evaluate(300, capacity, capacity).capacity;
  };
  CHECK(grown(PercentChangeRounding::Aws, 3) == 4);  // 0.3 VM rounds toward zero, but at least one VM moves
  CHECK(grown(PercentChangeRounding::Floor, 3) == 3);
  CHECK(grown(PercentChangeRounding::Ceil, 3) == 4);
  CHECK(grown(PercentChangeRounding::Round, 3) == 3);
  CHECK(grown(PercentChangeRounding::Aws, 25) == 27);
  CHECK(grown(PercentChangeRounding::Round, 25) == 28);
}

TEST_CASE("autoscale: disabled setting: no decisions", "[autoscale]") {
  AutoscaleSetting config = setting({out_above(1, 5)}, CapacityLimits{3, 10, 3});
  config.enabled = false;
  AutoscaleEngine engine(config, PlatformOptions{}, 0);
  feed(engine, 0, 300, cpu(99));
  CHECK(engine.evaluate(300, 1, 1).actions.empty());
}

namespace {

// 2024-03-04T00:00:00Z, a Monday; daylight saving time starts in the United States on Sunday 2024-03-10.
constexpr int64_t kMonday = 1709510400;
constexpr double kHour = 3600;
constexpr double kDay = 86400;

AutoscaleProfile profile(const std::string& name, CapacityLimits limits) {
  AutoscaleProfile result;
  result.name = name;
  result.capacity = limits;
  return result;
}

Recurrence weekly(const std::string& zone, std::vector<int> days, int hour, int minute) {
  Recurrence recurrence;
  recurrence.time_zone = zone;
  for (int day : days) {
    recurrence.days |= static_cast<uint8_t>(1u << day);
  }
  recurrence.hours = {hour};
  recurrence.minutes = {minute};
  return recurrence;
}

}  // namespace

TEST_CASE("autoscale: profiles: precedence of fixed date, recurrence and default", "[autoscale][profiles]") {
  AutoscaleSetting config;
  config.profiles.push_back(profile("default", {1, 10, 2}));
  AutoscaleProfile business = profile("business", {5, 20, 5});
  business.recurrence = weekly("Etc/UTC", {1, 2, 3, 4, 5}, 9, 0);
  config.profiles.push_back(business);
  AutoscaleProfile evening = profile("evening", {1, 10, 2});
  evening.recurrence = weekly("Etc/UTC", {1, 2, 3, 4, 5}, 17, 0);
  config.profiles.push_back(evening);
  AutoscaleProfile launch = profile("launch", {30, 40, 30});
  launch.fixed_date = FixedDate{"Etc/UTC", kMonday + 2 * kDay + 12 * kHour, kMonday + 2 * kDay + 14 * kHour};
  config.profiles.push_back(launch);

  AutoscaleEngine engine(config, PlatformOptions{}, kMonday);
  // Monday 08:59 follows Friday's 17:00 start of the evening profile.
  CHECK(engine.profile_at(8 * kHour + 59 * 60) == 2u);
  CHECK(engine.profile_at(9 * kHour) == 1u);
  CHECK(engine.profile_at(16 * kHour + 59 * 60) == 1u);
  CHECK(engine.profile_at(17 * kHour) == 2u);
  // The fixed date wins over the recurrence in force on Wednesday at noon, until 14:00.
  CHECK(engine.profile_at(2 * kDay + 12 * kHour) == 3u);
  CHECK(engine.profile_at(2 * kDay + 14 * kHour) == 1u);
}

TEST_CASE("autoscale: profiles: only a default profile applies before any recurrence", "[autoscale][profiles]") {
  AutoscaleSetting config;
  config.profiles.push_back(profile("default", {1, 10, 2}));
  AutoscaleProfile weekend = profile("weekend", {0, 2, 0});
  weekend.recurrence = weekly("Etc/UTC", {6}, 0, 0);  // Saturday midnight
  config.profiles.push_back(weekend);
  // Monday of the first week: last Saturday's start already lies in the past, so the weekend profile runs.
  AutoscaleEngine engine(config, PlatformOptions{}, kMonday);
  CHECK(engine.profile_at(0) == 1u);

  AutoscaleSetting without_recurrence;
  without_recurrence.profiles.push_back(profile("default", {1, 10, 2}));
  AutoscaleEngine plain(without_recurrence, PlatformOptions{}, kMonday);
  CHECK(plain.profile_at(0) == 0u);
}

TEST_CASE("autoscale: profile switch: clamps to the new limits at the boundary", "[autoscale][profiles]") {
  AutoscaleSetting config;
  config.profiles.push_back(profile("default", {1, 10, 2}));
  AutoscaleProfile business = profile("business", {5, 20, 5});
  business.recurrence = weekly("Etc/UTC", {1}, 9, 0);
  config.profiles.push_back(business);
  AutoscaleProfile after = profile("after hours", {1, 4, 2});
  after.recurrence = weekly("Etc/UTC", {1}, 17, 0);
  config.profiles.push_back(after);

  AutoscaleEngine engine(config, PlatformOptions{}, kMonday);
  CHECK(engine.evaluate(8 * kHour, 3, 3).capacity == 3);  // last week's after-hours profile allows 3
  const AutoscaleDecision at_nine = engine.evaluate(9 * kHour, 3, 3);
  REQUIRE(at_nine.actions.size() == 2);
  CHECK(at_nine.actions[0].kind == AutoscaleAction::Kind::ProfileSwitch);
  CHECK(at_nine.actions[0].detail == "profile 'business' replaces 'after hours'");
  CHECK(at_nine.actions[1].kind == AutoscaleAction::Kind::Clamp);
  CHECK(at_nine.capacity == 5);
  const AutoscaleDecision at_five = engine.evaluate(17 * kHour, 12, 12);
  CHECK(at_five.capacity == 4);
}

TEST_CASE("autoscale: recurrence in Pacific time across the daylight saving change", "[autoscale][profiles]") {
  AutoscaleSetting config;
  AutoscaleProfile morning = profile("morning", {5, 20, 5});
  morning.recurrence = weekly("America/Los_Angeles", {0, 1, 2, 3, 4, 5, 6}, 8, 0);
  config.profiles.push_back(morning);
  AutoscaleProfile night = profile("night", {1, 5, 1});
  night.recurrence = weekly("America/Los_Angeles", {0, 1, 2, 3, 4, 5, 6}, 20, 0);
  config.profiles.push_back(night);

  AutoscaleEngine engine(config, PlatformOptions{}, kMonday);
  // Saturday 2024-03-09: 08:00 PST is 16:00 UTC.
  CHECK(engine.profile_at(5 * kDay + 15 * kHour + 59 * 60) == 1u);
  CHECK(engine.profile_at(5 * kDay + 16 * kHour) == 0u);
  // Monday 2024-03-11, after the change: 08:00 PDT is 15:00 UTC.
  CHECK(engine.profile_at(7 * kDay + 14 * kHour + 59 * 60) == 1u);
  CHECK(engine.profile_at(7 * kDay + 15 * kHour) == 0u);
}

TEST_CASE("autoscale: named metric: a per-set value is shared by running VMs", "[autoscale][metrics]") {
  ScaleRule out = out_above(100, 2);
  out.trigger.metric_name = "Requests";
  out.trigger.statistic = MetricStatistic::Average;
  AutoscaleSetting config = setting({out});
  AutoscaleEngine engine(config, PlatformOptions{}, 0, {"Requests"});
  // 600 requests shared by 4 VMs read 150 per instance: above 100.
  const MinuteSample sample{{cpu(10, 4).metrics[0], MetricMinute{true, 150, 600, 4}}};
  feed(engine, 0, 300, sample);
  CHECK(engine.evaluate(300, 4, 4).capacity == 6);
}

TEST_CASE("autoscale: predictive: forecast from seven days and a scale-out ahead", "[autoscale][predictive]") {
  ScaleRule out = out_above(70, 3);
  AutoscaleSetting config = setting({out}, CapacityLimits{1, 50, 10});
  config.predictive = PredictivePolicy{PredictiveMode::Enabled, 30 * 60};
  AutoscaleEngine engine(config, PlatformOptions{}, 0);
  // Every day at 12:00 the work jumps from 10 VMs at 40 % to 10 VMs at 90 %, for an hour.
  for (double t = 60; t <= 8 * kDay; t += 60) {
    const double hour = std::fmod(t, kDay) / kHour;
    const double percent = hour > 12 && hour <= 13 ? 90 : 40;
    engine.add_minute_sample(t, cpu(percent, 10));
  }
  // At 11:40 on day 8 the forecast for 12:10 is 90 %, although the CPU now reads 40 %.
  const AutoscaleDecision decision = engine.evaluate(8 * kDay + 11 * kHour + 40 * 60, 10, 10);
  REQUIRE(engine.last_forecast_cpu().has_value());
  CHECK(*engine.last_forecast_cpu() == Approx(90));
  REQUIRE(decision.actions.size() == 1);
  CHECK(decision.actions[0].kind == AutoscaleAction::Kind::Predictive);
  CHECK(decision.capacity == 13);

  SECTION("ForecastOnly computes the forecast without acting") {
    AutoscaleSetting forecast_only = config;
    forecast_only.predictive.mode = PredictiveMode::ForecastOnly;
    AutoscaleEngine watcher(forecast_only, PlatformOptions{}, 0);
    for (double t = 60; t <= 8 * kDay; t += 60) {
      const double hour = std::fmod(t, kDay) / kHour;
      watcher.add_minute_sample(t, cpu(hour > 12 && hour <= 13 ? 90 : 40, 10));
    }
    CHECK(watcher.evaluate(8 * kDay + 11 * kHour + 40 * 60, 10, 10).actions.empty());
    CHECK(watcher.last_forecast_cpu().has_value());
  }
  SECTION("no forecast before seven days of history") {
    AutoscaleEngine fresh(config, PlatformOptions{}, 0);
    feed(fresh, 0, 6 * kDay, cpu(90, 10));
    fresh.evaluate(6 * kDay, 10, 10);
    CHECK_FALSE(fresh.last_forecast_cpu().has_value());
  }
}

TEST_CASE("autoscale: documented multi-rule example on CPU and memory", "[autoscale][rules]") {
  // Scale in when CPU < 30 and memory < 50; scale out when CPU > 75 or memory > 75.
  auto rule_on = [](const char* metric, ScaleDirection direction, ComparisonOperator op, double threshold) {
    ScaleRule result = rule(direction, op, threshold, ScaleType::ChangeCount, 1);
    result.trigger.metric_name = metric;
    return result;
  };
  AutoscaleSetting config = setting({rule_on("Percentage CPU", ScaleDirection::Decrease, ComparisonOperator::LessThan, 30),
                                     rule_on("Memory", ScaleDirection::Decrease, ComparisonOperator::LessThan, 50),
                                     rule_on("Percentage CPU", ScaleDirection::Increase, ComparisonOperator::GreaterThan, 75),
                                     rule_on("Memory", ScaleDirection::Increase, ComparisonOperator::GreaterThan, 75)});
  auto decide = [&](double cpu_percent, double memory_percent) {
    AutoscaleEngine engine(config, PlatformOptions{}, 0, {"Memory"});
    const MinuteSample sample{{MetricMinute{true, cpu_percent, cpu_percent * 5, 5},
                               MetricMinute{true, memory_percent, memory_percent * 5, 5}}};
    feed(engine, 0, 300, sample);
    return engine.evaluate(300, 5, 5).capacity;
  };
  CHECK(decide(76, 50) == 6);  // one scale-out rule fires
  CHECK(decide(25, 51) == 5);  // only one of the two scale-in rules fires: nothing happens
  CHECK(decide(25, 40) == 4);  // both scale-in rules fire
}
