// Reading scale sets and autoscale settings from Azure definitions: ARM templates (also Bicep compiled to JSON),
// REST request bodies, and the REST API specification's example files. The result is scenario keys as document
// nodes that keep the input's positions, for `mixsim import arm` and for `scaleSets[].arm` in a scenario.
#pragma once

#include <string>
#include <vector>

#include "mixsim/diagnostics.hpp"
#include "scenario/yaml_document.hpp"
#include "template_evaluator.hpp"

namespace mixsim::arm {

struct ImportOptions {
  std::vector<ParameterValue> parameters;
  /// Ends the message about a parameter without a value: how this user gives one (NAME stands for its name).
  std::string parameter_hint;
};

/// A scale set read from the input, as the keys of one `scaleSets[]` item.
struct ImportedScaleSet {
  std::string name;           // the resource's name
  std::string symbolic_name;  // the key of a template whose resources are an object (languageVersion 2.0)
  std::string resource_path;  // JSON path of the resource, e.g. resources[3]
  Origin origin;
  yaml::NodePtr set;          // a mapping: name, region, zones, ..., autoscale, in scenario order
  std::string region;         // the location, normalized ("West US" -> westus); empty when absent
  std::vector<std::string> sizes;       // the sizes the set may use, in order
  std::vector<std::string> ga_reasons;  // why the scenario needs platformRules: ga; empty when preview will do
};

/// An autoscale setting read from the input.
struct ImportedAutoscale {
  std::string name;
  std::string resource_path;
  Origin origin;
  yaml::NodePtr properties;  // the setting's `properties`, evaluated: a scale set's `autoscale` block
  std::string target_name;   // the scale set its targetResourceUri names; empty when it names none
  bool attached = false;     // whether a scale set of the same input took it
};

struct ArmImport {
  std::vector<ImportedScaleSet> scale_sets;
  std::vector<ImportedAutoscale> autoscale_settings;
  /// Resources left out and choices made, one line each, formatted like diagnostics.
  std::vector<std::string> notes;
};

/// Reads the JSON `text` of the file named `display_file` in messages. JSON comments (allowed in ARM templates) are
/// ignored. Every problem found (invalid JSON, an unsupported expression, a parameter without a value) is added to
/// `diagnostics`; the result contains what could be read. Each autoscale setting that targets a scale set of the
/// input becomes that set's `autoscale` key.
ArmImport import_arm(const std::string& text, const std::string& display_file, const ImportOptions& options,
                     Diagnostics& diagnostics);

/// Reads an ARM parameters file, `{"parameters": {"NAME": {"value": ...}}}` (the bare inner object also works).
/// Problems are added to `diagnostics`.
std::vector<ParameterValue> read_parameters_file(const std::string& text, const std::string& display_file,
                                                 Diagnostics& diagnostics);

/// Normalizes an Azure location to the name the price lists and scenarios use: "West US" -> westus.
std::string normalize_location(const std::string& location);

}  // namespace mixsim::arm
