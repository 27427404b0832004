#include "time_format.hpp"

#include <date/date.h>
#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace mixsim {

namespace {

constexpr const char* kDurationForms = "durations are ISO 8601 (PT90S, PT5M, P1DT12H, P2W) or short (90s, 5m, 12h, 7d)";

// Reads an unsigned decimal number (digits with an optional fraction) at `pos`; returns false if none.
bool read_decimal(std::string_view text, size_t& pos, double& value) {
  const size_t start = pos;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
    ++pos;
  }
  if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
    ++pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      ++pos;
    }
  }
  if (pos == start || (pos == start + 1 && (text[start] == '.' || text[start] == ','))) {
    return false;
  }
  std::string digits(text.substr(start, pos - start));
  for (char& c : digits) {
    if (c == ',') {
      c = '.';
    }
  }
  value = std::strtod(digits.c_str(), nullptr);
  return std::isfinite(value);
}

ParsedDuration fail(std::string_view text, const std::string& why) {
  // A value of thousands of digits would otherwise fill the message.
  constexpr size_t kMaxShown = 60;
  const std::string excerpt =
      text.size() > kMaxShown ? std::string(text.substr(0, kMaxShown)) + "..." : std::string(text);
  return ParsedDuration{std::nullopt, "'" + excerpt + "' is not a valid duration: " + why};
}

ParsedDuration parse_iso_duration(std::string_view text, std::string_view body) {
  size_t pos = 1;  // after 'P'
  bool in_time = false;
  bool any_component = false;
  double seconds = 0;
  char last_unit = 0;
  const std::string_view date_order = "WD";
  const std::string_view time_order = "HMS";

  while (pos < body.size()) {
    if (body[pos] == 'T' || body[pos] == 't') {
      if (in_time) {
        return fail(text, "'T' appears twice; " + std::string(kDurationForms));
      }
      in_time = true;
      last_unit = 0;
      ++pos;
      if (pos == body.size()) {
        return fail(text, "nothing follows 'T'; " + std::string(kDurationForms));
      }
      continue;
    }
    double value = 0;
    if (!read_decimal(body, pos, value)) {
      return fail(text, "expected a number at position " + std::to_string(pos + 1) + "; " + kDurationForms);
    }
    if (pos == body.size()) {
      return fail(text, "the number at the end has no unit; " + std::string(kDurationForms));
    }
    const char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(body[pos])));
    ++pos;
    if (!in_time && (unit == 'Y' || unit == 'M')) {
      return fail(text, "years and months have no fixed length; give the span in days (P30D, P365D)");
    }
    const std::string_view order = in_time ? time_order : date_order;
    const size_t rank = order.find(unit);
    if (rank == std::string_view::npos) {
      return fail(text, std::string("unknown unit '") + unit + "'; " + kDurationForms);
    }
    if (last_unit != 0 && rank <= order.find(last_unit)) {
      return fail(text, "units must appear once each, largest first; " + std::string(kDurationForms));
    }
    last_unit = unit;
    any_component = true;
    switch (unit) {
      case 'W':
        seconds += value * 7 * 86400;
        break;
      case 'D':
        seconds += value * 86400;
        break;
      case 'H':
        seconds += value * 3600;
        break;
      case 'M':
        seconds += value * 60;
        break;
      default:
        seconds += value;
        break;
    }
  }
  if (!any_component) {
    return fail(text, "no amount given; " + std::string(kDurationForms));
  }
  return ParsedDuration{seconds, {}};
}

ParsedDuration parse_short_duration(std::string_view text, std::string_view body) {
  size_t pos = 0;
  double value = 0;
  if (!read_decimal(body, pos, value)) {
    return fail(text, kDurationForms);
  }
  if (pos == body.size()) {
    return fail(text, "a unit is missing (s, m, h or d); " + std::string(kDurationForms));
  }
  const std::string_view unit = body.substr(pos);
  if (unit == "s") {
    return ParsedDuration{value, {}};
  }
  if (unit == "m") {
    return ParsedDuration{value * 60, {}};
  }
  if (unit == "h") {
    return ParsedDuration{value * 3600, {}};
  }
  if (unit == "d") {
    return ParsedDuration{value * 86400, {}};
  }
  if (unit == "w") {
    return ParsedDuration{value * 7 * 86400, {}};
  }
  if (unit == "y" || unit == "mo" || unit == "M") {
    return fail(text, "years and months have no fixed length; give the span in days (365d)");
  }
  return fail(text, "unknown unit '" + std::string(unit) + "'; " + kDurationForms);
}

bool read_fixed_digits(std::string_view text, size_t& pos, int count, int& value) {
  value = 0;
  for (int i = 0; i < count; ++i) {
    if (pos >= text.size() || !std::isdigit(static_cast<unsigned char>(text[pos]))) {
      return false;
    }
    value = value * 10 + (text[pos] - '0');
    ++pos;
  }
  return true;
}

bool expect_char(std::string_view text, size_t& pos, char c) {
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

}  // namespace

ParsedDuration parse_duration(std::string_view text, bool allow_negative) {
  std::string_view body = text;
  bool negative = false;
  if (!body.empty() && body.front() == '-') {
    if (!allow_negative) {
      return fail(text, "negative durations are not allowed here");
    }
    negative = true;
    body.remove_prefix(1);
  }
  if (body.empty()) {
    return fail(text, kDurationForms);
  }
  ParsedDuration parsed =
      (body.front() == 'P' || body.front() == 'p') ? parse_iso_duration(text, body) : parse_short_duration(text, body);
  if (parsed.seconds && negative) {
    parsed.seconds = -*parsed.seconds;
  }
  return parsed;
}

std::optional<double> parse_timestamp(std::string_view text) {
  size_t pos = 0;
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!read_fixed_digits(text, pos, 4, year) || !expect_char(text, pos, '-') ||
      !read_fixed_digits(text, pos, 2, month) || !expect_char(text, pos, '-') ||
      !read_fixed_digits(text, pos, 2, day)) {
    return std::nullopt;
  }
  if (!(expect_char(text, pos, 'T') || expect_char(text, pos, 't') || expect_char(text, pos, ' '))) {
    return std::nullopt;
  }
  if (!read_fixed_digits(text, pos, 2, hour) || !expect_char(text, pos, ':') ||
      !read_fixed_digits(text, pos, 2, minute) || !expect_char(text, pos, ':') ||
      !read_fixed_digits(text, pos, 2, second)) {
    return std::nullopt;
  }
  double fraction = 0;
  if (pos < text.size() && text[pos] == '.') {
    const size_t start = pos;
    ++pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      ++pos;
    }
    if (pos == start + 1) {
      return std::nullopt;
    }
    fraction = std::strtod(std::string(text.substr(start, pos - start)).c_str(), nullptr);
  }
  int offset_s = 0;
  if (pos < text.size()) {
    if (text[pos] == 'Z' || text[pos] == 'z') {
      ++pos;
    } else if (text[pos] == '+' || text[pos] == '-') {
      const int sign = text[pos] == '-' ? -1 : 1;
      ++pos;
      int offset_hours = 0;
      int offset_minutes = 0;
      if (!read_fixed_digits(text, pos, 2, offset_hours) || !expect_char(text, pos, ':') ||
          !read_fixed_digits(text, pos, 2, offset_minutes) || offset_hours > 23 || offset_minutes > 59) {
        return std::nullopt;
      }
      offset_s = sign * (offset_hours * 3600 + offset_minutes * 60);
    }
  }
  if (pos != text.size()) {
    return std::nullopt;
  }
  const date::year_month_day ymd{date::year{year}, date::month{static_cast<unsigned>(month)},
                                 date::day{static_cast<unsigned>(day)}};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  const auto days = date::sys_days{ymd}.time_since_epoch().count();
  return static_cast<double>(days) * 86400 + hour * 3600 + minute * 60 + second + fraction - offset_s;
}

std::string format_timestamp(int64_t unix_s) {
  const int64_t days = unix_s >= 0 ? unix_s / 86400 : -((-unix_s + 86399) / 86400);
  const int64_t in_day = unix_s - days * 86400;
  const date::year_month_day ymd{date::sys_days{date::days{days}}};
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), in_day / 3600,
                     (in_day % 3600) / 60, in_day % 60);
}

std::string format_duration(double seconds) {
  if (seconds < 0) {
    return "-" + format_duration(-seconds);
  }
  const double whole_days = std::floor(seconds / 86400);
  double rest = seconds - whole_days * 86400;
  std::string text = "P";
  if (whole_days > 0) {
    text += fmt::format("{}D", whole_days);
  }
  if (rest > 0 || whole_days == 0) {
    text += "T";
    const double hours = std::floor(rest / 3600);
    rest -= hours * 3600;
    const double minutes = std::floor(rest / 60);
    rest -= minutes * 60;
    if (hours > 0) {
      text += fmt::format("{}H", hours);
    }
    if (minutes > 0) {
      text += fmt::format("{}M", minutes);
    }
    if (rest > 0 || (hours == 0 && minutes == 0)) {
      text += fmt::format("{}S", rest);
    }
  }
  return text;
}

}  // namespace mixsim
