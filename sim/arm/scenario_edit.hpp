// Puts an autoscale setting into a scale set of an existing scenario file (`mixsim import arm --into`), keeping the
// file's comments and layout where it can.
#pragma once

#include <string>

#include "scenario/yaml_document.hpp"

namespace mixsim::arm {

struct EditedScenario {
  std::string text;
  /// False when the scale set is written in a form the line edit cannot handle (flow style, a key on the
  /// dash line being replaced), so the whole document was written anew, without its comments.
  bool kept_layout = true;
  bool replaced = false;  // whether the set had an autoscale block that the new one replaced
};

/// Returns `scenario_text` with the `autoscale` key of the scale set named `set_name` set to `autoscale` (added
/// after the set's last key, or replacing the block it had). The edit is checked by parsing the result: every
/// other value stays as it was. Throws InputError when the text is not YAML or has no scale set of that name.
EditedScenario put_autoscale(const std::string& scenario_text, const std::string& display_file,
                             const std::string& set_name, const yaml::Node& autoscale);

/// Compares two document trees by kind, text and keys in order, ignoring positions and quoting.
bool same_tree(const yaml::Node& a, const yaml::Node& b);

}  // namespace mixsim::arm
