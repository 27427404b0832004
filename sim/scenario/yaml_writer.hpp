// Writes document trees as YAML for files that people edit: block style, with a mapping or list of scalars on one
// line in flow style when it is short (`sku: { name: Mix, capacity: 10 }`, `zones: ["1", "2"]`).
#pragma once

#include <string>

#include "yaml_document.hpp"

namespace mixsim::yaml {

/// Formats a scalar so that it reads back as the same text and kind: plain when that is safe, double-quoted
/// otherwise. Strings (quoted in their source) that YAML would read as a number, boolean or null are quoted.
std::string format_scalar(const Node& node);

/// Writes the entries of a mapping, or the items of a sequence, as block lines indented by `indent` spaces. A
/// scalar or null node is written as one line holding its value.
std::string write_block(const Node& node, int indent);

/// Writes `key: value` at `indent`, the value inline when it is a scalar or a short flow collection, otherwise as
/// block lines below the key.
std::string write_entry(const std::string& key, const Node& value, int indent);

}  // namespace mixsim::yaml
