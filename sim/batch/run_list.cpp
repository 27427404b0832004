#include "batch/run_list.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <unordered_set>

#include "mixsim/loader.hpp"

namespace mixsim::batch {

namespace {

constexpr size_t kMaxLabelInId = 24;

// FNV-1a, 64 bits: a fixed, documented hash, so ids stay the same across builds, machines and versions.
uint64_t fnv1a(std::string_view text, uint64_t hash = 0xcbf29ce484222325ULL) {
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

// MurmurHash3's 64-bit finalizer: FNV-1a leaves the last bytes' changes in the low bits, and ids keep the high ones.
uint64_t mix(uint64_t hash) {
  hash ^= hash >> 33;
  hash *= 0xff51afd7ed558ccdULL;
  hash ^= hash >> 33;
  hash *= 0xc4ceb9fe1a85ec53ULL;
  hash ^= hash >> 33;
  return hash;
}

std::string sanitize_label(const std::string& label) {
  std::string safe;
  for (const char c : label) {
    const bool keep = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
    const char out = keep ? c : '_';
    if (out == '_' && !safe.empty() && safe.back() == '_') {
      continue;
    }
    safe += out;
    if (safe.size() == kMaxLabelInId) {
      break;
    }
  }
  while (!safe.empty() && (safe.front() == '_' || safe.front() == '.')) {
    safe.erase(safe.begin());
  }
  while (!safe.empty() && safe.back() == '_') {
    safe.pop_back();
  }
  return safe.empty() ? "level" : safe;
}

// The override of `run` whose `PATH=VALUE` is `argument`, or nullptr.
const SweepOverride* find_override(const SweepSpec& spec, const RunSpec& run, const std::string& argument) {
  for (const SweepOverride& item : spec.fixed) {
    if (item.argument() == argument) {
      return &item;
    }
  }
  for (size_t factor = 0; factor < spec.factors.size(); ++factor) {
    for (const SweepOverride& item : spec.factors[factor].levels[run.levels[factor]].overrides) {
      if (item.argument() == argument) {
        return &item;
      }
    }
  }
  return nullptr;
}

// Moves a problem that an override caused to that override's place in the sweep file. A problem without a key
// path comes from the override's PATH, such as a list item that does not exist. A problem with a key path is
// about the value that the override put there.
Diagnostic relocate(const Diagnostic& problem, const SweepOverride& item) {
  if (problem.key_path.empty()) {
    return Diagnostic{item.path_origin, item.path_key, "scenario key path " + item.path + ": " + problem.message};
  }
  return Diagnostic{item.value_origin, item.value_key, problem.key_path + ": " + problem.message};
}

std::string describe_levels(const SweepSpec& spec, const RunSpec& run) {
  std::string text;
  for (size_t factor = 0; factor < spec.factors.size(); ++factor) {
    text += (factor == 0 ? "" : ", ") + spec.factors[factor].name + "=" +
            spec.factors[factor].levels[run.levels[factor]].label;
  }
  return text;
}

// Loads the scenario with `overrides`; adds the problems found to `problems`, relocated where an override
// caused them, and the warnings to `warnings`. Returns false when the scenario is invalid.
bool load_with(const SweepSpec& spec, const RunSpec& run, const std::vector<std::string>& overrides,
               Diagnostics& problems, std::vector<std::string>& warnings) {
  try {
    const Scenario scenario = load_scenario(spec.scenario, LoadOptions{overrides, run.seed, {}});
    warnings.insert(warnings.end(), scenario.warnings.begin(), scenario.warnings.end());
    return true;
  } catch (const InputError& error) {
    bool outside_overrides = false;
    for (const Diagnostic& problem : error.diagnostics().items()) {
      const SweepOverride* item =
          problem.origin.is_override() ? find_override(spec, run, problem.origin.override_arg) : nullptr;
      if (item != nullptr) {
        const Diagnostic moved = relocate(problem, *item);
        problems.add(moved.origin, moved.key_path, moved.message);
      } else {
        problems.add(problem.origin, problem.key_path, problem.message);
        outside_overrides = true;
      }
    }
    if (outside_overrides && !spec.factors.empty()) {
      problems.add_file_error(spec.file,
                              "the scenario has the problems above in the runs with " + describe_levels(spec, run));
    }
    return false;
  }
}

}  // namespace

std::vector<std::string> run_overrides(const SweepSpec& spec, const RunSpec& run) {
  std::vector<std::string> arguments;
  for (const SweepOverride& item : spec.fixed) {
    arguments.push_back(item.argument());
  }
  for (size_t factor = 0; factor < spec.factors.size(); ++factor) {
    for (const SweepOverride& item : spec.factors[factor].levels[run.levels[factor]].overrides) {
      arguments.push_back(item.argument());
    }
  }
  return arguments;
}

std::vector<std::string> run_labels(const SweepSpec& spec, const RunSpec& run) {
  std::vector<std::string> labels;
  for (size_t factor = 0; factor < spec.factors.size(); ++factor) {
    labels.push_back(spec.factors[factor].levels[run.levels[factor]].label);
  }
  return labels;
}

std::string make_run_id(const std::vector<std::string>& labels, uint64_t seed,
                        const std::vector<std::string>& overrides) {
  uint64_t hash = fnv1a("");
  for (const std::string& argument : overrides) {
    hash = fnv1a(argument, hash);
    hash = fnv1a("\n", hash);
  }
  hash = fnv1a("seed=" + std::to_string(seed), hash);

  std::string id;
  for (const std::string& label : labels) {
    id += sanitize_label(label) + "-";
  }
  return id + fmt::format("s{}-{:08x}", seed, mix(hash) >> 32);
}

std::vector<RunSpec> expand_runs(const SweepSpec& spec) {
  std::vector<RunSpec> runs;
  const uint64_t total = spec.run_count();
  runs.reserve(total);
  std::vector<size_t> levels(spec.factors.size(), 0);
  const uint64_t combinations = spec.seeds.empty() ? 0 : total / spec.seeds.size();
  for (uint64_t combination = 0; combination < combinations; ++combination) {
    // The last factor varies fastest: decode the combination index digit by digit from the last factor.
    uint64_t rest = combination;
    for (size_t factor = spec.factors.size(); factor-- > 0;) {
      levels[factor] = rest % spec.factors[factor].levels.size();
      rest /= spec.factors[factor].levels.size();
    }
    for (const uint64_t seed : spec.seeds) {
      RunSpec run;
      run.position = runs.size();
      run.combination = combination;
      run.seed = seed;
      run.levels = levels;
      run.id = make_run_id(run_labels(spec, run), seed, run_overrides(spec, run));
      runs.push_back(std::move(run));
    }
  }

  std::unordered_set<std::string> ids;
  for (const RunSpec& run : runs) {
    if (!ids.insert(run.id).second) {
      throw InputError(
          Diagnostic{Origin{spec.file, 0, 0, {}},
                     {},
                     "two runs got the same id " + run.id + "; rename a level of " + describe_levels(spec, run)});
    }
  }
  return runs;
}

std::vector<std::string> validate_runs(const SweepSpec& spec, const std::vector<RunSpec>& runs) {
  Diagnostics problems;
  std::vector<std::string> warnings;
  if (runs.empty()) {
    return warnings;
  }

  // The base scenario with the fixed overrides first: when it is invalid, every run would repeat its problems.
  RunSpec base = runs.front();
  std::vector<std::string> fixed;
  for (const SweepOverride& item : spec.fixed) {
    fixed.push_back(item.argument());
  }
  if (!load_with(spec, base, fixed, problems, warnings)) {
    throw InputError(std::move(problems));
  }

  uint64_t previous_combination = UINT64_MAX;
  for (const RunSpec& run : runs) {
    if (run.combination == previous_combination) {
      continue;
    }
    previous_combination = run.combination;
    load_with(spec, run, run_overrides(spec, run), problems, warnings);
  }
  if (!problems.empty()) {
    throw InputError(std::move(problems));
  }

  std::vector<std::string> distinct;
  std::set<std::string> seen;
  for (std::string& warning : warnings) {
    if (seen.insert(warning).second) {
      distinct.push_back(std::move(warning));
    }
  }
  return distinct;
}

}  // namespace mixsim::batch
