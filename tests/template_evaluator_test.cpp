// ARM template expressions: the string rule, the parser, every supported function, parameters and variables, and
// the message each mistake gets.
#include <catch2/catch.hpp>

#include "arm/template_evaluator.hpp"
#include "arm/template_functions.hpp"

using namespace mixsim;
using namespace mixsim::arm;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

// A template with parameters and variables for the expressions under test.
const std::string kSections = R"(
  "parameters": {
    "count": { "type": "int", "defaultValue": 3, "minValue": 1, "maxValue": 9 },
    "name": { "type": "string", "defaultValue": "[concat('web-', parameters('suffix'))]" },
    "suffix": { "type": "string", "defaultValue": "a" },
    "mode": { "type": "string", "defaultValue": "fast", "allowedValues": ["fast", "slow"] },
    "required": { "type": "int" },
    "flags": { "type": "array", "defaultValue": [] }
  },
  "variables": {
    "list": ["x", "y"],
    "obj": { "a": 1, "b": "[parameters('name')]" },
    "obj2": { "b": "web-a", "a": 1 },
    "loopA": "[variables('loopB')]",
    "loopB": "[variables('loopA')]",
    "self": { "x": "[variables('self').x]" },
    "bad": "[copyIndex()]"
  },
)";

struct Outcome {
  std::optional<Value> value;
  std::string error;  // the formatted diagnostic
};

// Evaluates the JSON string `expression` (quotes included) as the value of "probe" in the test template.
Outcome evaluate_probe(const std::string& expression, EvaluatorOptions options = {}) {
  Diagnostics diagnostics;
  const std::string text = "{" + kSections + "\n  \"probe\": " + expression + "\n}\n";
  const yaml::NodePtr root = yaml::parse_document(text, "t.json", diagnostics);
  REQUIRE(diagnostics.empty());
  options.parameter_hint = "give it with --parameter NAME=VALUE";
  TemplateEvaluator evaluator(*root, options);
  try {
    return {evaluator.deep(evaluator.evaluate(*root->find("probe"), "probe")), {}};
  } catch (const EvaluationError& error) {
    return {std::nullopt, error.diagnostic().format()};
  }
}

std::string text_of(const std::string& expression, EvaluatorOptions options = {}) {
  const Outcome outcome = evaluate_probe(expression, std::move(options));
  INFO(outcome.error);
  REQUIRE(outcome.value.has_value());
  return to_text(*outcome.value);
}

std::string error_of(const std::string& expression, EvaluatorOptions options = {}) {
  const Outcome outcome = evaluate_probe(expression, std::move(options));
  REQUIRE_FALSE(outcome.value.has_value());
  return outcome.error;
}

ParameterValue given(const std::string& name, const std::string& text) {
  return ParameterValue{name, Origin{{}, 0, 0, name + "=" + text, "--parameter"}, nullptr, text, {}};
}

}  // namespace

TEST_CASE("template strings: brackets make an expression, [[ escapes", "[arm][expression]") {
  CHECK(classify_template_string("[concat('a')]").is_expression);
  CHECK(classify_template_string("[concat('a')]").text == "concat('a')");
  CHECK_FALSE(classify_template_string("[[concat('a')]").is_expression);
  CHECK(classify_template_string("[[concat('a')]").text == "[concat('a')]");
  CHECK_FALSE(classify_template_string("plain text").is_expression);
  CHECK_FALSE(classify_template_string("[no closing").is_expression);
  CHECK(classify_template_string("[no closing").text == "[no closing");
  CHECK_FALSE(classify_template_string("no opening]").is_expression);
  CHECK(text_of(R"("[[variables('list')]")") == "[variables('list')]");
}

TEST_CASE("template expressions: parser builds nested calls, access and literals", "[arm][expression]") {
  const ParsedExpression parsed = parse_expression(" concat( parameters('a'), 'it''s', -12 )[0].name ");
  REQUIRE(parsed.expression.has_value());
  const Expression& property = *parsed.expression;
  CHECK(property.kind == Expression::Kind::Property);
  CHECK(property.text == "name");
  const Expression& index = property.arguments[0];
  CHECK(index.kind == Expression::Kind::Index);
  CHECK(index.arguments[1].integer == 0);
  const Expression& call = index.arguments[0];
  CHECK(call.kind == Expression::Kind::Call);
  CHECK(call.text == "concat");
  REQUIRE(call.arguments.size() == 3);
  CHECK(call.arguments[0].text == "parameters");
  CHECK(call.arguments[0].arguments[0].text == "a");
  CHECK(call.arguments[1].kind == Expression::Kind::String);
  CHECK(call.arguments[1].text == "it's");
  CHECK(call.arguments[2].integer == -12);

  CHECK(parse_expression("resourceGroup()").expression->arguments.empty());
  CHECK(parse_expression("ns.func(1)").expression->text == "ns.func");
  CHECK(parse_expression("variables('x').a.b").expression->arguments[0].kind == Expression::Kind::Property);
}

TEST_CASE("template expressions: syntax errors name the position", "[arm][expression]") {
  struct Case {
    const char* text;
    const char* expected;
  };
  const std::vector<Case> cases = {
      {"concat('a", "the string that starts here has no closing quote (at character 8"},
      {"concat('a'", "expected ',' or ')' in the argument list before the end of the expression"},
      {"concat('a') x", "unexpected 'x' after the end of the expression (at character 13"},
      {"1.5", "template expressions have no fractional numbers"},
      {"word", "'word' is not a function call"},
      {"variables('v').", "expected a property name after '.'"},
      {"variables('v')[0", "expected ']' to close the index"},
      {"", "expected a value"},
      {"concat(,)", "unexpected ','"},
      {"99999999999999999999", "is not a 64-bit integer"},
  };
  std::string deep;
  for (int i = 0; i < 5000; ++i) {
    deep += "concat(";
  }
  CHECK_THAT(parse_expression(deep).error, Contains("the expression nests more than 100 levels deep"));
  for (const Case& test_case : cases) {
    INFO(test_case.text);
    const ParsedExpression parsed = parse_expression(test_case.text);
    CHECK_FALSE(parsed.expression.has_value());
    CHECK_THAT(parsed.error, StartsWith("invalid template expression: "));
    CHECK_THAT(parsed.error, Contains(test_case.expected));
  }
  CHECK(error_of(R"("[concat('a']")") ==
        "t.json:20:12: probe: invalid template expression: expected ',' or ')' in the argument list before the end "
        "of the expression (at character 11 of 'concat('a'')");
}

TEST_CASE("template functions: each supported function computes ARM's value", "[arm][expression]") {
  struct Case {
    const char* expression;
    const char* expected;
  };
  const std::string group = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/mixsim-rg";
  const std::vector<Case> cases = {
      {R"("[concat('a', 'b', 1, true())]")", "ab1True"},
      {R"("[concat(variables('list'), variables('list'))]")", R"(["x","y","x","y"])"},
      {R"("[format('{0}-{1}-{{x}}-{0}', 'a', 2)]")", "a-2-{x}-a"},
      {R"("[int('42')]")", "42"},
      {R"("[int('-7')]")", "-7"},
      {R"("[int(5)]")", "5"},
      {R"("[string(5)]")", "5"},
      {R"("[string(false())]")", "False"},
      {R"("[string(variables('obj'))]")", R"({"a":1,"b":"web-a"})"},
      {R"("[toLower('AbC-1')]")", "abc-1"},
      {R"("[toUpper('AbC-1')]")", "ABC-1"},
      {R"("[if(equals(1, 1), 'yes', 'no')]")", "yes"},
      {R"("[if(equals(1, 2), 'yes', 'no')]")", "no"},
      {R"("[equals('a', 'A')]")", "False"},
      {R"("[equals('a', 'a')]")", "True"},
      {R"("[equals(1, '1')]")", "False"},
      {R"("[equals(variables('obj'), variables('obj2'))]")", "True"},
      {R"("[equals(variables('list'), variables('list'))]")", "True"},
      {R"("[substring('abcdef', 2, 3)]")", "cde"},
      {R"("[substring('abcdef', 4)]")", "ef"},
      {R"("[substring('abc', 3, 0)]")", ""},
      {R"("[and(true(), not(false()))]")", "True"},
      {R"("[or(false(), false())]")", "False"},
      {R"("[null()]")", ""},
      {R"("[subscription().subscriptionId]")", "00000000-0000-0000-0000-000000000000"},
      {R"("[subscription().id]")", "/subscriptions/00000000-0000-0000-0000-000000000000"},
      {R"("[resourceGroup().name]")", "mixsim-rg"},
      {R"("[resourceGroup().location]")", "eastus"},
      {R"("[variables('obj').A]")", "1"},
      {R"("[variables('obj')['b']]")", "web-a"},
      {R"("[variables('list')[1]]")", "y"},
      {R"("[ConCat('a', 'b')]")", "ab"},
  };
  for (const Case& test_case : cases) {
    INFO(test_case.expression);
    CHECK(text_of(test_case.expression) == test_case.expected);
  }
  CHECK(text_of(R"("[resourceGroup().id]")") == group);
  CHECK(text_of(R"("[resourceId('Microsoft.Compute/virtualMachineScaleSets', 'web')]")") ==
        group + "/providers/Microsoft.Compute/virtualMachineScaleSets/web");
  CHECK(text_of(R"("[resourceId('Microsoft.Compute/virtualMachineScaleSets/', 'web')]")") ==
        group + "/providers/Microsoft.Compute/virtualMachineScaleSets/web");
  CHECK(text_of(R"("[resourceId('rg2', 'Microsoft.Network/virtualNetworks/subnets', 'vnet', 'sub')]")") ==
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg2/providers/"
        "Microsoft.Network/virtualNetworks/vnet/subnets/sub");
  CHECK(text_of(R"("[resourceId('s1', 'rg2', 'Microsoft.Network/virtualNetworks/subnets', 'vnet/sub')]")") ==
        "/subscriptions/s1/resourceGroups/rg2/providers/Microsoft.Network/virtualNetworks/vnet/subnets/sub");
}

TEST_CASE("template functions: uniqueString is deterministic and shaped like Azure's", "[arm][expression]") {
  const std::string first = text_of(R"("[uniqueString(resourceGroup().id)]")");
  CHECK(first.size() == 13);
  CHECK(first.find_first_not_of("abcdefghijklmnopqrstuvwxyz234567") == std::string::npos);
  CHECK(text_of(R"("[uniqueString(resourceGroup().id)]")") == first);
  CHECK(text_of(R"("[uniqueString('a', 'b')]")") != text_of(R"("[uniqueString('a', 'c')]")"));
  CHECK(text_of(R"("[uniqueString('a', 'b')]")") != text_of(R"("[uniqueString('a-b')]")"));
}

TEST_CASE("template functions: if evaluates only the chosen branch", "[arm][expression]") {
  CHECK(text_of(R"("[if(true(), 'kept', copyIndex())]")") == "kept");
  CHECK_THAT(error_of(R"("[if(false(), 'kept', copyIndex())]")"), Contains("'copyIndex' is not supported"));
}

TEST_CASE("template functions: mistakes name the function and the path", "[arm][expression][errors]") {
  struct Case {
    const char* expression;
    const char* expected;
  };
  const std::vector<Case> cases = {
      {R"("[copyIndex()]")",
       "t.json:20:12: probe: the template function 'copyIndex' is not supported; supported: parameters, variables, "
       "concat, format, resourceId, int, string, toLower, toUpper, if, equals, substring, uniqueString, "
       "subscription, resourceGroup, and, or, not, true, false, null"},
      {R"("[contoso.name('a')]")", "the user-defined template function 'contoso.name' is not supported"},
      {R"("[toLower()]")", "the template function 'toLower' takes 1 argument, found 0"},
      {R"("[toLower(1)]")", "the template function 'toLower' expects a string as argument 1, found an integer"},
      {R"("[int('abc')]")", "the template function 'int' cannot convert 'abc' to an integer"},
      {R"("[substring('abc', 2, 5)]")", "was given start 2 and length 5, which do not lie within the string 'abc'"},
      {R"("[format('{0:D2}', 1)]")", "supports only format items such as {0}"},
      {R"("[format('{1}', 1)]")", "has no argument for the format item {1}"},
      {R"("[format('{18446744073709551615}', 1)]")", "has no argument for the format item {18446744073709551615}"},
      {R"("[format('a}b')]")", "found an unmatched '}'"},
      {R"("[concat('a', variables('list'))]")", "joins either arrays or strings; argument 2 is an array"},
      {R"("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet')]")",
       "got 1 name segment for the type 'Microsoft.Network/virtualNetworks/subnets', which needs 2"},
      {R"("[resourceId('a', 'b')]")", "needs a resource type with its namespace"},
      {R"("[if(1, 'a', 'b')]")", "expects a boolean condition, found an integer"},
      {R"("[and(true(), 1)]")", "expects a boolean as argument 2, found an integer"},
      {R"("[variables('obj').c]")", "the object has no property 'c'; its properties: a, b"},
      {R"("[variables('list')[2]]")", "index 2 is outside the array of 2 items"},
      {R"("[variables('list').x]")", "'.x' reads a property of an object, but the value is an array"},
      {R"("[variables('list')['x']]")", "cannot index an array with a string"},
      {R"("[variables('lst')]")", "the template has no variable 'lst'; did you mean 'list'?"},
      {R"("[parameters('nmae')]")", "the template has no parameter 'nmae'; did you mean 'name'?"},
      {R"("[variables('loopA')]")",
       "variables refer to each other in a cycle: variables('loopA') -> variables('loopB') -> variables('loopA')"},
      {R"("[variables('self').x]")", "template expressions nest more than 100 levels deep"},
      {R"("[parameters(1)]")", "the template function 'parameters' takes one string, the parameter name"},
  };
  for (const Case& test_case : cases) {
    INFO(test_case.expression);
    CHECK_THAT(error_of(test_case.expression), Contains(test_case.expected));
  }
  // A problem inside a variable names the variable, where it is written.
  CHECK(error_of(R"("[variables('bad')]")") ==
        "t.json:17:12: variables.bad: the template function 'copyIndex' is not supported; supported: parameters, "
        "variables, concat, format, resourceId, int, string, toLower, toUpper, if, equals, substring, uniqueString, "
        "subscription, resourceGroup, and, or, not, true, false, null");
}

TEST_CASE("template parameters: defaults, given values and their checks", "[arm][expression][parameters]") {
  SECTION("a default, also one that is itself an expression") {
    CHECK(text_of(R"("[parameters('count')]")") == "3");
    CHECK(text_of(R"("[parameters('NAME')]")") == "web-a");
    CHECK(text_of(R"("[variables('obj').b]")") == "web-a");
  }
  SECTION("given values win and are converted by the declared type") {
    EvaluatorOptions options;
    options.parameters = {given("count", "7"), given("suffix", "b"), given("flags", "[1, 2]")};
    CHECK(text_of(R"("[parameters('count')]")", options) == "7");
    CHECK(evaluate_probe(R"("[parameters('count')]")", options).value->kind == Value::Kind::Int);
    CHECK(text_of(R"("[parameters('name')]")", options) == "web-b");
    CHECK(text_of(R"("[parameters('flags')]")", options) == "[1,2]");
  }
  SECTION("a parameter without a default or a value is named") {
    CHECK(error_of(R"("[parameters('required')]")") ==
          "t.json:20:12: probe: the template parameter 'required' has no defaultValue and no value was given; give it "
          "with --parameter required=VALUE");
  }
  SECTION("given values outside the declaration are rejected") {
    struct Case {
      ParameterValue value;
      const char* expected;
    };
    const std::vector<Case> cases = {
        {given("count", "many"), "mixsim: --parameter count=many: the parameter 'count' is declared as int, but the value 'many' is a string"},
        {given("count", "12"), "mixsim: --parameter count=12: 12 is outside the range of the parameter 'count': 1 to 9"},
        {given("mode", "medium"), "'medium' is not an allowed value of the parameter 'mode'; allowed: fast, slow"},
        {given("flags", "[1"), "mixsim: --parameter flags=[1: the value is not valid JSON or YAML"},
        {given("cuont", "1"), "mixsim: --parameter cuont=1: the template has no parameter 'cuont'; did you mean 'count'?"},
    };
    for (const Case& test_case : cases) {
      INFO(test_case.expected);
      Diagnostics diagnostics;
      const yaml::NodePtr root = yaml::parse_document("{" + kSections + " \"x\": 1}", "t.json", diagnostics);
      EvaluatorOptions options;
      options.parameters = {test_case.value};
      TemplateEvaluator evaluator(*root, options);
      evaluator.check_given_parameters(diagnostics);
      CHECK_THAT(diagnostics.format_all(), Contains(test_case.expected));
    }
  }
}

TEST_CASE("template strings: REST bodies keep brackets as text", "[arm][expression]") {
  EvaluatorOptions options;
  options.expressions = false;
  CHECK(text_of(R"("[copyIndex()]")", options) == "[copyIndex()]");
}
