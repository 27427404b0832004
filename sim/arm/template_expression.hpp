// The syntax of ARM template expressions: `[concat(parameters('name'), '-vmss')]`, `[resourceGroup().id]`,
// `[variables('sizes')[0]]`. Parsing only; template_evaluator.hpp gives them values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mixsim::arm {

/// One node of a parsed expression.
struct Expression {
  enum class Kind : uint8_t {
    String,    // 'text' with '' for a quote
    Integer,   // 42, -1
    Call,      // name(arguments...)
    Property,  // arguments[0].text
    Index,     // arguments[0][arguments[1]]
  };

  Kind kind = Kind::String;
  std::string text;  // String: the literal; Call: the function name; Property: the property name
  int64_t integer = 0;
  std::vector<Expression> arguments;
  size_t offset = 0;  // 0-based position in the expression text, for messages
};

/// Classification of a JSON string by ARM's rule. A string that starts with '[' and ends with ']' is an expression,
/// unless it starts with "[[". That escapes it, so the first '[' is dropped and the rest is literal text.
struct TemplateString {
  bool is_expression = false;
  std::string text;  // the expression between the brackets, or the literal text
};
TemplateString classify_template_string(std::string_view json_string);

struct ParsedExpression {
  std::optional<Expression> expression;
  std::string error;  // set when the text is not a valid expression; names the position
};

/// Parses the text between an expression's brackets. Whitespace may separate tokens; function and property names
/// are letters, digits and '_'; a dotted name before '(' (`namespace.function(`) is a user-defined function call.
ParsedExpression parse_expression(std::string_view text);

}  // namespace mixsim::arm
