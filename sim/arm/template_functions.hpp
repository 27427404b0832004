// The template functions that compute a value from their evaluated arguments alone. `parameters`, `variables` and
// the lazy `if` need the evaluator and live in template_evaluator.cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "template_value.hpp"

namespace mixsim::arm {

/// Context of a function call besides its arguments: the call site (for results and messages) and the deployment
/// stand-ins.
struct CallContext {
  std::string_view name;  // as written in the template, for messages
  const Value& site;      // the JSON string holding the call: origin and path
  const std::string& subscription_id;
  const std::string& resource_group;
  const std::string& location;
};

/// Applies the function `lower_name` (lower case) to fully evaluated arguments. Returns nothing when no function
/// of this file has that name. Throws EvaluationError on a wrong argument count or type.
std::optional<Value> call_function(std::string_view lower_name, const std::vector<Value>& arguments,
                                   const CallContext& context);

/// Converts a value as ARM's string() does: integers in decimal, booleans as True/False, arrays and objects as
/// compact JSON.
std::string to_text(const Value& value);

/// Compares two evaluated values as ARM's equals() does: same kind and value, strings case-sensitively, arrays and
/// objects member by member.
bool values_equal(const Value& a, const Value& b);

}  // namespace mixsim::arm
