// Sweep files and run lists: seeds, factors, run order, run ids, and the located message of each mistake.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <set>

#include "batch/run_list.hpp"
#include "batch/sweep_file.hpp"
#include "mixsim/diagnostics.hpp"
#include "scenario/yaml_document.hpp"
#include "test_support.hpp"

using namespace mixsim;
using namespace mixsim::batch;
using Catch::Matchers::Contains;

namespace {

const char* const kScenario = R"(scenario:
  name: small
  duration: P1D
catalog:
  sizes:
    - name: Standard_D2s_v5
      vCPUs: 2
      prices: { eastus: { regular: 0.096, spot: 0.01056 } }
    - name: Standard_D2as_v5
      vCPUs: 2
      prices: { eastus: { regular: 0.086, spot: 0.00946 } }
regions:
  - name: eastus
    zones: ["1", "2"]
scaleSets:
  - name: web
    region: eastus
    zones: ["1", "2"]
    sku: { name: Mix, capacity: 2 }
    skuProfile:
      vmSizes: [{ name: Standard_D2s_v5 }, { name: Standard_D2as_v5 }]
)";

// Writes the scenario and `sweep` into a fresh folder; returns the sweep file's path.
std::string write_sweep(const std::string& sweep, const std::string& folder = "sweep") {
  const std::string dir = test::scratch_dir(folder);
  std::ofstream(dir + "/small.yaml") << kScenario;
  std::ofstream(dir + "/sweep.yaml") << sweep;
  return dir + "/sweep.yaml";
}

std::string sweep_errors(const std::string& sweep) {
  try {
    const SweepSpec spec = read_sweep_file(write_sweep(sweep, "errors"));
    validate_runs(spec, expand_runs(spec));
    return "";
  } catch (const InputError& error) {
    return error.diagnostics().format_all();
  }
}

std::vector<uint64_t> seeds_of(const std::string& yaml) {
  return read_sweep_file(write_sweep("scenario: small.yaml\nseeds: " + yaml + "\n", "seeds")).seeds;
}

const char* const kTwoFactors = R"(name: two
scenario: small.yaml
set:
  scenario.platformRules: ga
matrix:
  strategy:
    path: scaleSets[web].skuProfile.allocationStrategy
    values: [LowestPrice, CapacityOptimized]
  mix:
    levels:
      regular:
        scaleSets[web].sku.capacity: 3
      sizes:
        scaleSets[web].skuProfile.vmSizes: [{ name: Standard_D2s_v5 }]
        scaleSets[web].sku.capacity: 4
      spot: { "scaleSets[web].virtualMachineProfile.priority": Spot }
seeds: 5..6
)";

}  // namespace

TEST_CASE("seeds: numbers, ranges and lists", "[sweep][seeds]") {
  CHECK(seeds_of("7") == std::vector<uint64_t>{7});
  CHECK(seeds_of("1..4") == std::vector<uint64_t>{1, 2, 3, 4});
  CHECK(seeds_of("' 2 .. 3 '") == std::vector<uint64_t>{2, 3});
  CHECK(seeds_of("[9, 1..2, 5]") == std::vector<uint64_t>{9, 1, 2, 5});
  CHECK(seeds_of("18446744073709551615") == std::vector<uint64_t>{18446744073709551615ULL});
}

TEST_CASE("seeds: each mistake has a located message", "[sweep][seeds]") {
  const auto error_of = [](const std::string& seeds) {
    return sweep_errors("scenario: small.yaml\nseeds: " + seeds + "\n");
  };
  CHECK_THAT(error_of("30..1"),
             Contains("sweep.yaml:2:8: seeds: '30..1' is not a valid seed range") && Contains("write 1..30"));
  CHECK_THAT(error_of("1..x"), Contains("seeds: '1..x' is not a seed or a seed range"));
  CHECK_THAT(error_of("-3"), Contains("'-3' is not a seed or a seed range"));
  CHECK_THAT(error_of("1.5"), Contains("'1.5' is not a seed or a seed range"));
  CHECK_THAT(error_of("18446744073709551616"), Contains("is not a seed or a seed range"));
  CHECK_THAT(error_of("[1, 2..4, 3]"), Contains("seeds: seed 3 is listed twice"));
  CHECK_THAT(error_of("[]"), Contains("seeds: the list is empty"));
  CHECK_THAT(error_of("[1, [2]]"), Contains("sweep.yaml:2:12: seeds[1]: expected a seed or a range"));
  CHECK_THAT(error_of("0..100000"), Contains("more than 100000 seeds"));
  CHECK_THAT(sweep_errors("scenario: small.yaml\n"), Contains("missing required key 'seeds'"));
}

TEST_CASE("sweep file: values and levels factors", "[sweep]") {
  const SweepSpec spec = read_sweep_file(write_sweep(kTwoFactors));
  CHECK(spec.name == "two");
  REQUIRE(spec.fixed.size() == 1);
  CHECK(spec.fixed[0].argument() == "scenario.platformRules=ga");
  REQUIRE(spec.factors.size() == 2);
  CHECK(spec.factors[0].name == "strategy");
  CHECK(spec.factors[1].name == "mix");
  REQUIRE(spec.factors[1].levels.size() == 3);
  CHECK(spec.factors[1].levels[1].label == "sizes");
  REQUIRE(spec.factors[1].levels[1].overrides.size() == 2);
  CHECK(spec.factors[1].levels[1].overrides[0].argument() ==
        "scaleSets[web].skuProfile.vmSizes=[{name: Standard_D2s_v5}]");
  CHECK(spec.seeds == std::vector<uint64_t>{5, 6});
  CHECK(spec.run_count() == 12);
}

TEST_CASE("sweep file: the name defaults to the file's stem", "[sweep]") {
  const SweepSpec spec = read_sweep_file(write_sweep("scenario: small.yaml\nseeds: 1\n"));
  CHECK(spec.name == "sweep");
  CHECK(spec.factors.empty());
}

TEST_CASE("run list: first factor slowest, seeds innermost", "[sweep][runs]") {
  const SweepSpec spec = read_sweep_file(write_sweep(kTwoFactors));
  const std::vector<RunSpec> runs = expand_runs(spec);
  REQUIRE(runs.size() == 12);
  std::vector<std::string> order;
  for (const RunSpec& run : runs) {
    const auto labels = run_labels(spec, run);
    order.push_back(labels[0] + "/" + labels[1] + "/" + std::to_string(run.seed));
  }
  CHECK(order == std::vector<std::string>{"LowestPrice/regular/5", "LowestPrice/regular/6", "LowestPrice/sizes/5",
                                          "LowestPrice/sizes/6", "LowestPrice/spot/5", "LowestPrice/spot/6",
                                          "CapacityOptimized/regular/5", "CapacityOptimized/regular/6",
                                          "CapacityOptimized/sizes/5", "CapacityOptimized/sizes/6",
                                          "CapacityOptimized/spot/5", "CapacityOptimized/spot/6"});
  for (size_t i = 0; i < runs.size(); ++i) {
    CHECK(runs[i].position == i);
    CHECK(runs[i].combination == i / 2);
  }
  CHECK(run_overrides(spec, runs[2]) ==
        std::vector<std::string>{
            "scenario.platformRules=ga", "scaleSets[web].skuProfile.allocationStrategy=LowestPrice",
            "scaleSets[web].skuProfile.vmSizes=[{name: Standard_D2s_v5}]", "scaleSets[web].sku.capacity=4"});
  CHECK(validate_runs(spec, runs).empty());
}

TEST_CASE("run ids: readable, distinct and stable", "[sweep][runs]") {
  const SweepSpec spec = read_sweep_file(write_sweep(kTwoFactors));
  const std::vector<RunSpec> runs = expand_runs(spec);
  std::set<std::string> ids;
  const std::regex shape("[A-Za-z0-9._-]+-s[0-9]+-[0-9a-f]{8}");
  for (const RunSpec& run : runs) {
    CHECK(std::regex_match(run.id, shape));
    ids.insert(run.id);
  }
  CHECK(ids.size() == runs.size());
  CHECK(runs[0].id.rfind("LowestPrice-regular-s5-", 0) == 0);

  SECTION("the same sweep read again gives the same ids") {
    const std::vector<RunSpec> again = expand_runs(read_sweep_file(write_sweep(kTwoFactors, "again")));
    for (size_t i = 0; i < runs.size(); ++i) {
      CHECK(again[i].id == runs[i].id);
    }
  }
  SECTION("the hash is a fixed function of overrides and seed") {
    // A change here renames every run folder, so resumed sweeps would run everything again.
    CHECK(make_run_id({"LowestPrice"}, 3, {"a=b"}) == make_run_id({"LowestPrice"}, 3, {"a=b"}));
    CHECK(make_run_id({"x"}, 3, {"a=b"}) != make_run_id({"x"}, 3, {"a=c"}));
    CHECK(make_run_id({"x"}, 3, {"a=b"}) != make_run_id({"x"}, 4, {"a=b"}));
    CHECK(make_run_id({}, 1, {}) == "s1-" + make_run_id({}, 1, {}).substr(3));
  }
  SECTION("labels are made safe for folder names") {
    const std::string id = make_run_id({"[a, b]", "../etc/passwd", "a very long label that goes on and on"}, 1, {});
    CHECK(id.rfind("a_b-etc_passwd-a_very_long_label_that_g-s1-", 0) == 0);
  }
}

TEST_CASE("sweep file: each mistake has a located message", "[sweep]") {
  SECTION("unknown keys get a hint") {
    const std::string errors = sweep_errors("scenaro: small.yaml\nmatrx: {}\nseeds: 1\n");
    CHECK_THAT(errors, Contains("sweep.yaml:1:1: scenaro: unknown key 'scenaro'; did you mean 'scenario'?"));
    CHECK_THAT(errors, Contains("sweep.yaml:2:1: matrx: unknown key 'matrx'; did you mean 'matrix'?"));
    CHECK_THAT(errors, Contains("missing required key 'scenario'"));
  }
  SECTION("a scenario file that does not exist") {
    CHECK_THAT(sweep_errors("scenario: nope.yaml\nseeds: 1\n"),
               Contains("sweep.yaml:1:11: scenario: scenario file") && Contains("nope.yaml' not found"));
  }
  SECTION("factor names that would clash with runs.csv columns") {
    CHECK_THAT(sweep_errors("scenario: small.yaml\nmatrix:\n  seed: { path: scenario.seed, values: [1] }\nseeds: 1\n"),
               Contains("sweep.yaml:3:3: matrix.seed: 'seed' is a fixed column of runs.csv"));
    CHECK_THAT(sweep_errors("scenario: small.yaml\nmatrix:\n  2x: { path: scenario.seed, values: [1] }\nseeds: 1\n"),
               Contains("matrix.2x: '2x' is not a valid factor name"));
  }
  SECTION("factor shapes") {
    CHECK_THAT(sweep_errors("scenario: small.yaml\nmatrix:\n  a: { path: x, values: [1], levels: { b: { x: 1 } } }\n"
                            "seeds: 1\n"),
               Contains("matrix.a.levels: give either path and values, or levels, not both"));
    CHECK_THAT(sweep_errors("scenario: small.yaml\nmatrix:\n  a: { path: x }\nseeds: 1\n"),
               Contains("matrix.a: a factor needs 'values'"));
    CHECK_THAT(sweep_errors("scenario: small.yaml\nmatrix:\n  a: { path: x, valeus: [1] }\nseeds: 1\n"),
               Contains("matrix.a.valeus: unknown key 'valeus'; did you mean 'values'?"));
    CHECK_THAT(sweep_errors("scenario: small.yaml\nmatrix:\n  a: { path: x, values: [] }\nseeds: 1\n"),
               Contains("matrix.a.values: the list is empty"));
    CHECK_THAT(sweep_errors("scenario: small.yaml\nmatrix:\n  a: { path: x, values: [1, 2, 1] }\nseeds: 1\n"),
               Contains("sweep.yaml:3:32: matrix.a.values[2]: '1' is listed twice"));
    CHECK_THAT(sweep_errors("scenario: small.yaml\nmatrix:\n  a: { levels: { b: { x: 1 }, c: { x: 1 } } }\n"
                            "seeds: 1\n"),
               Contains("level 'c' sets the same values as an earlier level of factor 'a'"));
  }
  SECTION("too many runs") {
    CHECK_THAT(sweep_errors("scenario: small.yaml\nmatrix:\n  a: { path: x, values: [1, 2, 3] }\nseeds: 1..40000\n"),
               Contains("the sweep expands to more than 100000 runs"));
  }
  SECTION("a value the scenario rejects is reported at that value") {
    const std::string errors = sweep_errors(R"(scenario: small.yaml
matrix:
  strategy:
    path: scaleSets[web].skuProfile.allocationStrategy
    values: [LowestPrice, Prioritized, Cheapest]
seeds: 1..3
)");
    CHECK_THAT(errors, Contains("sweep.yaml:5:27: matrix.strategy.values[1]: "
                                "scaleSets[0].skuProfile.allocationStrategy: Prioritized is not available"));
    CHECK_THAT(errors, Contains("sweep.yaml:5:40: matrix.strategy.values[2]: "
                                "scaleSets[0].skuProfile.allocationStrategy: 'Cheapest' is not a valid"));
    // One line per problem, not one per seed.
    CHECK(std::count(errors.begin(), errors.end(), '\n') == 2);
  }
  SECTION("a path the scenario lacks is reported at the path") {
    CHECK_THAT(
        sweep_errors("scenario: small.yaml\nmatrix:\n  c: { path: \"scaleSets[webb].sku.capacity\", values: [1] }\n"
                     "seeds: 1\n"),
        Contains("sweep.yaml:3:14: matrix.c.path: scenario key path scaleSets[webb].sku.capacity: scaleSets "
                 "has no item named 'webb'"));
  }
  SECTION("a fixed override the scenario rejects stops before the matrix") {
    CHECK_THAT(sweep_errors("scenario: small.yaml\nset:\n  scenario.duration: P0D\nseeds: 1\n"),
               Contains("sweep.yaml:3:22: set.scenario.duration: scenario.duration:"));
  }
}

TEST_CASE("flow YAML: values read back unchanged", "[sweep][yaml]") {
  const std::vector<std::string> texts = {"LowestPrice",
                                          "\"null\"",
                                          "~",
                                          "\"14:00\"",
                                          "[a, \"b, c\", {d: \"e f\"}]",
                                          "-0.5",
                                          "\"-\"",
                                          "\"quote \\\" and backslash \\\\\"",
                                          "\"tab\\there\"",
                                          "{scaleSets: [{name: web}]}",
                                          "\"\"",
                                          "\"yes\""};
  for (const std::string& text : texts) {
    const yaml::NodePtr node = yaml::parse_override_value(text, "x=" + text);
    const auto flow = yaml::format_flow(*node);
    REQUIRE(flow.has_value());
    const yaml::NodePtr again = yaml::parse_override_value(*flow, "x=" + *flow);
    INFO(text << " -> " << *flow);
    CHECK(yaml::format_flow(*again) == flow);
    CHECK(again->kind == node->kind);
    CHECK(again->scalar == node->scalar);
  }
}

namespace {

// A document of `levels` anchors, each a list of ten aliases of the one before: 10^levels scalars once expanded.
std::string alias_bomb(int levels) {
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < levels; ++i) {
    const std::string previous = "*a" + std::to_string(i - 1);
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + previous;
    for (int j = 1; j < 10; ++j) {
      text += ", " + previous;
    }
    text += "]\n";
  }
  return text;
}

}  // namespace

TEST_CASE("flow YAML: aliases cannot blow up a value", "[sweep][yaml]") {
  // A million scalars stay within the parser's node limit, but their flow text passes the 1 MiB limit.
  Diagnostics diagnostics;
  const yaml::NodePtr root = yaml::parse_document(alias_bomb(6), "bomb.yaml", diagnostics);
  CHECK(diagnostics.empty());
  CHECK_FALSE(yaml::format_flow(*root).has_value());

  // A billion scalars are refused by the parser itself.
  CHECK_THROWS_WITH(yaml::parse_document(alias_bomb(9), "bomb.yaml", diagnostics),
                    Catch::Matchers::Contains("expands to more than"));
}
