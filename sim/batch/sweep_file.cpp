#include "batch/sweep_file.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "batch/run_table.hpp"

namespace mixsim::batch {

namespace {

using load::Context;
using load::join_path;
using load::quote;
using yaml::Node;

constexpr size_t kMaxNameLength = 64;

// Parses a whole number from 0 to 2^64 - 1 written in decimal digits only.
std::optional<uint64_t> parse_seed(std::string_view text) {
  if (text.empty() || text.size() > 20 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    return std::nullopt;
  }
  const std::string copy(text);
  errno = 0;
  const unsigned long long value = std::strtoull(copy.c_str(), nullptr, 10);
  if (errno == ERANGE) {
    return std::nullopt;
  }
  return value;
}

// Trims blanks on both sides, so that `1 .. 30` reads like `1..30`.
std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

// Appends the seeds of one item (`7` or `1..30`) to `seeds`; returns false after reporting a problem.
bool read_seed_item(Context& context, const Node& node, const std::string& path, std::vector<uint64_t>& seeds) {
  if (!node.is_scalar()) {
    context.error(node, path,
                  std::string("expected a seed or a range such as 1..30, found ") + yaml::kind_name(node.kind));
    return false;
  }
  const std::string_view text = trim(node.scalar);
  const size_t dots = text.find("..");
  const auto first = parse_seed(trim(text.substr(0, dots)));
  const auto last = dots == std::string_view::npos ? first : parse_seed(trim(text.substr(dots + 2)));
  if (!first || !last) {
    context.error(node, path,
                  quote(node.scalar) +
                      " is not a seed or a seed range; valid: a whole number from 0 to 18446744073709551615, or "
                      "FIRST..LAST such as 1..30");
    return false;
  }
  if (*first > *last) {
    context.error(node, path,
                  quote(node.scalar) + " is not a valid seed range: the first seed is larger than the last; write " +
                      std::to_string(*last) + ".." + std::to_string(*first));
    return false;
  }
  if (*last - *first >= kMaxRuns || seeds.size() + (*last - *first) >= kMaxRuns) {
    context.error(node, path,
                  quote(node.scalar) + " gives more than " + std::to_string(kMaxRuns) +
                      " seeds, the most one sweep may run; split the sweep");
    return false;
  }
  for (uint64_t seed = *first;; ++seed) {
    seeds.push_back(seed);
    if (seed == *last) {
      break;
    }
  }
  return true;
}

// A factor name becomes a runs.csv column and a command-line word (`--by NAME`), so it is kept simple.
bool is_valid_factor_name(const std::string& name) {
  if (name.empty() || name.size() > kMaxNameLength ||
      !(std::isalpha(static_cast<unsigned char>(name.front())) || name.front() == '_')) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.';
  });
}

bool is_valid_folder_name(const std::string& name) {
  if (name.empty() || name.size() > kMaxNameLength || name == "." || name == "..") {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.';
  });
}

bool has_control_characters(const std::string& text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  });
}

// Builds the override of `path_text` (a key of the sweep file) set to `value`.
std::optional<SweepOverride> make_override(Context& context, const std::string& path_text, const Origin& path_origin,
                                           const std::string& path_key, const Node& value,
                                           const std::string& value_key) {
  if (path_text.empty() || has_control_characters(path_text) || path_text.find('=') != std::string::npos) {
    context.error(path_origin, path_key,
                  quote(path_text) +
                      " is not a scenario key path; write dotted keys with [i] or [name] for list "
                      "items, e.g. scaleSets[web].skuProfile.allocationStrategy");
    return std::nullopt;
  }
  const auto text = yaml::format_flow(value);
  if (!text) {
    context.error(value, value_key, "the value nests too deeply or expands to more than 1 MiB of YAML");
    return std::nullopt;
  }
  return SweepOverride{path_text, *text, path_origin, path_key, value.origin, value_key};
}

// Reads a mapping of scenario key paths to values (`set:` and each level of a `levels` factor).
std::vector<SweepOverride> read_override_map(Context& context, const Node& node, const std::string& path) {
  std::vector<SweepOverride> overrides;
  if (!node.is_mapping()) {
    context.error(
        node, path,
        std::string("expected a mapping of scenario key paths to values, found ") + yaml::kind_name(node.kind));
    return overrides;
  }
  for (const auto& entry : node.entries) {
    const std::string key = join_path(path, entry.key);
    if (auto item = make_override(context, entry.key, entry.key_origin, key, *entry.value, key)) {
      overrides.push_back(std::move(*item));
    }
  }
  return overrides;
}

// The label of a `values` level: the scalar as written, or the flow YAML of a list or mapping.
std::string level_label(const Node& value, const SweepOverride& override_item) {
  if (value.is_scalar()) {
    return value.scalar;
  }
  return override_item.value;
}

bool is_valid_label(Context& context, const Origin& origin, const std::string& path, const std::string& label) {
  if (label.empty() || has_control_characters(label)) {
    context.error(origin, path,
                  "a level needs a name without line breaks or control characters; found " + quote(label));
    return false;
  }
  return true;
}

void read_values_factor(Context& context, const load::MapReader& reader, const Node& path_node, const Node& values,
                        Factor& factor) {
  const auto path_text = load::read_name(context, path_node, reader.path("path"));
  const auto* items = load::read_list(context, values, reader.path("values"));
  if (!path_text || items == nullptr) {
    return;
  }
  if (items->empty()) {
    context.error(values, reader.path("values"), "the list is empty; give at least one value");
  }
  std::set<std::string> labels;
  for (size_t i = 0; i < items->size(); ++i) {
    const Node& value = *(*items)[i];
    const std::string value_key = load::index_path(reader.path("values"), i);
    auto item = make_override(context, *path_text, path_node.origin, reader.path("path"), value, value_key);
    if (!item) {
      continue;
    }
    const std::string label = level_label(value, *item);
    if (!is_valid_label(context, value.origin, value_key, label)) {
      continue;
    }
    if (!labels.insert(label).second) {
      context.error(value, value_key, quote(label) + " is listed twice; each level may appear once");
      continue;
    }
    factor.levels.push_back(FactorLevel{label, {std::move(*item)}});
  }
}

void read_levels_factor(Context& context, const load::MapReader& reader, const Node& levels, Factor& factor) {
  const std::string levels_path = reader.path("levels");
  if (!levels.is_mapping() || levels.entries.empty()) {
    context.error(levels, levels_path,
                  "expected a mapping of level names to overrides, e.g. { spotHeavy: { PATH: VALUE } }");
    return;
  }
  for (const auto& entry : levels.entries) {
    const std::string level_path = join_path(levels_path, entry.key);
    if (!is_valid_label(context, entry.key_origin, level_path, entry.key)) {
      continue;
    }
    auto overrides = read_override_map(context, *entry.value, level_path);
    if (entry.value->is_mapping() && entry.value->entries.empty()) {
      context.error(*entry.value, level_path, "the level sets nothing; give at least one PATH: VALUE");
      continue;
    }
    factor.levels.push_back(FactorLevel{entry.key, std::move(overrides)});
  }
}

// Rejects two levels of one factor that set the same values: their runs would repeat each other.
void check_distinct_levels(Context& context, const Factor& factor) {
  std::set<std::vector<std::string>> seen;
  for (const FactorLevel& level : factor.levels) {
    std::vector<std::string> arguments;
    for (const SweepOverride& item : level.overrides) {
      arguments.push_back(item.argument());
    }
    if (!arguments.empty() && !seen.insert(arguments).second) {
      const SweepOverride& first = level.overrides.front();
      context.error(first.value_origin, first.value_key,
                    "level " + quote(level.label) + " sets the same values as an earlier level of factor " +
                        quote(factor.name) + "; its runs would repeat that level's");
    }
  }
}

void read_factor(Context& context, const yaml::Entry& entry, std::vector<Factor>& factors) {
  const std::string path = join_path("matrix", entry.key);
  Factor factor;
  factor.name = entry.key;
  if (!is_valid_factor_name(entry.key)) {
    context.error(entry.key_origin, path,
                  quote(entry.key) +
                      " is not a valid factor name; use a letter or '_' followed by letters, "
                      "digits, '_', '-' or '.', at most 64 characters");
  } else if (is_reserved_column(entry.key)) {
    context.error(entry.key_origin, path, quote(entry.key) + " is a fixed column of runs.csv; choose another name");
  }

  const load::MapReader reader(context, *entry.value, path, load::KeySet{{"path", "values", "levels"}});
  if (!reader.is_mapping()) {
    return;
  }
  const Node* path_node = reader.get("path");
  const Node* values = reader.get("values");
  const Node* levels = reader.get("levels");
  if (levels != nullptr && (path_node != nullptr || values != nullptr)) {
    context.error(*levels, reader.path("levels"), "give either path and values, or levels, not both");
    return;
  }
  if (levels != nullptr) {
    read_levels_factor(context, reader, *levels, factor);
  } else if (path_node != nullptr && values != nullptr) {
    read_values_factor(context, reader, *path_node, *values, factor);
  } else {
    context.error(
        *entry.value, path,
        std::string("a factor needs ") +
            (path_node == nullptr ? "a 'path' (the scenario key to vary)" : "'values' (the list of values to try)") +
            ", or 'levels' (named sets of overrides)");
    return;
  }
  check_distinct_levels(context, factor);
  factors.push_back(std::move(factor));
}

void read_matrix(Context& context, const Node& node, SweepSpec& spec) {
  if (!node.is_mapping()) {
    context.error(node, "matrix",
                  std::string("expected a mapping of factor names to factors, found ") + yaml::kind_name(node.kind));
    return;
  }
  for (const auto& entry : node.entries) {
    read_factor(context, entry, spec.factors);
  }
}

void read_scenario_path(Context& context, const Node& node, SweepSpec& spec) {
  const auto text = load::read_name(context, node, "scenario");
  if (!text) {
    return;
  }
  const auto [on_disk, shown] = context.resolve(*text);
  std::error_code error;
  if (!std::filesystem::is_regular_file(on_disk, error)) {
    context.error(node, "scenario",
                  "scenario file " + quote(shown) +
                      " not found; the path is relative to the "
                      "sweep file's folder");
    return;
  }
  spec.scenario = shown;
}

void read_name(Context& context, const load::MapReader& reader, SweepSpec& spec) {
  if (const Node* name = reader.get("name")) {
    spec.name = load::read_name(context, *name, "name").value_or("");
    if (!spec.name.empty() && !is_valid_folder_name(spec.name)) {
      context.error(*name, "name",
                    quote(spec.name) + " cannot name a folder; use letters, digits, '-', '_' and '.', at most 64");
    }
    return;
  }
  spec.name = std::filesystem::path(spec.file).stem().string();
  if (!is_valid_folder_name(spec.name)) {
    context.error(reader.node(), "name",
                  "the file name " + quote(spec.name) + " cannot name the result folder; add a 'name' key");
  }
}

void check_run_count(Context& context, const Node& root, const SweepSpec& spec) {
  uint64_t runs = spec.seeds.size();
  for (const Factor& factor : spec.factors) {
    if (factor.levels.empty()) {
      return;
    }
    runs = std::min<uint64_t>(runs * factor.levels.size(), kMaxRuns + 1);
  }
  if (runs > kMaxRuns) {
    context.error(root, "matrix",
                  "the sweep expands to more than " + std::to_string(kMaxRuns) +
                      " runs (levels of every factor times seeds), the most one sweep may run; split the sweep");
  }
}

void read_sweep_document(Context& context, const Node& root, SweepSpec& spec) {
  if (root.is_mapping() && root.find("seeds") == nullptr && root.find("scaleSets") != nullptr) {
    context.diagnostics.add_file_error(spec.file,
                                       "this is a scenario (it has scaleSets and no seeds), not a sweep "
                                       "file; run it with mixsim run " +
                                           spec.file + ", or name it in the scenario key of a sweep file");
    return;
  }
  load::MapReader reader(context, root, "",
                         load::KeySet{{"name", "description", "scenario", "set", "matrix", "seeds"}});
  if (!reader.is_mapping()) {
    return;
  }
  read_name(context, reader, spec);
  if (const Node* description = reader.get("description")) {
    spec.description = load::read_string(context, *description, "description").value_or("");
  }
  if (const Node* scenario = reader.required("scenario", "the base scenario file, relative to this file")) {
    read_scenario_path(context, *scenario, spec);
  }
  if (const Node* fixed = reader.get("set")) {
    spec.fixed = read_override_map(context, *fixed, "set");
  }
  if (const Node* matrix = reader.get("matrix")) {
    read_matrix(context, *matrix, spec);
  }
  if (const Node* seeds = reader.required("seeds", "the seeds each combination runs with, e.g. 1..30")) {
    spec.seeds = read_seeds(context, *seeds, "seeds").value_or(std::vector<uint64_t>{});
  }
  check_run_count(context, root, spec);
}

}  // namespace

uint64_t SweepSpec::run_count() const {
  uint64_t runs = seeds.size();
  for (const Factor& factor : factors) {
    runs *= factor.levels.size();
  }
  return runs;
}

std::optional<std::vector<uint64_t>> read_seeds(Context& context, const Node& node, const std::string& path) {
  std::vector<uint64_t> seeds;
  bool ok = true;
  if (node.is_sequence()) {
    if (node.items.empty()) {
      context.error(node, path, "the list is empty; give at least one seed");
      return std::nullopt;
    }
    for (size_t i = 0; i < node.items.size() && ok; ++i) {
      ok = read_seed_item(context, *node.items[i], load::index_path(path, i), seeds);
    }
  } else {
    ok = read_seed_item(context, node, path, seeds);
  }
  if (!ok) {
    return std::nullopt;
  }

  std::vector<uint64_t> sorted = seeds;
  std::sort(sorted.begin(), sorted.end());
  const auto repeated = std::adjacent_find(sorted.begin(), sorted.end());
  if (repeated != sorted.end()) {
    context.error(node, path, "seed " + std::to_string(*repeated) + " is listed twice; each seed may appear once");
    return std::nullopt;
  }
  return seeds;
}

SweepSpec read_sweep_file(const std::string& path) {
  std::string text;
  Diagnostics diagnostics;
  if (!yaml::read_text_file(path, path, text, diagnostics)) {
    throw InputError(std::move(diagnostics));
  }
  return read_sweep_text(text, path);
}

SweepSpec read_sweep_text(const std::string& text, const std::string& path) {
  Context context = load::context_for_file(path);
  const yaml::NodePtr root = load::parse_non_empty(context, text, path, "scenario and seeds");

  SweepSpec spec;
  spec.file = path;
  read_sweep_document(context, *root, spec);
  if (!context.diagnostics.empty()) {
    throw InputError(std::move(context.diagnostics));
  }
  return spec;
}

}  // namespace mixsim::batch
