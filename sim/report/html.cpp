#include "html.hpp"

#include <fmt/format.h>

#include <cmath>

#include "page_assets.hpp"

namespace mixsim::report {

std::string escape_html(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&#39;";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

std::string format_usd(double usd) {
  if (!std::isfinite(usd)) {
    return "n/a";
  }
  const std::string digits = fmt::format("{:.2f}", std::fabs(usd));
  const size_t point = digits.find('.');
  std::string grouped;
  for (size_t i = 0; i < point; ++i) {
    if (i > 0 && (point - i) % 3 == 0) {
      grouped += ',';
    }
    grouped += digits[i];
  }
  return (usd < 0 ? "-$" : "$") + grouped + digits.substr(point);
}

std::string format_percent(double fraction, int decimals) {
  if (!std::isfinite(fraction)) {
    return "n/a";
  }
  return fmt::format("{:.{}f} %", fraction * 100, decimals);
}

std::string format_hours_minutes(double seconds) {
  const auto total_minutes = static_cast<long long>(std::llround(seconds / 60));
  return fmt::format("{}h {:02d}m", total_minutes / 60, total_minutes % 60);
}

std::string format_number(double value, int significant) {
  if (!std::isfinite(value)) {
    return "n/a";
  }
  return fmt::format("{:.{}g}", value, significant);
}

std::string html_page(std::string_view title, std::string_view body) {
  std::string page;
  page.reserve(body.size() + 16384);
  page += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  // No request may leave the file: the policy blocks every fetch while the inline style and script still run.
  page += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n";
  page += fmt::format("<title>{}</title>\n<style>\n{}</style>\n</head>\n<body>\n", escape_html(title), kReportCss);
  page += body;
  page += fmt::format("\n<script>\n{}</script>\n</body>\n</html>\n", kReportScript);
  return page;
}

}  // namespace mixsim::report
