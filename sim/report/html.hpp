// HTML text helpers shared by the run and sweep reports: escaping, number formats, and the page shell with its
// inline CSS and script, so that a report is one file that needs no network.
#pragma once

#include <string>
#include <string_view>

namespace mixsim::report {

/// Escapes &, <, >, " and ' for use in HTML text and attribute values.
std::string escape_html(std::string_view text);

/// Formats USD with cents: `$439.86`, `$1,234.50`.
std::string format_usd(double usd);

/// Formats a fraction as a percentage with `decimals` digits: 0.9980 -> `99.80 %`.
std::string format_percent(double fraction, int decimals = 2);

/// Formats seconds as hours and minutes: `3h 54m`.
std::string format_hours_minutes(double seconds);

/// Formats a number with up to `significant` significant digits and no trailing zeros.
std::string format_number(double value, int significant = 4);

/// Wraps `body` into a complete HTML page with the report stylesheet and script. `title` is plain text.
std::string html_page(std::string_view title, std::string_view body);

}  // namespace mixsim::report
