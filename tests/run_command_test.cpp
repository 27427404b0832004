// `mixsim run` guards, through the binary: the event budget, the result folder, and result files that are never
// left half written.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>

#include "process_support.hpp"
#include "simulation_support.hpp"
#include "test_support.hpp"

using namespace mixsim::test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

// A small scenario whose name and capacity vary; `extra` goes at the end of the file.
std::string scenario_yaml(const std::string& name, int capacity, const std::string& extra = "") {
  return "scenario: { name: " + name + ", duration: P1D, sampleInterval: PT1H }\n" +
         "catalog: { sizes: [{ name: A, vCPUs: 2, prices: { eastus: { regular: 0.1, spot: 0.01 } } }] }\n"
         "regions: [{ name: eastus, zones: [\"1\", \"2\"] }]\n"
         "scaleSets: [{ name: web, region: eastus, zones: [\"1\", \"2\"], sku: { name: A, capacity: " +
         std::to_string(capacity) + " } }]\n" + extra;
}

// Ten scale-outs, each followed by the instant its VMs finish provisioning: the run processes about 35 instants,
// while the lower bound checked before it is 25 (the timeline rows).
const std::string kTenEvents = [] {
  std::string events = "events:\n";
  for (int hour = 1; hour <= 10; ++hour) {
    events += "  - { at: PT" + std::to_string(hour) +
              "H, setCapacity: { scaleSet: web, capacity: " + std::to_string(2 + hour) + " } }\n";
  }
  return events;
}();

std::string write_scenario(const std::string& dir, const std::string& file_name, const std::string& yaml) {
  const std::string path = dir + "/" + file_name;
  std::ofstream(path) << yaml;
  return path;
}

// The content of every file in a folder, by name.
std::map<std::string, std::string> folder_content(const std::string& dir) {
  std::map<std::string, std::string> content;
  if (!fs::exists(dir)) {
    return content;
  }
  for (const auto& entry : fs::directory_iterator(dir)) {
    content[entry.path().filename().string()] = read_file(entry.path().string());
  }
  return content;
}

std::string summary_scenario(const std::string& out) {
  return nlohmann::json::parse(read_file(out + "/summary.json")).at("scenario").get<std::string>();
}

}  // namespace

TEST_CASE("run guard: --max-events stops the run and keeps earlier results", "[guard]") {
  const std::string dir = scratch_dir("max-events");
  const std::string scenario = write_scenario(dir, "s.yaml", scenario_yaml("budget", 2, kTenEvents));
  const std::string out = dir + "/out";
  REQUIRE(run_mixsim({"run", scenario, "--out", out}, dir).status == 0);
  const auto before = folder_content(out);
  REQUIRE(before.count("summary.json") == 1);

  const CommandResult stopped = run_mixsim({"run", scenario, "--out", out, "--max-events", "30"}, dir);
  CHECK(stopped.status == 3);
  CHECK_THAT(stopped.errors, Contains("mixsim run: the run stopped at t = "));
  CHECK_THAT(stopped.errors, Contains("after 30 instants, the limit set by --max-events"));
  CHECK(folder_content(out) == before);

  const std::string fresh = dir + "/fresh";
  CHECK(run_mixsim({"run", scenario, "--out", fresh, "--max-events", "30"}, dir).status == 3);
  CHECK(folder_content(fresh).empty());
}

TEST_CASE("run guard: a run the budget would stop is rejected first", "[guard]") {
  const std::string dir = scratch_dir("max-events-before");
  const std::string scenario = write_scenario(dir, "s.yaml", scenario_yaml("budget", 2));
  const CommandResult rejected = run_mixsim({"run", scenario, "--out", dir + "/out", "--max-events", "24"}, dir);
  CHECK(rejected.status == 2);
  CHECK_THAT(rejected.errors, Contains("the run needs at least 25 instants"));
  CHECK_THAT(rejected.errors, Contains("more than --max-events 24"));
  CHECK_FALSE(fs::exists(dir + "/out"));
  CHECK(run_mixsim({"run", scenario, "--out", dir + "/out", "--max-events", "25"}, dir).status == 0);
}

TEST_CASE("result folder: a rerun of the same scenario replaces it", "[guard][out]") {
  const std::string dir = scratch_dir("rerun");
  const std::string scenario = write_scenario(dir, "s.yaml", scenario_yaml("same", 2));
  const std::string out = dir + "/out";
  REQUIRE(run_mixsim({"run", scenario, "--out", out, "--seed", "1"}, dir).status == 0);
  REQUIRE(run_mixsim({"run", scenario, "--out", out, "--seed", "2"}, dir).status == 0);
  CHECK(nlohmann::json::parse(read_file(out + "/summary.json")).at("seed") == 2);

  SECTION("files this run does not write are removed") {
    std::ofstream(out + "/report.html") << "<p>an earlier report</p>\n";
    const std::string quiet =
        write_scenario(dir, "quiet.yaml", scenario_yaml("same", 2, "outputs: { timeline: false }\n"));
    REQUIRE(run_mixsim({"run", quiet, "--out", out}, dir).status == 0);
    CHECK_FALSE(fs::exists(out + "/timeline.csv"));
    CHECK_FALSE(fs::exists(out + "/report.html"));
    CHECK(fs::exists(out + "/events.csv"));
  }
}

TEST_CASE("result folder: another scenario's results need --force", "[guard][out]") {
  const std::string dir = scratch_dir("other-scenario");
  const std::string first = write_scenario(dir, "first.yaml", scenario_yaml("first", 2));
  const std::string second = write_scenario(dir, "second.yaml", scenario_yaml("second", 3));
  const std::string out = dir + "/out";
  REQUIRE(run_mixsim({"run", first, "--out", out}, dir).status == 0);

  const CommandResult rejected = run_mixsim({"run", second, "--out", out}, dir);
  CHECK(rejected.status == 2);
  CHECK_THAT(rejected.errors, Contains("--out " + out +
                                       ": the folder holds the results of scenario 'first', not of "
                                       "'second'; choose another folder or pass --force"));
  CHECK(summary_scenario(out) == "first");

  CHECK(run_mixsim({"run", second, "--out", out, "--force"}, dir).status == 0);
  CHECK(summary_scenario(out) == "second");
}

TEST_CASE("result folder: foreign files and unknown results need --force", "[guard][out]") {
  const std::string dir = scratch_dir("foreign");
  const std::string scenario = write_scenario(dir, "s.yaml", scenario_yaml("foreign", 2));
  const std::string out = dir + "/out";
  fs::create_directories(out);

  SECTION("a file that is not a result stays, with --force") {
    std::ofstream(out + "/notes.txt") << "mine\n";
    const CommandResult rejected = run_mixsim({"run", scenario, "--out", out}, dir);
    CHECK(rejected.status == 2);
    CHECK_THAT(rejected.errors, Contains("holds files that are not mixsim results (notes.txt)"));
    CHECK_FALSE(fs::exists(out + "/summary.json"));
    CHECK(run_mixsim({"run", scenario, "--out", out, "--force"}, dir).status == 0);
    CHECK(read_file(out + "/notes.txt") == "mine\n");
    CHECK(fs::exists(out + "/summary.json"));
  }
  SECTION("results without a summary") {
    std::ofstream(out + "/timeline.csv") << "time_s\n";
    const CommandResult rejected = run_mixsim({"run", scenario, "--out", out}, dir);
    CHECK(rejected.status == 2);
    CHECK_THAT(rejected.errors,
               Contains("holds results without summary.json (timeline.csv), so their scenario is unknown"));
  }
  SECTION("a summary that is not mixsim's") {
    std::ofstream(out + "/summary.json") << "[1, 2]\n";
    const CommandResult rejected = run_mixsim({"run", scenario, "--out", out}, dir);
    CHECK(rejected.status == 2);
    CHECK_THAT(rejected.errors, Contains("the folder's summary.json is not a mixsim summary"));
  }
  SECTION("a folder in a result file's place, even with --force") {
    fs::create_directories(out + "/events.csv");
    const CommandResult rejected = run_mixsim({"run", scenario, "--out", out, "--force"}, dir);
    CHECK(rejected.status == 2);
    CHECK_THAT(rejected.errors, Contains("events.csv is not a regular file; remove it or choose another folder"));
  }
  SECTION("leftover temporary files are removed") {
    std::ofstream(out + "/events.csv.tmp") << "half a file";
    std::ofstream(out + "/timeline.csv.tmp") << "half a file";
    const std::string quiet =
        write_scenario(dir, "q.yaml", scenario_yaml("foreign", 2, "outputs: { timeline: false }\n"));
    CHECK(run_mixsim({"run", quiet, "--out", out}, dir).status == 0);
    CHECK_FALSE(fs::exists(out + "/events.csv.tmp"));
    CHECK_FALSE(fs::exists(out + "/timeline.csv.tmp"));
  }
}

TEST_CASE("result folder: nothing is written outside --out", "[guard][out]") {
  const std::string dir = scratch_dir("outside");
  const std::string scenario = write_scenario(dir, "s.yaml", scenario_yaml("outside", 2));
  const std::string out = dir + "/out";
  const std::string target = dir + "/precious.txt";
  std::ofstream(target) << "precious\n";
  fs::create_directories(out);
  // A link under a temporary name must not lead the summary into the file it points to.
  fs::create_symlink(target, out + "/summary.json.tmp");

  CHECK(run_mixsim({"run", scenario, "--out", out}, dir).status == 0);
  CHECK(read_file(target) == "precious\n");
  CHECK(summary_scenario(out) == "outside");
  CHECK_FALSE(fs::is_symlink(out + "/summary.json.tmp"));
}

TEST_CASE("result folder: one that cannot be created", "[guard][out]") {
  const std::string dir = scratch_dir("uncreatable");
  const std::string scenario = write_scenario(dir, "s.yaml", scenario_yaml("uncreatable", 2));
  const CommandResult rejected = run_mixsim({"run", scenario, "--out", scenario + "/out"}, dir);
  CHECK(rejected.status == 2);
  CHECK_THAT(rejected.errors, Contains("--out " + scenario + "/out: cannot create the folder: Not a directory"));
}

TEST_CASE("result files: a failed write leaves no partial file", "[guard][out]") {
  const std::string dir = scratch_dir("write-failure");
  // 3,000 VMs make an events.csv of about 200 KB; the timeline has 25 short rows.
  const std::string scenario = write_scenario(dir, "s.yaml", scenario_yaml("write-failure", 3000));
  const std::string out = dir + "/out";
  // Files may grow to 64 blocks of at most 1 KB; the limit applies to root too.
  const std::string limit = "ulimit -f 64;";

  SECTION("the write fails with EFBIG") {
    const CommandResult failed = run_mixsim({"run", scenario, "--out", out}, dir, limit + " trap '' XFSZ;");
    CHECK(failed.status == 1);
    CHECK_THAT(failed.errors, Contains("mixsim run: cannot write " + out + "/events.csv.tmp: File too large"));
    const auto files = folder_content(out);
    CHECK(files.count("events.csv") == 0);
    CHECK(files.count("events.csv.tmp") == 0);
    CHECK(files.count("summary.json") == 0);
  }
  SECTION("the process is killed while writing") {
    const CommandResult killed = run_mixsim({"run", scenario, "--out", out}, dir, limit);
    CHECK(killed.status == 128 + SIGXFSZ);
    // Only the temporary file can be partial: the final names appear only when a file is complete.
    const auto files = folder_content(out);
    CHECK(files.count("events.csv") == 0);
    CHECK(files.count("summary.json") == 0);
  }
}
