// Import of Azure definitions into scenario keys, from templates, REST bodies and API examples. Also
// `scaleSets[].arm`, the skeleton, the edit that puts an autoscale setting into a scenario, and the YAML writer.
#include <catch2/catch.hpp>

#include <fstream>

#include "arm/arm_import.hpp"
#include "arm/scenario_edit.hpp"
#include "arm/scenario_skeleton.hpp"
#include "mixsim/loader.hpp"
#include "scenario/yaml_writer.hpp"
#include "test_support.hpp"

using namespace mixsim;
using namespace mixsim::arm;
using Catch::Matchers::Contains;

namespace {

// A template in the shape Bicep and the quickstarts write: a parameter-driven instance mix set, its autoscale
// setting, a network resource, a child resource and a resource switched off by its condition.
const std::string kTemplate = R"({
  // ARM templates may hold comments
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "parameters": {
    "vmssName": { "type": "string" },
    "capacity": { "type": "int", "defaultValue": 4 },
    "location": { "type": "string", "defaultValue": "West US 2" },
    "strategy": { "type": "string", "defaultValue": "Prioritized" }
  },
  "variables": {
    "sizes": [ { "name": "Standard_D2s_v5", "rank": 0 }, { "name": "Standard_D2as_v5", "rank": 1 } ],
    "vmssId": "[resourceId('Microsoft.Compute/virtualMachineScaleSets', parameters('vmssName'))]"
  },
  "resources": [
    { "type": "Microsoft.Network/virtualNetworks", "name": "[concat(parameters('vmssName'), '-vnet')]",
      "properties": { "x": "[json('null')]" } },
    { "type": "Microsoft.Compute/virtualMachineScaleSets", "apiVersion": "2024-11-01",
      "name": "[parameters('vmssName')]", "location": "[parameters('location')]",
      "zones": [1, "2"],
      "sku": { "capacity": "[string(parameters('capacity'))]", "Name": "Mix" },
      "properties": {
        "orchestrationMode": "Flexible",
        "SkuProfile": { "vmSizes": "[variables('sizes')]", "allocationStrategy": "[parameters('strategy')]" },
        "virtualMachineProfile": { "priority": "Spot", "osProfile": { "customData": "[base64('x')]" },
                                   "billingProfile": { "maxPrice": -1 } },
        "priorityMixPolicy": { "baseRegularPriorityCount": 1, "regularPriorityPercentageAboveBase": 50 },
        "overprovision": "true"
      },
      "resources": [ { "type": "extensions", "name": "health" } ] },
    { "type": "Microsoft.Insights/autoscaleSettings", "name": "scale",
      "properties": {
        "enabled": true, "targetResourceUri": "[variables('vmssId')]",
        "profiles": [ { "name": "default", "capacity": { "minimum": "1", "maximum": "8", "default": "4" },
                        "rules": [] } ] } },
    { "condition": "[equals(parameters('strategy'), 'never')]", "type": "Microsoft.Compute/virtualMachineScaleSets",
      "name": "off", "sku": { "name": "[copyIndex()]" } }
  ]
})";

ParameterValue given(const std::string& name, const std::string& text) {
  return ParameterValue{name, Origin{{}, 0, 0, name + "=" + text, "--parameter"}, nullptr, text, {}};
}

ArmImport import_text(const std::string& text, Diagnostics& diagnostics, std::vector<ParameterValue> parameters = {},
                      const std::string& file = "t.json") {
  ImportOptions options;
  options.parameters = std::move(parameters);
  options.parameter_hint = "give it with --parameter NAME=VALUE";
  return import_arm(text, file, options, diagnostics);
}

std::string write_set(const ImportedScaleSet& set) { return yaml::write_block(*set.set, 0); }

std::string write_file(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string path = dir + "/" + name;
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("arm import: template: scale set keys, autoscale, ignored resources", "[arm][import]") {
  Diagnostics diagnostics;
  const ArmImport imported = import_text(kTemplate, diagnostics, {given("vmssName", "web")});
  INFO(diagnostics.format_all());
  REQUIRE(diagnostics.empty());
  REQUIRE(imported.scale_sets.size() == 1);
  const ImportedScaleSet& set = imported.scale_sets[0];
  CHECK(set.name == "web");
  CHECK(set.region == "westus2");
  CHECK(set.resource_path == "resources[1]");
  CHECK(set.sizes == std::vector<std::string>{"Standard_D2s_v5", "Standard_D2as_v5"});
  REQUIRE(set.ga_reasons.size() == 1);
  CHECK_THAT(set.ga_reasons[0], Contains("Prioritized"));
  CHECK(write_set(set) ==
        "name: web\n"
        "region: westus2\n"
        "zones: [\"1\", \"2\"]\n"
        "orchestrationMode: Flexible\n"
        "sku: { name: Mix, capacity: \"4\" }\n"
        "skuProfile:\n"
        "  vmSizes:\n"
        "    - { name: Standard_D2s_v5, rank: 0 }\n"
        "    - { name: Standard_D2as_v5, rank: 1 }\n"
        "  allocationStrategy: Prioritized\n"
        "virtualMachineProfile:\n"
        "  priority: Spot\n"
        "  billingProfile: { maxPrice: -1 }\n"
        "priorityMixPolicy: { baseRegularPriorityCount: 1, regularPriorityPercentageAboveBase: 50 }\n"
        "autoscale:\n"
        "  enabled: true\n"
        "  targetResourceUri: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/mixsim-rg/providers/"
        "Microsoft.Compute/virtualMachineScaleSets/web\n"
        "  profiles:\n"
        "    - name: default\n"
        "      capacity: { minimum: \"1\", maximum: \"8\", default: \"4\" }\n"
        "      rules: []\n");
  REQUIRE(imported.autoscale_settings.size() == 1);
  CHECK(imported.autoscale_settings[0].attached);

  const std::string notes = [&] {
    std::string text;
    for (const std::string& note : imported.notes) {
      text += note + "\n";
    }
    return text;
  }();
  CHECK_THAT(notes, Contains("t.json:15:5: resources[0]: ignored: Microsoft.Network/virtualNetworks 'web-vnet', not a "
                             "scale set or an autoscale setting"));
  CHECK_THAT(notes, Contains("resources[1].resources[0]: ignored: the child resource extensions"));
  CHECK_THAT(notes, Contains("resources[3]: ignored: Microsoft.Compute/virtualMachineScaleSets 'off', whose condition is false"));
  CHECK(imported.notes.size() == 3);
}

TEST_CASE("arm import: template: a value positions its scenario key at the template", "[arm][import]") {
  Diagnostics diagnostics;
  const ArmImport imported = import_text(kTemplate, diagnostics, {given("vmssName", "web"), given("capacity", "6")});
  REQUIRE(diagnostics.empty());
  const yaml::Node& sku = *imported.scale_sets[0].set->find("sku");
  CHECK(sku.find("capacity")->scalar == "6");
  CHECK(sku.find("capacity")->origin.line == 20);  // the expression that computed it
  CHECK(sku.find("name")->origin.line == 20);
  CHECK(imported.scale_sets[0].set->find("name")->origin.override_arg == "vmssName=web");
}

TEST_CASE("arm import: template: mistakes are located and reading goes on", "[arm][import][errors]") {
  SECTION("a parameter without a value, at every place that needs it") {
    Diagnostics diagnostics;
    import_text(kTemplate, diagnostics);
    const std::string errors = diagnostics.format_all();
    CHECK_THAT(errors, Contains("t.json:18:15: resources[1].name: the template parameter 'vmssName' has no defaultValue "
                                "and no value was given; give it with --parameter vmssName=VALUE"));
    CHECK_THAT(errors, Contains("t.json:12:15: variables.vmssId: the template parameter 'vmssName'"));
  }
  SECTION("an unsupported function in a value that is read") {
    std::string text = kTemplate;
    text.replace(text.find("[string(parameters('capacity'))]"), 32, "[copyIndex('vm')]");
    Diagnostics diagnostics;
    import_text(text, diagnostics, {given("vmssName", "web")});
    CHECK_THAT(diagnostics.format_all(),
               Contains("t.json:20:28: resources[1].sku.capacity: the template function 'copyIndex' is not supported"));
  }
  SECTION("a copy loop over scale sets") {
    std::string text = kTemplate;
    text.insert(text.find("\"apiVersion\": \"2024-11-01\""), "\"copy\": { \"name\": \"c\", \"count\": 2 }, ");
    Diagnostics diagnostics;
    import_text(text, diagnostics, {given("vmssName", "web")});
    CHECK_THAT(diagnostics.format_all(), Contains("resources[1].copy: copy loops are not supported"));
  }
  SECTION("two autoscale settings for one set") {
    std::string text = kTemplate;
    const size_t start = text.find("{ \"type\": \"Microsoft.Insights/autoscaleSettings\"");
    const size_t end = text.find("{ \"condition\"");
    text.insert(end, text.substr(start, end - start));
    Diagnostics diagnostics;
    import_text(text, diagnostics, {given("vmssName", "web")});
    CHECK_THAT(diagnostics.format_all(),
               Contains("resources[3]: a second autoscale setting targets scale set 'web'; Azure allows one per resource"));
  }
  SECTION("input that is not a definition") {
    Diagnostics invalid;
    import_text("{ \"resources\": [ ", invalid);
    CHECK_THAT(invalid.format_all(), Contains("t.json:1:1: invalid JSON: end of sequence flow not found"));
    Diagnostics unknown;
    import_text(R"({ "name": "x" })", unknown);
    CHECK_THAT(unknown.format_all(), Contains("t.json: not an ARM template (no 'resources')"));
    Diagnostics list;
    import_text("[1, 2]", list);
    CHECK_THAT(list.format_all(), Contains("t.json: expected a JSON object"));
    Diagnostics body;
    import_text(R"({ "properties": { "x": 1 } })", body);
    CHECK_THAT(body.format_all(), Contains("cannot tell which resource this request body describes"));
  }
}

TEST_CASE("arm import: template: languageVersion 2.0 resources and Uniform sets", "[arm][import]") {
  const std::string text = R"({
  "languageVersion": "2.0",
  "resources": {
    "scaleSet": { "type": "Microsoft.Compute/virtualMachineScaleSets", "name": "web", "location": "eastus",
                  "sku": { "name": "Standard_D2s_v5", "tier": "Standard", "capacity": 2 },
                  "properties": { "orchestrationMode": "Uniform" } },
    "other": { "type": "Microsoft.Storage/storageAccounts", "existing": true, "name": "store" }
  }
})";
  Diagnostics diagnostics;
  const ArmImport imported = import_text(text, diagnostics);
  REQUIRE(diagnostics.empty());
  REQUIRE(imported.scale_sets.size() == 1);
  CHECK(imported.scale_sets[0].symbolic_name == "scaleSet");
  CHECK(imported.scale_sets[0].resource_path == "resources.scaleSet");
  CHECK(imported.scale_sets[0].sizes == std::vector<std::string>{"Standard_D2s_v5"});
  CHECK(imported.scale_sets[0].set->find("orchestrationMode") == nullptr);
  REQUIRE(imported.notes.size() == 2);
  CHECK_THAT(imported.notes[0], Contains("resources.scaleSet.properties.orchestrationMode: note: scale set 'web' has "
                                         "orchestrationMode 'Uniform'; imported as Flexible"));
  CHECK_THAT(imported.notes[1], Contains("ignored: Microsoft.Storage/storageAccounts 'store' is a reference to an existing resource"));
}

TEST_CASE("arm import: REST bodies and API examples", "[arm][import]") {
  SECTION("an example file: the body under parameters.parameters, the name from the URL") {
    const std::string text = R"({ "parameters": { "vmScaleSetName": "api", "parameters": {
        "location": "westus", "sku": { "name": "Mix", "capacity": 3 },
        "properties": { "skuProfile": { "vmSizes": [ { "name": "Standard_D2s_v5" } ] },
                        "virtualMachineProfile": { "priority": "[not an expression]" } } } } })";
    Diagnostics diagnostics;
    const ArmImport imported = import_text(text, diagnostics);
    REQUIRE(diagnostics.empty());
    REQUIRE(imported.scale_sets.size() == 1);
    CHECK(imported.scale_sets[0].name == "api");
    CHECK(imported.scale_sets[0].resource_path == "parameters.parameters");
    CHECK(imported.scale_sets[0].set->find("virtualMachineProfile")->find("priority")->scalar == "[not an expression]");
  }
  SECTION("an example file with body, whose location is a URL parameter") {
    const std::string text = R"({ "parameters": { "location": "East US", "autoscaleSettingName": "s",
        "body": { "properties": { "profiles": [], "targetResourceUri": "/subscriptions/x/resourceGroups/y/providers/Microsoft.Compute/virtualMachineScaleSets/web" } } } })";
    Diagnostics diagnostics;
    const ArmImport imported = import_text(text, diagnostics);
    REQUIRE(diagnostics.empty());
    REQUIRE(imported.autoscale_settings.size() == 1);
    CHECK(imported.autoscale_settings[0].name == "s");
    CHECK(imported.autoscale_settings[0].target_name == "web");
    CHECK_FALSE(imported.autoscale_settings[0].attached);
  }
  SECTION("a request body alone takes its name from the file") {
    const std::string text = R"({ "location": "westus", "sku": { "name": "Standard_D2s_v5", "capacity": "2" } })";
    Diagnostics diagnostics;
    const ArmImport imported = import_text("{ \"properties\": {}, " + text.substr(1), diagnostics, {}, "dir/web-tier.json");
    REQUIRE(diagnostics.empty());
    REQUIRE(imported.scale_sets.size() == 1);
    CHECK(imported.scale_sets[0].name == "web-tier");
    CHECK(imported.scale_sets[0].set->find("sku")->find("capacity")->scalar == "2");
  }
}

TEST_CASE("arm import: parameters files", "[arm][import][parameters]") {
  Diagnostics diagnostics;
  const auto values = read_parameters_file(R"({ "$schema": "x", "parameters": {
      "vmssName": { "value": "web" }, "capacity": { "value": 5 },
      "secret": { "reference": { "keyVault": { "id": "x" } } }, "bare": 3 } })",
                                           "p.json", diagnostics);
  REQUIRE(values.size() == 2);
  CHECK(values[0].name == "vmssName");
  CHECK(values[0].path == "parameters.vmssName.value");
  CHECK(values[1].node->scalar == "5");
  CHECK_THAT(diagnostics.format_all(), Contains("parameters.secret.reference: Key Vault references are not supported"));
  CHECK_THAT(diagnostics.format_all(), Contains("p.json:3:73: parameters.bare: expected {\"value\": ...} for the parameter 'bare'"));

  Diagnostics bare;
  CHECK(read_parameters_file(R"({ "vmssName": { "value": "web" } })", "p.json", bare).size() == 1);
  CHECK(bare.empty());

  Diagnostics imported;
  const ArmImport result = import_text(kTemplate, imported, {values[0], values[1]});
  REQUIRE(imported.empty());
  REQUIRE(result.scale_sets.size() == 1);
  CHECK(result.scale_sets[0].name == "web");
  CHECK(result.scale_sets[0].set->find("name")->origin.file == "p.json");
  CHECK(result.scale_sets[0].set->find("sku")->find("capacity")->scalar == "5");
}

TEST_CASE("arm import: a scale set in a scenario: arm key and the keys beside it", "[arm][import][loader]") {
  const std::string dir = test::scratch_dir("arm-set");
  write_file(dir, "web.json", kTemplate);
  write_file(dir, "web.parameters.json", R"({ "parameters": { "vmssName": { "value": "web" } } })");
  write_file(dir, "body.json", R"({ "location": "westus2", "sku": { "name": "Standard_D2s_v5" }, "properties": { "virtualMachineProfile": { "priority": "Spto" } } })");
  auto scenario = [&](const std::string& set) {
    return write_file(dir, "scenario.yaml", R"(scenario: { name: arm, duration: P1D, platformRules: ga }
catalog:
  sizes:
    - { name: Standard_D2s_v5, vCPUs: 2, prices: { westus2: { regular: 0.096, spot: 0.0125 } } }
    - { name: Standard_D2as_v5, vCPUs: 2, prices: { westus2: { regular: 0.086, spot: 0.0095 } } }
regions:
  - { name: westus2, zones: ["1", "2", "3"] }
scaleSets:
)" + set);
  };

  SECTION("the template's set with its autoscale setting") {
    const Scenario loaded = load_scenario(scenario("  - arm: { template: web.json, parameters: web.parameters.json }\n"));
    REQUIRE(loaded.scale_sets.size() == 1);
    const ScaleSetSpec& set = loaded.scale_sets[0];
    CHECK(set.name == "web");
    CHECK(set.initial_capacity == 4);
    CHECK(set.strategy == AllocationStrategy::Prioritized);
    CHECK(set.priority == Priority::Spot);
    REQUIRE(set.priority_mix.has_value());
    CHECK(set.priority_mix->base_regular_count == 1);
    CHECK(set.zones.size() == 2);
    REQUIRE(set.autoscale.has_value());
    CHECK(set.autoscale->profiles[0].capacity.maximum == 8);
  }
  SECTION("keys beside arm win: mappings merge, a value replaces, an empty value removes") {
    const Scenario loaded = load_scenario(scenario(R"(  - arm:
      template: web.json
      parameters: { vmssName: web, capacity: 6 }
    name: api
    sku: { capacity: 2 }
    zones: ["3"]
    priorityMixPolicy:
    skuProfile: { allocationStrategy: LowestPrice }
)"));
    const ScaleSetSpec& set = loaded.scale_sets[0];
    CHECK(set.name == "api");
    CHECK(set.initial_capacity == 2);
    CHECK(set.zones.size() == 1);
    CHECK_FALSE(set.priority_mix.has_value());
    CHECK(set.strategy == AllocationStrategy::LowestPrice);
    CHECK(set.sizes.size() == 2);
  }
  SECTION("mistakes name the template's position or the arm key") {
    struct Case {
      std::string set;
      std::string expected;
    };
    const std::vector<Case> cases = {
        {"  - arm: { template: web.json }\n",
         dir + "/web.json:18:15: resources[1].name: the template parameter 'vmssName' has no defaultValue and no value "
               "was given; give it under scaleSets[0].arm.parameters (vmssName: VALUE)"},
        {"  - arm: { template: web.json, parameters: { vmssName: web, capacity: many } }\n",
         dir + "/scenario.yaml:9:71: scaleSets[0].arm.parameters.capacity: the parameter 'capacity' is declared as "
               "int, but the value 'many' is a string"},
        {"  - arm: { template: web.json, parameters: { vmssName: web, strategy: Fastest } }\n",
         // The value came from the scenario, so the message points there, under the key it reached.
         dir + "/scenario.yaml:9:71: scaleSets[0].skuProfile.allocationStrategy: 'Fastest' is not a valid allocation "
               "strategy"},
        {"  - arm: { template: body.json }\n",
         dir + "/body.json:1:119: scaleSets[0].virtualMachineProfile.priority: 'Spto' is not a valid priority"},
        {"  - arm: { template: none.json }\n", dir + "/none.json: file not found"},
        {"  - arm: { template: web.json, parameters: { vmssName: web }, resource: other }\n",
         "scaleSets[0].arm.resource: " + dir + "/web.json has no scale set named 'other'; its scale sets: web"},
        {"  - arm: { templte: web.json }\n", "scaleSets[0].arm.templte: unknown key 'templte'; did you mean 'template'?"},
    };
    for (const Case& test_case : cases) {
      INFO(test_case.set);
      try {
        load_scenario(scenario(test_case.set));
        FAIL("the scenario loads");
      } catch (const InputError& error) {
        CHECK_THAT(error.diagnostics().format_all(), Contains(test_case.expected));
      }
    }
  }
}

TEST_CASE("arm import: vCPUs from a size name", "[arm][skeleton]") {
  CHECK(vcpus_from_size_name("Standard_D8s_v5") == 8);
  CHECK(vcpus_from_size_name("Standard_E16s_v5") == 16);
  CHECK(vcpus_from_size_name("Standard_A1") == 1);
  CHECK(vcpus_from_size_name("Standard_A8m_v2") == 8);
  CHECK(vcpus_from_size_name("Standard_NC24ads_A100_v4") == 24);
  CHECK(vcpus_from_size_name("Standard_E4-2s_v3") == 2);
  CHECK(vcpus_from_size_name("Standard_M416ms_v2") == 416);
  CHECK_FALSE(vcpus_from_size_name("Basic_A0").has_value());
  CHECK_FALSE(vcpus_from_size_name("Mystery").has_value());
}

TEST_CASE("arm import: skeleton: catalog, regions and rules around the sets", "[arm][skeleton]") {
  Diagnostics diagnostics;
  const ArmImport imported = import_text(kTemplate, diagnostics, {given("vmssName", "web")});
  REQUIRE(diagnostics.empty());
  const std::vector<const ImportedScaleSet*> sets = {&imported.scale_sets[0]};

  SECTION("placeholder prices are marked") {
    const Skeleton skeleton = write_skeleton(sets, SkeletonOptions{"web.json", "web", nullptr});
    CHECK(skeleton.placeholder_prices == 2);
    CHECK_THAT(skeleton.text, Contains("  # platformRules ga: scale set 'web' uses the Prioritized allocation strategy\n"
                                       "  platformRules: ga\n"));
    CHECK_THAT(skeleton.text, Contains("    - name: Standard_D2s_v5\n      vCPUs: 2  # edit me: read from the size name\n"
                                       "      prices:\n        westus2: { regular: 0.1, spot: 0.02 }  # edit me: "
                                       "placeholder prices in USD per hour, not real ones\n"));
    CHECK_THAT(skeleton.text, Contains("  - name: westus2\n    zones: [\"1\", \"2\"]\n"));
    const Scenario scenario = load_scenario_text(skeleton.text, "skeleton.yaml");
    CHECK(scenario.platform_rules == PlatformRules::Ga);
    CHECK(scenario.scale_sets[0].autoscale.has_value());
  }
  SECTION("a price list fills the prices it has") {
    const std::string dir = test::scratch_dir("skeleton-prices");
    const std::string list = write_file(dir, "prices.csv",
                                        "InstanceType,vCPUs,MemoryGiB,Price,SpotPrice,Region\n"
                                        "Standard_D2s_v5,2.0,8,0.096,0.0125,westus2\n"
                                        "Standard_D2as_v5,2.0,8,0.086,,westus2\n");
    Diagnostics problems;
    const PriceList prices = read_price_list(list, "prices.csv", problems);
    REQUIRE(problems.empty());
    const Skeleton skeleton = write_skeleton(sets, SkeletonOptions{"web.json", "web", &prices});
    CHECK(skeleton.placeholder_prices == 0);
    CHECK_THAT(skeleton.text, Contains("      vCPUs: 2\n      memoryGiB: 8\n      prices:\n"
                                       "        westus2: { regular: 0.096, spot: 0.0125 }  # from prices.csv\n"));
    CHECK_THAT(skeleton.text, Contains("westus2: { regular: 0.086 }  # from prices.csv; the list has no Spot price\n"));
    const Scenario scenario = load_scenario_text(skeleton.text, "skeleton.yaml");
    CHECK(scenario.sizes[0].regular_usd_per_hour[0] == 0.096);
  }
}

TEST_CASE("arm import: putting an autoscale setting into a scenario", "[arm][edit]") {
  Diagnostics diagnostics;
  const yaml::NodePtr autoscale = yaml::parse_document(
      R"({ "enabled": true, "profiles": [ { "name": "p", "capacity": { "minimum": "1", "maximum": "3", "default": "1" } } ] })",
      "a.json", diagnostics);
  const std::string scenario = R"(# leading comment
scenario: { name: s, duration: P1D }
scaleSets:
  - name: web   # the web tier
    region: eastus
    sku: { name: A, capacity: 1 }

    # about the next set
  - name: api
    region: eastus
    autoscale: { enabled: false, profiles: [] }
    sku: { name: A }
outputs: { timeline: false })";

  SECTION("added after the set's last key; comments and other sets stay") {
    const EditedScenario edited = put_autoscale(scenario, "s.yaml", "web", *autoscale);
    CHECK(edited.kept_layout);
    CHECK_FALSE(edited.replaced);
    CHECK_THAT(edited.text, Contains("    sku: { name: A, capacity: 1 }\n"
                                     "    autoscale:\n"
                                     "      enabled: true\n"
                                     "      profiles:\n"
                                     "        - name: p\n"
                                     "          capacity: { minimum: \"1\", maximum: \"3\", default: \"1\" }\n"
                                     "\n    # about the next set\n  - name: api\n"));
    CHECK_THAT(edited.text, Contains("# leading comment\n"));
    CHECK_THAT(edited.text, Contains("  - name: web   # the web tier\n"));
  }
  SECTION("replacing the block a set has; the last set of the file") {
    const EditedScenario edited = put_autoscale(scenario, "s.yaml", "api", *autoscale);
    CHECK(edited.kept_layout);
    CHECK(edited.replaced);
    CHECK(edited.text.find("enabled: false") == std::string::npos);
    CHECK_THAT(edited.text, Contains("    region: eastus\n    autoscale:\n      enabled: true\n"));
    CHECK_THAT(edited.text, Contains("          capacity: { minimum: \"1\", maximum: \"3\", default: \"1\" }\n"
                                     "    sku: { name: A }\noutputs: { timeline: false }"));
  }
  SECTION("a set in flow style: the document is written anew") {
    const EditedScenario edited = put_autoscale(
        "scenario: { name: s }\nscaleSets: [{ name: web, sku: { name: A } }]  # flow\n", "s.yaml", "web", *autoscale);
    CHECK_FALSE(edited.kept_layout);
    Diagnostics parse;
    const yaml::NodePtr root = yaml::parse_document(edited.text, "s.yaml", parse);
    CHECK(same_tree(*root->find("scaleSets")->items[0]->find("autoscale"), *autoscale));
    CHECK(root->find("scaleSets")->items[0]->find("sku")->find("name")->scalar == "A");
  }
  SECTION("a set that does not exist") {
    CHECK_THROWS_WITH(put_autoscale(scenario, "s.yaml", "db", *autoscale),
                      Contains("s.yaml:4:3: scaleSets: no scale set is named 'db'; named sets: web, api"));
  }
}

TEST_CASE("yaml writer: scalars read back as written", "[arm][yaml]") {
  auto string_scalar = [](const std::string& text) {
    yaml::Node node;
    node.kind = yaml::Node::Kind::Scalar;
    node.scalar = text;
    node.plain = false;
    return yaml::format_scalar(node);
  };
  CHECK(string_scalar("Percentage CPU") == "Percentage CPU");
  CHECK(string_scalar("/subscriptions/x") == "/subscriptions/x");
  CHECK(string_scalar("1") == "\"1\"");
  CHECK(string_scalar("true") == "\"true\"");
  CHECK(string_scalar("No") == "\"No\"");
  CHECK(string_scalar("") == "\"\"");
  CHECK(string_scalar("a: b") == "\"a: b\"");
  CHECK(string_scalar("{vmss-name}") == "\"{vmss-name}\"");
  CHECK(string_scalar("say \"hi\"\n") == "\"say \\\"hi\\\"\\n\"");
  CHECK(string_scalar("-x") == "\"-x\"");

  Diagnostics diagnostics;
  const yaml::NodePtr document = yaml::parse_document(
      R"({ "a": [ "1", 2, true, null, "x y", { "k": "v: w", "n": [] } ], "b": { "c": {}, "d": "#" }, "e": -1.5e3 })",
      "d.json", diagnostics);
  const std::string written = yaml::write_block(*document, 0);
  const yaml::NodePtr read_back = yaml::parse_document(written, "d.yaml", diagnostics);
  INFO(written);
  CHECK(same_tree(*document, *read_back));
  CHECK(diagnostics.empty());
}
