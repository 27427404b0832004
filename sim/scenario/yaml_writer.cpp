#include "yaml_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <string_view>

namespace mixsim::yaml {

namespace {

// Lines longer than this put a collection in block style even when all its values are scalars.
constexpr size_t kMaxFlowLine = 100;

bool is_plain_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || std::string_view(" _./()+@-").find(c) != std::string_view::npos ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Words YAML 1.1 readers (yaml-cpp among them) take for booleans or null.
bool is_special_word(std::string_view text) {
  static constexpr std::array<std::string_view, 10> kWords = {"true", "false", "yes", "no", "on",
                                                              "off",  "y",     "n",   "null", "~"};
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  return std::find(kWords.begin(), kWords.end(), lower) != kWords.end();
}

// A string may be plain when YAML reads it back as the same string: no indicator characters, no leading or trailing
// space, and nothing that starts like a number or is a boolean or null word.
bool can_be_plain_string(std::string_view text) {
  if (text.empty() || text.front() == ' ' || text.back() == ' ' || is_special_word(text)) {
    return false;
  }
  const char first = text.front();
  if (std::isdigit(static_cast<unsigned char>(first)) != 0 || std::string_view(".+-@").find(first) != std::string_view::npos) {
    return false;
  }
  return std::all_of(text.begin(), text.end(), is_plain_char);
}

// A plain scalar of the source (a number, a boolean) may stay plain when it is one word of letters, digits and
// the characters numbers use.
bool can_stay_plain(std::string_view text) {
  return !text.empty() && text != "-" && std::all_of(text.begin(), text.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) != 0 || std::string_view(".+-_").find(c) != std::string_view::npos;
         });
}

std::string double_quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string format_key(const std::string& key) { return can_be_plain_string(key) ? key : double_quoted(key); }

bool all_scalars(const Node& node) {
  if (node.is_sequence()) {
    return std::all_of(node.items.begin(), node.items.end(), [](const NodePtr& item) { return !item->is_mapping() && !item->is_sequence(); });
  }
  return std::all_of(node.entries.begin(), node.entries.end(),
                     [](const Entry& entry) { return !entry.value->is_mapping() && !entry.value->is_sequence(); });
}

// Formats a collection of scalars on one line in flow style; returns nothing when it contains collections.
std::optional<std::string> flow(const Node& node) {
  if (!all_scalars(node)) {
    return std::nullopt;
  }
  std::string text;
  if (node.is_sequence()) {
    for (const NodePtr& item : node.items) {
      text += (text.empty() ? "" : ", ") + format_scalar(*item);
    }
    return "[" + text + "]";
  }
  for (const Entry& entry : node.entries) {
    text += (text.empty() ? "" : ", ") + format_key(entry.key) + ": " + format_scalar(*entry.value);
  }
  return text.empty() ? "{}" : "{ " + text + " }";
}

}  // namespace

std::string format_scalar(const Node& node) {
  if (node.is_null()) {
    return "null";
  }
  if (node.plain) {
    return can_stay_plain(node.scalar) ? node.scalar : double_quoted(node.scalar);
  }
  return can_be_plain_string(node.scalar) ? node.scalar : double_quoted(node.scalar);
}

std::string write_entry(const std::string& key, const Node& value, int indent) {
  const std::string prefix = std::string(static_cast<size_t>(indent), ' ') + format_key(key) + ":";
  if (!value.is_mapping() && !value.is_sequence()) {
    return prefix + " " + format_scalar(value) + "\n";
  }
  const std::optional<std::string> inline_text = flow(value);
  const bool empty = value.items.empty() && value.entries.empty();
  if (inline_text && (empty || prefix.size() + 1 + inline_text->size() <= kMaxFlowLine)) {
    return prefix + " " + *inline_text + "\n";
  }
  return prefix + "\n" + write_block(value, indent + 2);
}

std::string write_block(const Node& node, int indent) {
  const std::string pad(static_cast<size_t>(indent), ' ');
  if (node.is_mapping()) {
    std::string text;
    for (const Entry& entry : node.entries) {
      text += write_entry(entry.key, *entry.value, indent);
    }
    return text;
  }
  if (!node.is_sequence()) {
    return pad + format_scalar(node) + "\n";
  }

  std::string text;
  for (const NodePtr& item : node.items) {
    const std::optional<std::string> inline_text =
        item->is_mapping() || item->is_sequence() ? flow(*item) : std::optional<std::string>(format_scalar(*item));
    if (inline_text && pad.size() + 2 + inline_text->size() <= kMaxFlowLine) {
      text += pad + "- " + *inline_text + "\n";
    } else if (item->is_mapping()) {
      // The first key goes on the dash line: "- name: x" with the other keys aligned below it.
      std::string block = write_block(*item, indent + 2);
      block.replace(0, static_cast<size_t>(indent) + 2, pad + "- ");
      text += block;
    } else {
      text += pad + "-\n" + write_block(*item, indent + 2);
    }
  }
  return text;
}

}  // namespace mixsim::yaml
