// `mixsim import arm`: a scenario skeleton from an ARM template, REST request body or API example, or an autoscale
// setting put into a scale set of an existing scenario.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <filesystem>
#include <iostream>
#include <optional>

#include "arm/arm_import.hpp"
#include "arm/scenario_edit.hpp"
#include "arm/scenario_skeleton.hpp"
#include "commands.hpp"
#include "mixsim/loader.hpp"
#include "recording/output_file.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace mixsim::cli {

namespace {

constexpr const char* kCommand = "mixsim import arm";
constexpr const char* kStdout = "<stdout>";

/// Options of `mixsim import arm`; the defaults here are the ones --help shows.
struct ImportCommandOptions {
  std::string file;                     // the JSON file to import
  std::string parameters_file;          // an ARM parameters file
  std::vector<std::string> parameters;  // NAME=VALUE, repeatable; these win over the parameters file
  std::string resource;                 // the scale set (with --into: the autoscale setting) to import
  std::string out;                      // the file to write; empty = stdout, or with --into the scenario itself
  std::string prices;                   // a CSV price list for the skeleton's catalog
  std::string into;                     // a scenario to put the autoscale setting into
  std::string scale_set;                // with --into: the scale set that receives it
  bool force = false;                   // replace an existing --out file
};

po::options_description import_options(ImportCommandOptions& options) {
  po::options_description description("mixsim import arm FILE [options]");
  auto add = description.add_options();
  add("help,h", "show this help");
  add("parameters", po::value(&options.parameters_file), "ARM parameters file: {\"parameters\": {NAME: {\"value\": ...}}}");
  add("parameter", po::value(&options.parameters)->composing(),
      "a template parameter's value, NAME=VALUE (repeatable; wins over --parameters)");
  add("resource", po::value(&options.resource),
      "import only the scale set of this name (with --into: the autoscale setting of this name)");
  add("out,o", po::value(&options.out),
      "write the scenario to this file (default: standard output; with --into: the scenario itself)");
  add("prices", po::value(&options.prices),
      "CSV price list (InstanceType, vCPUs, MemoryGiB, Price, SpotPrice, Region) whose prices fill the catalog; "
      "sizes it lacks get placeholder prices marked 'edit me'");
  add("into", po::value(&options.into), "put the file's autoscale setting into this scenario instead of writing a skeleton");
  add("scale-set", po::value(&options.scale_set), "with --into: the scale set whose autoscale block it becomes");
  add("force", po::bool_switch(&options.force), "replace --out when it exists");
  return description;
}

std::optional<int> usage_error(const std::string& message) {
  std::cerr << kCommand << ": " << message << "; see " << kCommand << " --help\n";
  return kExitUsage;
}

// Parses the arguments after `arm`; returns an exit status when the command should stop.
std::optional<int> parse(const std::vector<std::string>& arguments, ImportCommandOptions& options) {
  const auto description = import_options(options);
  po::options_description hidden;
  hidden.add_options()("file", po::value(&options.file));
  po::options_description all;
  all.add(description).add(hidden);
  po::positional_options_description positional;
  positional.add("file", 1);
  try {
    po::variables_map values;
    po::store(po::command_line_parser(arguments).options(all).positional(positional).run(), values);
    if (values.count("help") > 0) {
      std::cout << description << "\n";
      return kExitOk;
    }
    po::notify(values);
  } catch (const po::error& error) {
    return usage_error(error.what());
  }
  if (options.file.empty()) {
    return usage_error("a file to import is required: mixsim import arm FILE");
  }
  if (options.into.empty() != options.scale_set.empty()) {
    return usage_error("--into SCENARIO and --scale-set NAME go together");
  }
  if (!options.into.empty() && !options.prices.empty()) {
    return usage_error("--prices fills a skeleton's catalog; it does not apply with --into");
  }
  return std::nullopt;
}

std::optional<std::string> read_file(const std::string& path, Diagnostics& diagnostics) {
  std::string text;
  if (!yaml::read_text_file(path, path, text, diagnostics)) {
    return std::nullopt;
  }
  return text;
}

// Collects the parameter values: the file's first, then --parameter, which wins for a name given in both.
std::vector<arm::ParameterValue> parameter_values(const ImportCommandOptions& options, Diagnostics& diagnostics) {
  std::vector<arm::ParameterValue> values;
  if (!options.parameters_file.empty()) {
    if (const auto text = read_file(options.parameters_file, diagnostics)) {
      values = arm::read_parameters_file(*text, options.parameters_file, diagnostics);
    }
  }
  for (const std::string& argument : options.parameters) {
    const Origin origin{{}, 0, 0, argument, "--parameter"};
    const size_t equals = argument.find('=');
    if (equals == std::string::npos || equals == 0) {
      diagnostics.add(origin, {}, "expected NAME=VALUE, e.g. instanceCount=3");
      continue;
    }
    const std::string name = argument.substr(0, equals);
    std::erase_if(values, [&](const arm::ParameterValue& value) { return arm::equals_ignoring_case(value.name, name); });
    values.push_back(arm::ParameterValue{name, origin, nullptr, argument.substr(equals + 1), {}});
  }
  return values;
}

bool write_output(const std::string& path, const std::string& text) {
  try {
    OutputFile file(path);
    file.append(text);
    file.commit();
    return true;
  } catch (const std::exception& error) {
    std::cerr << kCommand << ": " << error.what() << "\n";
    return false;
  }
}

// Validates what was written and lists what stops it from running; the import itself succeeded either way.
void report_validation(const std::string& text, const std::string& display) {
  try {
    const Scenario scenario = load_scenario_text(text, display);
    for (const std::string& warning : scenario.warnings) {
      std::cerr << warning << "\n";
    }
  } catch (const InputError& error) {
    std::cerr << kCommand << ": note: " << display
              << " does not validate yet; edit it, or wait for mixsim to support what it lists:\n"
              << error.diagnostics().format_all();
  }
}

std::string scenario_name(const std::string& file) {
  std::string name = fs::path(file).stem().string();
  for (char& c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_') {
      c = '-';
    }
  }
  return name.empty() ? "imported" : name;
}

std::vector<std::string> set_names(const std::vector<const arm::ImportedScaleSet*>& sets) {
  std::vector<std::string> names;
  for (const arm::ImportedScaleSet* set : sets) {
    names.push_back(set->name);
  }
  return names;
}

// Picks the scale sets --resource names, or all of them.
std::vector<const arm::ImportedScaleSet*> choose_scale_sets(const ImportCommandOptions& options,
                                                            const arm::ArmImport& imported) {
  std::vector<const arm::ImportedScaleSet*> chosen;
  for (const arm::ImportedScaleSet& set : imported.scale_sets) {
    if (options.resource.empty() || arm::equals_ignoring_case(set.name, options.resource) ||
        arm::equals_ignoring_case(set.symbolic_name, options.resource)) {
      chosen.push_back(&set);
    }
  }
  return chosen;
}

// Explains why there is no scale set to write.
void report_no_scale_set(const ImportCommandOptions& options, const arm::ArmImport& imported) {
  if (!options.resource.empty() && !imported.scale_sets.empty()) {
    std::vector<const arm::ImportedScaleSet*> all;
    for (const arm::ImportedScaleSet& set : imported.scale_sets) {
      all.push_back(&set);
    }
    std::cerr << options.file << ": no scale set is named '" << options.resource
              << "'; its scale sets: " << load::list_names(set_names(all)) << "\n";
  } else if (!imported.autoscale_settings.empty()) {
    std::cerr << options.file << ": holds no scale set; to import its autoscale setting '"
              << imported.autoscale_settings.front().name << "', use --into SCENARIO --scale-set NAME\n";
  } else {
    std::cerr << options.file << ": holds no scale set and no autoscale setting\n";
  }
}

// Lists the autoscale settings whose scale set is not in the file.
void report_unattached_settings(const ImportCommandOptions& options, const arm::ArmImport& imported) {
  for (const arm::ImportedAutoscale& setting : imported.autoscale_settings) {
    if (setting.attached) {
      continue;
    }
    std::string message = "ignored: autoscale setting '" + setting.name + "' targets no scale set";
    if (!setting.target_name.empty()) {
      message = "ignored: autoscale setting '" + setting.name + "' targets scale set '" + setting.target_name +
                "', which " + options.file + " does not define; put it into a scenario with --into SCENARIO "
                "--scale-set NAME";
    }
    std::cerr << Diagnostic{setting.origin, setting.resource_path, message}.format() << "\n";
  }
}

int write_skeleton(const ImportCommandOptions& options, const arm::ArmImport& imported) {
  const std::vector<const arm::ImportedScaleSet*> chosen = choose_scale_sets(options, imported);
  if (chosen.empty()) {
    report_no_scale_set(options, imported);
    return kExitUsage;
  }
  report_unattached_settings(options, imported);

  std::optional<arm::PriceList> prices;
  if (!options.prices.empty()) {
    Diagnostics diagnostics;
    prices = arm::read_price_list(options.prices, options.prices, diagnostics);
    if (!diagnostics.empty()) {
      std::cerr << diagnostics.format_all();
      return kExitUsage;
    }
  }
  const arm::Skeleton skeleton =
      arm::write_skeleton(chosen, arm::SkeletonOptions{options.file, scenario_name(options.file), prices ? &*prices : nullptr});

  const std::string display = options.out.empty() ? kStdout : options.out;
  if (options.out.empty()) {
    std::cout << skeleton.text;
  } else if (!write_output(options.out, skeleton.text)) {
    return kExitUsage;
  }
  std::string placeholders;
  if (skeleton.placeholder_prices > 0) {
    placeholders = fmt::format("; {} placeholder price line{} marked 'edit me'", skeleton.placeholder_prices,
                               skeleton.placeholder_prices == 1 ? "" : "s");
  }
  std::cerr << fmt::format("{}: wrote {}: {} scale set{} ({}){}\n", kCommand, display, chosen.size(),
                           chosen.size() == 1 ? "" : "s", load::list_names(set_names(chosen)), placeholders);
  report_validation(skeleton.text, display);
  return kExitOk;
}

// Picks the autoscale setting --resource names, or the only one; reports why there is none.
const arm::ImportedAutoscale* choose_autoscale_setting(const ImportCommandOptions& options,
                                                       const arm::ArmImport& imported) {
  std::vector<const arm::ImportedAutoscale*> candidates;
  std::vector<std::string> names;
  for (const arm::ImportedAutoscale& setting : imported.autoscale_settings) {
    names.push_back(setting.name);
    if (options.resource.empty() || arm::equals_ignoring_case(setting.name, options.resource)) {
      candidates.push_back(&setting);
    }
  }
  if (candidates.size() == 1) {
    return candidates.front();
  }
  if (names.empty()) {
    std::cerr << options.file << ": holds no autoscale setting\n";
  } else if (candidates.empty()) {
    std::cerr << options.file << ": no autoscale setting is named '" << options.resource
              << "'; its settings: " << load::list_names(names) << "\n";
  } else {
    std::cerr << options.file << ": holds several autoscale settings (" << load::list_names(names)
              << "); choose one with --resource NAME\n";
  }
  return nullptr;
}

int put_into_scenario(const ImportCommandOptions& options, const arm::ArmImport& imported) {
  for (const arm::ImportedScaleSet& set : imported.scale_sets) {
    std::cerr << Diagnostic{set.origin, set.resource_path,
                            "ignored: scale set '" + set.name + "'; --into imports only an autoscale setting"}
                     .format()
              << "\n";
  }
  const arm::ImportedAutoscale* setting = choose_autoscale_setting(options, imported);
  if (setting == nullptr) {
    return kExitUsage;
  }

  const std::string target = options.out.empty() ? options.into : options.out;
  if (!options.out.empty() && options.out != options.into && fs::exists(options.out) && !options.force) {
    std::cerr << kCommand << ": --out " << options.out << " exists; choose another file or pass --force\n";
    return kExitUsage;
  }

  Diagnostics diagnostics;
  const auto text = read_file(options.into, diagnostics);
  if (!text) {
    std::cerr << diagnostics.format_all();
    return kExitUsage;
  }
  arm::EditedScenario edited;
  try {
    edited = arm::put_autoscale(*text, options.into, options.scale_set, *setting->properties);
  } catch (const InputError& error) {
    std::cerr << error.diagnostics().format_all();
    return kExitUsage;
  }
  if (!write_output(target, edited.text)) {
    return kExitUsage;
  }

  std::cerr << fmt::format("{}: {} the autoscale block of scale set '{}' in {} with setting '{}'\n", kCommand,
                           edited.replaced ? "replaced" : "added", options.scale_set, target, setting->name);
  if (!edited.kept_layout) {
    std::cerr << kCommand << ": note: the scale set's layout (flow style or a key on its dash line) does not allow an "
                             "edit in place, so "
              << target << " was written anew without its comments\n";
  }
  report_validation(edited.text, target);
  return kExitOk;
}

}  // namespace

int import_command(const std::vector<std::string>& arguments) {
  if (arguments.empty() || arguments.front() != "arm") {
    if (!arguments.empty() && (arguments.front() == "--help" || arguments.front() == "-h")) {
      std::cout << "Usage: mixsim import arm FILE [options]   (see mixsim import arm --help)\n";
      return kExitOk;
    }
    if (arguments.empty()) {
      std::cerr << "mixsim import: expected the kind of file to import: mixsim import arm FILE [options]\n";
    } else {
      std::cerr << "mixsim import: '" << arguments.front()
                << "' is not a kind of file mixsim imports; valid: arm (mixsim import arm FILE [options])\n";
    }
    return kExitUsage;
  }
  ImportCommandOptions options;
  if (const auto status = parse({arguments.begin() + 1, arguments.end()}, options)) {
    return *status;
  }
  if (!options.out.empty() && options.into.empty() && fs::exists(options.out) && !options.force) {
    std::cerr << kCommand << ": --out " << options.out << " exists; choose another file or pass --force\n";
    return kExitUsage;
  }

  Diagnostics diagnostics;
  arm::ImportOptions import_options;
  import_options.parameters = parameter_values(options, diagnostics);
  import_options.parameter_hint = "give it with --parameter NAME=VALUE or in a --parameters file";
  const auto text = read_file(options.file, diagnostics);
  arm::ArmImport imported;
  if (text) {
    imported = arm::import_arm(*text, options.file, import_options, diagnostics);
  }
  if (!diagnostics.empty()) {
    std::cerr << diagnostics.format_all();
    return kExitUsage;
  }
  for (const std::string& note : imported.notes) {
    std::cerr << note << "\n";
  }
  return options.into.empty() ? write_skeleton(options, imported) : put_into_scenario(options, imported);
}

}  // namespace mixsim::cli
