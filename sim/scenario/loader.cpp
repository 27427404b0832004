// Top-level flow of loading a scenario, and the small sections: scenario, platformOptions, outputs.
#include "mixsim/loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "loader_internal.hpp"
#include "time_format.hpp"

namespace mixsim {

namespace load {

std::optional<size_t> Draft::find_size(Context& context, const Node& node, const std::string& path) {
  const auto name = read_name(context, node, path);
  if (!name) {
    return std::nullopt;
  }
  const auto found = catalog_index.find(*name);
  if (found != catalog_index.end()) {
    return found->second;
  }
  std::vector<std::string> names;
  names.reserve(catalog.size());
  for (const auto& size : catalog) {
    names.push_back(size.name);
  }
  const std::string hint = closest_match(*name, names);
  context.error(node, path,
                "size " + quote(*name) + " is not in the catalog" +
                    (hint.empty() ? "; add it under catalog.sizes or import a price list" : "; did you mean '" + hint + "'?"));
  return std::nullopt;
}

std::optional<RegionId> Draft::find_region(Context& context, const Node& node, const std::string& path) {
  const auto name = read_name(context, node, path);
  if (!name) {
    return std::nullopt;
  }
  const auto found = region_index.find(*name);
  if (found != region_index.end()) {
    return found->second;
  }
  std::vector<std::string> names;
  for (const auto& region : scenario.regions) {
    names.push_back(region.name);
  }
  context.error(node, path, "region " + quote(*name) + " is not defined under regions; defined: " + list_names(names));
  return std::nullopt;
}

std::optional<SetId> Draft::find_set(Context& context, const Node& node, const std::string& path) {
  const auto name = read_name(context, node, path);
  if (!name) {
    return std::nullopt;
  }
  const auto found = set_index.find(*name);
  if (found != set_index.end()) {
    return found->second;
  }
  std::vector<std::string> names;
  for (const auto& set : scenario.scale_sets) {
    names.push_back(set.name);
  }
  context.error(node, path, "scale set " + quote(*name) + " is not defined; defined: " + list_names(names));
  return std::nullopt;
}

std::optional<std::vector<ZoneId>> Draft::find_zones(Context& context, const Node& node, const std::string& path,
                                                     RegionId region_id) {
  const auto* items = read_list(context, node, path);
  if (items == nullptr) {
    return std::nullopt;
  }
  const Region& region = scenario.regions[region_id];
  std::vector<std::string> names;
  for (ZoneId zone : region.zones) {
    names.push_back(scenario.zones[zone].name);
  }
  std::vector<ZoneId> zones;
  bool ok = true;
  for (size_t i = 0; i < items->size(); ++i) {
    const std::string item_path = index_path(path, i);
    const auto name = read_name(context, *(*items)[i], item_path);
    if (!name) {
      ok = false;
      continue;
    }
    std::optional<ZoneId> match;
    for (ZoneId zone : region.zones) {
      if (scenario.zones[zone].name == *name) {
        match = zone;
      }
    }
    if (!match) {
      context.error(*(*items)[i], item_path,
                    "zone " + quote(*name) + " is not a zone of region " + quote(region.name) +
                        "; its zones: " + list_names(names));
      ok = false;
      continue;
    }
    if (std::find(zones.begin(), zones.end(), *match) != zones.end()) {
      context.error(*(*items)[i], item_path, "zone " + quote(*name) + " is listed twice");
      ok = false;
      continue;
    }
    zones.push_back(*match);
  }
  if (!ok) {
    return std::nullopt;
  }
  return zones;
}

void read_scenario_block(Context& context, const Node& node, Draft& draft) {
  MapReader reader(context, node, "scenario",
                   KeySet{{"name", "description", "start", "duration", "seed", "platformRules", "sampleInterval"}});
  Scenario& scenario = draft.scenario;

  if (const Node* name = reader.required("name", "the scenario's name, used in result folders")) {
    scenario.name = read_name(context, *name, reader.path("name")).value_or("");
    if (scenario.name.find_first_of("/\\") != std::string::npos || scenario.name == "." || scenario.name == "..") {
      context.error(*name, reader.path("name"), quote(scenario.name) + " cannot name a folder; use letters, digits, '-' and '_'");
    }
  }
  if (const Node* description = reader.get("description")) {
    scenario.description = read_string(context, *description, reader.path("description")).value_or("");
  }
  if (const Node* start = reader.get("start")) {
    const auto text = read_string(context, *start, reader.path("start"));
    const auto unix_s = text ? parse_timestamp(*text) : std::nullopt;
    if (text && !unix_s) {
      context.error(*start, reader.path("start"), quote(*text) + " is not an RFC 3339 time such as 2024-06-03T00:00:00Z");
    } else if (unix_s && std::floor(*unix_s) != *unix_s) {
      context.error(*start, reader.path("start"), "the start must be a whole second");
    } else if (unix_s) {
      scenario.start_unix_s = static_cast<int64_t>(*unix_s);
    }
  }
  if (const Node* duration = reader.required("duration", "how long to simulate, e.g. P7D")) {
    scenario.duration_s =
        read_duration(context, *duration, reader.path("duration"), 1, limits::kMaxDurationS).value_or(0);
  }
  if (const Node* seed = reader.get("seed")) {
    const auto text = read_string(context, *seed, reader.path("seed"));
    errno = 0;
    char* end = nullptr;
    const unsigned long long value = text ? std::strtoull(text->c_str(), &end, 10) : 0;
    if (text && (text->empty() || !std::isdigit(static_cast<unsigned char>(text->front())) || *end != '\0' ||
                 errno == ERANGE)) {
      context.error(*seed, reader.path("seed"), quote(*text) + " is not a valid seed; valid: a whole number from 0 to 18446744073709551615");
    } else if (text) {
      scenario.seed = value;
    }
  }
  // The seed is fixed before the sections that draw from it (stochastic capacity models) are read.
  if (draft.seed_override) {
    scenario.seed = *draft.seed_override;
  }
  if (const Node* rules = reader.get("platformRules")) {
    scenario.platform_rules =
        read_enum<PlatformRules>(context, *rules, reader.path("platformRules"),
                                 {{"preview", PlatformRules::Preview}, {"ga", PlatformRules::Ga}}, "platform rule set")
            .value_or(PlatformRules::Preview);
  }
  if (const Node* interval = reader.get("sampleInterval")) {
    scenario.sample_interval_s =
        read_duration(context, *interval, reader.path("sampleInterval"), 1, limits::kMaxDurationS).value_or(300);
  }
}

void read_platform_options(Context& context, const Node& node, Draft& draft) {
  MapReader reader(context, node, "platformOptions",
                   KeySet{{"autoscaleEvaluationInterval", "allocationRetryInterval", "scaleInDefaultOrder",
                           "capacityOptimizedScaleIn", "prioritizedScaleIn", "percentChangeRounding",
                           "deallocatedCountsTowardCapacity", "maxSpreadingFaultDomains", "evictionNotice",
                           "resilientCreationWindow", "spotRestoreTimeout", "predictiveLookAhead"}});
  PlatformOptions& options = draft.scenario.options;

  if (const Node* value = reader.get("autoscaleEvaluationInterval")) {
    options.autoscale_evaluation_interval_s =
        read_duration(context, *value, reader.path("autoscaleEvaluationInterval"), 30, 60).value_or(60);
  }
  if (const Node* value = reader.get("allocationRetryInterval")) {
    options.allocation_retry_interval_s =
        read_duration(context, *value, reader.path("allocationRetryInterval"), 1, 86400).value_or(60);
  }
  if (const Node* value = reader.get("scaleInDefaultOrder")) {
    options.scale_in_default_order =
        read_enum<ScaleInDefaultOrder>(context, *value, reader.path("scaleInDefaultOrder"),
                                       {{"highestInstanceId", ScaleInDefaultOrder::HighestInstanceId},
                                        {"newest", ScaleInDefaultOrder::Newest},
                                        {"oldest", ScaleInDefaultOrder::Oldest}},
                                       "default scale-in order")
            .value_or(ScaleInDefaultOrder::HighestInstanceId);
  }
  if (const Node* value = reader.get("capacityOptimizedScaleIn")) {
    options.capacity_optimized_scale_in =
        read_enum<CapacityOptimizedScaleIn>(context, *value, reader.path("capacityOptimizedScaleIn"),
                                            {{"scarcestPoolFirst", CapacityOptimizedScaleIn::ScarcestPoolFirst},
                                             {"mostExpensiveFirst", CapacityOptimizedScaleIn::MostExpensiveFirst},
                                             {"newestFirst", CapacityOptimizedScaleIn::NewestFirst}},
                                            "CapacityOptimized scale-in order")
            .value_or(CapacityOptimizedScaleIn::ScarcestPoolFirst);
  }
  if (const Node* value = reader.get("prioritizedScaleIn")) {
    options.prioritized_scale_in =
        read_enum<PrioritizedScaleIn>(context, *value, reader.path("prioritizedScaleIn"),
                                      {{"highestRankFirst", PrioritizedScaleIn::HighestRankFirst},
                                       {"newestFirst", PrioritizedScaleIn::NewestFirst}},
                                      "Prioritized scale-in order")
            .value_or(PrioritizedScaleIn::HighestRankFirst);
  }
  if (const Node* value = reader.get("percentChangeRounding")) {
    options.percent_change_rounding =
        read_enum<PercentChangeRounding>(context, *value, reader.path("percentChangeRounding"),
                                         {{"aws", PercentChangeRounding::Aws},
                                          {"ceil", PercentChangeRounding::Ceil},
                                          {"floor", PercentChangeRounding::Floor},
                                          {"round", PercentChangeRounding::Round}},
                                         "rounding")
            .value_or(PercentChangeRounding::Aws);
  }
  if (const Node* value = reader.get("deallocatedCountsTowardCapacity")) {
    options.deallocated_counts_toward_capacity =
        read_bool(context, *value, reader.path("deallocatedCountsTowardCapacity")).value_or(true);
  }
  if (const Node* value = reader.get("maxSpreadingFaultDomains")) {
    options.max_spreading_fault_domains =
        static_cast<int>(read_integer(context, *value, reader.path("maxSpreadingFaultDomains"), 1, 5).value_or(5));
  }
  if (const Node* value = reader.get("evictionNotice")) {
    options.eviction_notice_s = read_duration(context, *value, reader.path("evictionNotice"), 0, 3600).value_or(30);
  }
  if (const Node* value = reader.get("resilientCreationWindow")) {
    options.resilient_creation_window_s =
        read_duration(context, *value, reader.path("resilientCreationWindow"), 60, 86400).value_or(1800);
  }
  if (const Node* value = reader.get("predictiveLookAhead")) {
    options.predictive_look_ahead_s =
        read_duration(context, *value, reader.path("predictiveLookAhead"), 60, 3600).value_or(300);
  }
  if (const Node* value = reader.get("spotRestoreTimeout")) {
    options.spot_restore_timeout_s =
        read_duration(context, *value, reader.path("spotRestoreTimeout"), 60, limits::kMaxDurationS).value_or(3600);
  }
}

void read_outputs(Context& context, const Node& node, Draft& draft) {
  MapReader reader(context, node, "outputs", KeySet{{"timeline", "events"}});
  if (const Node* value = reader.get("timeline")) {
    draft.scenario.outputs.timeline = read_bool(context, *value, reader.path("timeline")).value_or(true);
  }
  if (const Node* value = reader.get("events")) {
    draft.scenario.outputs.events = read_bool(context, *value, reader.path("events")).value_or(true);
  }
}

}  // namespace load

namespace {

void read_document(load::Context& context, const yaml::Node& root, load::Draft& draft) {
  using load::KeySet;
  if (root.is_mapping() && root.find("scaleSets") == nullptr && root.find("seeds") != nullptr) {
    context.diagnostics.add_file_error(draft.scenario.source_file,
                                       "this is a sweep file (it has seeds and no scaleSets), not a scenario; run it "
                                       "with mixsim sweep " +
                                           draft.scenario.source_file);
    return;
  }
  load::MapReader reader(context, root, "",
                         KeySet{{"scenario", "catalog", "regions", "scaleSets", "events", "platformOptions", "outputs"}});
  if (!reader.is_mapping()) {
    return;
  }

  // Order matters: options and the catalog come before the sections that refer to them.
  if (const yaml::Node* node = reader.required("scenario", "name, duration and other run settings")) {
    load::read_scenario_block(context, *node, draft);
  }
  if (const yaml::Node* node = reader.get("platformOptions")) {
    load::read_platform_options(context, *node, draft);
  }
  if (const yaml::Node* node = reader.required("catalog", "VM sizes and prices")) {
    load::read_catalog(context, *node, draft);
  }
  if (const yaml::Node* node = reader.required("regions", "zones, quotas and capacity")) {
    load::read_regions(context, *node, draft);
  }
  if (const yaml::Node* node = reader.required("scaleSets", "the scale sets to simulate")) {
    load::read_scale_sets(context, *node, draft);
  }
  if (const yaml::Node* node = reader.get("events")) {
    load::read_events(context, *node, draft);
  }
  if (const yaml::Node* node = reader.get("outputs")) {
    load::read_outputs(context, *node, draft);
  }
}

}  // namespace

namespace {

Scenario load_from_text(load::Context& context, const std::string& text, const std::string& display_name,
                        const LoadOptions& options) {
  yaml::NodePtr root = yaml::parse_document(text, display_name, context.diagnostics);
  if (root->is_null()) {
    context.diagnostics.add_file_error(
        display_name, "the file is empty; a scenario needs the keys scenario, catalog, regions and scaleSets");
    throw InputError(std::move(context.diagnostics));
  }
  load::apply_overrides(context, root, options.overrides);

  load::Draft draft;
  draft.scenario.source_file = display_name;
  draft.seed_override = options.seed;
  read_document(context, *root, draft);
  if (context.diagnostics.empty()) {
    load::finish_scenario(context, draft);
  }
  if (!context.diagnostics.empty()) {
    throw InputError(std::move(context.diagnostics));
  }
  return std::move(draft.scenario);
}

load::Context make_context(const std::string& path, const LoadOptions& options) {
  load::Context context;
  const std::string folder = std::filesystem::path(path).parent_path().string();
  context.scenario_dir = folder;
  context.display_dir = folder;
  context.files_root = options.files_root;
  return context;
}

}  // namespace

Scenario load_scenario(const std::string& path, const LoadOptions& options) {
  load::Context context = make_context(path, options);
  std::string text;
  if (!yaml::read_text_file(path, path, text, context.diagnostics)) {
    throw InputError(std::move(context.diagnostics));
  }
  return load_from_text(context, text, path, options);
}

Scenario load_scenario_text(const std::string& text, const std::string& display_name, const LoadOptions& options) {
  load::Context context = make_context(display_name, options);
  return load_from_text(context, text, display_name, options);
}

}  // namespace mixsim
