// How a run's exit becomes its status, and the stderr line a failed run's detail quotes.
#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>

#include "batch/batch_runner.hpp"
#include "test_support.hpp"

using namespace mixsim;
using namespace mixsim::batch;
using Catch::Matchers::Contains;

TEST_CASE("run status: from how the process ended", "[runs]") {
  ChildExit exit;
  exit.exit_status = 0;
  CHECK(classify_exit(exit, true, std::nullopt, "").status == RunStatus::Ok);
  CHECK(classify_exit(exit, false, std::nullopt, "").status == RunStatus::Failed);
  CHECK_THAT(classify_exit(exit, false, std::nullopt, "").detail, Contains("no complete summary.json"));

  exit.exit_status = 3;
  const JobOutcome failed = classify_exit(exit, false, std::nullopt, "mixsim run: the run stopped");
  CHECK(failed.status == RunStatus::Failed);
  CHECK(failed.detail == "exited with status 3: mixsim run: the run stopped");

  exit.exit_status = -1;
  exit.signal = SIGSEGV;
  const JobOutcome crashed = classify_exit(exit, false, std::nullopt, "");
  CHECK(crashed.status == RunStatus::Crashed);
  CHECK_THAT(crashed.detail, Contains("ended by signal 11"));

  exit.signal = SIGKILL;
  exit.timed_out = true;
  const JobOutcome timeout = classify_exit(exit, false, 90.0, "");
  CHECK(timeout.status == RunStatus::Timeout);
  CHECK_THAT(timeout.detail, Contains("run timeout of PT1M30S"));
}

TEST_CASE("last line of a file: skips blank lines", "[runs]") {
  const std::string dir = test::scratch_dir("lines");
  std::ofstream(dir + "/a.txt") << "first\nsecond error\n\n  \n";
  CHECK(last_line_of(dir + "/a.txt") == "second error");
  std::ofstream(dir + "/b.txt") << "only";
  CHECK(last_line_of(dir + "/b.txt") == "only");
  CHECK(last_line_of(dir + "/absent.txt").empty());
}
