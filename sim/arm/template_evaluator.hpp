// Evaluation of ARM template expressions over one JSON document: parameters, variables and the functions real
// templates use to name and size scale sets. Deployment-time facts (subscription, resource group, location) are
// deterministic stand-ins, so one template always imports to the same scenario.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "template_expression.hpp"
#include "template_value.hpp"

namespace mixsim::arm {

/// Stand-ins for what a deployment would know: `subscription()`, `resourceGroup()` and a location the template
/// takes from its resource group.
namespace stand_in {
inline constexpr const char* kSubscriptionId = "00000000-0000-0000-0000-000000000000";
inline constexpr const char* kTenantId = "00000000-0000-0000-0000-000000000000";
inline constexpr const char* kResourceGroup = "mixsim-rg";
inline constexpr const char* kLocation = "eastus";
}  // namespace stand_in

/// The functions the evaluator supports, as ARM spells them; messages list them.
extern const std::vector<std::string> kSupportedFunctions;

/// A problem met while evaluating: where (the JSON string holding the expression) and what. The importer turns it
/// into a diagnostic and goes on with the next field, so one run reports every problem.
class EvaluationError : public std::runtime_error {
 public:
  EvaluationError(Origin origin, std::string path, std::string message);

  Diagnostic diagnostic() const { return Diagnostic{origin_, path_, what()}; }

 private:
  Origin origin_;
  std::string path_;
};

/// A value given for a template parameter: a node read from a parameters file or a scenario, or the text of
/// `--parameter NAME=VALUE`, which is converted according to the parameter's declared type.
struct ParameterValue {
  std::string name;
  Origin origin;                           // where the name was given
  std::shared_ptr<const yaml::Node> node;  // the value as a document node, or
  std::optional<std::string> text;         // the raw text of a command-line value
  std::string path;                        // key path of the value in its file, for messages; empty for text
};

struct EvaluatorOptions {
  /// False for REST request bodies, whose strings are literal text even when they look like expressions.
  bool expressions = true;
  std::vector<ParameterValue> parameters;
  /// Hint that ends the message about a missing parameter value. NAME is replaced by the parameter's name, e.g.
  /// "give it with --parameter NAME=VALUE".
  std::string parameter_hint;
  std::string subscription_id = stand_in::kSubscriptionId;
  std::string resource_group = stand_in::kResourceGroup;
  std::string location = stand_in::kLocation;
};

/// Evaluates the strings of one template document. The document must outlive the evaluator and every Value it
/// returns, since Deferred values point into it.
///
/// Invariant: a cached parameter or variable is the value its declaration evaluates to. The names being evaluated are
/// on `evaluating_`, so a declaration that refers to itself is detected.
class TemplateEvaluator {
 public:
  /// `root` is the template (its `parameters` and `variables` sections are read from it).
  TemplateEvaluator(const yaml::Node& root, EvaluatorOptions options);
  TemplateEvaluator(const TemplateEvaluator&) = delete;
  TemplateEvaluator& operator=(const TemplateEvaluator&) = delete;

  /// Evaluates `node` one level deep: a JSON string is evaluated as an expression (or taken literally), a scalar
  /// becomes a typed value, and an object or array gets Deferred members. `path` names the node in messages.
  /// Throws EvaluationError.
  Value evaluate(const yaml::Node& node, const std::string& path);
  /// Evaluates a Deferred value one level deep; returns any other value unchanged. Throws EvaluationError.
  Value force(const Value& value);
  /// Evaluates every Deferred part of `value`. Throws EvaluationError.
  Value deep(const Value& value);
  /// Returns the member `key` of an object, forced, or a Null value when the object has no such member or is not
  /// an object. Throws EvaluationError.
  Value member(const Value& object, std::string_view key);

  /// Checks the given parameter values against the declarations: unknown names, types, allowedValues, minValue,
  /// maxValue, minLength, maxLength. Adds one diagnostic per problem.
  void check_given_parameters(Diagnostics& diagnostics);

  /// Evaluates one parsed expression; `site` gives the origin and path of the string that contains it.
  Value evaluate_expression(const Expression& expression, const Value& site);

 private:
  struct Declaration {
    const yaml::Node* node = nullptr;
    std::string path;
  };

  Value evaluate_string(const yaml::Node& node, const std::string& path);
  Value call(const Expression& call, const Value& site);
  Value property(const Expression& access, const Value& site);
  Value index(const Expression& access, const Value& site);
  Value parameter(const std::string& name, const Value& site);
  Value variable(const std::string& name, const Value& site);
  Value given_parameter_value(const ParameterValue& given, const std::string& type, const Declaration& declaration);
  void check_parameter_value(const Value& value, const std::string& type, const Declaration& declaration,
                             const Origin& origin, const std::string& path);
  std::string declared_type(const Declaration& declaration);
  std::vector<Value> evaluate_arguments(const Expression& call, const Value& site);

  const yaml::Node& root_;
  EvaluatorOptions options_;
  std::map<std::string, Declaration> parameter_declarations_;  // by lower-case name
  std::map<std::string, Declaration> variable_declarations_;
  std::map<std::string, Value> parameter_cache_;
  std::map<std::string, Value> variable_cache_;
  std::vector<std::string> evaluating_;  // "parameters('x')", "variables('y')" being evaluated, innermost last
  int nesting_ = 0;                      // expression strings being evaluated, one inside another
};

}  // namespace mixsim::arm
