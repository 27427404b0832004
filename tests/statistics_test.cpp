// Sample statistics, checked against values worked out by hand and against a published t table.
#include <catch2/catch.hpp>

#include <cmath>

#include "batch/statistics.hpp"

using namespace mixsim::batch;

namespace {

// Critical values t(0.975, df), the column "probability of exceeding the critical value 0.025" of the table of
// upper critical values of Student's t distribution in the NIST/SEMATECH e-Handbook of Statistical Methods,
// printed there to three decimals.
struct TableRow {
  double degrees_of_freedom;
  double t;
};
constexpr TableRow kNistTable[] = {{1, 12.706}, {2, 4.303},  {3, 3.182},  {5, 2.571},  {7, 2.365},
                                   {10, 2.228}, {19, 2.093}, {30, 2.042}, {100, 1.984}};

}  // namespace

TEST_CASE("student t quantile: matches the published table", "[statistics]") {
  for (const TableRow& row : kNistTable) {
    INFO("df = " << row.degrees_of_freedom);
    CHECK(student_t_quantile(0.975, row.degrees_of_freedom) == Approx(row.t).margin(5e-4));
  }
  CHECK(student_t_quantile(0.5, 4) == Approx(0).margin(1e-12));
  CHECK(student_t_quantile(0.025, 7) == Approx(-student_t_quantile(0.975, 7)));
}

TEST_CASE("describe sample: a hand-worked example", "[statistics]") {
  // Mean 40 / 8 = 5; squared deviations 9+1+1+1+0+0+4+16 = 32, so sd = sqrt(32 / 7) = 2.13809;
  // the half width is t(0.975, 7) * sd / sqrt(8) = 2.365 * 0.755929 = 1.78777 with the table's t.
  const SampleStatistics sample = describe_sample({2, 4, 4, 4, 5, 5, 7, 9});
  CHECK(sample.n == 8);
  CHECK(sample.mean == Approx(5.0));
  REQUIRE(sample.sd.has_value());
  CHECK(*sample.sd == Approx(std::sqrt(32.0 / 7.0)));
  REQUIRE(sample.ci_low.has_value());
  CHECK(*sample.ci_low == Approx(5.0 - 1.78777).margin(5e-4));
  CHECK(*sample.ci_high == Approx(5.0 + 1.78777).margin(5e-4));
}

TEST_CASE("describe sample: too few values for a spread", "[statistics]") {
  const SampleStatistics empty = describe_sample({});
  CHECK(empty.n == 0);
  CHECK_FALSE(empty.sd.has_value());
  const SampleStatistics one = describe_sample({3.5});
  CHECK(one.mean == 3.5);
  CHECK_FALSE(one.sd.has_value());
  CHECK_FALSE(one.ci_low.has_value());
  const SampleStatistics constant = describe_sample({2, 2, 2});
  CHECK(*constant.sd == 0);
  CHECK(*constant.ci_low == 2);
  CHECK(*constant.ci_high == 2);
}
