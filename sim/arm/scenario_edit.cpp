#include "scenario_edit.hpp"

#include <optional>
#include <vector>

#include "scenario/node_reader.hpp"
#include "scenario/yaml_writer.hpp"

namespace mixsim::arm {

namespace {

// Position of the scale set to edit in the document.
struct SetPlace {
  size_t sets_entry = 0;  // index of `scaleSets` among the root's entries
  size_t item = 0;        // index of the set in the list
};

SetPlace find_set(const yaml::Node& root, const std::string& set_name, const std::string& display_file) {
  const yaml::Node* sets = root.is_mapping() ? root.find("scaleSets") : nullptr;
  if (sets == nullptr || !sets->is_sequence()) {
    throw InputError(Diagnostic{Origin{display_file, 0, 0, {}}, {}, "the scenario has no scaleSets list"});
  }
  std::vector<std::string> names;
  for (size_t i = 0; i < sets->items.size(); ++i) {
    const yaml::Node& set = *sets->items[i];
    const yaml::Node* name = set.is_mapping() ? set.find("name") : nullptr;
    if (name != nullptr && name->is_scalar() && name->scalar == set_name) {
      for (size_t j = 0; j < root.entries.size(); ++j) {
        if (root.entries[j].key == "scaleSets") {
          return SetPlace{j, i};
        }
      }
    }
    if (name != nullptr && name->is_scalar()) {
      names.push_back(name->scalar);
    }
  }
  throw InputError(Diagnostic{sets->origin, "scaleSets",
                              "no scale set is named " + load::quote(set_name) + "; named sets: " +
                                  (names.empty() ? std::string("none") : load::list_names(names))});
}

// The document with the set's autoscale key set; containers on the way are copied, the rest is shared.
yaml::NodePtr with_autoscale(const yaml::Node& root, const SetPlace& place, const yaml::Node& autoscale) {
  auto new_root = std::make_shared<yaml::Node>(root);
  auto sets = std::make_shared<yaml::Node>(*new_root->entries[place.sets_entry].value);
  auto set = std::make_shared<yaml::Node>(*sets->items[place.item]);
  auto value = std::make_shared<yaml::Node>(autoscale);
  if (yaml::Entry* entry = set->find_entry("autoscale")) {
    entry->value = value;
  } else {
    set->entries.push_back(yaml::Entry{"autoscale", autoscale.origin, value});
  }
  sets->items[place.item] = set;
  new_root->entries[place.sets_entry].value = sets;
  return new_root;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    const size_t stop = end == std::string::npos ? text.size() : end + 1;
    lines.push_back(text.substr(start, stop - start));
    start = stop;
  }
  return lines;
}

bool is_blank_or_comment(const std::string& line) {
  const size_t first = line.find_first_not_of(" \t\r\n");
  return first == std::string::npos || line[first] == '#';
}

// True when only spaces (and, for the first key of a list item, one "- ") come before `column` on `line`.
bool starts_block_key(const std::string& line, int column, bool first_key) {
  const std::string before = line.substr(0, static_cast<size_t>(std::max(column - 1, 0)));
  const size_t dash = before.find('-');
  if (dash == std::string::npos) {
    return before.find_first_not_of(' ') == std::string::npos;
  }
  return first_key && before.find_first_not_of(' ') == dash && before.find_first_not_of(' ', dash + 1) == std::string::npos;
}

// Edits the lines of a block-style set: replaces its autoscale block or adds one after its last key. Returns
// nothing when the set's layout is not one this edit handles.
std::optional<std::string> edit_lines(const std::string& text, const yaml::Node& root, const SetPlace& place,
                                      const yaml::Node& autoscale, bool& replaced) {
  std::vector<std::string> lines = split_lines(text);
  const yaml::Node& sets = *root.entries[place.sets_entry].value;
  const yaml::Node& set = *sets.items[place.item];
  if (set.entries.empty()) {
    return std::nullopt;
  }
  const int column = set.entries.front().key_origin.column;
  for (size_t i = 0; i < set.entries.size(); ++i) {
    const Origin& key = set.entries[i].key_origin;
    if (key.column != column || key.line < 1 || key.line > static_cast<int>(lines.size()) ||
        !starts_block_key(lines[static_cast<size_t>(key.line) - 1], column, i == 0)) {
      return std::nullopt;
    }
  }

  // The set ends where the next set, or the next top-level key, begins.
  int set_end = static_cast<int>(lines.size()) + 1;
  if (place.item + 1 < sets.items.size()) {
    set_end = sets.items[place.item + 1]->origin.line;
  } else if (place.sets_entry + 1 < root.entries.size()) {
    set_end = root.entries[place.sets_entry + 1].key_origin.line;
  }
  size_t last = set.entries.size() - 1;
  for (size_t i = 0; i < set.entries.size(); ++i) {
    if (set.entries[i].key == "autoscale") {
      last = i;
      replaced = true;
    }
  }
  if (replaced && last == 0) {
    return std::nullopt;  // the block to replace starts on the dash line
  }
  const int start = set.entries[last].key_origin.line;
  int end = last + 1 < set.entries.size() ? set.entries[last + 1].key_origin.line : set_end;
  if (end <= start || end > static_cast<int>(lines.size()) + 1) {
    return std::nullopt;  // what follows the set does not come after it in the text
  }
  while (end - 1 > start && is_blank_or_comment(lines[static_cast<size_t>(end) - 2])) {
    --end;  // comments and blank lines before what follows belong to it
  }

  const std::string block = yaml::write_entry("autoscale", autoscale, column - 1);
  std::string& before = lines[static_cast<size_t>(end) - 2];
  if (!before.empty() && before.back() != '\n') {
    before += '\n';
  }
  const auto first = lines.begin() + (replaced ? start - 1 : end - 1);
  lines.erase(first, lines.begin() + (end - 1));
  lines.insert(lines.begin() + (replaced ? start - 1 : end - 1), block);

  std::string edited;
  for (const std::string& line : lines) {
    edited += line;
  }
  return edited;
}

}  // namespace

bool same_tree(const yaml::Node& a, const yaml::Node& b) {
  if (a.kind != b.kind) {
    return false;
  }
  switch (a.kind) {
    case yaml::Node::Kind::Null:
      return true;
    case yaml::Node::Kind::Scalar:
      return a.scalar == b.scalar;
    case yaml::Node::Kind::Sequence:
      return a.items.size() == b.items.size() &&
             std::equal(a.items.begin(), a.items.end(), b.items.begin(),
                        [](const yaml::NodePtr& x, const yaml::NodePtr& y) { return same_tree(*x, *y); });
    case yaml::Node::Kind::Mapping:
      return a.entries.size() == b.entries.size() &&
             std::equal(a.entries.begin(), a.entries.end(), b.entries.begin(),
                        [](const yaml::Entry& x, const yaml::Entry& y) {
                          return x.key == y.key && same_tree(*x.value, *y.value);
                        });
  }
  return false;
}

EditedScenario put_autoscale(const std::string& scenario_text, const std::string& display_file,
                             const std::string& set_name, const yaml::Node& autoscale) {
  Diagnostics ignored;  // duplicate keys are the loader's to report; the edit keeps them as they are
  const yaml::NodePtr root = yaml::parse_document(scenario_text, display_file, ignored);
  const SetPlace place = find_set(*root, set_name, display_file);
  const yaml::NodePtr expected = with_autoscale(*root, place, autoscale);

  EditedScenario result;
  if (auto edited = edit_lines(scenario_text, *root, place, autoscale, result.replaced)) {
    try {
      Diagnostics check;
      if (same_tree(*yaml::parse_document(*edited, display_file, check), *expected)) {
        result.text = std::move(*edited);
        return result;
      }
    } catch (const InputError&) {
      // The line edit broke the document; write it anew below.
    }
  }
  result.kept_layout = false;
  result.text = yaml::write_block(*expected, 0);
  return result;
}

}  // namespace mixsim::arm
