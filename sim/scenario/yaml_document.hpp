// A YAML document tree that keeps the source position of every node and key, built from yaml-cpp's
// event parser. yaml-cpp's own Node API silently keeps the last of duplicate keys and loses positions of
// keys, so the loader works on this tree instead.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mixsim/diagnostics.hpp"

namespace mixsim::yaml {

struct Node;
using NodePtr = std::shared_ptr<Node>;

struct Entry {
  std::string key;
  Origin key_origin;
  NodePtr value;
};

struct Node {
  enum class Kind : uint8_t { Null, Scalar, Sequence, Mapping };

  Kind kind = Kind::Null;
  std::string scalar;
  bool plain = true;  // false for quoted scalars
  Origin origin;
  std::vector<NodePtr> items;   // Sequence
  std::vector<Entry> entries;   // Mapping, in file order

  bool is_null() const { return kind == Kind::Null; }
  bool is_scalar() const { return kind == Kind::Scalar; }
  bool is_sequence() const { return kind == Kind::Sequence; }
  bool is_mapping() const { return kind == Kind::Mapping; }

  /// Returns the value of `key` in a mapping, or nullptr.
  const Node* find(std::string_view key) const;
  Entry* find_entry(std::string_view key);
};

const char* kind_name(Node::Kind kind);

/// Limits that keep a hostile or broken file from exhausting memory or the stack while parsing.
struct ParseLimits {
  size_t max_bytes = 64u << 20;
  size_t max_nodes = 4'000'000;
  size_t max_depth = 200;
};

/// Returns the offset of the first byte of `text` that does not belong to a valid UTF-8 sequence (overlong forms,
/// surrogates and code points above U+10FFFF are invalid), or std::string::npos when all of it is valid.
size_t find_invalid_utf8(std::string_view text);

/// Parses `text` as exactly one YAML document. Positions in diagnostics name `display_file`. Duplicate keys and
/// keys that are not scalars are added to `diagnostics`, and the last duplicate is dropped. Text that is not UTF-8
/// or contains a NUL byte, syntax errors and exceeded limits throw InputError. An empty document yields a Null node.
NodePtr parse_document(const std::string& text, const std::string& display_file, Diagnostics& diagnostics,
                       const ParseLimits& limits = {});

/// Parses the VALUE of `--set PATH=VALUE` as YAML; every node's origin names the override.
NodePtr parse_override_value(const std::string& value_text, const std::string& override_arg);

/// Formats `node` as one line of flow-style YAML that parses back to the same tree, e.g.
/// `[Standard_D2s_v5, {name: web, peak: "14:00"}]`; the text of a `--set PATH=VALUE` override. Scalars stay plain
/// when that cannot change how they parse and are double-quoted otherwise. Returns empty when the node nests
/// deeper than `max_depth` or the text would exceed `max_bytes`, which aliases can cause from a small file.
std::optional<std::string> format_flow(const Node& node, size_t max_bytes = 1u << 20, size_t max_depth = 200);

/// Reads a whole file into `text`; returns false with a file-level diagnostic when it cannot be read
/// (missing, a directory, unreadable, too large).
bool read_text_file(const std::string& path, const std::string& display_file, std::string& text,
                    Diagnostics& diagnostics, size_t max_bytes = 64u << 20);

}  // namespace mixsim::yaml
