// Shards: --shard I/N and the shard a cluster scheduler's environment chooses.
#include <catch2/catch.hpp>

#include <map>

#include "batch/shard.hpp"

using namespace mixsim::batch;
using Catch::Matchers::Contains;

namespace {

// An environment made of a table, for shard_from_environment().
EnvironmentLookup environment(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](const char* name) -> const char* {
    const auto found = variables.find(name);
    return found == variables.end() ? nullptr : found->second.c_str();
  };
}

}  // namespace

TEST_CASE("shards: --shard I/N", "[shard]") {
  Shard shard;
  CHECK(parse_shard("1/4", shard).empty());
  CHECK(shard.index == 1);
  CHECK(shard.count == 4);
  CHECK(shard.contains(5));
  CHECK_FALSE(shard.contains(6));
  CHECK_THAT(parse_shard("4/4", shard), Contains("shard 4 does not exist; with 4 shards the index is 0 to 3"));
  CHECK_THAT(parse_shard("0/0", shard), Contains("out of range"));
  CHECK_THAT(parse_shard("1", shard), Contains("expected I/N"));
  CHECK_THAT(parse_shard("a/b", shard), Contains("expected I/N"));
  CHECK_THAT(parse_shard("-1/2", shard), Contains("expected I/N"));
}

TEST_CASE("shards: chosen by Slurm and Kubernetes", "[shard]") {
  std::optional<Shard> shard;
  SECTION("nothing set") {
    CHECK(shard_from_environment(environment({}), std::nullopt, shard).empty());
    CHECK_FALSE(shard.has_value());
  }
  SECTION("a Slurm job array from 0") {
    CHECK(shard_from_environment(environment({{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_COUNT", "2"}}),
                                 std::nullopt, shard)
              .empty());
    CHECK(shard->index == 1);
    CHECK(shard->count == 2);
  }
  SECTION("a Slurm job array with a start and a step") {
    const auto env = environment({{"SLURM_ARRAY_TASK_ID", "7"},
                                  {"SLURM_ARRAY_TASK_COUNT", "4"},
                                  {"SLURM_ARRAY_TASK_MIN", "1"},
                                  {"SLURM_ARRAY_TASK_STEP", "2"}});
    CHECK(shard_from_environment(env, std::nullopt, shard).empty());
    CHECK(shard->index == 3);
    CHECK(shard->count == 4);
  }
  SECTION("a Slurm task id past the count") {
    CHECK_THAT(shard_from_environment(environment({{"SLURM_ARRAY_TASK_ID", "5"}, {"SLURM_ARRAY_TASK_COUNT", "2"}}),
                                      std::nullopt, shard),
               Contains("shard 5 does not exist"));
  }
  SECTION("a Slurm task id without a count") {
    CHECK_THAT(shard_from_environment(environment({{"SLURM_ARRAY_TASK_ID", "0"}}), std::nullopt, shard),
               Contains("SLURM_ARRAY_TASK_COUNT=(unset)"));
  }
  SECTION("a Kubernetes indexed job") {
    CHECK(shard_from_environment(environment({{"JOB_COMPLETION_INDEX", "2"}}), 3, shard).empty());
    CHECK(shard->index == 2);
    CHECK(shard->count == 3);
    CHECK_THAT(shard_from_environment(environment({{"JOB_COMPLETION_INDEX", "2"}}), std::nullopt, shard),
               Contains("pass --shard-count N"));
    CHECK_THAT(shard_from_environment(environment({{"JOB_COMPLETION_INDEX", "3"}}), 3, shard),
               Contains("shard 3 does not exist"));
  }
}
