// Typed reading of YAML nodes with located error messages. Every reader reports a problem into the load
// context's diagnostics and returns an empty optional, so that loading goes on and reports all problems.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mixsim/diagnostics.hpp"
#include "yaml_document.hpp"

namespace mixsim::load {

using yaml::Node;

/// Maximum number of points in all series of one scenario together: traces once per zone that uses them, capacity
/// models and imported prices. That is 320 MB of times and values. A trace of one point a minute for ten years has
/// 5.3 million.
inline constexpr size_t kMaxSeriesPoints = 20'000'000;

/// State shared by all readers of one scenario load.
struct Context {
  Diagnostics diagnostics;
  std::string scenario_dir;  // folder of the scenario file, for resolving relative paths
  std::string display_dir;   // the same folder as the user named it, for messages
  std::string files_root;    // when not empty, files the scenario names must lie inside this folder

  void error(const Node& node, const std::string& path, std::string message) {
    diagnostics.add(node.origin, path, std::move(message));
  }
  void error(const Origin& origin, const std::string& path, std::string message) {
    diagnostics.add(origin, path, std::move(message));
  }
  /// Records accepted but suspicious input; the CLI prints warnings before the run.
  void warn(const Node& node, const std::string& path, std::string message) {
    warnings.push_back(Diagnostic{node.origin, path, "warning: " + std::move(message)}.format());
  }

  std::vector<std::string> warnings;

  /// Points of every series read so far, against kMaxSeriesPoints.
  double series_points = 0;
  /// Counts `points` more series points. Returns false, after reporting at `node`, when the scenario's total would
  /// pass kMaxSeriesPoints; the caller then drops the series.
  bool reserve_series_points(double points, const Node& node, const std::string& path);

  /// Resolves a path from the scenario against the scenario's folder: {filesystem path, path for messages}.
  std::pair<std::string, std::string> resolve(const std::string& relative) const;

  /// Reads a file that the scenario names (a trace, a price list) into `text`: resolves `name` against the
  /// scenario's folder, checks that it lies inside `files_root` when that is set, and reads the whole file.
  /// `display` receives the path for messages. Returns false after adding a file-level diagnostic when the file
  /// is outside the root, missing, not a regular file, unreadable or larger than `max_bytes`.
  bool read_named_file(const std::string& name, size_t max_bytes, std::string& text, std::string& display);
};

/// A context for reading the file at `path`: relative paths in it resolve against its folder.
Context context_for_file(const std::string& path);

/// Parses `text`, the content of `path`, as one YAML document. Throws InputError for syntax errors and for an
/// empty document, whose message says that the file needs `required_keys`.
yaml::NodePtr parse_non_empty(Context& context, const std::string& text, const std::string& path,
                              const std::string& required_keys);

/// Joins a key path and a key: "scaleSets[0]" + "sku" -> "scaleSets[0].sku".
std::string join_path(const std::string& path, std::string_view key);
std::string index_path(const std::string& path, size_t index);

/// Quotes a scalar for messages, shortening long ones.
std::string quote(std::string_view text);
/// Quotes a file path for messages, whole: a shortened path could not be opened.
std::string quote_path(std::string_view path);

/// The keys a mapping may hold: keys that are read, keys of the contract that are not built yet (rejected with
/// "not supported yet"), and keys accepted and ignored because they do not change the simulation.
struct KeySet {
  std::initializer_list<std::string_view> known;
  std::initializer_list<std::string_view> not_supported = {};
  std::initializer_list<std::string_view> ignored = {};
};

/// Reads one mapping node. The constructor reports a node that is not a mapping, unknown keys (with a
/// "did you mean" hint) and keys that are not supported yet.
class MapReader {
 public:
  MapReader(Context& context, const Node& node, std::string path, const KeySet& keys);

  bool is_mapping() const { return node_.is_mapping(); }
  const Node& node() const { return node_; }
  const std::string& path() const { return path_; }
  std::string path(std::string_view key) const { return join_path(path_, key); }

  /// Returns the value of `key`, or nullptr when the key is absent or its value is null.
  const Node* get(std::string_view key) const;
  /// Like get(), and reports a missing key.
  const Node* required(std::string_view key, std::string_view what_it_is);

 private:
  Context& context_;
  const Node& node_;
  std::string path_;
};

struct NumberRange {
  double min;
  double max;
  bool min_exclusive = false;
};

std::optional<double> read_number(Context& context, const Node& node, const std::string& path, NumberRange range);
std::optional<int64_t> read_integer(Context& context, const Node& node, const std::string& path, int64_t min,
                                    int64_t max);
std::optional<std::string> read_string(Context& context, const Node& node, const std::string& path);
std::optional<std::string> read_name(Context& context, const Node& node, const std::string& path);
std::optional<bool> read_bool(Context& context, const Node& node, const std::string& path);
std::optional<double> read_duration(Context& context, const Node& node, const std::string& path, double min_s,
                                    double max_s, bool allow_negative = false);

/// Reads a sequence node; reports anything else.
const std::vector<yaml::NodePtr>* read_list(Context& context, const Node& node, const std::string& path);

/// Parses a number written as a YAML number or a string ("2", "0.096"). Returns empty for anything else,
/// including NaN and infinities.
std::optional<double> parse_finite_number(std::string_view text);

template <class Enum>
using EnumNames = std::initializer_list<std::pair<std::string_view, Enum>>;

std::string list_names(const std::vector<std::string>& names);

/// Reads an enum value, matched case-insensitively; reports the valid names otherwise.
template <class Enum>
std::optional<Enum> read_enum(Context& context, const Node& node, const std::string& path, EnumNames<Enum> names,
                              std::string_view what) {
  const auto text = read_string(context, node, path);
  if (!text) {
    return std::nullopt;
  }
  std::vector<std::string> valid;
  for (const auto& [name, value] : names) {
    if (name.size() == text->size() &&
        std::equal(name.begin(), name.end(), text->begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return value;
    }
    valid.emplace_back(name);
  }
  const std::string hint = closest_match(*text, valid);
  context.error(node, path,
                quote(*text) + " is not a valid " + std::string(what) +
                    (hint.empty() ? "" : "; did you mean '" + hint + "'?") + "; valid: " + list_names(valid));
  return std::nullopt;
}

}  // namespace mixsim::load
