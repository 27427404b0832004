// Values of ARM template expressions and of the JSON they are written in. A container read from a template is
// evaluated lazily: its members stay Deferred (the template node, not yet evaluated) until a caller reads them, so
// parts of a template that mixsim never reads may use functions it does not support.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mixsim/diagnostics.hpp"
#include "scenario/yaml_document.hpp"

namespace mixsim::arm {

struct Member;

class Value {
 public:
  enum class Kind : uint8_t { Null, Bool, Int, Number, String, Array, Object, Deferred };

  Kind kind = Kind::Null;
  bool boolean = false;
  int64_t integer = 0;
  std::string text;             // String: the text; Number: its JSON spelling
  std::vector<Value> items;     // Array
  std::vector<Member> members;  // Object, in document order
  const yaml::Node* node = nullptr;  // Deferred: the template node to evaluate when read
  std::string path;             // JSON path of the node or expression the value comes from, for messages
  Origin origin;

  static Value of_null(Origin origin, std::string path);
  static Value of_bool(bool value, Origin origin, std::string path);
  static Value of_int(int64_t value, Origin origin, std::string path);
  static Value of_string(std::string value, Origin origin, std::string path);
  static Value deferred(const yaml::Node& node, std::string path);

  bool is_null() const { return kind == Kind::Null; }
  bool is_string() const { return kind == Kind::String; }
  bool is_object() const { return kind == Kind::Object; }
  bool is_array() const { return kind == Kind::Array; }

  /// Returns the member named `key` of an object, matched case-insensitively as ARM does, or nullptr.
  const Value* find(std::string_view key) const;
};

struct Member {
  std::string key;
  Origin key_origin;
  Value value;
};

/// Names the kind of a value for messages: "a string", "an integer", ...
const char* kind_name(Value::Kind kind);

/// Compares ASCII text ignoring case, as ARM compares names of functions, parameters, types and properties.
bool equals_ignoring_case(std::string_view a, std::string_view b);
std::string to_lower_ascii(std::string_view text);

/// Converts a fully evaluated value (no Deferred parts) to a document node with the value's origins, so that the
/// scenario loader reports problems at the template's positions. Strings become quoted scalars, numbers and
/// booleans plain ones.
yaml::NodePtr to_node(const Value& value);

}  // namespace mixsim::arm
