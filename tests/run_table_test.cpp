// runs.csv: its format, the metrics read from summary.json, and the interleaving of shards' tables.
#include <catch2/catch.hpp>

#include <fstream>

#include "batch/run_table.hpp"
#include "mixsim/diagnostics.hpp"
#include "test_support.hpp"

using namespace mixsim;
using namespace mixsim::batch;
using Catch::Matchers::Contains;

namespace {

CsvTable shard_table(const std::vector<std::string>& ids) {
  CsvTable table;
  table.columns = {"run_id", "status"};
  for (const std::string& id : ids) {
    table.rows.push_back({id, "ok"});
  }
  return table;
}

}  // namespace

TEST_CASE("runs.csv: header, quoting and empty metrics", "[runs]") {
  std::vector<RunRow> rows;
  rows.push_back(RunRow{"a-s1-00000000", RunStatus::Ok, 1, {"x, y"}, std::vector<std::string>(13, "1")});
  rows.push_back(RunRow{"a-s2-00000000", RunStatus::Timeout, 2, {"plain"}, {}});
  const std::string csv = format_runs_csv({"sizes"}, rows);
  CHECK(csv ==
        "run_id,status,seed,sizes,cost_total,cost_compute,cost_disk,cost_regular,cost_spot,availability_capacity,"
        "availability_demand,time_below_target_s,evictions,allocation_failures,scale_outs,scale_ins,restores\n"
        "a-s1-00000000,ok,1,\"x, y\",1,1,1,1,1,1,1,1,1,1,1,1,1\n"
        "a-s2-00000000,timeout,2,plain,,,,,,,,,,,,,\n");
  const CsvTable table = parse_csv_table(csv, "runs.csv");
  CHECK(table.rows[0][3] == "x, y");
  CHECK(format_csv_table(table) == csv);
}

TEST_CASE("runs.csv: malformed files are located", "[runs]") {
  CHECK_THROWS_WITH(parse_csv_table("", "r.csv"), Contains("r.csv: the file is empty"));
  CHECK_THROWS_WITH(parse_csv_table("a,b\n1,2\n3\n", "r.csv"),
                    Contains("r.csv:3:1: the row has 1 fields but the header has 2"));
  CHECK_THROWS_WITH(parse_csv_table("a,b\n\"1,2\n", "r.csv"), Contains("not closed"));
}

TEST_CASE("run metrics: read from summary.json", "[runs]") {
  const std::string dir = test::scratch_dir("metrics");
  std::ofstream(dir + "/summary.json") << R"({"cost": {"total": 439.8566258623583, "compute": 408.5, "disk": 31.25,
      "byPriority": {"Regular": 344.0, "Spot": 95.5}},
    "availability": {"capacity": 0.998, "demand": 1.0, "timeBelowTarget": 14040.0},
    "counts": {"evictions": 93, "allocationFailures": 0, "scaleOuts": 156, "scaleIns": 347, "restores": 0}})";
  const auto metrics = read_run_metrics(dir + "/summary.json");
  REQUIRE(metrics.has_value());
  CHECK(*metrics == std::vector<std::string>{"439.8566258623583", "408.5", "31.25", "344", "95.5", "0.998", "1",
                                             "14040", "93", "0", "156", "347", "0"});

  std::ofstream(dir + "/partial.json") << R"({"cost": {"total": 1}})";
  CHECK_FALSE(read_run_metrics(dir + "/partial.json").has_value());
  std::ofstream(dir + "/cut.json") << R"({"cost": {"tot)";
  CHECK_FALSE(read_run_metrics(dir + "/cut.json").has_value());
  CHECK_FALSE(read_run_metrics(dir + "/absent.json").has_value());
}

TEST_CASE("shards: interleaving restores run-list order", "[runs][shard]") {
  // Seven runs in three shards: shard 0 ran 0, 3, 6; shard 1 ran 1, 4; shard 2 ran 2, 5.
  CHECK(shard_run_count(7, 0, 3) == 3);
  CHECK(shard_run_count(7, 1, 3) == 2);
  CHECK(shard_run_count(7, 2, 3) == 2);
  CHECK(shard_run_count(2, 2, 3) == 0);
  CsvTable merged;
  const std::string problem = interleave_shards(
      {shard_table({"r0", "r3", "r6"}), shard_table({"r1", "r4"}), shard_table({"r2", "r5"})}, 7, merged);
  CHECK(problem.empty());
  REQUIRE(merged.rows.size() == 7);
  for (size_t i = 0; i < 7; ++i) {
    CHECK(merged.rows[i][0] == "r" + std::to_string(i));
  }

  SECTION("a shard with the wrong number of rows") {
    CHECK_THAT(interleave_shards({shard_table({"r0", "r2"}), shard_table({"r1", "r3"})}, 5, merged),
               Contains("shard 0 of 2 has 2 runs in runs.csv, but a sweep of 5 runs gives it 3"));
  }
  SECTION("shards with other columns") {
    CsvTable other = shard_table({"r1"});
    other.columns[1] = "state";
    CHECK_THAT(interleave_shards({shard_table({"r0"}), other}, 2, merged), Contains("other runs.csv columns"));
  }
}
