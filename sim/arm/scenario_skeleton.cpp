#include "scenario_skeleton.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "scenario/yaml_writer.hpp"
#include "template_value.hpp"

namespace mixsim::arm {

namespace {

// Placeholder prices in USD per vCPU-hour, so that larger sizes cost more until the user enters real prices.
constexpr double kPlaceholderRegularPerVcpu = 0.05;
constexpr double kPlaceholderSpotPerVcpu = 0.01;

std::string scalar_text(const std::string& text) {
  yaml::Node node;
  node.kind = yaml::Node::Kind::Scalar;
  node.scalar = text;
  node.plain = false;
  return yaml::format_scalar(node);
}

std::string price_text(double usd_per_hour) {
  return fmt::format("{}", std::round(usd_per_hour * 1e6) / 1e6);
}

template <class T>
void add_unique(std::vector<T>& list, const T& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) {
    list.push_back(value);
  }
}

std::vector<std::string> zones_of(const ImportedScaleSet& set) {
  std::vector<std::string> zones;
  const yaml::Node* node = set.set->find("zones");
  if (node != nullptr && node->is_sequence()) {
    for (const auto& item : node->items) {
      if (item->is_scalar()) {
        zones.push_back(item->scalar);
      }
    }
  }
  return zones;
}

void write_scenario_block(std::string& out, const std::vector<const ImportedScaleSet*>& sets,
                          const SkeletonOptions& options) {
  out += "scenario:\n";
  out += "  name: " + scalar_text(options.scenario_name) + "\n";
  out += "  duration: P1D  # edit me: the simulated time span\n";
  std::vector<std::string> reasons;
  for (const ImportedScaleSet* set : sets) {
    for (const std::string& reason : set->ga_reasons) {
      add_unique(reasons, reason);
    }
  }
  for (const std::string& reason : reasons) {
    out += "  # platformRules ga: " + reason + "\n";
  }
  if (!reasons.empty()) {
    out += "  platformRules: ga\n";
  }
}

std::optional<double> price_in(const std::map<std::string, double>& prices, const std::string& region) {
  const auto found = prices.find(region);
  return found == prices.end() ? std::nullopt : std::optional<double>(found->second);
}

// One `prices.<region>` line: the list's prices when it has the size there, placeholders otherwise.
std::string price_line(const std::string& region, const load::CatalogSize* listed, int vcpus,
                       const SkeletonOptions& options, int& placeholders) {
  const std::optional<double> regular = listed != nullptr ? price_in(listed->regular_usd_per_hour, region) : std::nullopt;
  const std::optional<double> spot = listed != nullptr ? price_in(listed->spot_usd_per_hour, region) : std::nullopt;
  const std::string key = "        " + scalar_text(region) + ": ";

  if (!regular && !spot) {
    ++placeholders;
    const std::string why = options.prices != nullptr
                                ? fmt::format("; {} has no price for this size in {}", options.prices->display_file, region)
                                : "";
    return key + fmt::format("{{ regular: {}, spot: {} }}  # edit me: placeholder prices in USD per hour, not real "
                             "ones{}\n",
                             price_text(kPlaceholderRegularPerVcpu * vcpus), price_text(kPlaceholderSpotPerVcpu * vcpus),
                             why);
  }
  std::string prices;
  if (regular) {
    prices += "regular: " + price_text(*regular);
  }
  if (spot) {
    prices += std::string(prices.empty() ? "" : ", ") + "spot: " + price_text(*spot);
  }
  std::string comment = "  # from " + options.prices->display_file;
  if (!regular) {
    comment += "; the list has no Regular price";
  } else if (!spot) {
    comment += "; the list has no Spot price";
  }
  return key + "{ " + prices + " }" + comment + "\n";
}

void write_catalog(std::string& out, const std::vector<const ImportedScaleSet*>& sets, const SkeletonOptions& options,
                   int& placeholders) {
  std::vector<std::string> sizes;
  for (const ImportedScaleSet* set : sets) {
    for (const std::string& size : set->sizes) {
      add_unique(sizes, size);
    }
  }
  out += "catalog:\n";
  out += sizes.empty() ? "  sizes: []  # edit me: the imported scale sets name no VM size\n" : "  sizes:\n";
  for (const std::string& size : sizes) {
    const load::CatalogSize* listed = options.prices != nullptr ? options.prices->find(size) : nullptr;
    const std::optional<int> from_name = vcpus_from_size_name(size);
    const int vcpus = listed != nullptr ? listed->vcpus : from_name.value_or(1);
    out += "    - name: " + scalar_text(size) + "\n";
    if (listed != nullptr) {
      out += fmt::format("      vCPUs: {}\n      memoryGiB: {}\n", vcpus, listed->memory_gib);
    } else if (from_name) {
      out += fmt::format("      vCPUs: {}  # edit me: read from the size name\n", vcpus);
    } else {
      out += "      vCPUs: 1  # edit me: the size name gives no vCPU count\n";
    }
    out += "      prices:\n";
    std::vector<std::string> regions;
    for (const ImportedScaleSet* set : sets) {
      if (!set->region.empty() && std::find(set->sizes.begin(), set->sizes.end(), size) != set->sizes.end()) {
        add_unique(regions, set->region);
      }
    }
    for (const std::string& region : regions) {
      out += price_line(region, listed, vcpus, options, placeholders);
    }
  }
}

void write_regions(std::string& out, const std::vector<const ImportedScaleSet*>& sets) {
  std::vector<std::string> regions;
  for (const ImportedScaleSet* set : sets) {
    if (!set->region.empty()) {
      add_unique(regions, set->region);
    }
  }
  out += "regions:\n";
  if (regions.empty()) {
    out += "  - name: eastus  # edit me: the imported scale sets give no location\n    zones: [\"1\"]\n";
  }
  for (const std::string& region : regions) {
    std::vector<std::string> zones;
    for (const ImportedScaleSet* set : sets) {
      if (set->region == region) {
        for (const std::string& zone : zones_of(*set)) {
          add_unique(zones, zone);
        }
      }
    }
    std::string list;
    for (const std::string& zone : zones.empty() ? std::vector<std::string>{"1"} : zones) {
      list += (list.empty() ? "" : ", ") + std::string("\"") + zone + "\"";
    }
    out += "  - name: " + scalar_text(region) + "\n";
    out += "    zones: [" + list + "]" + (zones.empty() ? "  # edit me: the region's availability zones" : "") + "\n";
  }
}

void write_scale_sets(std::string& out, const std::vector<const ImportedScaleSet*>& sets) {
  out += "scaleSets:\n";
  for (const ImportedScaleSet* set : sets) {
    std::string block = yaml::write_block(*set->set, 4);
    block.replace(0, 4, "  - ");
    out += block;
    out += "    # workload: { demand: { constant: 4 } }  # edit me: vCPUs of work; without a workload the VMs are idle\n";
  }
}

}  // namespace

const load::CatalogSize* PriceList::find(const std::string& name) const {
  for (const load::CatalogSize& size : sizes) {
    if (size.name == name) {
      return &size;
    }
  }
  return nullptr;
}

PriceList read_price_list(const std::string& path, const std::string& display_file, Diagnostics& diagnostics) {
  load::Context context;
  load::Draft draft;
  load::import_price_list(context, path, display_file, draft);
  for (const Diagnostic& item : context.diagnostics.items()) {
    diagnostics.add(item.origin, item.key_path, item.message);
  }
  return PriceList{display_file, std::move(draft.catalog)};
}

std::optional<int> vcpus_from_size_name(const std::string& size) {
  // Standard_<family letters><vCPUs>[-<active vCPUs>]<features>_<version>
  const size_t underscore = size.find('_');
  size_t pos = underscore == std::string::npos ? 0 : underscore + 1;
  while (pos < size.size() && std::isalpha(static_cast<unsigned char>(size[pos])) != 0) {
    ++pos;
  }
  auto read_number = [&](size_t& at) -> std::optional<int> {
    const size_t start = at;
    while (at < size.size() && std::isdigit(static_cast<unsigned char>(size[at])) != 0 && at - start < 5) {
      ++at;
    }
    return at > start ? std::optional<int>(std::stoi(size.substr(start, at - start))) : std::nullopt;
  };
  std::optional<int> vcpus = read_number(pos);
  if (vcpus && pos < size.size() && size[pos] == '-') {
    ++pos;
    if (const auto active = read_number(pos)) {
      vcpus = active;
    }
  }
  if (!vcpus || *vcpus < 1) {
    return std::nullopt;
  }
  return vcpus;
}

Skeleton write_skeleton(const std::vector<const ImportedScaleSet*>& scale_sets, const SkeletonOptions& options) {
  Skeleton skeleton;
  std::string& out = skeleton.text;
  out += "# A scenario skeleton that `mixsim import arm` wrote from " + options.source_file + ".\n";
  out += "# Check the lines marked \"edit me\", give each scale set a workload, then run `mixsim validate` on it.\n";
  write_scenario_block(out, scale_sets, options);
  write_catalog(out, scale_sets, options, skeleton.placeholder_prices);
  write_regions(out, scale_sets);
  write_scale_sets(out, scale_sets);
  return skeleton;
}

}  // namespace mixsim::arm
