// `--set PATH=VALUE`: edits of the document tree before validation.
#include <algorithm>
#include <cctype>

#include "loader_internal.hpp"

namespace mixsim::load {

namespace {

struct PathStep {
  enum class Kind : uint8_t { Key, Index, Name };
  Kind kind = Kind::Key;
  std::string text;
  size_t index = 0;
};

// Splits `scaleSets[web].skuProfile.vmSizes[0]` into steps; returns an error message on malformed paths.
std::string parse_path(const std::string& path, std::vector<PathStep>& steps) {
  size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] == '[') {
      const size_t close = path.find(']', pos);
      if (close == std::string::npos) {
        return "the path has a '[' without ']'";
      }
      const std::string inner = path.substr(pos + 1, close - pos - 1);
      if (inner.empty()) {
        return "the path has an empty []";
      }
      PathStep step;
      const bool numeric = std::all_of(inner.begin(), inner.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
      if (numeric && inner.size() <= 9) {
        step.kind = PathStep::Kind::Index;
        step.index = std::stoul(inner);
      } else {
        step.kind = PathStep::Kind::Name;
      }
      step.text = inner;
      steps.push_back(step);
      pos = close + 1;
      if (pos < path.size() && path[pos] == '.') {
        ++pos;
      }
      continue;
    }
    const size_t end = path.find_first_of(".[", pos);
    const std::string key = path.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (key.empty()) {
      return "the path has an empty key (two dots in a row?)";
    }
    steps.push_back(PathStep{PathStep::Kind::Key, key, 0});
    if (end == std::string::npos) {
      break;
    }
    pos = path[end] == '.' ? end + 1 : end;
    if (path[end] == '.' && pos == path.size()) {
      return "the path ends with a dot";
    }
  }
  if (steps.empty()) {
    return "the path is empty";
  }
  return {};
}

// Copies a container before changing it, so that YAML aliases sharing the node keep their values.
yaml::NodePtr clone(const yaml::NodePtr& node) { return std::make_shared<yaml::Node>(*node); }

yaml::NodePtr make_mapping(const Origin& origin) {
  auto node = std::make_shared<yaml::Node>();
  node->kind = yaml::Node::Kind::Mapping;
  node->origin = origin;
  return node;
}

// Walks `steps` from `slot`, copying containers on the way, creating missing mapping keys, and stores `value` at
// the end. Returns an error message, or empty on success.
std::string assign(yaml::NodePtr& slot, const std::vector<PathStep>& steps, size_t at, const yaml::NodePtr& value,
                   const Origin& origin, std::string walked) {
  if (at == steps.size()) {
    slot = value;
    return {};
  }
  const PathStep& step = steps[at];
  if (step.kind == PathStep::Kind::Key) {
    if (slot->is_null()) {
      slot = make_mapping(origin);
    } else if (!slot->is_mapping()) {
      return (walked.empty() ? std::string("the document") : walked) + " is " + yaml::kind_name(slot->kind) +
             ", so it has no key '" + step.text + "'";
    } else {
      slot = clone(slot);
    }
    const std::string next = join_path(walked, step.text);
    yaml::Entry* entry = slot->find_entry(step.text);
    if (entry == nullptr) {
      slot->entries.push_back(yaml::Entry{step.text, origin, std::make_shared<yaml::Node>()});
      slot->entries.back().value->origin = origin;
      entry = &slot->entries.back();
    } else {
      entry->key_origin = origin;
    }
    return assign(entry->value, steps, at + 1, value, origin, next);
  }

  if (!slot->is_sequence()) {
    return (walked.empty() ? std::string("the document") : walked) + " is " + yaml::kind_name(slot->kind) +
           ", not a list, so [" + step.text + "] does not apply";
  }
  slot = clone(slot);
  if (step.kind == PathStep::Kind::Index) {
    if (step.index >= slot->items.size()) {
      const size_t count = slot->items.size();
      return walked + " has " + std::to_string(count) + (count == 1 ? " item" : " items") + ", so [" + step.text +
             "] does not exist";
    }
    return assign(slot->items[step.index], steps, at + 1, value, origin, walked + "[" + step.text + "]");
  }
  for (auto& item : slot->items) {
    const yaml::Node* name = item->is_mapping() ? item->find("name") : nullptr;
    if (name != nullptr && name->is_scalar() && name->scalar == step.text) {
      return assign(item, steps, at + 1, value, origin, walked + "[" + step.text + "]");
    }
  }
  return walked + " has no item named " + quote(step.text);
}

}  // namespace

void apply_overrides(Context& context, yaml::NodePtr& root, const std::vector<std::string>& overrides) {
  for (const std::string& override_arg : overrides) {
    // An empty argument is shown as '' so that its message still names the option.
    const Origin origin{{}, 0, 0, override_arg.empty() ? std::string("''") : override_arg};
    const size_t equals = override_arg.find('=');
    if (equals == std::string::npos) {
      context.error(origin, {}, "expected PATH=VALUE, e.g. scaleSets[0].skuProfile.allocationStrategy=CapacityOptimized");
      continue;
    }
    const std::string path = override_arg.substr(0, equals);
    const std::string value_text = override_arg.substr(equals + 1);

    std::vector<PathStep> steps;
    if (const std::string error = parse_path(path, steps); !error.empty()) {
      context.error(origin, {}, error);
      continue;
    }
    yaml::NodePtr value;
    try {
      value = yaml::parse_override_value(value_text, override_arg);
    } catch (const InputError& error) {
      for (const auto& item : error.diagnostics().items()) {
        context.error(origin, {}, "the value is not valid YAML: " + item.message);
      }
      continue;
    }
    if (const std::string error = assign(root, steps, 0, value, origin, ""); !error.empty()) {
      context.error(origin, {}, error);
    }
  }
}

}  // namespace mixsim::load
