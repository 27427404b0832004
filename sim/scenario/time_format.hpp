// Durations (ISO 8601 and the short form) and RFC 3339 timestamps.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mixsim {

struct ParsedDuration {
  std::optional<double> seconds;
  std::string error;  // set when seconds is empty: what was wrong and what is valid
};

/// Parses `PT90S`, `P1DT12H`, `P2W`, `PT0.5S` (ISO 8601 with weeks, days, hours, minutes, seconds) or the short
/// form `90s`, `5m`, `12h`, `7d`. A leading '-' is accepted only when `allow_negative`. Years and months are
/// rejected with a hint to use days.
ParsedDuration parse_duration(std::string_view text, bool allow_negative = false);

/// Parses an RFC 3339 timestamp (`2024-06-03T00:00:00Z`, `2024-06-03T02:00:00+02:00`) or `YYYY-MM-DD HH:MM:SS`
/// (UTC) into seconds since the Unix epoch. Fractional seconds are kept.
std::optional<double> parse_timestamp(std::string_view text);

/// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
std::string format_timestamp(int64_t unix_s);

/// Formats a duration in seconds compactly for messages: `PT1H30M`, `P2D`, `PT0.5S`.
std::string format_duration(double seconds);

}  // namespace mixsim
