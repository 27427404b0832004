#include "template_evaluator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "scenario/node_reader.hpp"
#include "template_functions.hpp"

namespace mixsim::arm {

const std::vector<std::string> kSupportedFunctions = {
    "parameters", "variables", "concat",       "format",       "resourceId",    "int",  "string",
    "toLower",    "toUpper",   "if",           "equals",       "substring",     "uniqueString",
    "subscription", "resourceGroup", "and",    "or",           "not",           "true", "false", "null"};

namespace {

// Expressions nest through variables and parameters. A declaration that reaches itself through an object member
// would recurse forever, so evaluation stops at this depth of expression strings.
constexpr int kMaxNesting = 100;

std::optional<int64_t> parse_int64(std::string_view text) {
  int64_t value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (begin != end && *begin == '+') {
    ++begin;
  }
  const auto [stop, error] = std::from_chars(begin, end, value);
  if (begin == end || error != std::errc() || stop != end) {
    return std::nullopt;
  }
  return value;
}

// Reads a value given by the user (a parameter value), where strings are never expressions.
Value literal_value(const yaml::Node& node, const std::string& path) {
  switch (node.kind) {
    case yaml::Node::Kind::Null:
      return Value::of_null(node.origin, path);
    case yaml::Node::Kind::Scalar: {
      if (!node.plain) {
        return Value::of_string(node.scalar, node.origin, path);
      }
      if (node.scalar == "true" || node.scalar == "false") {
        return Value::of_bool(node.scalar == "true", node.origin, path);
      }
      if (const auto integer = parse_int64(node.scalar)) {
        return Value::of_int(*integer, node.origin, path);
      }
      if (load::parse_finite_number(node.scalar)) {
        Value number = Value::of_null(node.origin, path);
        number.kind = Value::Kind::Number;
        number.text = node.scalar;
        return number;
      }
      return Value::of_string(node.scalar, node.origin, path);
    }
    case yaml::Node::Kind::Sequence: {
      Value array = Value::of_null(node.origin, path);
      array.kind = Value::Kind::Array;
      for (size_t i = 0; i < node.items.size(); ++i) {
        array.items.push_back(literal_value(*node.items[i], load::index_path(path, i)));
      }
      return array;
    }
    case yaml::Node::Kind::Mapping: {
      Value object = Value::of_null(node.origin, path);
      object.kind = Value::Kind::Object;
      for (const yaml::Entry& entry : node.entries) {
        object.members.push_back(Member{entry.key, entry.key_origin, literal_value(*entry.value, load::join_path(path, entry.key))});
      }
      return object;
    }
  }
  return Value::of_null(node.origin, path);
}

// Gives every part of a value parsed from a command-line argument that argument's origin and option.
void set_origin(Value& value, const Origin& origin) {
  value.origin = origin;
  for (Value& item : value.items) {
    set_origin(item, origin);
  }
  for (Member& member : value.members) {
    member.key_origin = origin;
    set_origin(member.value, origin);
  }
}

std::map<std::string, const yaml::Node*> section(const yaml::Node& root, std::string_view key) {
  std::map<std::string, const yaml::Node*> declarations;
  const yaml::Node* node = root.is_mapping() ? root.find(key) : nullptr;
  if (node == nullptr || !node->is_mapping()) {
    return declarations;
  }
  for (const yaml::Entry& entry : node->entries) {
    declarations.emplace(to_lower_ascii(entry.key), entry.value.get());
  }
  return declarations;
}

std::vector<std::string> declared_names(const yaml::Node& root, std::string_view key) {
  std::vector<std::string> names;
  const yaml::Node* node = root.is_mapping() ? root.find(key) : nullptr;
  if (node != nullptr && node->is_mapping()) {
    for (const yaml::Entry& entry : node->entries) {
      names.push_back(entry.key);
    }
  }
  return names;
}

std::string unknown_name_message(const std::string& what, const std::string& name, const std::vector<std::string>& names) {
  const std::string hint = closest_match(name, names);
  if (!hint.empty()) {
    return fmt::format("the template has no {} '{}'; did you mean '{}'?", what, name, hint);
  }
  return fmt::format("the template has no {} '{}'; declared: {}", what, name,
                     names.empty() ? std::string("none") : load::list_names(names));
}

}  // namespace

EvaluationError::EvaluationError(Origin origin, std::string path, std::string message)
    : std::runtime_error(std::move(message)), origin_(std::move(origin)), path_(std::move(path)) {}

TemplateEvaluator::TemplateEvaluator(const yaml::Node& root, EvaluatorOptions options)
    : root_(root), options_(std::move(options)) {
  for (const auto& [name, node] : section(root, "parameters")) {
    parameter_declarations_[name] = Declaration{node, ""};
  }
  for (const auto& [name, node] : section(root, "variables")) {
    variable_declarations_[name] = Declaration{node, ""};
  }
  // The paths keep the declared spelling of each name.
  for (const std::string& name : declared_names(root, "parameters")) {
    parameter_declarations_[to_lower_ascii(name)].path = "parameters." + name;
  }
  for (const std::string& name : declared_names(root, "variables")) {
    variable_declarations_[to_lower_ascii(name)].path = "variables." + name;
  }
}

Value TemplateEvaluator::evaluate(const yaml::Node& node, const std::string& path) {
  switch (node.kind) {
    case yaml::Node::Kind::Null:
      return Value::of_null(node.origin, path);
    case yaml::Node::Kind::Scalar:
      return node.plain ? literal_value(node, path) : evaluate_string(node, path);
    case yaml::Node::Kind::Sequence: {
      Value array = Value::of_null(node.origin, path);
      array.kind = Value::Kind::Array;
      for (size_t i = 0; i < node.items.size(); ++i) {
        array.items.push_back(Value::deferred(*node.items[i], load::index_path(path, i)));
      }
      return array;
    }
    case yaml::Node::Kind::Mapping: {
      Value object = Value::of_null(node.origin, path);
      object.kind = Value::Kind::Object;
      for (const yaml::Entry& entry : node.entries) {
        object.members.push_back(
            Member{entry.key, entry.key_origin, Value::deferred(*entry.value, load::join_path(path, entry.key))});
      }
      return object;
    }
  }
  return Value::of_null(node.origin, path);
}

Value TemplateEvaluator::force(const Value& value) {
  if (value.kind != Value::Kind::Deferred) {
    return value;
  }
  return evaluate(*value.node, value.path);
}

Value TemplateEvaluator::deep(const Value& value) {
  Value forced = force(value);
  for (Value& item : forced.items) {
    item = deep(item);
  }
  for (Member& member : forced.members) {
    member.value = deep(member.value);
  }
  return forced;
}

Value TemplateEvaluator::member(const Value& object, std::string_view key) {
  const Value forced = force(object);
  const Value* found = forced.is_object() ? forced.find(key) : nullptr;
  if (found == nullptr) {
    return Value::of_null(forced.origin, load::join_path(forced.path, key));
  }
  return force(*found);
}

Value TemplateEvaluator::evaluate_string(const yaml::Node& node, const std::string& path) {
  if (!options_.expressions) {
    return Value::of_string(node.scalar, node.origin, path);
  }
  const TemplateString classified = classify_template_string(node.scalar);
  if (!classified.is_expression) {
    return Value::of_string(classified.text, node.origin, path);
  }
  const ParsedExpression parsed = parse_expression(classified.text);
  if (!parsed.expression) {
    throw EvaluationError(node.origin, path, parsed.error);
  }
  if (nesting_ >= kMaxNesting) {
    throw EvaluationError(node.origin, path,
                          "template expressions nest more than " + std::to_string(kMaxNesting) +
                              " levels deep; a variable probably refers to itself");
  }
  ++nesting_;
  try {
    Value value = evaluate_expression(*parsed.expression, Value::of_string({}, node.origin, path));
    --nesting_;
    return value;
  } catch (...) {
    --nesting_;
    throw;
  }
}

Value TemplateEvaluator::evaluate_expression(const Expression& expression, const Value& site) {
  switch (expression.kind) {
    case Expression::Kind::String:
      return Value::of_string(expression.text, site.origin, site.path);
    case Expression::Kind::Integer:
      return Value::of_int(expression.integer, site.origin, site.path);
    case Expression::Kind::Call:
      return call(expression, site);
    case Expression::Kind::Property:
      return property(expression, site);
    case Expression::Kind::Index:
      return index(expression, site);
  }
  return Value::of_null(site.origin, site.path);
}

std::vector<Value> TemplateEvaluator::evaluate_arguments(const Expression& call, const Value& site) {
  std::vector<Value> arguments;
  arguments.reserve(call.arguments.size());
  for (const Expression& argument : call.arguments) {
    arguments.push_back(deep(evaluate_expression(argument, site)));
  }
  return arguments;
}

Value TemplateEvaluator::call(const Expression& call, const Value& site) {
  const std::string name = to_lower_ascii(call.text);
  auto single_string = [&](const char* what) -> std::string {
    const std::vector<Value> arguments = evaluate_arguments(call, site);
    if (arguments.size() != 1 || !arguments[0].is_string()) {
      throw EvaluationError(site.origin, site.path,
                            fmt::format("the template function '{}' takes one string, the {} name", call.text, what));
    }
    return arguments[0].text;
  };

  if (name == "parameters") {
    return parameter(single_string("parameter"), site);
  }
  if (name == "variables") {
    return variable(single_string("variable"), site);
  }
  if (name == "if") {
    // Only the branch the condition selects is evaluated, as in ARM.
    if (call.arguments.size() != 3) {
      throw EvaluationError(site.origin, site.path,
                            fmt::format("the template function 'if' takes 3 arguments, found {}", call.arguments.size()));
    }
    const Value condition = deep(evaluate_expression(call.arguments[0], site));
    if (condition.kind != Value::Kind::Bool) {
      throw EvaluationError(site.origin, site.path,
                            fmt::format("the template function 'if' expects a boolean condition, found {}",
                                        kind_name(condition.kind)));
    }
    return evaluate_expression(call.arguments[condition.boolean ? 1 : 2], site);
  }
  if (call.text.find('.') != std::string::npos) {
    throw EvaluationError(site.origin, site.path,
                          "the user-defined template function '" + call.text + "' is not supported");
  }

  const std::vector<Value> arguments = evaluate_arguments(call, site);
  const CallContext context{call.text, site, options_.subscription_id, options_.resource_group, options_.location};
  if (auto result = call_function(name, arguments, context)) {
    return std::move(*result);
  }
  throw EvaluationError(site.origin, site.path,
                        "the template function '" + call.text + "' is not supported; supported: " +
                            load::list_names(kSupportedFunctions));
}

Value TemplateEvaluator::property(const Expression& access, const Value& site) {
  const Value target = force(evaluate_expression(access.arguments[0], site));
  if (!target.is_object()) {
    throw EvaluationError(site.origin, site.path,
                          fmt::format("'.{}' reads a property of an object, but the value is {}", access.text,
                                      kind_name(target.kind)));
  }
  if (const Value* found = target.find(access.text)) {
    return force(*found);
  }
  std::vector<std::string> names;
  for (const Member& member : target.members) {
    names.push_back(member.key);
  }
  throw EvaluationError(site.origin, site.path,
                        fmt::format("the object has no property '{}'; its properties: {}", access.text,
                                    names.empty() ? std::string("none") : load::list_names(names)));
}

Value TemplateEvaluator::index(const Expression& access, const Value& site) {
  const Value target = force(evaluate_expression(access.arguments[0], site));
  const Value key = deep(evaluate_expression(access.arguments[1], site));
  if (target.is_array() && key.kind == Value::Kind::Int) {
    if (key.integer < 0 || static_cast<size_t>(key.integer) >= target.items.size()) {
      throw EvaluationError(site.origin, site.path,
                            fmt::format("index {} is outside the array of {} item{}", key.integer,
                                        target.items.size(), target.items.size() == 1 ? "" : "s"));
    }
    return force(target.items[static_cast<size_t>(key.integer)]);
  }
  if (target.is_object() && key.is_string()) {
    Expression property{Expression::Kind::Property, key.text, 0, {access.arguments[0]}, access.offset};
    return this->property(property, site);
  }
  throw EvaluationError(site.origin, site.path,
                        fmt::format("cannot index {} with {}; arrays take an integer, objects a string",
                                    kind_name(target.kind), kind_name(key.kind)));
}

std::string TemplateEvaluator::declared_type(const Declaration& declaration) {
  const yaml::Node* type = declaration.node->is_mapping() ? declaration.node->find("type") : nullptr;
  return type != nullptr && type->is_scalar() ? to_lower_ascii(type->scalar) : "string";
}

Value TemplateEvaluator::parameter(const std::string& name, const Value& site) {
  const std::string key = to_lower_ascii(name);
  const auto declaration = parameter_declarations_.find(key);
  if (declaration == parameter_declarations_.end()) {
    throw EvaluationError(site.origin, site.path, unknown_name_message("parameter", name, declared_names(root_, "parameters")));
  }
  if (const auto cached = parameter_cache_.find(key); cached != parameter_cache_.end()) {
    return cached->second;
  }
  const std::string marker = "parameters('" + name + "')";
  if (std::find(evaluating_.begin(), evaluating_.end(), marker) != evaluating_.end()) {
    throw EvaluationError(site.origin, site.path, "the parameter '" + name + "' refers to itself in its defaultValue");
  }

  Value value;
  const auto given = std::find_if(options_.parameters.begin(), options_.parameters.end(),
                                  [&](const ParameterValue& p) { return equals_ignoring_case(p.name, name); });
  const yaml::Node* default_value =
      declaration->second.node->is_mapping() ? declaration->second.node->find("defaultValue") : nullptr;
  if (given != options_.parameters.end()) {
    value = given_parameter_value(*given, declared_type(declaration->second), declaration->second);
  } else if (default_value != nullptr) {
    evaluating_.push_back(marker);
    value = deep(evaluate(*default_value, declaration->second.path + ".defaultValue"));
    evaluating_.pop_back();
  } else {
    std::string hint = options_.parameter_hint;
    for (size_t at = hint.find("NAME"); at != std::string::npos; at = hint.find("NAME", at + name.size())) {
      hint.replace(at, 4, name);
    }
    throw EvaluationError(site.origin, site.path,
                          "the template parameter '" + name + "' has no defaultValue and no value was given; " + hint);
  }
  parameter_cache_[key] = value;
  return value;
}

Value TemplateEvaluator::variable(const std::string& name, const Value& site) {
  const std::string key = to_lower_ascii(name);
  const auto declaration = variable_declarations_.find(key);
  if (declaration == variable_declarations_.end()) {
    std::string message = unknown_name_message("variable", name, declared_names(root_, "variables"));
    if (variable_declarations_.count("copy") > 0) {
      message += " (variables made by a 'copy' loop are not supported)";
    }
    throw EvaluationError(site.origin, site.path, message);
  }
  if (const auto cached = variable_cache_.find(key); cached != variable_cache_.end()) {
    return cached->second;
  }

  const std::string marker = "variables('" + name + "')";
  if (std::find(evaluating_.begin(), evaluating_.end(), marker) != evaluating_.end()) {
    std::string chain;
    for (const std::string& item : evaluating_) {
      chain += item + " -> ";
    }
    throw EvaluationError(site.origin, site.path, "variables refer to each other in a cycle: " + chain + marker);
  }

  evaluating_.push_back(marker);
  Value value;
  try {
    value = evaluate(*declaration->second.node, declaration->second.path);
  } catch (...) {
    evaluating_.pop_back();
    throw;
  }
  evaluating_.pop_back();
  variable_cache_[key] = value;
  return value;
}

Value TemplateEvaluator::given_parameter_value(const ParameterValue& given, const std::string& type,
                                               const Declaration& declaration) {
  const std::string& path = given.path;
  Value value;
  if (given.text && (type == "array" || type == "object" || type == "secureobject")) {
    yaml::NodePtr node;
    try {
      node = yaml::parse_override_value(*given.text, given.origin.override_arg);
    } catch (const InputError& error) {
      throw EvaluationError(given.origin, {}, "the value is not valid JSON or YAML: " + error.diagnostics().items().front().message);
    }
    value = literal_value(*node, path);
    set_origin(value, given.origin);
  } else if (given.text) {
    yaml::Node node;
    node.kind = yaml::Node::Kind::Scalar;
    node.scalar = *given.text;
    node.origin = given.origin;
    node.plain = type != "string" && type != "securestring";
    value = literal_value(node, path);
  } else {
    value = literal_value(*given.node, path);
  }

  // Parameter files and scenarios may write a number as a string and a string as a number, as ARM strings do.
  if (type == "int" && value.is_string()) {
    if (const auto integer = parse_int64(value.text)) {
      value = Value::of_int(*integer, value.origin, value.path);
    }
  } else if ((type == "string" || type == "securestring") &&
             (value.kind == Value::Kind::Int || value.kind == Value::Kind::Number || value.kind == Value::Kind::Bool)) {
    std::string text = to_text(value);
    if (value.kind == Value::Kind::Bool) {
      text = value.boolean ? "true" : "false";  // as written, not as string() spells booleans
    }
    value = Value::of_string(text, value.origin, value.path);
  } else if (type == "bool" && value.is_string() && (equals_ignoring_case(value.text, "true") || equals_ignoring_case(value.text, "false"))) {
    value = Value::of_bool(equals_ignoring_case(value.text, "true"), value.origin, value.path);
  }
  check_parameter_value(value, type, declaration, given.origin, path);
  return value;
}

void TemplateEvaluator::check_parameter_value(const Value& value, const std::string& type,
                                              const Declaration& declaration, const Origin& origin,
                                              const std::string& path) {
  const std::string name = declaration.path.substr(std::string("parameters.").size());
  auto fail = [&](const std::string& message) {
    throw EvaluationError(value.origin.is_override() ? origin : value.origin, path, message);
  };
  const bool type_ok = (type == "int" && value.kind == Value::Kind::Int) ||
                       (type == "bool" && value.kind == Value::Kind::Bool) ||
                       ((type == "string" || type == "securestring") && value.is_string()) ||
                       ((type == "object" || type == "secureobject") && value.is_object()) ||
                       (type == "array" && value.is_array());
  if (!type_ok) {
    fail(fmt::format("the parameter '{}' is declared as {}, but the value {} is {}", name, type,
                     load::quote(to_text(value)), kind_name(value.kind)));
  }

  const yaml::Node& node = *declaration.node;
  if (const yaml::Node* allowed = node.is_mapping() ? node.find("allowedValues") : nullptr; allowed != nullptr) {
    const Value allowed_values = deep(evaluate(*allowed, declaration.path + ".allowedValues"));
    bool found = false;
    std::vector<std::string> names;
    for (const Value& item : allowed_values.items) {
      found = found || values_equal(item, value);
      names.push_back(to_text(item));
    }
    if (!found) {
      fail(fmt::format("{} is not an allowed value of the parameter '{}'; allowed: {}", load::quote(to_text(value)),
                       name, load::list_names(names)));
    }
  }
  auto limit = [&](const char* key) -> std::optional<int64_t> {
    const yaml::Node* bound = node.is_mapping() ? node.find(key) : nullptr;
    return bound != nullptr && bound->is_scalar() ? parse_int64(bound->scalar) : std::nullopt;
  };
  if (value.kind == Value::Kind::Int) {
    const auto min = limit("minValue");
    const auto max = limit("maxValue");
    if ((min && value.integer < *min) || (max && value.integer > *max)) {
      fail(fmt::format("{} is outside the range of the parameter '{}': {} to {}", value.integer, name,
                       min ? std::to_string(*min) : "any", max ? std::to_string(*max) : "any"));
    }
  }
  if (value.is_string() || value.is_array()) {
    const auto length = static_cast<int64_t>(value.is_string() ? value.text.size() : value.items.size());
    const auto min = limit("minLength");
    const auto max = limit("maxLength");
    if ((min && length < *min) || (max && length > *max)) {
      fail(fmt::format("the value of the parameter '{}' has length {}; allowed: {} to {}", name, length,
                       min ? std::to_string(*min) : "0", max ? std::to_string(*max) : "any"));
    }
  }
}

void TemplateEvaluator::check_given_parameters(Diagnostics& diagnostics) {
  for (const ParameterValue& given : options_.parameters) {
    const std::string key = to_lower_ascii(given.name);
    if (parameter_declarations_.count(key) == 0) {
      diagnostics.add(given.origin, given.path, unknown_name_message("parameter", given.name, declared_names(root_, "parameters")));
      continue;
    }
    try {
      parameter(given.name, Value::of_null(given.origin, {}));
    } catch (const EvaluationError& error) {
      const Diagnostic diagnostic = error.diagnostic();
      diagnostics.add(diagnostic.origin, diagnostic.key_path, diagnostic.message);
    }
  }
}

}  // namespace mixsim::arm
