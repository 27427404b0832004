// `mixsim import arm` as a user runs it. Each real Azure definition becomes a scenario that the same binary
// validates and runs, and bad input gets a located message, exit status 2 and no file.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "arm/scenario_edit.hpp"
#include "mixsim/loader.hpp"
#include "simulation_support.hpp"
#include "test_support.hpp"

using namespace mixsim;
using Catch::Matchers::Contains;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string write_text(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
  return path;
}

// Validates and runs `scenario` with the binary; returns the run's summary.
nlohmann::json validate_and_run(const std::string& scenario, const std::string& dir) {
  const test::CommandResult validated = test::run_mixsim({"validate", scenario}, dir);
  INFO(validated.errors);
  REQUIRE(validated.status == 0);
  const test::CommandResult run =
      test::run_mixsim({"run", scenario, "--out", dir + "/run", "--quiet", "--check-invariants"}, dir);
  INFO(run.errors);
  REQUIRE(run.status == 0);
  return nlohmann::json::parse(read_text(dir + "/run/summary.json"));
}

const std::string kSharedSkip = "skipped: the shared data folder is absent";

}  // namespace

TEST_CASE("import: REST examples of instance mix: scenarios that validate and run", "[import]") {
  if (test::shared_data("arm").empty()) {
    WARN(kSharedSkip);
    return;
  }
  struct Case {
    const char* file;
    AllocationStrategy strategy;
    PlatformRules rules;
    size_t sizes;
    int capacity;
    int base_regular;
    double regular_vm_hours;  // over the default day: VMs the priority mix makes Regular, times 24 h
  };
  const std::vector<Case> cases = {
      {"vmss-skuprofile-capacityoptimized.json", AllocationStrategy::CapacityOptimized, PlatformRules::Preview, 3, 10, 4, 7 * 24},
      {"vmss-skuprofile-prioritized.json", AllocationStrategy::Prioritized, PlatformRules::Ga, 3, 10, 4, 7 * 24},
      {"vmss-prioritymixpolicy.json", AllocationStrategy::LowestPrice, PlatformRules::Preview, 1, 2, 10, 2 * 24},
  };
  for (const Case& test_case : cases) {
    INFO(test_case.file);
    const std::string dir = test::scratch_dir(std::string("import-") + test_case.file);
    const std::string out = dir + "/scenario.yaml";
    const test::CommandResult imported =
        test::run_mixsim({"import", "arm", test::shared_data(std::string("arm/") + test_case.file), "--out", out}, dir);
    INFO(imported.errors);
    REQUIRE(imported.status == 0);
    CHECK_THAT(imported.errors, Contains("wrote " + out + ": 1 scale set ({vmss-name})"));
    CHECK(imported.errors.find("does not validate") == std::string::npos);

    const Scenario scenario = load_scenario(out);
    REQUIRE(scenario.scale_sets.size() == 1);
    const ScaleSetSpec& set = scenario.scale_sets[0];
    CHECK(set.name == "{vmss-name}");
    CHECK(scenario.regions[set.region].name == "westus");
    CHECK(scenario.platform_rules == test_case.rules);
    CHECK(set.strategy == test_case.strategy);
    CHECK(set.sizes.size() == test_case.sizes);
    CHECK(set.initial_capacity == test_case.capacity);
    CHECK(set.priority == Priority::Spot);
    REQUIRE(set.priority_mix.has_value());
    CHECK(set.priority_mix->base_regular_count == test_case.base_regular);
    CHECK(set.priority_mix->regular_percentage_above_base == 50);

    // Spot Priority Mix: Regular = base + floor(50 % of the VMs above it), all Regular while capacity <= base.
    const nlohmann::json summary = validate_and_run(out, dir);
    CHECK(summary["vmHours"]["byPriority"]["Regular"].get<double>() == Approx(test_case.regular_vm_hours));
    CHECK(summary["vmHours"]["byPriority"]["Spot"].get<double>() ==
          Approx((test_case.capacity * 24.0) - test_case.regular_vm_hours));
  }
}

TEST_CASE("import: REST example with a price list: real prices in the catalog", "[import]") {
  const std::string example = test::shared_data("arm/vmss-skuprofile-prioritized.json");
  const std::string prices = test::shared_data("azure-vm-prices/vms.csv");
  if (example.empty() || prices.empty()) {
    WARN(kSharedSkip);
    return;
  }
  const std::string dir = test::scratch_dir("import-prices");
  const test::CommandResult imported = test::run_mixsim({"import", "arm", example, "--prices", prices}, dir);
  INFO(imported.errors);
  REQUIRE(imported.status == 0);
  CHECK_THAT(imported.out, Contains("westus: { regular: 0.448, spot: 0.049638 }  # from " + prices));
  CHECK(imported.out.find("edit me: placeholder prices") == std::string::npos);

  const std::string out = write_text(dir + "/scenario.yaml", imported.out);
  const Scenario scenario = load_scenario(out);
  REQUIRE(scenario.sizes.size() == 3);
  CHECK(scenario.sizes[0].name == "Standard_D8s_v5");
  CHECK(scenario.sizes[0].vcpus == 8);
  CHECK(scenario.sizes[0].regular_usd_per_hour[0] == 0.448);
  CHECK(scenario.sizes[1].name == "Standard_E16s_v5");
  CHECK(scenario.sizes[1].regular_usd_per_hour[0] == 1.12);
  validate_and_run(out, dir);
}

TEST_CASE("import: quickstart template: parameters, ignored resources, autoscale", "[import]") {
  const std::string file = test::shared_data("arm/qs-vmss-ubuntu-autoscale.azuredeploy.json");
  const std::string prices = test::shared_data("azure-vm-prices/vms.csv");
  if (file.empty() || prices.empty()) {
    WARN(kSharedSkip);
    return;
  }
  const std::string dir = test::scratch_dir("import-quickstart");
  const std::string out = dir + "/scenario.yaml";

  SECTION("a parameter without a value: its name, exit status 2, nothing written") {
    const test::CommandResult imported =
        test::run_mixsim({"import", "arm", file, "--parameter", "vmssName=web", "--out", out}, dir);
    CHECK(imported.status == 2);
    CHECK_THAT(imported.errors,
               Contains(file + ":191:21: resources[3].sku.capacity: the template parameter 'instanceCount' has no "
                               "defaultValue and no value was given; give it with --parameter instanceCount=VALUE or "
                               "in a --parameters file"));
    CHECK_FALSE(std::filesystem::exists(out));

    const test::CommandResult without_any = test::run_mixsim({"import", "arm", file, "--out", out}, dir);
    CHECK(without_any.status == 2);
    CHECK_THAT(without_any.errors, Contains("variables.namingInfix: the template parameter 'vmssName' has no defaultValue"));
    CHECK_THAT(without_any.errors, Contains("the template parameter 'instanceCount' has no defaultValue"));
    CHECK_FALSE(std::filesystem::exists(out));
  }
  SECTION("a value outside the parameter's range") {
    const test::CommandResult imported = test::run_mixsim(
        {"import", "arm", file, "--parameter", "vmssName=web", "--parameter", "instanceCount=200", "--out", out}, dir);
    CHECK(imported.status == 2);
    CHECK_THAT(imported.errors, Contains("mixsim: --parameter instanceCount=200: 200 is outside the range of the "
                                         "parameter 'instanceCount': 5 to 100"));
    CHECK_FALSE(std::filesystem::exists(out));
  }
  SECTION("with its parameters: a single-size set with the template's autoscale setting") {
    const test::CommandResult imported =
        test::run_mixsim({"import", "arm", file, "--parameter", "instanceCount=5", "--parameter", "vmssName=web",
                          "--prices", prices, "--out", out},
                         dir);
    INFO(imported.errors);
    REQUIRE(imported.status == 0);
    CHECK_THAT(imported.errors, Contains(file + ":106:5: resources[0]: ignored: Microsoft.Network/virtualNetworks"));
    CHECK_THAT(imported.errors, Contains(file + ":127:5: resources[1]: ignored: Microsoft.Network/publicIPAddresses"));
    CHECK_THAT(imported.errors, Contains(file + ":139:5: resources[2]: ignored: Microsoft.Network/loadBalancers"));
    CHECK_THAT(imported.errors, Contains("resources[3]: note: scale set 'webcmchw6' gives no orchestrationMode"));

    const Scenario scenario = load_scenario(out);
    const ScaleSetSpec& set = scenario.scale_sets[0];
    CHECK(set.name == "webcmchw6");  // toLower(substring(concat('web', uniqueString(...)), 0, 9))
    CHECK_FALSE(set.instance_mix);
    CHECK(scenario.sizes[0].name == "Standard_A1");
    CHECK(scenario.sizes[0].regular_usd_per_hour[0] == 0.06);
    CHECK(scenario.regions[set.region].name == "eastus");  // resourceGroup().location's stand-in
    CHECK(set.initial_capacity == 5);
    REQUIRE(set.autoscale.has_value());
    CHECK(set.autoscale->profiles[0].capacity.minimum == 1);
    CHECK(set.autoscale->profiles[0].rules.size() == 2);

    // Idle VMs stay below the 30 % scale-in threshold: one VM less every 5-minute cooldown, down to the minimum.
    const nlohmann::json summary = validate_and_run(out, dir);
    CHECK(summary["counts"]["scaleIns"].get<int>() == 4);
    CHECK(summary["counts"]["scaleOuts"].get<int>() == 0);
  }
  SECTION("a parameters file, and --parameter winning over it") {
    const std::string parameters = write_text(
        dir + "/parameters.json",
        R"({ "parameters": { "vmssName": { "value": "web" }, "instanceCount": { "value": 7 } } })");
    const test::CommandResult imported = test::run_mixsim(
        {"import", "arm", file, "--parameters", parameters, "--parameter", "instanceCount=6", "--out", out}, dir);
    INFO(imported.errors);
    REQUIRE(imported.status == 0);
    CHECK(load_scenario(out).scale_sets[0].initial_capacity == 6);
  }
  SECTION("the template named by a scenario's scale set") {
    const test::RunResult run = test::run_scenario("arm-key", fmt::format(R"(
scenario: {{ name: arm-key, duration: PT2H }}
catalog: {{ import: {{ file: {} }} }}
regions: [{{ name: eastus, zones: ["1", "2"] }}]
scaleSets:
  - arm: {{ template: {}, parameters: {{ vmssName: web, instanceCount: 5 }} }}
    name: web
    workload: {{ demand: {{ constant: 4.5 }} }}
)",
                                                                       prices, file));
    INFO(run.errors);
    REQUIRE(run.status == 0);
    // 4.5 vCPUs of work on five 1-vCPU VMs is 90 % CPU, above the 60 % scale-out threshold.
    CHECK(run.summary["scaleSets"]["web"]["counts"]["scaleOuts"].get<int>() > 0);
  }
}

TEST_CASE("import: autoscale setting into a scenario: layout kept, setting faithful", "[import]") {
  const std::string setting = test::shared_data("arm/autoscalesetting-create.json");
  if (setting.empty()) {
    WARN(kSharedSkip);
    return;
  }
  const std::string dir = test::scratch_dir("import-into");
  const std::string scenario = write_text(dir + "/scenario.yaml", R"(# a hand-written scenario
scenario: { name: into, duration: P1D }
catalog:
  sizes: [{ name: Standard_D2s_v5, vCPUs: 2, prices: { westus: { regular: 0.112, spot: 0.01241 } } }]
regions: [{ name: westus, zones: ["1"] }]
scaleSets:
  - name: web   # gets the setting
    region: westus
    sku: { name: Standard_D2s_v5, capacity: 2 }
    workload: { demand: { constant: 1 } }
)");

  SECTION("alone it writes no skeleton, and says how to use it") {
    const test::CommandResult skeleton = test::run_mixsim({"import", "arm", setting}, dir);
    CHECK(skeleton.status == 2);
    CHECK_THAT(skeleton.errors, Contains(setting + ": holds no scale set; to import its autoscale setting 'MySetting', "
                                                   "use --into SCENARIO --scale-set NAME"));
    CHECK(skeleton.out.empty());
  }
  SECTION("into the named set: the profiles as the file has them, the rest of the file as it was") {
    const std::string before = read_text(scenario);
    const test::CommandResult imported =
        test::run_mixsim({"import", "arm", setting, "--into", scenario, "--scale-set", "web"}, dir);
    INFO(imported.errors);
    REQUIRE(imported.status == 0);
    CHECK_THAT(imported.errors, Contains("added the autoscale block of scale set 'web' in " + scenario +
                                         " with setting 'MySetting'"));
    const std::string after = read_text(scenario);
    CHECK(after.substr(0, before.size()) == before);  // appended after the set's last key, the last in the file

    Diagnostics diagnostics;
    const yaml::NodePtr written = yaml::parse_document(after, "scenario.yaml", diagnostics);
    const yaml::NodePtr source = yaml::parse_document(read_text(setting), "setting.json", diagnostics);
    const yaml::Node& properties = *source->find("parameters")->find("parameters")->find("properties");
    CHECK(arm::same_tree(*written->find("scaleSets")->items[0]->find("autoscale"), properties));
    CHECK(diagnostics.empty());
  }
  SECTION("mistakes: no such set, no --scale-set, an --out that exists") {
    const test::CommandResult unknown =
        test::run_mixsim({"import", "arm", setting, "--into", scenario, "--scale-set", "api"}, dir);
    CHECK(unknown.status == 2);
    CHECK_THAT(unknown.errors, Contains(scenario + ":7:3: scaleSets: no scale set is named 'api'; named sets: web"));
    const test::CommandResult usage = test::run_mixsim({"import", "arm", setting, "--into", scenario}, dir);
    CHECK(usage.status == 2);
    CHECK_THAT(usage.errors, Contains("--into SCENARIO and --scale-set NAME go together"));
    const std::string other = write_text(dir + "/other.yaml", "keep me\n");
    const test::CommandResult exists = test::run_mixsim(
        {"import", "arm", setting, "--into", scenario, "--scale-set", "web", "--out", other}, dir);
    CHECK(exists.status == 2);
    CHECK_THAT(exists.errors, Contains("--out " + other + " exists; choose another file or pass --force"));
    CHECK(read_text(other) == "keep me\n");
  }
}

// The setting has a fixedDate and a recurrence profile and a predictive policy.
TEST_CASE("import: autoscale setting into a scenario: validates and runs", "[import]") {
  const std::string setting = test::shared_data("arm/autoscalesetting-create.json");
  const std::string example = test::shared_data("arm/vmss-prioritymixpolicy.json");
  if (setting.empty() || example.empty()) {
    WARN(kSharedSkip);
    return;
  }
  const std::string dir = test::scratch_dir("import-into-profiles");
  const std::string scenario = dir + "/scenario.yaml";
  REQUIRE(test::run_mixsim({"import", "arm", example, "--out", scenario}, dir).status == 0);
  const test::CommandResult imported =
      test::run_mixsim({"import", "arm", setting, "--into", scenario, "--scale-set", "{vmss-name}"}, dir);
  INFO(imported.errors);
  REQUIRE(imported.status == 0);
  CHECK(imported.errors.find("does not validate") == std::string::npos);
  validate_and_run(scenario, dir);
}

TEST_CASE("import: autoscale request body into a scenario: scales out under load", "[import]") {
  const std::string dir = test::scratch_dir("import-body-into");
  const std::string body = write_text(dir + "/setting.json", R"({
  "location": "eastus",
  "properties": {
    "enabled": true,
    "targetResourceUri": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachineScaleSets/web",
    "profiles": [ { "name": "default", "capacity": { "minimum": "1", "maximum": "4", "default": "1" },
      "rules": [ { "metricTrigger": { "metricName": "Percentage CPU", "timeGrain": "PT1M", "statistic": "Average",
                                      "timeWindow": "PT5M", "timeAggregation": "Average", "operator": "GreaterThan",
                                      "threshold": 70 },
                   "scaleAction": { "direction": "Increase", "type": "ChangeCount", "value": "1", "cooldown": "PT5M" } } ] } ]
  }
})");
  const std::string scenario = write_text(dir + "/scenario.yaml", R"(scenario: { name: body, duration: PT2H }
catalog:
  sizes: [{ name: Standard_D2s_v5, vCPUs: 2, prices: { eastus: { regular: 0.096 } } }]
regions: [{ name: eastus, zones: ["1"] }]
scaleSets:
  - { name: web, region: eastus, sku: { name: Standard_D2s_v5, capacity: 1 }, workload: { demand: { constant: 7 } } }
)");
  const test::CommandResult imported =
      test::run_mixsim({"import", "arm", body, "--into", scenario, "--scale-set", "web"}, dir);
  INFO(imported.errors);
  REQUIRE(imported.status == 0);
  // The set is written in flow style, so the file is written anew.
  CHECK_THAT(imported.errors, Contains("was written anew without its comments"));

  // 7 vCPUs of work keep CPU above 70 % until four 2-vCPU VMs run (87.5 %); the maximum stops it there.
  const nlohmann::json summary = validate_and_run(scenario, dir);
  CHECK(summary["counts"]["scaleOuts"].get<int>() == 3);
}

TEST_CASE("import: bad input: located message, exit status 2, nothing written", "[import][errors]") {
  const std::string dir = test::scratch_dir("import-errors");
  const std::string out = dir + "/scenario.yaml";
  struct Case {
    const char* name;
    std::string json;
    std::vector<std::string> arguments;
    std::string expected;
  };
  const std::string vmss = R"({ "resources": [ { "type": "Microsoft.Compute/virtualMachineScaleSets", "name": "web",
    "location": "westus", "sku": { "name": "Standard_D2s_v5", "capacity": "[copyIndex()]" } } ] })";
  const std::vector<Case> cases = {
      {"invalid JSON", "{ \"resources\": [", {}, "input.json:1:1: invalid JSON: "},
      {"an unsupported function", vmss, {},
       "input.json:2:75: resources[0].sku.capacity: the template function 'copyIndex' is not supported; supported: "
       "parameters, variables"},
      {"an unknown parameter", R"({ "resources": [] })", {"--parameter", "size=3"},
       "mixsim: --parameter size=3: the template has no parameter 'size'; declared: none"},
      {"a parameter without a value", R"({ "resources": [] })", {"--parameter", "size"},
       "mixsim: --parameter size: expected NAME=VALUE"},
      {"no scale set", R"({ "resources": [] })", {}, "input.json: holds no scale set and no autoscale setting"},
      {"an unknown resource", R"({ "resources": [ { "type": "Microsoft.Compute/virtualMachineScaleSets",
          "name": "web", "location": "westus", "sku": { "name": "Standard_D2s_v5" } } ] })",
       {"--resource", "api"}, "input.json: no scale set is named 'api'; its scale sets: web"},
  };
  for (const Case& test_case : cases) {
    INFO(test_case.name);
    const std::string input = write_text(dir + "/input.json", test_case.json);
    std::vector<std::string> arguments = {"import", "arm", input, "--out", out};
    arguments.insert(arguments.end(), test_case.arguments.begin(), test_case.arguments.end());
    const test::CommandResult result = test::run_mixsim(arguments, dir);
    CHECK(result.status == 2);
    CHECK_THAT(result.errors, Contains(test_case.expected));
    CHECK_FALSE(std::filesystem::exists(out));
  }

  const std::string input = write_text(dir + "/input.json", R"({ "location": "westus", "properties": {},
    "sku": { "name": "Standard_D2s_v5", "capacity": "2" } })");
  write_text(out, "keep me\n");
  const test::CommandResult exists = test::run_mixsim({"import", "arm", input, "--out", out}, dir);
  CHECK(exists.status == 2);
  CHECK_THAT(exists.errors, Contains("--out " + out + " exists; choose another file or pass --force"));
  CHECK(read_text(out) == "keep me\n");
  const test::CommandResult forced = test::run_mixsim({"import", "arm", input, "--out", out, "--force"}, dir);
  CHECK(forced.status == 0);
  CHECK_THAT(read_text(out), Contains("sku: { name: Standard_D2s_v5, capacity: \"2\" }"));
}
