#include "mixsim/diagnostics.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace mixsim {

namespace {

// Writes control characters as \xNN, so that text taken from the input (a key with a line break, a character that
// a YAML error message quotes) cannot split one diagnostic over several lines.
std::string escape_controls(const std::string& text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string escaped;
  escaped.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      escaped += "\\x";
      escaped += kHex[byte >> 4];
      escaped += kHex[byte & 0xf];
    } else {
      escaped += c;
    }
  }
  return escaped;
}

}  // namespace

std::string Diagnostic::format() const {
  const std::string shown_message = escape_controls(message);
  const std::string shown_path = escape_controls(key_path);
  if (origin.is_override()) {
    std::string text = "mixsim: " + origin.override_option + " " + escape_controls(origin.override_arg) + ": ";
    const std::string override_path = origin.override_arg.substr(0, origin.override_arg.find('='));
    if (!key_path.empty() && key_path != override_path) {
      text += shown_path + ": ";
    }
    return text + shown_message;
  }
  const std::string file = escape_controls(origin.file);
  if (origin.file.empty()) {
    return "mixsim: " + shown_message;
  }
  if (origin.line <= 0) {
    return file + ": " + shown_message;
  }
  std::string text = file + ":" + std::to_string(origin.line) + ":" + std::to_string(origin.column) + ": ";
  if (!key_path.empty()) {
    text += shown_path + ": ";
  }
  return text + shown_message;
}

void Diagnostics::add(Origin origin, std::string key_path, std::string message) {
  items_.push_back(Diagnostic{std::move(origin), std::move(key_path), std::move(message)});
}

void Diagnostics::add_file_error(const std::string& file, std::string message) {
  items_.push_back(Diagnostic{Origin{file, 0, 0, {}}, {}, std::move(message)});
}

std::string Diagnostics::format_all() const {
  std::vector<const Diagnostic*> sorted;
  sorted.reserve(items_.size());
  for (const auto& item : items_) {
    sorted.push_back(&item);
  }
  // Overrides come last; file problems in file order, then by position. Equal positions keep discovery order.
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic* a, const Diagnostic* b) {
    return std::make_tuple(a->origin.is_override(), a->origin.file, a->origin.line, a->origin.column) <
           std::make_tuple(b->origin.is_override(), b->origin.file, b->origin.line, b->origin.column);
  });

  std::string text;
  std::string previous;
  for (const Diagnostic* item : sorted) {
    std::string line = item->format();
    if (line == previous) {
      continue;  // the same alias or shared node can be reached along two paths
    }
    text += line;
    text += '\n';
    previous = std::move(line);
  }
  return text;
}

static std::string summarize(const Diagnostics& diagnostics) {
  std::string text = diagnostics.format_all();
  if (!text.empty() && text.back() == '\n') {
    text.pop_back();
  }
  return text;
}

InputError::InputError(Diagnostics diagnostics)
    : std::runtime_error(summarize(diagnostics)), diagnostics_(std::move(diagnostics)) {}

static Diagnostics single(Diagnostic diagnostic) {
  Diagnostics diagnostics;
  diagnostics.add(std::move(diagnostic.origin), std::move(diagnostic.key_path), std::move(diagnostic.message));
  return diagnostics;
}

InputError::InputError(Diagnostic diagnostic) : InputError(single(std::move(diagnostic))) {}

static size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  // A suggestion helps only when most of the word survives: allow about one edit per three characters.
  const size_t allowed = std::max<size_t>(2, word.size() / 3);
  std::string best;
  size_t best_distance = 0;
  for (const auto& candidate : candidates) {
    // The distance is at least the difference in length, so such candidates are skipped. Otherwise a long word
    // checked against many names (a thousand characters against ten thousand imported sizes) would take seconds.
    const size_t length_difference =
        word.size() > candidate.size() ? word.size() - candidate.size() : candidate.size() - word.size();
    if (length_difference > allowed) {
      continue;
    }
    const size_t distance = edit_distance(word, candidate);
    if (best.empty() || distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  if (best.empty() || best_distance > allowed) {
    return {};
  }
  return best;
}

}  // namespace mixsim
