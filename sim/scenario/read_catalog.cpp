// The `catalog` section: inline sizes and the import of a CSV price list.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "csv_reader.hpp"
#include "loader_internal.hpp"

namespace mixsim::load {

namespace {

constexpr int kMaxVcpus = 4096;
constexpr double kMaxMemoryGib = 1 << 20;
constexpr size_t kMaxPriceListBytes = 256u << 20;

CatalogSize& size_entry(Draft& draft, const std::string& name) {
  const auto found = draft.catalog_index.find(name);
  if (found != draft.catalog_index.end()) {
    return draft.catalog[found->second];
  }
  draft.catalog_index.emplace(name, draft.catalog.size());
  draft.catalog.push_back(CatalogSize{name, {}, 0, 0, {}, {}});
  return draft.catalog.back();
}

struct ImportColumns {
  size_t instance_type = SIZE_MAX;
  size_t vcpus = SIZE_MAX;
  size_t memory = SIZE_MAX;
  size_t price = SIZE_MAX;
  size_t spot_price = SIZE_MAX;
  size_t region = SIZE_MAX;
  size_t needed() const { return std::max<size_t>({instance_type, vcpus, memory, price, spot_price, region}) + 1; }
};

// Finds the required columns by header name; reports the missing ones.
std::optional<ImportColumns> find_columns(Context& context, const CsvRow& header, const std::string& display) {
  ImportColumns columns;
  const std::pair<const char*, size_t*> wanted[] = {
      {"InstanceType", &columns.instance_type}, {"vCPUs", &columns.vcpus},         {"MemoryGiB", &columns.memory},
      {"Price", &columns.price},                {"SpotPrice", &columns.spot_price}, {"Region", &columns.region}};
  std::vector<std::string> missing;
  for (const auto& [name, index] : wanted) {
    for (size_t i = 0; i < header.fields.size(); ++i) {
      if (header.fields[i].text == name) {
        *index = i;
      }
    }
    if (*index == SIZE_MAX) {
      missing.emplace_back(name);
    }
  }
  if (!missing.empty()) {
    context.error(Origin{display, header.line, 1, {}}, {},
                  "the header lacks the column(s) " + list_names(missing) +
                      "; a price list needs InstanceType, vCPUs, MemoryGiB, Price, SpotPrice and Region");
    return std::nullopt;
  }
  return columns;
}

// Reads an optional price cell: empty means "no price".
bool read_price_cell(Context& context, const std::string& display, int line, const CsvField& field,
                     const char* column, std::optional<double>& price) {
  if (field.text.empty()) {
    price.reset();
    return true;
  }
  const auto value = parse_finite_number(field.text);
  if (!value || *value < 0 || *value > limits::kMaxPriceUsdPerHour) {
    context.error(Origin{display, line, field.column, {}}, column,
                  quote(field.text) + " is not a valid price; valid: an amount in USD per hour, or empty for none");
    return false;
  }
  price = value;
  return true;
}

}  // namespace

void parse_price_list(Context& context, const std::string& text, const std::string& display, Draft& draft) {
  CsvReader reader(text);
  CsvRow header;
  std::string error;
  if (!reader.next(header, error)) {
    context.diagnostics.add_file_error(
        display, "the price list is empty; expected a header row and one row per size and region");
    return;
  }
  const auto columns = find_columns(context, header, display);
  if (!columns) {
    return;
  }

  std::map<std::pair<std::string, std::string>, int> seen;  // (size, region) -> line
  int problems = 0;
  CsvRow row;
  while (reader.next(row, error) && problems < 10) {
    if (!error.empty()) {
      context.error(Origin{display, row.line, 1, {}}, {}, error);
      ++problems;
      break;
    }
    if (row.fields.size() < columns->needed()) {
      context.error(
          Origin{display, row.line, 1, {}}, {},
          fmt::format("the row has {} columns, the header names {}", row.fields.size(), header.fields.size()));
      ++problems;
      continue;
    }
    const std::string& name = row.fields[columns->instance_type].text;
    const std::string& region = row.fields[columns->region].text;
    if (name.empty() || region.empty()) {
      context.error(Origin{display, row.line, 1, {}}, {}, "InstanceType and Region must not be empty");
      ++problems;
      continue;
    }
    const auto [previous, inserted] = seen.emplace(std::make_pair(name, region), row.line);
    if (!inserted) {
      context.error(Origin{display, row.line, 1, {}}, {},
                    fmt::format("{} in {} is listed again (first on line {})", name, region, previous->second));
      ++problems;
      continue;
    }

    const CsvField& vcpu_field = row.fields[columns->vcpus];
    const auto vcpus = parse_finite_number(vcpu_field.text);
    if (!vcpus || *vcpus < 1 || *vcpus > kMaxVcpus || std::floor(*vcpus) != *vcpus) {
      context.error(Origin{display, row.line, vcpu_field.column, {}}, "vCPUs",
                    quote(vcpu_field.text) +
                        fmt::format(" is not a valid vCPU count; valid: a whole number from 1 to {}", kMaxVcpus));
      ++problems;
      continue;
    }
    const CsvField& memory_field = row.fields[columns->memory];
    const auto memory = memory_field.text.empty() ? std::optional<double>(0) : parse_finite_number(memory_field.text);
    if (!memory || *memory < 0 || *memory > kMaxMemoryGib) {
      context.error(Origin{display, row.line, memory_field.column, {}}, "MemoryGiB",
                    quote(memory_field.text) + " is not a valid memory size in GiB");
      ++problems;
      continue;
    }
    std::optional<double> regular;
    std::optional<double> spot;
    if (!read_price_cell(context, display, row.line, row.fields[columns->price], "Price", regular) ||
        !read_price_cell(context, display, row.line, row.fields[columns->spot_price], "SpotPrice", spot)) {
      ++problems;
      continue;
    }

    CatalogSize& size = size_entry(draft, name);
    size.vcpus = static_cast<int>(*vcpus);
    size.memory_gib = *memory;
    if (regular) {
      size.regular_usd_per_hour[region] = *regular;
    }
    if (spot) {
      size.spot_usd_per_hour[region] = *spot;
    }
  }
  if (problems >= 10) {
    context.diagnostics.add_file_error(display, "stopped reading after 10 problems");
  }
}

namespace {

void read_import(Context& context, const Node& node, Draft& draft) {
  MapReader reader(context, node, "catalog.import", KeySet{{"file", "families"}});
  const Node* file_node = reader.required("file", "a CSV price list");
  if (file_node == nullptr) {
    return;
  }
  const auto file = read_name(context, *file_node, reader.path("file"));
  if (!file) {
    return;
  }
  const size_t before = context.diagnostics.size();
  std::string text;
  std::string display;
  if (context.read_named_file(*file, kMaxPriceListBytes, text, display)) {
    parse_price_list(context, text, display, draft);
  }
  if (context.diagnostics.size() > before) {
    context.error(*file_node, reader.path("file"),
                  "the price list " + quote_path(display) + " cannot be used; its problems are listed under its name");
    return;
  }

  const Node* families = reader.get("families");
  if (families == nullptr) {
    return;
  }
  if (!families->is_mapping()) {
    context.error(*families, reader.path("families"), "expected a mapping of size name to quota family");
    return;
  }
  for (const auto& entry : families->entries) {
    const std::string path = reader.path("families") + "." + entry.key;
    const auto found = draft.catalog_index.find(entry.key);
    if (found == draft.catalog_index.end()) {
      context.error(entry.key_origin, path, "size " + quote(entry.key) + " is not in the imported price list");
      continue;
    }
    if (const auto family = read_name(context, *entry.value, path)) {
      draft.catalog[found->second].family = *family;
    }
  }
}

void read_prices(Context& context, const Node& node, const std::string& path, CatalogSize& size) {
  if (!node.is_mapping()) {
    context.error(node, path, "expected a mapping of region to {regular, spot} prices");
    return;
  }
  for (const auto& entry : node.entries) {
    const std::string region_path = path + "." + entry.key;
    MapReader reader(context, *entry.value, region_path, KeySet{{"regular", "spot"}});
    if (!reader.is_mapping()) {
      continue;
    }
    // A key present with an empty value removes an imported price.
    if (entry.value->find("regular") != nullptr) {
      if (const Node* value = reader.get("regular")) {
        if (auto price = read_number(context, *value, reader.path("regular"), NumberRange{0, limits::kMaxPriceUsdPerHour})) {
          size.regular_usd_per_hour[entry.key] = *price;
        }
      } else {
        size.regular_usd_per_hour.erase(entry.key);
      }
    }
    if (entry.value->find("spot") != nullptr) {
      if (const Node* value = reader.get("spot")) {
        if (auto price = read_number(context, *value, reader.path("spot"), NumberRange{0, limits::kMaxPriceUsdPerHour})) {
          size.spot_usd_per_hour[entry.key] = *price;
        }
      } else {
        size.spot_usd_per_hour.erase(entry.key);
      }
    }
  }
}

void read_inline_size(Context& context, const Node& node, const std::string& path, Draft& draft,
                      std::map<std::string, std::string>& inline_names) {
  MapReader reader(context, node, path, KeySet{{"name", "family", "vCPUs", "memoryGiB", "prices"}});
  const Node* name_node = reader.required("name", "the Azure size name, e.g. Standard_D2s_v5");
  if (name_node == nullptr) {
    return;
  }
  const auto name = read_name(context, *name_node, reader.path("name"));
  if (!name) {
    return;
  }
  const auto [previous, inserted] = inline_names.emplace(*name, path);
  if (!inserted) {
    context.error(*name_node, reader.path("name"), "size " + quote(*name) + " is already defined at " + previous->second);
    return;
  }
  const bool imported = draft.catalog_index.count(*name) > 0;
  CatalogSize& size = size_entry(draft, *name);

  if (const Node* value = reader.get("family")) {
    size.family = read_name(context, *value, reader.path("family")).value_or(size.family);
  }
  if (const Node* value = reader.get("vCPUs")) {
    size.vcpus = static_cast<int>(read_integer(context, *value, reader.path("vCPUs"), 1, kMaxVcpus).value_or(size.vcpus));
  } else if (!imported) {
    reader.required("vCPUs", "the size's vCPU count");
  }
  if (const Node* value = reader.get("memoryGiB")) {
    size.memory_gib = read_number(context, *value, reader.path("memoryGiB"), NumberRange{0, kMaxMemoryGib}).value_or(0);
  }
  if (const Node* value = reader.get("prices")) {
    read_prices(context, *value, reader.path("prices"), size);
  }
}

}  // namespace

void import_price_list(Context& context, const std::string& file, const std::string& display, Draft& draft) {
  std::string text;
  if (yaml::read_text_file(file, display, text, context.diagnostics, kMaxPriceListBytes)) {
    parse_price_list(context, text, display, draft);
  }
}

void read_catalog(Context& context, const Node& node, Draft& draft) {
  MapReader reader(context, node, "catalog", KeySet{{"import", "sizes", "osDiskPricePerHour"}});
  if (!reader.is_mapping()) {
    return;
  }
  if (reader.get("import") == nullptr && reader.get("sizes") == nullptr) {
    context.error(node, "catalog", "the catalog needs sizes, an import, or both");
  }
  if (const Node* import = reader.get("import")) {
    read_import(context, *import, draft);
  }
  if (const Node* sizes = reader.get("sizes")) {
    std::map<std::string, std::string> inline_names;
    if (const auto* items = read_list(context, *sizes, reader.path("sizes"))) {
      for (size_t i = 0; i < items->size(); ++i) {
        read_inline_size(context, *(*items)[i], index_path(reader.path("sizes"), i), draft, inline_names);
      }
    }
  }
  if (const Node* disk = reader.get("osDiskPricePerHour")) {
    draft.scenario.os_disk_usd_per_hour =
        read_number(context, *disk, reader.path("osDiskPricePerHour"), NumberRange{0, limits::kMaxPriceUsdPerHour})
            .value_or(0);
  }
}

}  // namespace mixsim::load
