// Spot prices that move: `regions[].spot.prices`, as constants, steps, traces, or an import of the AWS Spot price
// history format (tab-separated: availability zone id, instance type, product, USD per hour, ISO 8601 time).
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "loader_internal.hpp"
#include "time_format.hpp"
#include "trace_reader.hpp"

namespace mixsim::load {

namespace {

constexpr double kMaxSpotPrice = limits::kMaxPriceUsdPerHour;
constexpr size_t kMaxHistoryBytes = 512u << 20;

std::optional<StepSeries> read_price_profile(Context& context, const Node& node, const std::string& path,
                                             const Draft& draft) {
  if (node.is_scalar()) {
    const auto value = read_number(context, node, path, NumberRange{0, kMaxSpotPrice});
    return value ? std::optional(StepSeries::constant(*value)) : std::nullopt;
  }
  MapReader reader(context, node, path, KeySet{{"steps", "trace", "column", "align", "offset", "scale", "loop"}});
  if (!reader.is_mapping()) {
    return std::nullopt;
  }
  if ((reader.get("steps") != nullptr) == (reader.get("trace") != nullptr)) {
    context.error(node, path, "give exactly one of steps or trace (or a plain price)");
    return std::nullopt;
  }
  if (const Node* steps = reader.get("steps")) {
    const auto* items = read_list(context, *steps, reader.path("steps"));
    if (items == nullptr || items->empty()) {
      if (items != nullptr) {
        context.error(*steps, reader.path("steps"), "steps is empty; give at least one [time, price] pair");
      }
      return std::nullopt;
    }
    StepSeries series;
    for (size_t i = 0; i < items->size(); ++i) {
      const Node& item = *(*items)[i];
      const std::string item_path = index_path(reader.path("steps"), i);
      if (!item.is_sequence() || item.items.size() != 2) {
        context.error(item, item_path, "expected a pair [time from start, USD per hour], e.g. [P1D, 0.02]");
        return std::nullopt;
      }
      const auto at = read_duration(context, *item.items[0], item_path + "[0]", 0, limits::kMaxDurationS);
      const auto price = read_number(context, *item.items[1], item_path + "[1]", NumberRange{0, kMaxSpotPrice});
      if (!at || !price) {
        return std::nullopt;
      }
      if (!series.times_s.empty() && *at <= series.times_s.back()) {
        context.error(*item.items[0], item_path + "[0]", "step times must strictly increase");
        return std::nullopt;
      }
      series.times_s.push_back(*at);
      series.values.push_back(*price);
    }
    return series;
  }
  return read_trace_spec(context, reader, 0, draft.scenario.start_unix_s);
}

bool read_mapping(Context& context, MapReader& reader, RegionId region, Draft& draft, SpotPriceHistoryMapping& mapping) {
  bool ok = true;
  if (const Node* product = reader.get("product")) {
    mapping.product = read_name(context, *product, reader.path("product")).value_or(mapping.product);
  }
  const Node* types = reader.required("instanceTypes", "a mapping of AWS instance type to catalog size");
  const Node* zones = reader.required("zones", "a mapping of AWS availability zone id to zone name");
  if (types == nullptr || zones == nullptr) {
    return false;
  }
  if (!types->is_mapping() || !zones->is_mapping()) {
    context.error(types->is_mapping() ? *zones : *types, reader.path(types->is_mapping() ? "zones" : "instanceTypes"),
                  "expected a mapping");
    return false;
  }
  for (const auto& entry : types->entries) {
    if (const auto size = draft.find_size(context, *entry.value, reader.path("instanceTypes") + "." + entry.key)) {
      mapping.instance_types[entry.key] = *size;
    } else {
      ok = false;
    }
  }
  for (const auto& entry : zones->entries) {
    Node list;
    list.kind = Node::Kind::Sequence;
    list.items.push_back(entry.value);
    if (const auto ids = draft.find_zones(context, list, reader.path("zones") + "." + entry.key, region)) {
      mapping.zones[entry.key] = ids->front();
    } else {
      ok = false;
    }
  }
  return ok;
}

}  // namespace

bool parse_spot_price_history(Context& context, const std::string& text, const std::string& display,
                              const SpotPriceHistoryMapping& mapping, SpotPriceHistory& series) {
  int line = 0;
  int problems = 0;
  size_t pos = 0;
  while (pos < text.size() && problems < 10) {
    const size_t end = std::min(text.find('\n', pos), text.size());
    std::string row = text.substr(pos, end - pos);
    pos = end + 1;
    ++line;
    if (!row.empty() && row.back() == '\r') {
      row.pop_back();
    }
    if (row.empty()) {
      continue;
    }
    std::vector<std::string> fields;
    size_t start = 0;
    for (size_t tab = row.find('\t'); tab != std::string::npos; tab = row.find('\t', start)) {
      fields.push_back(row.substr(start, tab - start));
      start = tab + 1;
    }
    fields.push_back(row.substr(start));
    if (fields.size() != 5) {
      context.error(Origin{display, line, 1, {}}, {},
                    fmt::format("expected 5 tab-separated fields (zone id, instance type, product, price, time), found {}",
                                fields.size()));
      ++problems;
      continue;
    }
    const auto zone = mapping.zones.find(fields[0]);
    const auto type = mapping.instance_types.find(fields[1]);
    if (zone == mapping.zones.end() || type == mapping.instance_types.end() || fields[2] != mapping.product) {
      continue;
    }
    const auto price = parse_finite_number(fields[3]);
    const auto time = parse_timestamp(fields[4]);
    if (!price || *price < 0 || *price > kMaxSpotPrice) {
      context.error(Origin{display, line, 1, {}}, "price",
                    quote(fields[3]) + fmt::format(" is not a price in USD per hour; valid: 0 to {:g}", kMaxSpotPrice));
      ++problems;
      continue;
    }
    if (!time) {
      context.error(Origin{display, line, 1, {}}, "time", quote(fields[4]) + " is not an ISO 8601 time");
      ++problems;
      continue;
    }
    // The history may repeat a time; the last row for it wins.
    series[{zone->second, type->second}][*time] = *price;
  }
  return problems == 0;
}

std::vector<std::pair<std::pair<ZoneId, size_t>, StepSeries>> align_spot_price_history(const SpotPriceHistory& series,
                                                                                       const TraceOptions& options,
                                                                                       int64_t scenario_start_unix_s) {
  // Alignment to the start uses the earliest row of all imported series, so zones keep their relative timing.
  double earliest = kInfinity;
  for (const auto& [key, prices] : series) {
    earliest = std::min(earliest, prices.begin()->first);
  }
  std::vector<std::pair<std::pair<ZoneId, size_t>, StepSeries>> aligned_series;
  for (const auto& [key, prices] : series) {
    RawTrace raw;
    raw.absolute_times = true;
    for (const auto& [time, price] : prices) {
      raw.times_s.push_back(time);
      raw.values.push_back(price);
    }
    TraceOptions aligned = options;
    if (options.align == TraceAlign::Start) {
      aligned.offset_s += raw.times_s.front() - earliest;
    }
    aligned_series.emplace_back(key, align_trace(raw, aligned, scenario_start_unix_s));
  }
  return aligned_series;
}

namespace {

void read_import(Context& context, const Node& node, const std::string& path, RegionId region, Draft& draft,
                 std::vector<std::pair<SpotPriceSpec, std::string>>& specs) {
  MapReader reader(context, node, path,
                   KeySet{{"file", "product", "instanceTypes", "zones", "align", "offset", "scale", "loop"}});
  if (!reader.is_mapping()) {
    return;
  }
  const Node* file = reader.required("file", "an AWS Spot price history file (tab-separated)");
  SpotPriceHistoryMapping mapping;
  if (file == nullptr || !read_mapping(context, reader, region, draft, mapping)) {
    return;
  }
  const auto name = read_name(context, *file, reader.path("file"));
  if (!name) {
    return;
  }
  TraceOptions options;
  if (const Node* align = reader.get("align")) {
    options.align = read_enum<TraceAlign>(context, *align, reader.path("align"),
                                          {{"start", TraceAlign::Start}, {"absolute", TraceAlign::Absolute}}, "alignment")
                        .value_or(TraceAlign::Start);
  }
  if (const Node* offset = reader.get("offset")) {
    options.offset_s = read_duration(context, *offset, reader.path("offset"), -limits::kMaxDurationS, limits::kMaxDurationS, true).value_or(0);
  }
  if (const Node* scale = reader.get("scale")) {
    options.scale = read_number(context, *scale, reader.path("scale"), NumberRange{0, 1e6}).value_or(1);
  }
  if (const Node* loop = reader.get("loop")) {
    options.loop = read_bool(context, *loop, reader.path("loop")).value_or(false);
  }

  SpotPriceHistory series;
  const size_t before = context.diagnostics.size();
  std::string text;
  std::string display;
  const bool read = context.read_named_file(*name, kMaxHistoryBytes, text, display) &&
                    parse_spot_price_history(context, text, display, mapping, series);
  if (!read || context.diagnostics.size() > before) {
    context.error(*file, reader.path("file"), "the price history " + quote_path(display) + " cannot be used; its problems are listed under its name");
    return;
  }
  if (series.empty()) {
    context.error(*file, reader.path("file"),
                  "no row of " + quote_path(display) + " matches the product " + quote(mapping.product) +
                      " and the mapped instance types and zones");
    return;
  }

  double rows = 0;
  for (const auto& [key, prices] : series) {
    rows += static_cast<double>(prices.size());
  }
  if (!context.reserve_series_points(rows, *file, reader.path("file"))) {
    return;
  }
  for (auto& [key, prices] : align_spot_price_history(series, options, draft.scenario.start_unix_s)) {
    if (prices.period_s > 0 && prices.period_s < 1) {
      context.error(*reader.get("loop"), reader.path("loop"),
                    fmt::format("the imported prices repeat every {} s; a looped history must cover at least 1 s",
                                prices.period_s));
      return;
    }
    specs.emplace_back(SpotPriceSpec{key.first, static_cast<SizeId>(key.second), std::move(prices)}, path);
  }
}

}  // namespace

void read_spot_prices(Context& context, const Node& node, const std::string& path, RegionId region, Draft& draft) {
  const auto* items = read_list(context, node, path);
  if (items == nullptr) {
    return;
  }
  std::vector<std::pair<SpotPriceSpec, std::string>> specs;
  for (size_t i = 0; i < items->size(); ++i) {
    const std::string item_path = index_path(path, i);
    MapReader reader(context, *(*items)[i], item_path, KeySet{{"size", "zones", "price", "import"}});
    if (!reader.is_mapping()) {
      continue;
    }
    if (const Node* import = reader.get("import")) {
      for (const char* key : {"size", "zones", "price"}) {
        if (reader.get(key) != nullptr) {
          context.error(*reader.get(key), reader.path(key), std::string("'") + key + "' does not go with import");
        }
      }
      read_import(context, *import, reader.path("import"), region, draft, specs);
      continue;
    }
    const Node* size_node = reader.required("size", "the size this price applies to");
    const Node* price_node = reader.required("price", "USD per hour: a number, steps or a trace");
    const auto size = size_node ? draft.find_size(context, *size_node, reader.path("size")) : std::nullopt;
    std::optional<std::vector<ZoneId>> zones = draft.scenario.regions[region].zones;
    if (const Node* zone_node = reader.get("zones")) {
      zones = draft.find_zones(context, *zone_node, reader.path("zones"), region);
    }
    const auto price = price_node ? read_price_profile(context, *price_node, reader.path("price"), draft) : std::nullopt;
    if (!size || !zones || !price) {
      continue;
    }
    for (ZoneId zone : *zones) {
      specs.emplace_back(SpotPriceSpec{zone, static_cast<SizeId>(*size), *price}, item_path);
    }
  }

  std::map<std::pair<ZoneId, SizeId>, std::string> defined;
  for (auto& [spec, where] : specs) {
    const auto [previous, inserted] = defined.emplace(std::make_pair(spec.zone, spec.size), where);
    if (!inserted) {
      context.error(node, where,
                    fmt::format("the Spot price of {} in zone {} is already given at {}", draft.catalog[spec.size].name,
                                draft.scenario.zones[spec.zone].label, previous->second));
      continue;
    }
    draft.spot_prices.push_back(std::move(spec));
  }
}

}  // namespace mixsim::load
