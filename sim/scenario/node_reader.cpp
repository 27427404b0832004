#include "node_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "time_format.hpp"

namespace mixsim::load {

std::pair<std::string, std::string> Context::resolve(const std::string& relative) const {
  const std::filesystem::path given(relative);
  if (given.is_absolute()) {
    return {relative, relative};
  }
  const auto on_disk = (std::filesystem::path(scenario_dir) / given).lexically_normal();
  const auto shown = display_dir.empty() ? given.lexically_normal()
                                         : (std::filesystem::path(display_dir) / given).lexically_normal();
  return {on_disk.string(), shown.string()};
}

Context context_for_file(const std::string& path) {
  Context context;
  const std::filesystem::path file(path);
  context.scenario_dir = file.parent_path().string();
  context.display_dir = file.parent_path().string();
  return context;
}

yaml::NodePtr parse_non_empty(Context& context, const std::string& text, const std::string& path,
                              const std::string& required_keys) {
  yaml::NodePtr root = yaml::parse_document(text, path, context.diagnostics);
  if (root->is_null()) {
    context.diagnostics.add_file_error(path, "the file is empty; it needs the keys " + required_keys);
    throw InputError(std::move(context.diagnostics));
  }
  return root;
}

bool Context::read_named_file(const std::string& name, size_t max_bytes, std::string& text, std::string& display) {
  const auto [on_disk, shown] = resolve(name);
  display = shown;
  if (!files_root.empty()) {
    // Symbolic links are followed before the comparison, so a link inside the root cannot lead out of it.
    std::error_code error;
    const auto root = std::filesystem::weakly_canonical(files_root, error);
    const auto target = std::filesystem::weakly_canonical(on_disk, error);
    const auto relative = target.lexically_relative(root);
    if (error || relative.empty() || *relative.begin() == "..") {
      diagnostics.add_file_error(display, "is outside the folder " + files_root + ", where the files a scenario names must be");
      return false;
    }
  }
  return yaml::read_text_file(on_disk, display, text, diagnostics, max_bytes);
}

bool Context::reserve_series_points(double points, const Node& node, const std::string& path) {
  if (series_points + points > static_cast<double>(kMaxSeriesPoints)) {
    error(node, path,
          fmt::format("the scenario's series would hold more than {} points in total (traces once per zone that uses "
                      "them, capacity models, imported prices); shorten scenario.duration or use coarser data",
                      kMaxSeriesPoints));
    return false;
  }
  series_points += points;
  return true;
}

std::string join_path(const std::string& path, std::string_view key) {
  if (path.empty()) {
    return std::string(key);
  }
  return path + "." + std::string(key);
}

std::string index_path(const std::string& path, size_t index) { return path + "[" + std::to_string(index) + "]"; }

std::string quote(std::string_view text) {
  constexpr size_t kMaxShown = 60;
  std::string shown;
  for (char c : text.substr(0, kMaxShown)) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      shown += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    } else {
      shown += c;
    }
  }
  if (text.size() > kMaxShown) {
    shown += "...";
  }
  return "'" + shown + "'";
}

std::string quote_path(std::string_view path) { return "'" + std::string(path) + "'"; }

std::string list_names(const std::vector<std::string>& names) {
  if (names.empty()) {
    return "(none)";
  }
  std::string text;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) {
      text += ", ";
    }
    text += names[i];
  }
  return text;
}

MapReader::MapReader(Context& context, const Node& node, std::string path, const KeySet& keys)
    : context_(context), node_(node), path_(std::move(path)) {
  if (!node.is_mapping()) {
    context.error(node, path_, std::string("expected a mapping of keys, found ") + yaml::kind_name(node.kind) +
                                   (node.is_scalar() ? " " + quote(node.scalar) : ""));
    return;
  }

  std::vector<std::string> candidates;
  for (auto key : keys.known) {
    candidates.emplace_back(key);
  }
  for (auto key : keys.not_supported) {
    candidates.emplace_back(key);
  }
  for (auto key : keys.ignored) {
    candidates.emplace_back(key);
  }

  for (const auto& entry : node.entries) {
    auto matches = [&](std::initializer_list<std::string_view> list) {
      for (auto key : list) {
        if (key == entry.key) {
          return true;
        }
      }
      return false;
    };
    if (matches(keys.known) || matches(keys.ignored)) {
      continue;
    }
    const std::string entry_path = join_path(path_, entry.key);
    if (matches(keys.not_supported)) {
      context.error(entry.key_origin, entry_path, quote(entry.key) + " is not supported yet");
      continue;
    }
    std::string message = "unknown key " + quote(entry.key);
    const std::string hint = closest_match(entry.key, candidates);
    if (!hint.empty()) {
      message += "; did you mean '" + hint + "'?";
    } else {
      message += "; valid keys here: " + list_names(candidates);
    }
    context.error(entry.key_origin, entry_path, message);
  }
}

const Node* MapReader::get(std::string_view key) const {
  if (!node_.is_mapping()) {
    return nullptr;
  }
  const Node* value = node_.find(key);
  if (value == nullptr || value->is_null()) {
    return nullptr;
  }
  return value;
}

const Node* MapReader::required(std::string_view key, std::string_view what_it_is) {
  if (!node_.is_mapping()) {
    return nullptr;
  }
  const Node* value = get(key);
  if (value == nullptr) {
    // A key written without a value is reported at the key: yaml-cpp places the missing value where the next
    // token starts, often on the next line.
    const auto entry = std::find_if(node_.entries.begin(), node_.entries.end(),
                                    [&](const yaml::Entry& candidate) { return candidate.key == key; });
    if (entry != node_.entries.end()) {
      context_.error(entry->key_origin, path(key), "a value is required (" + std::string(what_it_is) + ")");
    } else {
      context_.error(node_, path(key),
                     "missing required key '" + std::string(key) + "' (" + std::string(what_it_is) + ")");
    }
  }
  return value;
}

std::optional<double> parse_finite_number(std::string_view text) {
  if (text.empty() || text.size() > 64) {
    return std::nullopt;
  }
  const std::string copy(text);
  const char first = copy.front();
  if (!(std::isdigit(static_cast<unsigned char>(first)) || first == '-' || first == '+' || first == '.')) {
    return std::nullopt;  // also rejects YAML's .inf/.nan spelled with letters
  }
  for (char c : copy) {
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) {
      return std::nullopt;  // hexadecimal, "inf", "nan" and words are not numbers here
    }
  }
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

static std::string describe_range(const NumberRange& range) {
  const bool has_max = std::isfinite(range.max);
  if (range.min_exclusive) {
    return has_max ? fmt::format("more than {} and at most {}", range.min, range.max)
                   : fmt::format("more than {}", range.min);
  }
  return has_max ? fmt::format("{} to {}", range.min, range.max) : fmt::format("at least {}", range.min);
}

std::optional<double> read_number(Context& context, const Node& node, const std::string& path, NumberRange range) {
  if (!node.is_scalar()) {
    context.error(node, path, std::string("expected a number, found ") + yaml::kind_name(node.kind));
    return std::nullopt;
  }
  const auto value = parse_finite_number(node.scalar);
  if (!value) {
    const std::string lower = [&] {
      std::string s = node.scalar;
      for (char& c : s) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      return s;
    }();
    const bool special = lower.find("nan") != std::string::npos || lower.find("inf") != std::string::npos;
    // A number written with an exponent beyond the range of a double (1e400) is too large, not malformed.
    const bool numeric = !node.scalar.empty() && node.scalar.size() <= 64 &&
                         node.scalar.find_first_not_of("0123456789+-.eE") == std::string::npos;
    const bool overflows = numeric && std::isinf(std::strtod(node.scalar.c_str(), nullptr));
    const char* problem = special ? " is not a finite number" : (overflows ? " is out of range" : " is not a number");
    context.error(node, path, quote(node.scalar) + problem + "; valid: " + describe_range(range));
    return std::nullopt;
  }
  const bool below = range.min_exclusive ? *value <= range.min : *value < range.min;
  if (below || *value > range.max) {
    context.error(node, path, fmt::format("{} is out of range; valid: {}", node.scalar, describe_range(range)));
    return std::nullopt;
  }
  return value;
}

std::optional<int64_t> read_integer(Context& context, const Node& node, const std::string& path, int64_t min,
                                    int64_t max) {
  const auto value =
      read_number(context, node, path, NumberRange{static_cast<double>(min), static_cast<double>(max)});
  if (!value) {
    return std::nullopt;
  }
  if (std::floor(*value) != *value) {
    context.error(node, path, quote(node.scalar) + " is not a whole number; valid: " + std::to_string(min) + " to " +
                                  std::to_string(max));
    return std::nullopt;
  }
  return static_cast<int64_t>(*value);
}

std::optional<std::string> read_string(Context& context, const Node& node, const std::string& path) {
  if (!node.is_scalar()) {
    context.error(node, path, std::string("expected a text value, found ") + yaml::kind_name(node.kind));
    return std::nullopt;
  }
  return node.scalar;
}

std::optional<std::string> read_name(Context& context, const Node& node, const std::string& path) {
  auto text = read_string(context, node, path);
  if (text && text->empty()) {
    context.error(node, path, "the name is empty");
    return std::nullopt;
  }
  // Names become folder names, CSV fields and JSON keys; a line break or a NUL would corrupt them.
  const auto is_control = [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; };
  if (text && std::any_of(text->begin(), text->end(), is_control)) {
    context.error(node, path, quote(*text) + " contains a control character; a name is printable text");
    return std::nullopt;
  }
  return text;
}

std::optional<bool> read_bool(Context& context, const Node& node, const std::string& path) {
  if (node.is_scalar()) {
    std::string lower = node.scalar;
    for (char& c : lower) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (lower == "true") {
      return true;
    }
    if (lower == "false") {
      return false;
    }
  }
  context.error(node, path,
                (node.is_scalar() ? quote(node.scalar) : std::string(yaml::kind_name(node.kind))) +
                    " is not a boolean; valid: true, false");
  return std::nullopt;
}

std::optional<double> read_duration(Context& context, const Node& node, const std::string& path, double min_s,
                                    double max_s, bool allow_negative) {
  if (!node.is_scalar()) {
    context.error(node, path, std::string("expected a duration such as PT5M, found ") + yaml::kind_name(node.kind));
    return std::nullopt;
  }
  const ParsedDuration parsed = parse_duration(node.scalar, allow_negative);
  if (!parsed.seconds) {
    context.error(node, path, parsed.error);
    return std::nullopt;
  }
  if (*parsed.seconds < min_s || *parsed.seconds > max_s) {
    context.error(node, path,
                  quote(node.scalar) + " is out of range; valid: " + format_duration(min_s) + " to " +
                      format_duration(max_s));
    return std::nullopt;
  }
  return parsed.seconds;
}

const std::vector<yaml::NodePtr>* read_list(Context& context, const Node& node, const std::string& path) {
  if (!node.is_sequence()) {
    context.error(node, path,
                  std::string("expected a list, found ") + yaml::kind_name(node.kind) +
                      (node.is_scalar() ? " " + quote(node.scalar) : ""));
    return nullptr;
  }
  return &node.items;
}

}  // namespace mixsim::load
