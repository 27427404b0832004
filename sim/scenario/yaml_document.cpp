#include "yaml_document.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_set>

namespace mixsim::yaml {

const Node* Node::find(std::string_view key) const {
  for (const auto& entry : entries) {
    if (entry.key == key) {
      return entry.value.get();
    }
  }
  return nullptr;
}

Entry* Node::find_entry(std::string_view key) {
  for (auto& entry : entries) {
    if (entry.key == key) {
      return &entry;
    }
  }
  return nullptr;
}

const char* kind_name(Node::Kind kind) {
  switch (kind) {
    case Node::Kind::Null:
      return "nothing";
    case Node::Kind::Scalar:
      return "a scalar";
    case Node::Kind::Sequence:
      return "a list";
    case Node::Kind::Mapping:
      return "a mapping";
  }
  return "?";
}

namespace {

// Returns the length of the valid UTF-8 sequence that starts at `pos` (1 to 4), or 0 when none does: a stray
// continuation byte, an overlong form, a surrogate, a code point above U+10FFFF or a sequence cut short.
size_t utf8_sequence_length(std::string_view text, size_t pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  size_t length = 0;
  uint32_t code_point = 0;
  if (lead < 0x80) {
    return 1;
  }
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
    code_point = lead & 0x1fu;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    code_point = lead & 0x0fu;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    code_point = lead & 0x07u;
  } else {
    return 0;
  }
  if (pos + length > text.size()) {
    return 0;
  }
  for (size_t i = 1; i < length; ++i) {
    const auto next = static_cast<unsigned char>(text[pos + i]);
    if ((next & 0xc0u) != 0x80u) {
      return 0;
    }
    code_point = (code_point << 6) | (next & 0x3fu);
  }
  const bool overlong = (length == 3 && code_point < 0x800) || (length == 4 && code_point < 0x10000);
  const bool surrogate = code_point >= 0xd800 && code_point <= 0xdfff;
  if (overlong || surrogate || code_point > 0x10ffff) {
    return 0;
  }
  return length;
}

// yaml-cpp turns the escapes "\_" (U+00A0) and "\N" (U+0085) of double-quoted scalars into the single bytes 0xA0
// and 0x85 instead of their UTF-8 forms. The document's text was checked to be UTF-8 before parsing, so such a
// byte in a scalar can only come from one of these escapes: encode it as the code point it stands for.
std::string encode_escaped_bytes(const std::string& value) {
  std::string fixed;
  fixed.reserve(value.size() + 4);
  size_t pos = 0;
  while (pos < value.size()) {
    const size_t length = utf8_sequence_length(value, pos);
    if (length == 0) {
      const auto byte = static_cast<unsigned char>(value[pos]);
      fixed += static_cast<char>(0xc0u | (byte >> 6));
      fixed += static_cast<char>(0x80u | (byte & 0x3fu));
      ++pos;
    } else {
      fixed.append(value, pos, length);
      pos += length;
    }
  }
  return fixed;
}

}  // namespace

size_t find_invalid_utf8(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t length = utf8_sequence_length(text, pos);
    if (length == 0) {
      return pos;
    }
    pos += length;
  }
  return std::string::npos;
}

namespace {

struct LimitExceeded {
  YAML::Mark mark;
  std::string message;
};

// Builds the tree from parser events. Containers under construction sit on a stack; a mapping frame holds the
// key waiting for its value and the keys seen so far, so duplicates are found in constant time per key.
class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(std::string file, std::string override_arg, Diagnostics* diagnostics, const ParseLimits& limits)
      : file_(std::move(file)), override_arg_(std::move(override_arg)), diagnostics_(diagnostics), limits_(limits) {}

  NodePtr take_root() { return root_; }
  int documents() const { return documents_; }

  void OnDocumentStart(const YAML::Mark&) override { ++documents_; }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto node = make_node(Node::Kind::Null, mark);
    remember_anchor(anchor, node, 1);
    attach(node, 1);
  }

  // An alias shares its anchor's node instead of copying it, so memory stays small. The readers walk the shared
  // node once per alias, though, so against alias bombs the nodes it stands for count against the limit.
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (anchor == 0 || anchor >= anchors_.size() || !anchors_[anchor]) {
      throw LimitExceeded{mark, "alias to an unknown anchor"};
    }
    const size_t size = anchor_sizes_[anchor];
    if (size == 0) {
      throw LimitExceeded{mark, "an alias refers to a node that contains it, which would make the document infinite"};
    }
    expanded_nodes_ += size;
    if (expanded_nodes_ > limits_.max_nodes) {
      throw LimitExceeded{mark, "the document expands to more than " + std::to_string(limits_.max_nodes) +
                                    " nodes through its aliases"};
    }
    attach(anchors_[anchor], size);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    auto node = make_node(Node::Kind::Scalar, mark);
    node->scalar = find_invalid_utf8(value) == std::string::npos ? value : encode_escaped_bytes(value);
    node->plain = (tag == "?");
    remember_anchor(anchor, node, 1);
    attach(node, 1);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(Node::Kind::Sequence, mark, anchor);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(Node::Kind::Mapping, mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    NodePtr node;
    NodePtr pending_key;
    std::unordered_set<std::string> keys;
    std::string path;  // key path of this container, for messages
    YAML::anchor_t anchor = 0;
    size_t expanded_size = 1;  // nodes in this container, each alias counted as the nodes it stands for
  };

  // The key path a node gets when it is attached to the innermost open container.
  std::string child_path() const {
    if (stack_.empty()) {
      return {};
    }
    const Frame& parent = stack_.back();
    if (parent.node->kind == Node::Kind::Sequence) {
      return parent.path + "[" + std::to_string(parent.node->items.size()) + "]";
    }
    if (parent.pending_key && parent.pending_key->kind == Node::Kind::Scalar) {
      return parent.path.empty() ? parent.pending_key->scalar : parent.path + "." + parent.pending_key->scalar;
    }
    return parent.path;
  }

  Origin origin_of(const YAML::Mark& mark) const {
    if (!override_arg_.empty()) {
      return Origin{{}, 0, 0, override_arg_};
    }
    return Origin{file_, mark.line + 1, mark.column + 1, {}};
  }

  void count_node(const YAML::Mark& mark) {
    ++expanded_nodes_;
    if (++nodes_ > limits_.max_nodes) {
      throw LimitExceeded{mark, "the document has more than " + std::to_string(limits_.max_nodes) + " nodes"};
    }
  }

  NodePtr make_node(Node::Kind kind, const YAML::Mark& mark) {
    count_node(mark);
    auto node = std::make_shared<Node>();
    node->kind = kind;
    node->origin = origin_of(mark);
    return node;
  }

  // `size` is the node's expanded size, or 0 for a container that is still open.
  void remember_anchor(YAML::anchor_t anchor, const NodePtr& node, size_t size) {
    if (anchor == 0) {
      return;
    }
    if (anchor >= anchors_.size()) {
      anchors_.resize(anchor + 1);
      anchor_sizes_.resize(anchor + 1, 0);
    }
    anchors_[anchor] = node;
    anchor_sizes_[anchor] = size;
  }

  void open(Node::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (stack_.size() >= limits_.max_depth) {
      throw LimitExceeded{mark, "nesting deeper than " + std::to_string(limits_.max_depth) + " levels"};
    }
    auto node = make_node(kind, mark);
    remember_anchor(anchor, node, 0);
    std::string path = child_path();
    stack_.push_back(Frame{node, nullptr, {}, std::move(path), anchor, 1});
  }

  void close() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    if (frame.anchor != 0) {
      anchor_sizes_[frame.anchor] = frame.expanded_size;
    }
    attach(frame.node, frame.expanded_size);
  }

  void attach(const NodePtr& node, size_t expanded_size) {
    if (stack_.empty()) {
      root_ = node;
      return;
    }
    Frame& frame = stack_.back();
    frame.expanded_size += expanded_size;
    if (frame.node->kind == Node::Kind::Sequence) {
      frame.node->items.push_back(node);
      return;
    }
    if (!frame.pending_key) {
      frame.pending_key = node;
      return;
    }
    add_entry(frame, std::move(frame.pending_key), node);
    frame.pending_key = nullptr;
  }

  void add_entry(Frame& frame, NodePtr key, const NodePtr& value) {
    if (key->kind != Node::Kind::Scalar) {
      diagnostics_->add(key->origin, frame.path,
                        std::string("a mapping key must be a plain name, found ") + kind_name(key->kind));
      return;
    }
    if (!frame.keys.insert(key->scalar).second) {
      const std::string path = frame.path.empty() ? key->scalar : frame.path + "." + key->scalar;
      diagnostics_->add(key->origin, path, "duplicate key '" + key->scalar + "' in this mapping; each key may appear once");
      return;
    }
    frame.node->entries.push_back(Entry{key->scalar, key->origin, value});
  }

  std::string file_;
  std::string override_arg_;
  Diagnostics* diagnostics_;
  ParseLimits limits_;
  NodePtr root_;
  std::vector<Frame> stack_;
  std::vector<NodePtr> anchors_;
  std::vector<size_t> anchor_sizes_;  // by anchor: expanded size of its node, 0 while the node is open
  size_t nodes_ = 0;
  size_t expanded_nodes_ = 0;
  int documents_ = 0;
};

Origin mark_origin(const std::string& file, const std::string& override_arg, const YAML::Mark& mark) {
  if (!override_arg.empty()) {
    return Origin{{}, 0, 0, override_arg};
  }
  if (mark.is_null()) {
    return Origin{file, 0, 0, {}};
  }
  return Origin{file, mark.line + 1, mark.column + 1, {}};
}

// yaml-cpp reads a NUL byte as an escape and passes invalid UTF-8 through to scalars, where it would break the
// JSON result files. Both are rejected here, with their position.
void check_encoding(const std::string& text, const std::string& file, const std::string& override_arg) {
  const size_t nul = text.find('\0');
  const size_t invalid = find_invalid_utf8(text);
  const size_t offset = std::min(nul, invalid);
  if (offset == std::string::npos) {
    return;
  }
  const size_t line_start = offset == 0 ? 0 : text.rfind('\n', offset - 1) + 1;  // npos + 1 wraps to 0
  YAML::Mark mark;
  mark.line = static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
  mark.column = static_cast<int>(offset - line_start);
  const std::string found =
      offset == nul ? std::string("a NUL byte")
                    : fmt::format("the byte 0x{:02x}, which is not UTF-8", static_cast<unsigned char>(text[offset]));
  throw InputError(
      Diagnostic{mark_origin(file, override_arg, mark), {}, "the text contains " + found + "; expected UTF-8 text"});
}

NodePtr parse(const std::string& text, const std::string& file, const std::string& override_arg,
              Diagnostics& diagnostics, const ParseLimits& limits) {
  if (text.size() > limits.max_bytes) {
    throw InputError(Diagnostic{Origin{file, 0, 0, override_arg}, {},
                                "the file is " + std::to_string(text.size()) + " bytes, more than the limit of " +
                                    std::to_string(limits.max_bytes)});
  }
  check_encoding(text, file, override_arg);
  std::istringstream stream(text);
  TreeBuilder builder(file, override_arg, &diagnostics, limits);
  try {
    YAML::Parser parser(stream);
    while (parser.HandleNextDocument(builder)) {
      if (builder.documents() > 1) {
        throw InputError(Diagnostic{mark_origin(file, override_arg, YAML::Mark::null_mark()), {},
                                    "expected one YAML document, found more (a second '---')"});
      }
    }
  } catch (const YAML::Exception& error) {
    throw InputError(Diagnostic{mark_origin(file, override_arg, error.mark), {}, "invalid YAML: " + error.msg});
  } catch (const LimitExceeded& error) {
    throw InputError(Diagnostic{mark_origin(file, override_arg, error.mark), {}, error.message});
  }
  NodePtr root = builder.take_root();
  if (!root) {
    root = std::make_shared<Node>();
    root->origin = Origin{file, 0, 0, override_arg};
  }
  return root;
}

}  // namespace

NodePtr parse_document(const std::string& text, const std::string& display_file, Diagnostics& diagnostics,
                       const ParseLimits& limits) {
  return parse(text, display_file, {}, diagnostics, limits);
}

NodePtr parse_override_value(const std::string& value_text, const std::string& override_arg) {
  Diagnostics diagnostics;
  NodePtr node = parse(value_text, {}, override_arg, diagnostics, ParseLimits{});
  if (!diagnostics.empty()) {
    throw InputError(std::move(diagnostics));
  }
  return node;
}

namespace {

// True when `text` reads back as the same string scalar without quotes, in flow context too: no indicator
// characters, and not a word that YAML turns into null.
bool is_safe_plain(const std::string& text) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return false;
  }
  const auto is_word_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' || c == '+' || c == '-' ||
           c == '/';
  };
  if (!std::all_of(text.begin(), text.end(), is_word_char)) {
    return false;
  }
  // A leading '-', '+' or '.' is safe only as part of a number such as -0.5 or .5.
  const char first = text.front();
  if (first == '-' || first == '+' || first == '.') {
    return text.size() > 1 && std::isdigit(static_cast<unsigned char>(text[1])) != 0;
  }
  return true;
}

void append_quoted(std::string& out, const std::string& text) {
  out += '"';
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7f) {
      static const char* const kHex = "0123456789abcdef";
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
  out += '"';
}

void append_scalar(std::string& out, const std::string& text) {
  if (is_safe_plain(text)) {
    out += text;
  } else {
    append_quoted(out, text);
  }
}

bool append_flow(std::string& out, const Node& node, size_t depth, size_t max_bytes, size_t max_depth) {
  if (depth > max_depth || out.size() > max_bytes) {
    return false;
  }
  switch (node.kind) {
    case Node::Kind::Null:
      out += "null";
      return true;
    case Node::Kind::Scalar:
      append_scalar(out, node.scalar);
      return out.size() <= max_bytes;
    case Node::Kind::Sequence:
      out += '[';
      for (size_t i = 0; i < node.items.size(); ++i) {
        out += i == 0 ? "" : ", ";
        if (!append_flow(out, *node.items[i], depth + 1, max_bytes, max_depth)) {
          return false;
        }
      }
      out += ']';
      return true;
    case Node::Kind::Mapping:
      out += '{';
      for (size_t i = 0; i < node.entries.size(); ++i) {
        out += i == 0 ? "" : ", ";
        append_scalar(out, node.entries[i].key);
        out += ": ";
        if (!append_flow(out, *node.entries[i].value, depth + 1, max_bytes, max_depth)) {
          return false;
        }
      }
      out += '}';
      return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> format_flow(const Node& node, size_t max_bytes, size_t max_depth) {
  std::string text;
  if (!append_flow(text, node, 0, max_bytes, max_depth)) {
    return std::nullopt;
  }
  return text;
}

bool read_text_file(const std::string& path, const std::string& display_file, std::string& text,
                    Diagnostics& diagnostics, size_t max_bytes) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (!std::filesystem::exists(status)) {
    const bool missing = !error || error == std::errc::no_such_file_or_directory;
    diagnostics.add_file_error(display_file, missing ? "file not found" : "cannot be read: " + error.message());
    return false;
  }
  if (std::filesystem::is_directory(status)) {
    diagnostics.add_file_error(display_file, "is a directory, expected a file");
    return false;
  }
  // Reading a pipe or a device such as /dev/stdin could block forever or never end.
  if (!std::filesystem::is_regular_file(status)) {
    diagnostics.add_file_error(display_file, "is not a regular file (a pipe, socket or device), expected a file");
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diagnostics.add_file_error(display_file, "cannot be read (permission denied?)");
    return false;
  }
  std::ostringstream buffer;
  char chunk[65536];
  size_t total = 0;
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    total += static_cast<size_t>(in.gcount());
    if (total > max_bytes) {
      diagnostics.add_file_error(display_file, "is larger than the limit of " + std::to_string(max_bytes) + " bytes");
      return false;
    }
    buffer.write(chunk, in.gcount());
  }
  if (in.bad()) {
    diagnostics.add_file_error(display_file, "cannot be read (I/O error)");
    return false;
  }
  text = buffer.str();
  return true;
}

}  // namespace mixsim::yaml
