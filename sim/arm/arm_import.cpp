#include "arm_import.hpp"

#include <algorithm>
#include <filesystem>

#include "scenario/loader_internal.hpp"
#include "template_functions.hpp"

namespace mixsim::arm {

namespace {

constexpr std::string_view kScaleSetType = "Microsoft.Compute/virtualMachineScaleSets";
constexpr std::string_view kAutoscaleType = "Microsoft.Insights/autoscalesettings";
constexpr std::string_view kDeploymentType = "Microsoft.Resources/deployments";

// Blanks out // and /* */ comments outside strings, keeping line breaks so that positions stay true.
std::string strip_json_comments(std::string text) {
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      for (; i < text.size() && text[i] != '\n'; ++i) {
        text[i] = ' ';
      }
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      const size_t end = text.find("*/", i + 2);
      const size_t stop = end == std::string::npos ? text.size() : end + 2;
      for (; i < stop; ++i) {
        text[i] = text[i] == '\n' ? '\n' : ' ';
      }
      --i;
    }
  }
  return text;
}

// Parses JSON (with comments) with the YAML parser, for its positions. Syntax errors are reported as JSON errors
// and give nullptr.
yaml::NodePtr parse_json(const std::string& text, const std::string& display_file, Diagnostics& diagnostics) {
  try {
    return yaml::parse_document(strip_json_comments(text), display_file, diagnostics);
  } catch (const InputError& error) {
    for (const Diagnostic& item : error.diagnostics().items()) {
      std::string message = item.message;
      if (message.starts_with("invalid YAML: ")) {
        message = "invalid JSON: " + message.substr(std::string("invalid YAML: ").size());
      }
      diagnostics.add(item.origin, item.key_path, std::move(message));
    }
    return nullptr;
  }
}

yaml::NodePtr make_scalar(std::string text, const Origin& origin, bool plain) {
  auto node = std::make_shared<yaml::Node>();
  node->kind = yaml::Node::Kind::Scalar;
  node->scalar = std::move(text);
  node->plain = plain;
  node->origin = origin;
  return node;
}

yaml::NodePtr make_mapping(const Origin& origin) {
  auto node = std::make_shared<yaml::Node>();
  node->kind = yaml::Node::Kind::Mapping;
  node->origin = origin;
  return node;
}

void add_entry(yaml::Node& mapping, std::string key, yaml::NodePtr value) {
  const Origin origin = value->origin;
  mapping.entries.push_back(yaml::Entry{std::move(key), origin, std::move(value)});
}

// Renames keys that match one of `canonical` ignoring case to its spelling, since ARM property names are
// case-insensitive and scenario keys are not, and puts them first in that order.
void canonicalize_keys(yaml::Node& mapping, std::initializer_list<std::string_view> canonical) {
  auto rank = [&](const yaml::Entry& entry) {
    size_t position = 0;
    for (std::string_view name : canonical) {
      if (equals_ignoring_case(entry.key, name)) {
        return position;
      }
      ++position;
    }
    return position;
  };
  for (yaml::Entry& entry : mapping.entries) {
    const size_t position = rank(entry);
    if (position < canonical.size()) {
      entry.key = std::string(*(canonical.begin() + position));
    }
  }
  std::stable_sort(mapping.entries.begin(), mapping.entries.end(),
                   [&](const yaml::Entry& a, const yaml::Entry& b) { return rank(a) < rank(b); });
}

std::string resource_type_of(const yaml::Node& resource) {
  const yaml::Node* type = resource.find("type");
  return type != nullptr && type->is_scalar() ? type->scalar : std::string();
}

// Names the scale set a targetResourceUri points at, or "" when it points at something else.
std::string scale_set_in_uri(const std::string& uri) {
  const std::string lower = to_lower_ascii(uri);
  const size_t providers = lower.find("/providers/");
  if (providers == std::string::npos) {
    return {};
  }
  const std::string rest = uri.substr(providers + std::string("/providers/").size());
  const std::string prefix = std::string(kScaleSetType) + "/";
  if (rest.size() <= prefix.size() || !equals_ignoring_case(rest.substr(0, prefix.size()), prefix)) {
    return {};
  }
  const std::string name = rest.substr(prefix.size());
  return name.find('/') == std::string::npos ? name : std::string();
}

class Importer {
 public:
  Importer(std::string display_file, Diagnostics& diagnostics, ArmImport& result)
      : display_file_(std::move(display_file)), diagnostics_(diagnostics), result_(result) {}

  void read_template(const yaml::Node& root, const ImportOptions& options);
  void read_rest(const yaml::Node& body, const yaml::Node* url_parameters, const std::string& body_path);
  void attach_autoscale_settings();

 private:
  struct ResourceInfo {
    std::string name;
    Origin name_origin;
    std::string path;
    std::string symbolic_name;
    Origin origin;
  };

  // Runs `read`; an evaluation problem becomes a diagnostic and reading goes on with the next field.
  template <class Read>
  void guarded(Read&& read) {
    try {
      read();
    } catch (const EvaluationError& error) {
      const Diagnostic diagnostic = error.diagnostic();
      diagnostics_.add(diagnostic.origin, diagnostic.key_path, diagnostic.message);
    }
  }

  void note(const Origin& origin, const std::string& path, const std::string& message) {
    result_.notes.push_back(Diagnostic{origin, path, message}.format());
  }

  void read_resource(TemplateEvaluator& evaluator, const yaml::Node& resource, const std::string& path,
                     const std::string& symbolic_name);
  bool condition_holds(TemplateEvaluator& evaluator, const yaml::Node& resource, const std::string& path);
  void read_scale_set(TemplateEvaluator& evaluator, const Value& resource, const ResourceInfo& info);
  void read_scale_set_properties(TemplateEvaluator& evaluator, const Value& properties, yaml::Node& set);
  void read_sku(TemplateEvaluator& evaluator, const Value& resource, const Value& properties, yaml::Node& set);
  void read_orchestration_mode(TemplateEvaluator& evaluator, const Value& properties, yaml::Node& set,
                               const ResourceInfo& info);
  void read_autoscale(TemplateEvaluator& evaluator, const Value& resource, const ResourceInfo& info);
  void copy_member(TemplateEvaluator& evaluator, const Value& parent, std::string_view key, yaml::Node& target);
  void note_child_resources(const yaml::Node& resource, const std::string& path);

  std::string display_file_;
  Diagnostics& diagnostics_;
  ArmImport& result_;
};

// Copies `parent.key`, evaluated, to `target` under its ARM spelling `key`; absent or null members are left out.
void Importer::copy_member(TemplateEvaluator& evaluator, const Value& parent, std::string_view key, yaml::Node& target) {
  guarded([&] {
    const Value value = evaluator.deep(evaluator.member(parent, key));
    if (!value.is_null()) {
      add_entry(target, std::string(key), to_node(value));
    }
  });
}

void Importer::read_template(const yaml::Node& root, const ImportOptions& options) {
  EvaluatorOptions evaluator_options;
  evaluator_options.parameters = options.parameters;
  evaluator_options.parameter_hint = options.parameter_hint;
  TemplateEvaluator evaluator(root, evaluator_options);
  evaluator.check_given_parameters(diagnostics_);

  const yaml::Node& resources = *root.find("resources");
  if (resources.is_sequence()) {
    for (size_t i = 0; i < resources.items.size(); ++i) {
      read_resource(evaluator, *resources.items[i], load::index_path("resources", i), "");
    }
  } else if (resources.is_mapping()) {
    for (const yaml::Entry& entry : resources.entries) {
      read_resource(evaluator, *entry.value, "resources." + entry.key, entry.key);
    }
  } else {
    diagnostics_.add(resources.origin, "resources", "expected an array of resources (or an object, as in "
                                                    "languageVersion 2.0), found " +
                                                        std::string(yaml::kind_name(resources.kind)));
  }
}

bool Importer::condition_holds(TemplateEvaluator& evaluator, const yaml::Node& resource, const std::string& path) {
  const yaml::Node* condition = resource.find("condition");
  if (condition == nullptr) {
    return true;
  }
  bool holds = true;
  guarded([&] {
    const Value value = evaluator.deep(evaluator.evaluate(*condition, path + ".condition"));
    if (value.kind != Value::Kind::Bool) {
      throw EvaluationError(condition->origin, path + ".condition",
                            std::string("the condition must be a boolean, found ") + kind_name(value.kind));
    }
    holds = value.boolean;
  });
  return holds;
}

void Importer::read_resource(TemplateEvaluator& evaluator, const yaml::Node& resource, const std::string& path,
                             const std::string& symbolic_name) {
  if (!resource.is_mapping()) {
    diagnostics_.add(resource.origin, path, std::string("expected a resource object, found ") + yaml::kind_name(resource.kind));
    return;
  }
  const std::string type = resource_type_of(resource);
  const bool scale_set = equals_ignoring_case(type, kScaleSetType);
  const bool autoscale = equals_ignoring_case(type, kAutoscaleType);

  ResourceInfo info{{}, resource.origin, path, symbolic_name, resource.origin};
  if (const yaml::Node* name = resource.find("name")) {
    info.name_origin = name->origin;
    info.name = name->is_scalar() ? name->scalar : std::string();
    try {
      const Value value = evaluator.deep(evaluator.evaluate(*name, path + ".name"));
      info.name = to_text(value);
      info.name_origin = value.origin;
    } catch (const EvaluationError& error) {
      if (scale_set || autoscale) {  // other resources are only listed, under their name as written
        const Diagnostic diagnostic = error.diagnostic();
        diagnostics_.add(diagnostic.origin, diagnostic.key_path, diagnostic.message);
      }
    }
  }
  const std::string described = (type.empty() ? std::string("a resource without a type") : type) +
                                (info.name.empty() ? "" : " '" + info.name + "'");

  const yaml::Node* existing = resource.find("existing");
  if (existing != nullptr && existing->is_scalar() && existing->scalar == "true") {
    note(resource.origin, path, "ignored: " + described + " is a reference to an existing resource");
    return;
  }
  // Only the conditions of resources that are read are evaluated, so other resources may use any function.
  if ((scale_set || autoscale) && !condition_holds(evaluator, resource, path)) {
    note(resource.origin, path, "ignored: " + described + ", whose condition is false");
    return;
  }
  if ((scale_set || autoscale) && resource.find("copy") != nullptr) {
    diagnostics_.add(resource.find("copy")->origin, path + ".copy",
                     "copy loops are not supported; write one resource per scale set or autoscale setting");
    return;
  }

  if (scale_set) {
    read_scale_set(evaluator, evaluator.evaluate(resource, path), info);
  } else if (autoscale) {
    read_autoscale(evaluator, evaluator.evaluate(resource, path), info);
  } else if (equals_ignoring_case(type, kDeploymentType)) {
    note(resource.origin, path, "ignored: " + described + "; the resources of nested deployments are not read");
  } else {
    note(resource.origin, path, "ignored: " + described + ", not a scale set or an autoscale setting");
  }
  note_child_resources(resource, path);
}

void Importer::note_child_resources(const yaml::Node& resource, const std::string& path) {
  const yaml::Node* children = resource.find("resources");
  if (children == nullptr || !children->is_sequence()) {
    return;
  }
  for (size_t i = 0; i < children->items.size(); ++i) {
    const yaml::Node& child = *children->items[i];
    const std::string type = child.is_mapping() ? resource_type_of(child) : std::string();
    note(child.origin, load::index_path(path + ".resources", i),
         "ignored: the child resource " + (type.empty() ? std::string("without a type") : type));
  }
}

void Importer::read_scale_set(TemplateEvaluator& evaluator, const Value& resource, const ResourceInfo& info) {
  ImportedScaleSet imported;
  imported.name = info.name;
  imported.symbolic_name = info.symbolic_name;
  imported.resource_path = info.path;
  imported.origin = info.origin;
  imported.set = make_mapping(info.origin);
  yaml::Node& set = *imported.set;
  add_entry(set, "name", make_scalar(info.name, info.name_origin, false));

  guarded([&] {
    const Value location = evaluator.deep(evaluator.member(resource, "location"));
    if (location.is_string()) {
      imported.region = normalize_location(location.text);
      add_entry(set, "region", make_scalar(imported.region, location.origin, false));
    } else if (!location.is_null()) {
      throw EvaluationError(location.origin, location.path,
                            std::string("expected the location as a string, found ") + kind_name(location.kind));
    }
  });
  guarded([&] {
    Value zones = evaluator.deep(evaluator.member(resource, "zones"));
    for (Value& zone : zones.items) {
      if (zone.kind == Value::Kind::Int) {  // Azure's zone names are strings; a template may write numbers
        zone = Value::of_string(std::to_string(zone.integer), zone.origin, zone.path);
      }
    }
    if (!zones.is_null()) {
      add_entry(set, "zones", to_node(zones));
    }
  });

  Value properties = Value::of_null(info.origin, info.path + ".properties");
  guarded([&] { properties = evaluator.member(resource, "properties"); });
  copy_member(evaluator, properties, "zoneBalance", set);
  copy_member(evaluator, properties, "platformFaultDomainCount", set);
  read_orchestration_mode(evaluator, properties, set, info);
  read_sku(evaluator, resource, properties, set);
  read_scale_set_properties(evaluator, properties, set);

  if (const yaml::Node* sku = set.find("sku"); sku != nullptr && sku->is_mapping()) {
    const yaml::Node* name = sku->find("name");
    if (name != nullptr && name->is_scalar() && !equals_ignoring_case(name->scalar, "Mix")) {
      imported.sizes.push_back(name->scalar);
    }
  }
  if (const yaml::Node* profile = set.find("skuProfile"); profile != nullptr && profile->is_mapping()) {
    if (const yaml::Node* sizes = profile->find("vmSizes"); sizes != nullptr && sizes->is_sequence()) {
      for (const auto& item : sizes->items) {
        const yaml::Node* name = item->is_mapping() ? item->find("name") : nullptr;
        if (name != nullptr && name->is_scalar()) {
          imported.sizes.push_back(name->scalar);
        }
      }
    }
    const yaml::Node* strategy = profile->find("allocationStrategy");
    if (strategy != nullptr && strategy->is_scalar() && equals_ignoring_case(strategy->scalar, "Prioritized")) {
      imported.ga_reasons.push_back("scale set '" + info.name + "' uses the Prioritized allocation strategy");
    }
    if (!imported.region.empty() && !load::is_preview_region(imported.region)) {
      imported.ga_reasons.push_back("scale set '" + info.name + "' uses instance mix in " + imported.region +
                                    ", outside the preview regions");
    }
  }
  result_.scale_sets.push_back(std::move(imported));
}

void Importer::read_orchestration_mode(TemplateEvaluator& evaluator, const Value& properties, yaml::Node& set,
                                       const ResourceInfo& info) {
  guarded([&] {
    const Value mode = evaluator.deep(evaluator.member(properties, "orchestrationMode"));
    if (mode.is_string() && equals_ignoring_case(mode.text, "Flexible")) {
      add_entry(set, "orchestrationMode", make_scalar("Flexible", mode.origin, false));
    } else if (mode.is_null()) {
      note(info.origin, info.path,
           "note: scale set '" + info.name + "' gives no orchestrationMode; imported as Flexible, the only mode "
           "mixsim models");
    } else {
      note(mode.origin, mode.path,
           "note: scale set '" + info.name + "' has orchestrationMode " + load::quote(to_text(mode)) +
               "; imported as Flexible, the only mode mixsim models");
    }
  });
}

void Importer::read_sku(TemplateEvaluator& evaluator, const Value& resource, const Value& properties, yaml::Node& set) {
  guarded([&] {
    const Value sku = evaluator.deep(evaluator.member(resource, "sku"));
    if (!sku.is_null()) {
      yaml::NodePtr node = to_node(sku);
      canonicalize_keys(*node, {"name", "tier", "capacity"});
      add_entry(set, "sku", node);
    }
  });
  guarded([&] {
    const Value profile = evaluator.deep(evaluator.member(properties, "skuProfile"));
    if (!profile.is_null()) {
      yaml::NodePtr node = to_node(profile);
      canonicalize_keys(*node, {"vmSizes", "allocationStrategy"});
      add_entry(set, "skuProfile", node);
    }
  });
}

void Importer::read_scale_set_properties(TemplateEvaluator& evaluator, const Value& properties, yaml::Node& set) {
  yaml::NodePtr vm_profile = make_mapping(properties.origin);
  guarded([&] {
    const Value profile = evaluator.member(properties, "virtualMachineProfile");
    vm_profile->origin = profile.origin;
    // Only what the simulation reads: OS, storage and network settings stay in the template.
    copy_member(evaluator, profile, "priority", *vm_profile);
    copy_member(evaluator, profile, "evictionPolicy", *vm_profile);
    copy_member(evaluator, profile, "billingProfile", *vm_profile);
  });
  if (!vm_profile->entries.empty()) {
    add_entry(set, "virtualMachineProfile", vm_profile);
  }
  copy_member(evaluator, properties, "priorityMixPolicy", set);
  copy_member(evaluator, properties, "spotRestorePolicy", set);
  copy_member(evaluator, properties, "scaleInPolicy", set);
}

void Importer::read_autoscale(TemplateEvaluator& evaluator, const Value& resource, const ResourceInfo& info) {
  guarded([&] {
    const Value properties = evaluator.deep(evaluator.member(resource, "properties"));
    if (!properties.is_object()) {
      throw EvaluationError(properties.origin, properties.path,
                            std::string("an autoscale setting needs a properties object, found ") +
                                kind_name(properties.kind));
    }
    ImportedAutoscale setting{info.name, info.path, info.origin, to_node(properties), {}, false};
    const Value* target = properties.find("targetResourceUri");
    if (target != nullptr && target->is_string()) {
      setting.target_name = scale_set_in_uri(target->text);
      if (setting.target_name.empty()) {
        note(target->origin, target->path,
             "note: autoscale setting '" + info.name + "' targets " + load::quote(target->text) +
                 ", which is not a scale set");
      }
    }
    result_.autoscale_settings.push_back(std::move(setting));
  });
}

void Importer::attach_autoscale_settings() {
  for (ImportedAutoscale& setting : result_.autoscale_settings) {
    for (ImportedScaleSet& set : result_.scale_sets) {
      if (setting.target_name.empty() || !equals_ignoring_case(setting.target_name, set.name)) {
        continue;
      }
      if (set.set->find("autoscale") != nullptr) {
        diagnostics_.add(setting.origin, setting.resource_path,
                         "a second autoscale setting targets scale set '" + set.name +
                             "'; Azure allows one per resource");
        break;
      }
      add_entry(*set.set, "autoscale", setting.properties);
      setting.attached = true;
      const yaml::Node* restore = set.set->find("spotRestorePolicy");
      const yaml::Node* enabled = restore != nullptr && restore->is_mapping() ? restore->find("enabled") : nullptr;
      if (enabled != nullptr && enabled->is_scalar() && equals_ignoring_case(enabled->scalar, "true")) {
        set.ga_reasons.push_back("scale set '" + set.name +
                                 "' has Try & Restore and autoscale, which only the ga rules accept (restore off)");
      }
      break;
    }
  }
}

// A REST body's resource type: its `type`, else the URL parameter that names it, else the keys it has.
std::string rest_body_type(const yaml::Node& body, const yaml::Node* url_parameters) {
  if (const yaml::Node* type = body.find("type"); type != nullptr && type->is_scalar()) {
    return type->scalar;
  }
  if (url_parameters != nullptr && url_parameters->find("vmScaleSetName") != nullptr) {
    return std::string(kScaleSetType);
  }
  if (url_parameters != nullptr && url_parameters->find("autoscaleSettingName") != nullptr) {
    return std::string(kAutoscaleType);
  }
  const yaml::Node* properties = body.find("properties");
  if (properties != nullptr && properties->is_mapping() && properties->find("profiles") != nullptr) {
    return std::string(kAutoscaleType);
  }
  const bool has_vm_keys = properties != nullptr && properties->is_mapping() &&
                           (properties->find("virtualMachineProfile") != nullptr ||
                            properties->find("skuProfile") != nullptr || properties->find("orchestrationMode") != nullptr);
  if (body.find("sku") != nullptr || has_vm_keys) {
    return std::string(kScaleSetType);
  }
  return {};
}

void Importer::read_rest(const yaml::Node& body, const yaml::Node* url_parameters, const std::string& body_path) {
  const std::string type = rest_body_type(body, url_parameters);
  const bool scale_set = equals_ignoring_case(type, kScaleSetType);
  if (!scale_set && !equals_ignoring_case(type, kAutoscaleType)) {
    diagnostics_.add(body.origin, body_path,
                     type.empty() ? "cannot tell which resource this request body describes; expected a scale set "
                                    "(sku, properties.virtualMachineProfile) or an autoscale setting (properties.profiles)"
                                  : "the resource type " + load::quote(type) +
                                        " is neither a scale set nor an autoscale setting");
    return;
  }

  // The name is in the request URL, which example files give as a parameter; a body alone may carry its own.
  ResourceInfo info{std::filesystem::path(display_file_).stem().string(), body.origin, body_path, "", body.origin};
  const char* url_key = scale_set ? "vmScaleSetName" : "autoscaleSettingName";
  const yaml::Node* name = url_parameters != nullptr ? url_parameters->find(url_key) : nullptr;
  name = name != nullptr ? name : body.find("name");
  if (name != nullptr && name->is_scalar()) {
    info.name = name->scalar;
    info.name_origin = name->origin;
  }

  EvaluatorOptions options;
  options.expressions = false;  // REST bodies hold literal text
  TemplateEvaluator evaluator(body, options);
  Value resource = evaluator.evaluate(body, body_path);
  const yaml::Node* location = url_parameters != nullptr ? url_parameters->find("location") : nullptr;
  if (resource.find("location") == nullptr && location != nullptr) {
    resource.members.push_back(Member{"location", location->origin, evaluator.evaluate(*location, "parameters.location")});
  }
  if (scale_set) {
    read_scale_set(evaluator, resource, info);
  } else {
    read_autoscale(evaluator, resource, info);
  }
}

}  // namespace

std::string normalize_location(const std::string& location) {
  std::string name;
  for (char c : location) {
    if (c != ' ') {
      name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return name;
}

ArmImport import_arm(const std::string& text, const std::string& display_file, const ImportOptions& options,
                     Diagnostics& diagnostics) {
  ArmImport result;
  const yaml::NodePtr root = parse_json(text, display_file, diagnostics);
  if (root == nullptr) {
    return result;
  }
  if (!root->is_mapping()) {
    diagnostics.add_file_error(display_file, "expected a JSON object: an ARM template, a REST request body or an "
                                             "API example file");
    return result;
  }

  Importer importer(display_file, diagnostics, result);
  const yaml::Node* url_parameters = root->find("parameters");
  const yaml::Node* example_body = nullptr;
  std::string body_path;
  if (url_parameters != nullptr && url_parameters->is_mapping()) {
    for (const char* key : {"body", "parameters"}) {
      const yaml::Node* candidate = url_parameters->find(key);
      if (example_body == nullptr && candidate != nullptr && candidate->is_mapping()) {
        example_body = candidate;
        body_path = std::string("parameters.") + key;
      }
    }
  }

  if (root->find("resources") != nullptr) {
    importer.read_template(*root, options);
  } else if (example_body != nullptr) {
    importer.read_rest(*example_body, url_parameters, body_path);
  } else if (root->find("properties") != nullptr) {
    importer.read_rest(*root, nullptr, "");
  } else {
    diagnostics.add_file_error(display_file,
                               "not an ARM template (no 'resources'), an API example (no 'parameters.body' or "
                               "'parameters.parameters') or a REST request body (no 'properties')");
    return result;
  }
  importer.attach_autoscale_settings();
  return result;
}

std::vector<ParameterValue> read_parameters_file(const std::string& text, const std::string& display_file,
                                                 Diagnostics& diagnostics) {
  std::vector<ParameterValue> values;
  const yaml::NodePtr root = parse_json(text, display_file, diagnostics);
  if (root == nullptr) {
    return values;
  }
  const yaml::Node* wrapped = root->is_mapping() ? root->find("parameters") : nullptr;
  const yaml::Node& parameters = wrapped != nullptr ? *wrapped : *root;
  const std::string prefix = wrapped != nullptr ? "parameters." : "";
  if (!parameters.is_mapping()) {
    diagnostics.add(parameters.origin, prefix.empty() ? "" : "parameters",
                    "expected an object of parameters: {\"parameters\": {\"NAME\": {\"value\": ...}}}");
    return values;
  }
  for (const yaml::Entry& entry : parameters.entries) {
    const std::string path = prefix + entry.key;
    const yaml::Node* value = entry.value->is_mapping() ? entry.value->find("value") : nullptr;
    if (entry.value->is_mapping() && entry.value->find("reference") != nullptr) {
      diagnostics.add(entry.key_origin, path + ".reference",
                      "Key Vault references are not supported; give the parameter a value");
    } else if (value == nullptr) {
      diagnostics.add(entry.value->origin, path, "expected {\"value\": ...} for the parameter '" + entry.key + "'");
    } else {
      // The value node shares ownership of the parsed tree, which owns it.
      values.push_back(ParameterValue{entry.key, entry.key_origin, std::shared_ptr<const yaml::Node>(root, value),
                                      std::nullopt, path + ".value"});
    }
  }
  return values;
}

}  // namespace mixsim::arm
