#include "template_functions.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "template_evaluator.hpp"

namespace mixsim::arm {

namespace {

[[noreturn]] void fail(const CallContext& context, std::string message) {
  throw EvaluationError(context.site.origin, context.site.path,
                        "the template function '" + std::string(context.name) + "' " + message);
}

void require_count(const CallContext& context, const std::vector<Value>& arguments, size_t min, size_t max) {
  if (arguments.size() >= min && arguments.size() <= max) {
    return;
  }
  const std::string expected = min == max           ? fmt::format("{}", min)
                               : max == SIZE_MAX    ? fmt::format("at least {}", min)
                                                    : fmt::format("{} to {}", min, max);
  fail(context, fmt::format("takes {} argument{}, found {}", expected, (min == 1 && max == 1) ? "" : "s",
                            arguments.size()));
}

const std::string& string_argument(const CallContext& context, const std::vector<Value>& arguments, size_t i) {
  if (!arguments[i].is_string()) {
    fail(context, fmt::format("expects a string as argument {}, found {}", i + 1, kind_name(arguments[i].kind)));
  }
  return arguments[i].text;
}

int64_t int_argument(const CallContext& context, const std::vector<Value>& arguments, size_t i) {
  if (arguments[i].kind != Value::Kind::Int) {
    fail(context, fmt::format("expects an integer as argument {}, found {}", i + 1, kind_name(arguments[i].kind)));
  }
  return arguments[i].integer;
}

bool bool_argument(const CallContext& context, const std::vector<Value>& arguments, size_t i) {
  if (arguments[i].kind != Value::Kind::Bool) {
    fail(context, fmt::format("expects a boolean as argument {}, found {}", i + 1, kind_name(arguments[i].kind)));
  }
  return arguments[i].boolean;
}

Value result_string(const CallContext& context, std::string text) {
  return Value::of_string(std::move(text), context.site.origin, context.site.path);
}

Value result_bool(const CallContext& context, bool flag) {
  return Value::of_bool(flag, context.site.origin, context.site.path);
}

void add_member(Value& object, std::string key, Value value) {
  const Origin origin = value.origin;
  object.members.push_back(Member{std::move(key), origin, std::move(value)});
}

nlohmann::ordered_json to_json(const Value& value) {
  switch (value.kind) {
    case Value::Kind::Bool:
      return value.boolean;
    case Value::Kind::Int:
      return value.integer;
    case Value::Kind::Number:
      return std::strtod(value.text.c_str(), nullptr);
    case Value::Kind::String:
      return value.text;
    case Value::Kind::Array: {
      auto array = nlohmann::ordered_json::array();
      for (const Value& item : value.items) {
        array.push_back(to_json(item));
      }
      return array;
    }
    case Value::Kind::Object: {
      auto object = nlohmann::ordered_json::object();
      for (const Member& member : value.members) {
        object[member.key] = to_json(member.value);
      }
      return object;
    }
    case Value::Kind::Null:
    case Value::Kind::Deferred:
      break;
  }
  return nullptr;
}

Value concat(const CallContext& context, const std::vector<Value>& arguments) {
  require_count(context, arguments, 1, SIZE_MAX);
  if (arguments.front().is_array()) {
    Value joined = Value::of_null(context.site.origin, context.site.path);
    joined.kind = Value::Kind::Array;
    for (size_t i = 0; i < arguments.size(); ++i) {
      if (!arguments[i].is_array()) {
        fail(context, fmt::format("joins either arrays or strings; argument {} is {}", i + 1, kind_name(arguments[i].kind)));
      }
      joined.items.insert(joined.items.end(), arguments[i].items.begin(), arguments[i].items.end());
    }
    return joined;
  }
  std::string text;
  for (size_t i = 0; i < arguments.size(); ++i) {
    const Value::Kind kind = arguments[i].kind;
    if (kind != Value::Kind::String && kind != Value::Kind::Int && kind != Value::Kind::Bool) {
      fail(context, fmt::format("joins either arrays or strings; argument {} is {}", i + 1, kind_name(kind)));
    }
    text += to_text(arguments[i]);
  }
  return result_string(context, std::move(text));
}

// .NET composite formatting, as ARM's format() uses it: {0} inserts an argument, {{ and }} are literal braces.
Value format(const CallContext& context, const std::vector<Value>& arguments) {
  require_count(context, arguments, 1, SIZE_MAX);
  const std::string& pattern = string_argument(context, arguments, 0);
  std::string text;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if ((c == '{' || c == '}') && i + 1 < pattern.size() && pattern[i + 1] == c) {
      text += c;
      ++i;
      continue;
    }
    if (c == '}') {
      fail(context, fmt::format("found an unmatched '}}' at character {} of its pattern; write '}}}}' for a brace", i + 1));
    }
    if (c != '{') {
      text += c;
      continue;
    }
    const size_t close = pattern.find('}', i);
    const std::string item = pattern.substr(i + 1, close == std::string::npos ? std::string::npos : close - i - 1);
    size_t index = 0;
    const auto [end, error] = std::from_chars(item.data(), item.data() + item.size(), index);
    if (close == std::string::npos || item.empty() || error != std::errc() || end != item.data() + item.size()) {
      fail(context, fmt::format("supports only format items such as {{0}}, found '{{{}' at character {} of its "
                                "pattern (alignment and format strings are not supported)",
                                item, i + 1));
    }
    if (index >= arguments.size() - 1) {
      fail(context, fmt::format("has no argument for the format item {{{}}}; it was given {} value{}", index,
                                arguments.size() - 1, arguments.size() == 2 ? "" : "s"));
    }
    text += to_text(arguments[index + 1]);
    i = close;
  }
  return result_string(context, std::move(text));
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) {
      return parts;
    }
    start = end + 1;
  }
}

// resourceId([subscriptionId], [resourceGroupName], resourceType, name...). The first argument with a '/' is the
// type. The arguments before it name the subscription and resource group, and the stand-ins fill what is left out.
Value resource_id(const CallContext& context, const std::vector<Value>& arguments) {
  require_count(context, arguments, 2, SIZE_MAX);
  size_t type_index = arguments.size();
  for (size_t i = 0; i < arguments.size(); ++i) {
    if (string_argument(context, arguments, i).find('/') != std::string::npos && type_index == arguments.size()) {
      type_index = i;
    }
  }
  if (type_index > 2 || type_index + 1 >= arguments.size()) {
    fail(context, "needs a resource type with its namespace, such as 'Microsoft.Compute/virtualMachineScaleSets', "
                  "among its first three arguments, followed by the resource's name");
  }
  std::string subscription = context.subscription_id;
  std::string group = context.resource_group;
  if (type_index == 1) {
    group = arguments[0].text;
  } else if (type_index == 2) {
    subscription = arguments[0].text;
    group = arguments[1].text;
  }

  std::string type = arguments[type_index].text;
  while (!type.empty() && type.back() == '/') {
    type.pop_back();
  }
  const std::vector<std::string> type_parts = split(type, '/');
  std::vector<std::string> names;
  for (size_t i = type_index + 1; i < arguments.size(); ++i) {
    for (std::string& part : split(arguments[i].text, '/')) {
      names.push_back(std::move(part));
    }
  }
  if (type_parts.size() < 2 || names.size() != type_parts.size() - 1) {
    fail(context, fmt::format("got {} name segment{} for the type '{}', which needs {}", names.size(),
                              names.size() == 1 ? "" : "s", type, type_parts.size() < 2 ? 1 : type_parts.size() - 1));
  }
  std::string id = "/subscriptions/" + subscription + "/resourceGroups/" + group + "/providers/" + type_parts[0];
  for (size_t i = 1; i < type_parts.size(); ++i) {
    id += "/" + type_parts[i] + "/" + names[i - 1];
  }
  return result_string(context, std::move(id));
}

Value to_int(const CallContext& context, const std::vector<Value>& arguments) {
  require_count(context, arguments, 1, 1);
  const Value& value = arguments[0];
  if (value.kind == Value::Kind::Int) {
    return value;
  }
  int64_t number = 0;
  if (value.is_string()) {
    const char* begin = value.text.data();
    const char* end = begin + value.text.size();
    const char* start = (begin != end && *begin == '+') ? begin + 1 : begin;
    const auto [stop, error] = std::from_chars(start, end, number);
    if (error == std::errc() && stop == end && start != end) {
      return Value::of_int(number, context.site.origin, context.site.path);
    }
    fail(context, "cannot convert '" + value.text + "' to an integer");
  }
  fail(context, fmt::format("converts a string or an integer, found {}", kind_name(value.kind)));
}

Value change_case(const CallContext& context, const std::vector<Value>& arguments, bool upper) {
  require_count(context, arguments, 1, 1);
  std::string text = string_argument(context, arguments, 0);
  // NOTE: only ASCII letters change case; ARM uses the invariant culture for all of Unicode.
  for (char& c : text) {
    const auto byte = static_cast<unsigned char>(c);
    c = static_cast<char>(upper ? std::toupper(byte) : std::tolower(byte));
  }
  return result_string(context, std::move(text));
}

Value substring(const CallContext& context, const std::vector<Value>& arguments) {
  require_count(context, arguments, 2, 3);
  const std::string& text = string_argument(context, arguments, 0);
  const int64_t start = int_argument(context, arguments, 1);
  const auto size = static_cast<int64_t>(text.size());
  const int64_t length = arguments.size() == 3 ? int_argument(context, arguments, 2) : size - start;
  // NOTE: positions count bytes; ARM counts UTF-16 code units, which differs only for non-ASCII text.
  if (start < 0 || length < 0 || start > size || length > size - start) {
    fail(context, fmt::format("was given start {} and length {}, which do not lie within the string '{}' of {} "
                              "characters",
                              start, length, text, size));
  }
  return result_string(context, text.substr(static_cast<size_t>(start), static_cast<size_t>(length)));
}

// Azure computes uniqueString() with a hash it does not document. This stand-in is deterministic and has the same
// shape (13 characters of a base-32 alphabet): 64-bit FNV-1a over the arguments, separated by the byte 0x1f.
Value unique_string(const CallContext& context, const std::vector<Value>& arguments) {
  require_count(context, arguments, 1, SIZE_MAX);
  constexpr uint64_t kFnvOffset = 14695981039346656037ULL;
  constexpr uint64_t kFnvPrime = 1099511628211ULL;
  constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz234567";
  uint64_t hash = kFnvOffset;
  for (size_t i = 0; i < arguments.size(); ++i) {
    const std::string text = (i > 0 ? "\x1f" : "") + string_argument(context, arguments, i);
    for (char c : text) {
      hash = (hash ^ static_cast<unsigned char>(c)) * kFnvPrime;
    }
  }
  std::string result;
  for (int i = 0; i < 13; ++i) {
    result += kAlphabet[hash & 31];
    hash >>= 5;
  }
  return result_string(context, std::move(result));
}

Value subscription(const CallContext& context, const std::vector<Value>& arguments) {
  require_count(context, arguments, 0, 0);
  Value object = Value::of_null(context.site.origin, context.site.path);
  object.kind = Value::Kind::Object;
  add_member(object, "id", result_string(context, "/subscriptions/" + context.subscription_id));
  add_member(object, "subscriptionId", result_string(context, context.subscription_id));
  add_member(object, "tenantId", result_string(context, stand_in::kTenantId));
  add_member(object, "displayName", result_string(context, "mixsim stand-in subscription"));
  return object;
}

Value resource_group(const CallContext& context, const std::vector<Value>& arguments) {
  require_count(context, arguments, 0, 0);
  Value object = Value::of_null(context.site.origin, context.site.path);
  object.kind = Value::Kind::Object;
  add_member(object, "id",
             result_string(context, "/subscriptions/" + context.subscription_id + "/resourceGroups/" + context.resource_group));
  add_member(object, "name", result_string(context, context.resource_group));
  add_member(object, "type", result_string(context, "Microsoft.Resources/resourceGroups"));
  add_member(object, "location", result_string(context, context.location));
  Value properties = Value::of_null(context.site.origin, context.site.path);
  properties.kind = Value::Kind::Object;
  add_member(properties, "provisioningState", result_string(context, "Succeeded"));
  add_member(object, "properties", std::move(properties));
  return object;
}

Value logic(const CallContext& context, const std::vector<Value>& arguments, bool all) {
  require_count(context, arguments, 2, SIZE_MAX);
  bool result = all;
  for (size_t i = 0; i < arguments.size(); ++i) {
    result = all ? (result && bool_argument(context, arguments, i)) : (result || bool_argument(context, arguments, i));
  }
  return result_bool(context, result);
}

}  // namespace

std::string to_text(const Value& value) {
  switch (value.kind) {
    case Value::Kind::String:
      return value.text;
    case Value::Kind::Int:
      return std::to_string(value.integer);
    case Value::Kind::Number:
      return value.text;
    case Value::Kind::Bool:
      return value.boolean ? "True" : "False";
    case Value::Kind::Null:
      // NOTE: ARM does not document string(null); an empty string is what concatenation with nothing gives.
      return "";
    case Value::Kind::Array:
    case Value::Kind::Object:
    case Value::Kind::Deferred:
      return to_json(value).dump();
  }
  return "";
}

bool values_equal(const Value& a, const Value& b) {
  const bool a_number = a.kind == Value::Kind::Int || a.kind == Value::Kind::Number;
  const bool b_number = b.kind == Value::Kind::Int || b.kind == Value::Kind::Number;
  if (a_number && b_number) {
    const double x = a.kind == Value::Kind::Int ? static_cast<double>(a.integer) : std::strtod(a.text.c_str(), nullptr);
    const double y = b.kind == Value::Kind::Int ? static_cast<double>(b.integer) : std::strtod(b.text.c_str(), nullptr);
    return x == y;
  }
  if (a.kind != b.kind) {
    return false;
  }
  switch (a.kind) {
    case Value::Kind::Null:
      return true;
    case Value::Kind::Bool:
      return a.boolean == b.boolean;
    case Value::Kind::String:
      return a.text == b.text;
    case Value::Kind::Array:
      return a.items.size() == b.items.size() &&
             std::equal(a.items.begin(), a.items.end(), b.items.begin(), values_equal);
    case Value::Kind::Object:
      if (a.members.size() != b.members.size()) {
        return false;
      }
      for (const Member& member : a.members) {
        const Value* other = b.find(member.key);
        if (other == nullptr || !values_equal(member.value, *other)) {
          return false;
        }
      }
      return true;
    default:
      return false;
  }
}

std::optional<Value> call_function(std::string_view lower_name, const std::vector<Value>& arguments,
                                   const CallContext& context) {
  if (lower_name == "concat") {
    return concat(context, arguments);
  }
  if (lower_name == "format") {
    return format(context, arguments);
  }
  if (lower_name == "resourceid") {
    return resource_id(context, arguments);
  }
  if (lower_name == "int") {
    return to_int(context, arguments);
  }
  if (lower_name == "string") {
    require_count(context, arguments, 1, 1);
    return result_string(context, to_text(arguments[0]));
  }
  if (lower_name == "tolower" || lower_name == "toupper") {
    return change_case(context, arguments, lower_name == "toupper");
  }
  if (lower_name == "equals") {
    require_count(context, arguments, 2, 2);
    return result_bool(context, values_equal(arguments[0], arguments[1]));
  }
  if (lower_name == "substring") {
    return substring(context, arguments);
  }
  if (lower_name == "uniquestring") {
    return unique_string(context, arguments);
  }
  if (lower_name == "subscription") {
    return subscription(context, arguments);
  }
  if (lower_name == "resourcegroup") {
    return resource_group(context, arguments);
  }
  if (lower_name == "and" || lower_name == "or") {
    return logic(context, arguments, lower_name == "and");
  }
  if (lower_name == "not") {
    require_count(context, arguments, 1, 1);
    return result_bool(context, !bool_argument(context, arguments, 0));
  }
  if (lower_name == "true" || lower_name == "false") {
    require_count(context, arguments, 0, 0);
    return result_bool(context, lower_name == "true");
  }
  if (lower_name == "null") {
    require_count(context, arguments, 0, 0);
    return Value::of_null(context.site.origin, context.site.path);
  }
  return std::nullopt;
}

}  // namespace mixsim::arm
