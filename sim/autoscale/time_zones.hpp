// Windows time zone names, as Azure autoscale uses them, mapped to the tz database through ICU, and conversions
// between Unix time and local wall-clock time with daylight saving time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mixsim {

/// Returns the tz database id for a Windows time zone name ("Pacific Standard Time" -> "America/Los_Angeles"),
/// accepts a tz database id unchanged, and returns empty for anything else.
std::optional<std::string> resolve_time_zone(const std::string& name);

/// Every Windows time zone name ICU knows, sorted; for "did you mean" hints.
std::vector<std::string> windows_time_zone_names();

struct LocalTime {
  int year = 0;
  int month = 0;  // 1 to 12
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int weekday = 0;  // 0 = Sunday
};

/// The wall-clock time in `zone` (a tz database id) at Unix time `unix_s`.
LocalTime to_local(const std::string& zone, double unix_s);

/// The Unix time of a wall-clock time in `zone`. A time that daylight saving skips becomes the first valid time
/// after the gap; a time that occurs twice is taken at its first occurrence.
double from_local(const std::string& zone, int year, int month, int day, int hour, int minute, double second);

}  // namespace mixsim
