// `scaleSets[].arm`: a scale set imported from an ARM template, REST request body or API example file, with the
// keys written beside `arm` merged over the imported ones.
#include "arm/arm_import.hpp"
#include "loader_internal.hpp"

namespace mixsim::load {

namespace {

/// ARM templates and parameter files are JSON of a few kilobytes; 64 MiB leaves room for generated ones.
constexpr size_t kMaxArmFileBytes = 64u << 20;

// Merges `overrides` over `base`: mappings key by key and recursively, any other value replaces the base value,
// and a key with an empty (null) value removes the base key.
yaml::NodePtr merge_over(const yaml::NodePtr& base, const yaml::Node& overrides) {
  if (!base || !base->is_mapping() || !overrides.is_mapping()) {
    return std::make_shared<yaml::Node>(overrides);
  }
  auto merged = std::make_shared<yaml::Node>(*base);
  for (const yaml::Entry& entry : overrides.entries) {
    yaml::Entry* existing = merged->find_entry(entry.key);
    if (entry.value->is_null()) {
      std::erase_if(merged->entries, [&](const yaml::Entry& e) { return e.key == entry.key; });
    } else if (existing != nullptr) {
      existing->value = merge_over(existing->value, *entry.value);
      existing->key_origin = entry.key_origin;
    } else {
      merged->entries.push_back(entry);
    }
  }
  return merged;
}

std::vector<arm::ParameterValue> read_arm_parameters(Context& context, const Node& node, const std::string& path) {
  if (node.is_mapping()) {  // inline values: {NAME: VALUE}
    std::vector<arm::ParameterValue> values;
    for (const yaml::Entry& entry : node.entries) {
      values.push_back(arm::ParameterValue{entry.key, entry.key_origin, entry.value, std::nullopt, join_path(path, entry.key)});
    }
    return values;
  }
  const auto file = read_name(context, node, path);
  if (!file) {
    return {};
  }
  std::string text;
  std::string display;
  if (!context.read_named_file(*file, kMaxArmFileBytes, text, display)) {
    context.error(
        node, path,
        "the parameters file " + quote_path(display) + " cannot be used; its problems are listed under its name");
    return {};
  }
  return arm::read_parameters_file(text, display, context.diagnostics);
}

// Picks the scale set `resource` names, or the only one.
const arm::ImportedScaleSet* choose_scale_set(Context& context, const arm::ArmImport& imported, const MapReader& reader,
                                              const std::string& display) {
  std::vector<std::string> names;
  for (const arm::ImportedScaleSet& set : imported.scale_sets) {
    names.push_back(set.name);
  }
  const Node* resource = reader.get("resource");
  if (resource != nullptr) {
    const auto name = read_name(context, *resource, reader.path("resource"));
    for (const arm::ImportedScaleSet& set : imported.scale_sets) {
      if (name && (arm::equals_ignoring_case(set.name, *name) || arm::equals_ignoring_case(set.symbolic_name, *name))) {
        return &set;
      }
    }
    if (name) {
      context.error(*resource, reader.path("resource"),
                    display + " has no scale set named " + quote(*name) + "; its scale sets: " +
                        (names.empty() ? std::string("none") : list_names(names)));
    }
    return nullptr;
  }
  if (imported.scale_sets.size() == 1) {
    return &imported.scale_sets.front();
  }
  context.error(reader.node(), reader.path(),
                imported.scale_sets.empty()
                    ? display + " holds no scale set"
                    : display + " holds several scale sets (" + list_names(names) + "); choose one with arm.resource");
  return nullptr;
}

}  // namespace

yaml::NodePtr import_arm_set(Context& context, const Node& set, const std::string& path) {
  const std::string arm_path = join_path(path, "arm");
  MapReader reader(context, *set.find("arm"), arm_path, KeySet{{"template", "parameters", "resource"}});
  if (!reader.is_mapping()) {
    return nullptr;
  }
  const Node* template_node = reader.required("template", "the ARM template, REST body or API example file");
  const auto file = template_node != nullptr ? read_name(context, *template_node, reader.path("template")) : std::nullopt;
  if (!file) {
    return nullptr;
  }
  std::string text;
  std::string display;
  if (!context.read_named_file(*file, kMaxArmFileBytes, text, display)) {
    context.error(*template_node, reader.path("template"),
                  "the template " + quote_path(display) + " cannot be used; its problems are listed under its name");
    return nullptr;
  }

  arm::ImportOptions options;
  if (const Node* parameters = reader.get("parameters")) {
    options.parameters = read_arm_parameters(context, *parameters, reader.path("parameters"));
  }
  options.parameter_hint = "give it under " + reader.path("parameters") + " (NAME: VALUE)";
  const size_t problems = context.diagnostics.size();
  const arm::ArmImport imported = arm::import_arm(text, display, options, context.diagnostics);
  if (context.diagnostics.size() > problems) {
    return nullptr;
  }
  const arm::ImportedScaleSet* chosen = choose_scale_set(context, imported, reader, display);
  if (chosen == nullptr) {
    return nullptr;
  }

  auto beside = std::make_shared<yaml::Node>(set);
  std::erase_if(beside->entries, [](const yaml::Entry& entry) { return entry.key == "arm"; });
  return merge_over(chosen->set, *beside);
}

}  // namespace mixsim::load
