#include "template_value.hpp"

#include <algorithm>
#include <cctype>

namespace mixsim::arm {

Value Value::of_null(Origin origin, std::string path) {
  Value value;
  value.origin = std::move(origin);
  value.path = std::move(path);
  return value;
}

Value Value::of_bool(bool flag, Origin origin, std::string path) {
  Value value = of_null(std::move(origin), std::move(path));
  value.kind = Kind::Bool;
  value.boolean = flag;
  return value;
}

Value Value::of_int(int64_t number, Origin origin, std::string path) {
  Value value = of_null(std::move(origin), std::move(path));
  value.kind = Kind::Int;
  value.integer = number;
  return value;
}

Value Value::of_string(std::string text, Origin origin, std::string path) {
  Value value = of_null(std::move(origin), std::move(path));
  value.kind = Kind::String;
  value.text = std::move(text);
  return value;
}

Value Value::deferred(const yaml::Node& node, std::string path) {
  Value value = of_null(node.origin, std::move(path));
  value.kind = Kind::Deferred;
  value.node = &node;
  return value;
}

const Value* Value::find(std::string_view key) const {
  for (const Member& member : members) {
    if (equals_ignoring_case(member.key, key)) {
      return &member.value;
    }
  }
  return nullptr;
}

const char* kind_name(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::Null:
      return "null";
    case Value::Kind::Bool:
      return "a boolean";
    case Value::Kind::Int:
      return "an integer";
    case Value::Kind::Number:
      return "a fractional number";
    case Value::Kind::String:
      return "a string";
    case Value::Kind::Array:
      return "an array";
    case Value::Kind::Object:
      return "an object";
    case Value::Kind::Deferred:
      return "an unevaluated value";
  }
  return "?";
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string to_lower_ascii(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return lower;
}

yaml::NodePtr to_node(const Value& value) {
  auto node = std::make_shared<yaml::Node>();
  node->origin = value.origin;
  switch (value.kind) {
    case Value::Kind::Null:
    case Value::Kind::Deferred:
      break;
    case Value::Kind::Bool:
      node->kind = yaml::Node::Kind::Scalar;
      node->scalar = value.boolean ? "true" : "false";
      break;
    case Value::Kind::Int:
      node->kind = yaml::Node::Kind::Scalar;
      node->scalar = std::to_string(value.integer);
      break;
    case Value::Kind::Number:
      node->kind = yaml::Node::Kind::Scalar;
      node->scalar = value.text;
      break;
    case Value::Kind::String:
      node->kind = yaml::Node::Kind::Scalar;
      node->scalar = value.text;
      node->plain = false;
      break;
    case Value::Kind::Array:
      node->kind = yaml::Node::Kind::Sequence;
      for (const Value& item : value.items) {
        node->items.push_back(to_node(item));
      }
      break;
    case Value::Kind::Object:
      node->kind = yaml::Node::Kind::Mapping;
      for (const Member& member : value.members) {
        node->entries.push_back(yaml::Entry{member.key, member.key_origin, to_node(member.value)});
      }
      break;
  }
  return node;
}

}  // namespace mixsim::arm
