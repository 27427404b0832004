#include "time_zones.hpp"

#include <unicode/gregocal.h>
#include <unicode/strenum.h>
#include <unicode/timezone.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <set>

#include "mixsim/check.hpp"

namespace mixsim {

namespace {

constexpr double kMillisecondsPerSecond = 1000;

std::string to_utf8(const icu::UnicodeString& text) {
  std::string result;
  text.toUTF8String(result);
  return result;
}

std::unique_ptr<icu::Calendar> calendar_in(const std::string& zone) {
  UErrorCode status = U_ZERO_ERROR;
  auto calendar = std::make_unique<icu::GregorianCalendar>(
      icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(zone)), status);
  MIXSIM_CHECK(U_SUCCESS(status), "ICU creates a Gregorian calendar");
  // Dates before the 1582 Gregorian switch do not occur in scenarios; a proleptic calendar keeps arithmetic simple.
  calendar->setGregorianChange(-8.64e15, status);
  return calendar;
}

}  // namespace

std::optional<std::string> resolve_time_zone(const std::string& name) {
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString id;
  icu::TimeZone::getIDForWindowsID(icu::UnicodeString::fromUTF8(name), nullptr, id, status);
  if (U_SUCCESS(status) && id.length() > 0) {
    return to_utf8(id);
  }
  // A tz database id is accepted as it is.
  icu::UnicodeString canonical;
  UBool is_system = false;
  status = U_ZERO_ERROR;
  icu::TimeZone::getCanonicalID(icu::UnicodeString::fromUTF8(name), canonical, is_system, status);
  if (U_SUCCESS(status) && is_system) {
    return name;
  }
  return std::nullopt;
}

std::vector<std::string> windows_time_zone_names() {
  std::set<std::string> names;
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::StringEnumeration> zones(icu::TimeZone::createEnumeration(status));
  const icu::UnicodeString* zone = nullptr;
  while (U_SUCCESS(status) && (zone = zones->snext(status)) != nullptr) {
    icu::UnicodeString windows;
    UErrorCode lookup = U_ZERO_ERROR;
    icu::TimeZone::getWindowsID(*zone, windows, lookup);
    if (U_SUCCESS(lookup) && windows.length() > 0) {
      names.insert(to_utf8(windows));
    }
  }
  return {names.begin(), names.end()};
}

LocalTime to_local(const std::string& zone, double unix_s) {
  auto calendar = calendar_in(zone);
  UErrorCode status = U_ZERO_ERROR;
  calendar->setTime(unix_s * kMillisecondsPerSecond, status);
  LocalTime local;
  local.year = calendar->get(UCAL_EXTENDED_YEAR, status);
  local.month = calendar->get(UCAL_MONTH, status) + 1;
  local.day = calendar->get(UCAL_DATE, status);
  local.hour = calendar->get(UCAL_HOUR_OF_DAY, status);
  local.minute = calendar->get(UCAL_MINUTE, status);
  local.second = calendar->get(UCAL_SECOND, status);
  local.weekday = calendar->get(UCAL_DAY_OF_WEEK, status) - UCAL_SUNDAY;
  MIXSIM_CHECK(U_SUCCESS(status), "ICU converts a time to local time");
  return local;
}

double from_local(const std::string& zone, int year, int month, int day, int hour, int minute, double second) {
  auto calendar = calendar_in(zone);
  UErrorCode status = U_ZERO_ERROR;
  calendar->clear();
  calendar->set(UCAL_EXTENDED_YEAR, year);
  calendar->set(UCAL_MONTH, month - 1);
  calendar->set(UCAL_DATE, day);
  calendar->set(UCAL_HOUR_OF_DAY, hour);
  calendar->set(UCAL_MINUTE, minute);
  calendar->set(UCAL_SECOND, static_cast<int>(std::floor(second)));
  // A skipped wall time becomes the first valid time after the gap; a repeated one takes its first occurrence.
  calendar->setSkippedWallTimeOption(UCAL_WALLTIME_NEXT_VALID);
  calendar->setRepeatedWallTimeOption(UCAL_WALLTIME_FIRST);
  const double milliseconds = calendar->getTime(status);
  MIXSIM_CHECK(U_SUCCESS(status), "ICU converts a local time to Unix time");
  return milliseconds / kMillisecondsPerSecond + (second - std::floor(second));
}

}  // namespace mixsim
