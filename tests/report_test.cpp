// Run and sweep reports drawn from result folders written by the tests: a synthetic year for the size bound,
// damaged files for the error messages, a small sweep for the statistics shown.
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>

#include "report/report_input_error.hpp"
#include "report/report_writer.hpp"
#include "report/run_report.hpp"
#include "report/sweep_report.hpp"
#include "process_support.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;
using mixsim::report::ReportInputError;

namespace {

constexpr double kYearS = 365 * 86400.0;
constexpr double kSampleS = 300;
const std::vector<std::string> kSizes = {"Standard_D2as_v5", "Standard_D4as_v5", "Standard_D8as_v5",
                                         "Standard_D2s_v5", "Standard_D4s_v5"};
const std::vector<std::string> kZones = {"eastus/1", "eastus/2", "eastus/3"};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

/// A deterministic pseudo-random walk, so the synthetic timeline changes at every sample (the worst case for
/// reduction) and the test is the same on every machine.
class Walk {
 public:
  explicit Walk(uint64_t seed) : state_(seed) {}
  int step(int value, int low, int high) {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    const int move = static_cast<int>((state_ >> 33) % 5) - 2;
    return std::clamp(value + move, low, high);
  }

 private:
  uint64_t state_;
};

json synthetic_summary(const std::vector<std::string>& sets, double duration_s) {
  json block = {{"cost", {{"total", 1000.0}, {"compute", 900.0}, {"disk", 100.0}, {"bySize", json::object()},
                          {"byPriority", {{"Regular", 600.0}, {"Spot", 400.0}}}, {"byZone", json::object()}}},
                {"availability", {{"capacity", 0.99}, {"demand", 0.98}, {"timeBelowTarget", 3600.0}}},
                {"counts", {{"evictions", 10}, {"allocationFailures", 2}, {"scaleOuts", 5}, {"scaleIns", 4},
                            {"restores", 0}}},
                {"vmHours", {{"bySize", json::object()}, {"byPriority", {{"Regular", 10.0}, {"Spot", 20.0}}}}}};
  json summary = {{"scenario", "synthetic"}, {"seed", 7}, {"version", "test"}, {"platformRules", "ga"},
                  {"duration_s", duration_s}, {"eventsProcessed", 1}};
  summary.update(block);
  summary["scaleSets"] = json::object();
  json parameter_sets = json::array();
  for (const std::string& set : sets) {
    summary["scaleSets"][set] = block;
    json sizes = json::array();
    for (const std::string& size : kSizes) {
      sizes.push_back({{"name", size}, {"rank", 0}, {"regularPricePerHour", 0.1}, {"spotPricePerHour", 0.01}});
    }
    parameter_sets.push_back(
        {{"name", set}, {"region", "eastus"}, {"zones", kZones}, {"vmSizes", sizes},
         {"autoscale", {{"enabled", true}, {"profile", "default"}, {"minimum", 2}, {"maximum", 80}, {"default", 10},
                        {"rules", json::array({{{"metricName", "Percentage CPU"}, {"operator", ">"},
                                                {"threshold", 70.0}, {"direction", "Increase"},
                                                {"type", "ChangeCount"}, {"value", 2.0}, {"statistic", "Average"},
                                                {"timeGrain_s", 60.0}, {"timeWindow_s", 300.0},
                                                {"timeAggregation", "Average"}, {"cooldown_s", 300.0},
                                                {"dividePerInstance", false}}})}}},
         {"priorityMix", nullptr}, {"demand", nullptr}});
  }
  summary["parameters"] = {{"description", "a synthetic year"}, {"start", "2024-01-01T00:00:00Z"},
                           {"sampleInterval_s", kSampleS}, {"osDiskPricePerHour", 0.005},
                           {"outputs", {{"timeline", true}, {"events", true}}}, {"sizes", json::array()},
                           {"regions", json::array()}, {"scaleSets", parameter_sets}, {"pools", json::array()},
                           {"scriptedEvents", json::array()}, {"scriptedEventCount", 0}};
  return summary;
}

std::string timeline_header() {
  std::string header =
      "time_s,scaleSet,target,running,deallocated,running_regular,running_spot,demand_vcpu,served_vcpu,cpu_percent,"
      "cost_usd";
  for (const std::string& size : kSizes) {
    header += ",running.size." + size;
  }
  for (const std::string& zone : kZones) {
    header += ",running.zone." + zone;
  }
  header += ",provisioning,pending";
  for (const std::string& size : kSizes) {
    header += ",cost.size." + size;
  }
  return header + ",cost.priority.Regular,cost.priority.Spot\n";
}

/// Writes a run folder with one timeline row per set every five minutes and an event every ten minutes. The
/// first set's running count spikes to `spike_vms` for one sample at `spike_s`.
void write_synthetic_run(const fs::path& dir, const std::vector<std::string>& sets, double duration_s,
                         int spike_vms, double spike_s) {
  fs::create_directories(dir);
  std::ofstream(dir / "summary.json") << synthetic_summary(sets, duration_s).dump(2) << "\n";

  std::ofstream timeline(dir / "timeline.csv");
  timeline << timeline_header();
  std::vector<Walk> walks;
  std::vector<std::vector<int>> sizes(sets.size(), std::vector<int>(kSizes.size(), 4));
  for (size_t s = 0; s < sets.size(); ++s) {
    walks.emplace_back(s + 1);
  }
  std::vector<double> cost(sets.size(), 0.0);
  for (double t = 0; t <= duration_s + 1e-9; t += kSampleS) {
    for (size_t s = 0; s < sets.size(); ++s) {
      int running = 0;
      for (int& count : sizes[s]) {
        count = walks[s].step(count, 0, 16);
        running += count;
      }
      if (s == 0 && std::fabs(t - spike_s) < 1) {
        sizes[s][0] += spike_vms - running;
        running = spike_vms;
      }
      const int spot = running / 2;
      cost[s] += running * 0.1 * kSampleS / 3600;
      timeline << fmt::format("{},{},{},{},{},{},{},{:.3f},{:.3f},{:.4f},{:.6f}", t, sets[s], running + 1, running,
                              walks[s].step(1, 0, 3), running - spot, spot, running * 3.1, running * 3.0,
                              running > 0 ? 75.0 : 0.0, cost[s]);
      for (int count : sizes[s]) {
        timeline << "," << count;
      }
      timeline << fmt::format(",{},{},{}", running / 3, running / 3, running - 2 * (running / 3));
      timeline << fmt::format(",{},{}", walks[s].step(1, 0, 3), walks[s].step(0, 0, 2));
      for (size_t i = 0; i < kSizes.size(); ++i) {
        timeline << fmt::format(",{:.6f}", cost[s] / kSizes.size());
      }
      timeline << fmt::format(",{:.6f},{:.6f}\n", cost[s] / 2, cost[s] / 2);
    }
  }
  timeline.close();

  std::ofstream events(dir / "events.csv");
  events << "time_s,scaleSet,kind,vm,size,zone,priority,count,detail\n";
  int64_t vm = 0;
  for (double t = 0; t <= duration_s; t += 600) {
    for (const std::string& set : sets) {
      events << fmt::format("{},{},evict,{}-{},Standard_D2as_v5,eastus/1,Spot,1,capacity\n", t, set, set, ++vm);
      events << fmt::format("{},{},scale_out,,,,,2,\"profile 'default'; rule 0 Percentage CPU Average(300s)=80 > "
                            "70 fired\"\n",
                            t, set);
    }
  }
}

/// Removes a scratch folder when the test ends: a synthetic year takes tens of megabytes.
struct RemoveWhenDone {
  fs::path dir;
  ~RemoveWhenDone() {
    std::error_code error;
    fs::remove_all(dir, error);
  }
};

std::string errors_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const ReportInputError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("run report: a year sampled every five minutes stays under 5 MB", "[report]") {
  const fs::path dir = mixsim::test::scratch_dir("report-year");
  const RemoveWhenDone cleanup{dir};
  write_synthetic_run(dir, {"web"}, kYearS, 999, 200 * 86400.0);

  const auto started = std::chrono::steady_clock::now();
  const fs::path written = mixsim::report::write_report(dir);
  const auto elapsed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  const auto bytes = fs::file_size(written);
  // Printed for the record only: timing depends on the machine, so nothing asserts on it.
  std::cout << fmt::format("synthetic year, 1 set, 105121 rows: report.html {} bytes in {} ms\n", bytes, elapsed_ms);

  CHECK(written == dir / "report.html");
  CHECK(bytes < 5'000'000);
  const std::string html = read_file(written);
  // The one-sample spike to 999 VMs sets the capacity chart's scale: reduction kept the extreme.
  std::smatch match;
  REQUIRE(std::regex_search(html, match, std::regex("id=\"set0-capacity-by-size\"[^]*?data-y-max=\"([0-9.]+)\"")));
  CHECK(std::stod(match[1]) >= 999);
  CHECK(html.find("data-series=\"size:Standard_D8as_v5\"") != std::string::npos);
  CHECK(html.find("data-series=\"threshold:0\"") != std::string::npos);
  CHECK(html.find("<script src") == std::string::npos);
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
}

TEST_CASE("run report: the most charted sets in a year stay under 5 MB", "[report]") {
  std::vector<std::string> sets;
  for (size_t i = 0; i < mixsim::report::kMaxChartedSets + 2; ++i) {
    sets.push_back(fmt::format("set-{}", i));
  }
  const fs::path dir = mixsim::test::scratch_dir("report-year-sets");
  const RemoveWhenDone cleanup{dir};
  write_synthetic_run(dir, sets, kYearS, 50, 0);
  const fs::path written = mixsim::report::write_report(dir);
  const auto bytes = fs::file_size(written);
  std::cout << fmt::format("synthetic year, {} sets: report.html {} bytes\n", sets.size(), bytes);
  CHECK(bytes < 5'000'000);
  const std::string html = read_file(written);
  CHECK(html.find(fmt::format("id=\"set{}\"", mixsim::report::kMaxChartedSets - 1)) != std::string::npos);
  CHECK(html.find(fmt::format("id=\"set{}\"", mixsim::report::kMaxChartedSets)) == std::string::npos);
  CHECK(html.find("Charts are drawn for the first") != std::string::npos);
}

TEST_CASE("run report: damaged result files name the file and line", "[report]") {
  const fs::path good = mixsim::test::scratch_dir("report-good");
  write_synthetic_run(good, {"web"}, 86400, 20, 3600);
  const std::string timeline = read_file(good / "timeline.csv");
  const std::string events = read_file(good / "events.csv");

  auto damaged = [&](const std::string& name) {
    const fs::path dir = mixsim::test::scratch_dir("report-" + name);
    fs::copy(good, dir, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    return dir;
  };
  auto message_for = [](const fs::path& dir) {
    return errors_of([&] { mixsim::report::write_report(dir); });
  };

  SECTION("folder that does not exist") {
    CHECK_THAT(message_for(good / "missing"), Catch::Contains("missing: not found or not a folder"));
  }
  SECTION("folder without summary.json") {
    const fs::path dir = damaged("no-summary");
    fs::remove(dir / "summary.json");
    CHECK_THAT(message_for(dir), Catch::Contains("summary.json: not found"));
    CHECK_FALSE(fs::exists(dir / "report.html"));
  }
  SECTION("summary.json cut short") {
    const fs::path dir = damaged("short-summary");
    const std::string summary = read_file(dir / "summary.json");
    std::ofstream(dir / "summary.json") << summary.substr(0, summary.size() / 2);
    CHECK_THAT(message_for(dir), Catch::Matches(".*summary.json:[0-9]+: invalid JSON.*truncated.*"));
  }
  SECTION("summary.json without a cost") {
    const fs::path dir = damaged("no-cost");
    json summary = json::parse(read_file(dir / "summary.json"));
    summary["cost"].erase("total");
    std::ofstream(dir / "summary.json") << summary.dump();
    CHECK_THAT(message_for(dir), Catch::Contains("summary.json: the key 'cost.total' is missing"));
  }
  SECTION("timeline.csv cut in the middle of a row") {
    const fs::path dir = damaged("cut-row");
    std::ofstream(dir / "timeline.csv") << timeline.substr(0, timeline.size() / 2);
    const std::string message = message_for(dir);
    CHECK_THAT(message, Catch::Matches(".*timeline.csv:[0-9]+: .*truncated.*"));
    CHECK_FALSE(fs::exists(dir / "report.html"));
    CHECK_FALSE(fs::exists(dir / "report.html.tmp"));
  }
  SECTION("timeline.csv cut after a complete row") {
    const fs::path dir = damaged("cut-between-rows");
    const size_t cut = timeline.rfind('\n', timeline.size() / 2);
    std::ofstream(dir / "timeline.csv") << timeline.substr(0, cut + 1);
    CHECK_THAT(message_for(dir), Catch::Contains("the last row of set 'web' is at"));
    CHECK_THAT(message_for(dir), Catch::Contains("the file is truncated"));
  }
  SECTION("timeline.csv with a row of the wrong width") {
    const fs::path dir = damaged("wrong-width");
    const size_t third_line = timeline.find('\n', timeline.find('\n', timeline.find('\n') + 1) + 1);
    std::string changed = timeline;
    changed.insert(third_line, ",42");
    std::ofstream(dir / "timeline.csv") << changed;
    CHECK_THAT(message_for(dir), Catch::Contains("timeline.csv:3: 29 fields but the header has 28"));
  }
  SECTION("timeline.csv with a value that is not a number") {
    const fs::path dir = damaged("not-a-number");
    std::string changed = timeline;
    const size_t second_row = changed.find('\n') + 1;
    changed.replace(changed.find(",web,", second_row) + 5, 1, "x");
    std::ofstream(dir / "timeline.csv") << changed;
    CHECK_THAT(message_for(dir), Catch::Contains("timeline.csv:2: column 'target'"));
  }
  SECTION("timeline.csv from another program") {
    const fs::path dir = damaged("foreign-timeline");
    std::ofstream(dir / "timeline.csv") << "time,value\n0,1\n";
    CHECK_THAT(message_for(dir), Catch::Contains("timeline.csv:1: column 1 should be 'time_s'"));
  }
  SECTION("events.csv cut in the middle of a row") {
    const fs::path dir = damaged("cut-events");
    std::ofstream(dir / "events.csv") << events.substr(0, events.size() - 7);
    CHECK_THAT(message_for(dir), Catch::Matches(".*events.csv:[0-9]+: the last row does not end.*truncated.*"));
  }
  SECTION("events.csv with a count that is not whole") {
    const fs::path dir = damaged("bad-count");
    std::ofstream(dir / "events.csv") << "time_s,scaleSet,kind,vm,size,zone,priority,count,detail\n"
                                      << "60,web,scale_out,,,,,2.5,\n";
    CHECK_THAT(message_for(dir), Catch::Contains("events.csv:2: count '2.5' is not a whole number of VMs"));
  }
  SECTION("an earlier report is kept when the new one fails") {
    const fs::path dir = damaged("keeps-earlier");
    mixsim::report::write_report(dir);
    const std::string earlier = read_file(dir / "report.html");
    fs::remove(dir / "events.csv");
    CHECK_THAT(message_for(dir), Catch::Contains("events.csv: not found"));
    CHECK(read_file(dir / "report.html") == earlier);
  }
}

TEST_CASE("run report: timeline and events may be turned off", "[report]") {
  const fs::path dir = mixsim::test::scratch_dir("report-outputs-off");
  write_synthetic_run(dir, {"web"}, 86400, 20, 3600);
  json summary = json::parse(read_file(dir / "summary.json"));
  summary["parameters"]["outputs"] = {{"timeline", false}, {"events", false}};
  std::ofstream(dir / "summary.json") << summary.dump();
  fs::remove(dir / "timeline.csv");
  fs::remove(dir / "events.csv");
  const std::string html = mixsim::report::build_run_report(dir);
  CHECK(html.find("timeline.csv was not written for this run") != std::string::npos);
  CHECK(html.find("id=\"summary\"") != std::string::npos);
}

namespace {

/// Writes a sweep folder by hand: two strategies, three seeds, cost_total and availability_capacity only,
/// plus one failed run.
fs::path write_small_sweep(const std::string& name) {
  const fs::path dir = mixsim::test::scratch_dir(name);
  const json sweep = {{"name", "small"}, {"scenario", "scenarios/default.yaml"}, {"factors", {"strategy"}},
                      {"seeds", {1, 2, 3}}, {"runs", 7}, {"metrics", {"cost_total", "availability_capacity"}}};
  std::ofstream(dir / "sweep.json") << sweep.dump(2);
  std::ofstream(dir / "runs.csv") << "run_id,status,seed,strategy,cost_total,availability_capacity\n"
                                     "a1,ok,1,LowestPrice,10,0.90\n"
                                     "a2,ok,2,LowestPrice,20,0.95\n"
                                     "a3,ok,3,LowestPrice,30,0.99\n"
                                     "b1,ok,1,CapacityOptimized,11,0.91\n"
                                     "b2,ok,2,CapacityOptimized,22,0.96\n"
                                     "b3,ok,3,CapacityOptimized,33,0.99\n"
                                     "b4,failed,4,CapacityOptimized,,\n";
  return dir;
}

}  // namespace

TEST_CASE("sweep report: intervals and paired differences", "[report][sweep]") {
  const fs::path dir = write_small_sweep("sweep-small");
  REQUIRE(mixsim::report::is_sweep_dir(dir));
  const std::string html = mixsim::report::build_sweep_report(dir);
  // LowestPrice cost: mean 20, sd 10, t(0.975, 2) = 4.303 -> half width 24.84.
  CHECK(html.find("20 ± 25 (n=3)") != std::string::npos);
  // CapacityOptimized minus LowestPrice by seed: 1, 2, 3 -> mean 2, sd 1, half width 4.3027 / sqrt(3) = 2.4841.
  CHECK(html.find("+2 [-0.4841, +4.484] (n=3)") != std::string::npos);
  CHECK(html.find("Runs ok / all") != std::string::npos);
  CHECK(html.find("<td class=\"num\">3 / 4</td>") != std::string::npos);
  CHECK(html.find("data-status=\"failed\"") != std::string::npos);
  CHECK(html.find("id=\"scatter-capacity\"") != std::string::npos);
  CHECK(html.find("id=\"spread-cost_total\"") != std::string::npos);
  CHECK(html.find("id=\"paired-0-cost_total\"") != std::string::npos);
}

TEST_CASE("sweep report: damaged sweep files name the file and line", "[report][sweep]") {
  auto message_for = [](const fs::path& dir) {
    return errors_of([&] { mixsim::report::write_report(dir); });
  };
  SECTION("unknown status") {
    const fs::path dir = write_small_sweep("sweep-status");
    std::ofstream(dir / "runs.csv", std::ios::app) << "c1,lost,1,Prioritized,,\n";
    CHECK_THAT(message_for(dir), Catch::Contains("runs.csv:9: status 'lost' is not one of ok, failed, timeout, "
                                                 "crashed"));
    CHECK_FALSE(fs::exists(dir / "report.html"));
  }
  SECTION("header that does not match sweep.json") {
    const fs::path dir = write_small_sweep("sweep-header");
    std::ofstream(dir / "runs.csv") << "run_id,status,seed,cost_total\n";
    CHECK_THAT(message_for(dir), Catch::Contains("runs.csv:1: the header is 'run_id,status,seed,cost_total'"));
  }
  SECTION("fewer runs than sweep.json lists") {
    const fs::path dir = write_small_sweep("sweep-short");
    const std::string runs = read_file(dir / "runs.csv");
    std::ofstream(dir / "runs.csv") << runs.substr(0, runs.find("b1,"));
    CHECK_THAT(message_for(dir), Catch::Contains("runs.csv: 3 runs listed but sweep.json says 7"));
  }
  SECTION("a metric that is not a number") {
    const fs::path dir = write_small_sweep("sweep-metric");
    std::string runs = read_file(dir / "runs.csv");
    runs.replace(runs.find("a2,ok,2,LowestPrice,20"), 22, "a2,ok,2,LowestPrice,zz");
    std::ofstream(dir / "runs.csv") << runs;
    CHECK_THAT(message_for(dir), Catch::Contains("runs.csv:3: metric 'cost_total' of run 'a2' is 'zz'"));
  }
  SECTION("sweep.json without metrics") {
    const fs::path dir = write_small_sweep("sweep-json");
    std::ofstream(dir / "sweep.json") << R"({"name": "x", "scenario": "y", "factors": [], "seeds": [], "runs": 0})";
    CHECK_THAT(message_for(dir), Catch::Contains("sweep.json: the key 'metrics' is missing or not a list"));
  }
}

TEST_CASE("report command: bad folders exit with status 2", "[report][cli]") {
  const fs::path empty = mixsim::test::scratch_dir("report-cli-empty");
  const fs::path out = empty / "stderr.txt";
  const int status = mixsim::test::run_shell(fmt::format("'{}' report '{}' 2> '{}'", MIXSIM_BINARY, empty.string(), out.string()));
  CHECK(status == 2);
  CHECK_THAT(read_file(out), Catch::Contains("mixsim report: " + (empty / "summary.json").string() + ": not found"));
  CHECK_FALSE(fs::exists(empty / "report.html"));

  CHECK(mixsim::test::run_shell(fmt::format("'{}' report 2> /dev/null", MIXSIM_BINARY)) == 2);
  CHECK(mixsim::test::run_shell(fmt::format("'{}' report --no-such-option x 2> /dev/null", MIXSIM_BINARY)) == 2);
}
