#include "template_expression.hpp"

#include <cctype>
#include <charconv>
#include <stdexcept>

namespace mixsim::arm {

TemplateString classify_template_string(std::string_view json_string) {
  const bool bracketed = json_string.size() >= 2 && json_string.front() == '[' && json_string.back() == ']';
  if (!bracketed) {
    return {false, std::string(json_string)};
  }
  if (json_string[1] == '[') {
    return {false, std::string(json_string.substr(1))};
  }
  return {true, std::string(json_string.substr(1, json_string.size() - 2))};
}

namespace {

struct SyntaxError {
  size_t offset;
  std::string message;
};

// Deeper nesting is no real template's; the limit keeps a hostile string from exhausting the stack.
constexpr int kMaxDepth = 100;

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// Recursive descent over: expression := primary ('.' name | '[' expression ']')*
//                         primary    := string | integer | name ['.' name] '(' [expression (',' expression)*] ')'
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Expression parse_all() {
    Expression expression = parse_expression();
    skip_spaces();
    if (pos_ < text_.size()) {
      fail("unexpected '" + std::string(1, text_[pos_]) + "' after the end of the expression");
    }
    return expression;
  }

 private:
  [[noreturn]] void fail(std::string message) const { throw SyntaxError{pos_, std::move(message)}; }

  void skip_spaces() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])) != 0) {
      ++pos_;
    }
  }

  bool accept(char c) {
    skip_spaces();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  void expect(char c, const char* what) {
    if (!accept(c)) {
      fail(std::string("expected ") + what + (pos_ < text_.size() ? "" : " before the end of the expression"));
    }
  }

  std::string read_name() {
    const size_t start = pos_;
    while (pos_ < text_.size() && is_name_char(text_[pos_])) {
      ++pos_;
    }
    return std::string(text_.substr(start, pos_ - start));
  }

  Expression parse_expression() {
    if (++depth_ > kMaxDepth) {
      fail("the expression nests more than " + std::to_string(kMaxDepth) + " levels deep");
    }
    Expression expression = parse_primary();
    while (true) {
      skip_spaces();
      const size_t offset = pos_;
      if (accept('.')) {
        skip_spaces();
        std::string name = read_name();
        if (name.empty()) {
          fail("expected a property name after '.'");
        }
        expression = Expression{Expression::Kind::Property, std::move(name), 0, {std::move(expression)}, offset};
      } else if (accept('[')) {
        Expression index = parse_expression();
        expect(']', "']' to close the index");
        expression = Expression{Expression::Kind::Index, {}, 0, {std::move(expression), std::move(index)}, offset};
      } else {
        --depth_;
        return expression;
      }
    }
  }

  Expression parse_primary() {
    skip_spaces();
    if (pos_ >= text_.size()) {
      fail("expected a value, a string in single quotes or a function call");
    }
    const char c = text_[pos_];
    if (c == '\'') {
      return parse_string();
    }
    if (c == '-' || std::isdigit(static_cast<unsigned char>(c)) != 0) {
      return parse_integer();
    }
    if (std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_') {
      return parse_call();
    }
    fail("unexpected '" + std::string(1, c) + "'; expected a string in single quotes, a number or a function call");
  }

  Expression parse_string() {
    const size_t offset = pos_++;
    std::string text;
    while (true) {
      if (pos_ >= text_.size()) {
        pos_ = offset;
        fail("the string that starts here has no closing quote");
      }
      const char c = text_[pos_++];
      if (c != '\'') {
        text += c;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == '\'') {  // '' stands for one quote
        text += '\'';
        ++pos_;
        continue;
      }
      return Expression{Expression::Kind::String, std::move(text), 0, {}, offset};
    }
  }

  Expression parse_integer() {
    const size_t offset = pos_;
    size_t end = pos_ + (text_[pos_] == '-' ? 1 : 0);
    while (end < text_.size() && std::isdigit(static_cast<unsigned char>(text_[end])) != 0) {
      ++end;
    }
    if (end < text_.size() && text_[end] == '.') {
      pos_ = end;
      fail("template expressions have no fractional numbers");
    }
    int64_t value = 0;
    const auto [stop, error] = std::from_chars(text_.data() + offset, text_.data() + end, value);
    if (error != std::errc() || stop != text_.data() + end) {
      fail("'" + std::string(text_.substr(offset, end - offset)) + "' is not a 64-bit integer");
    }
    pos_ = end;
    return Expression{Expression::Kind::Integer, {}, value, {}, offset};
  }

  Expression parse_call() {
    const size_t offset = pos_;
    std::string name = read_name();
    // A dotted name directly followed by '(' calls a user-defined function: namespace.function(...).
    const size_t after_name = pos_;
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      std::string member = read_name();
      skip_spaces();
      if (!member.empty() && pos_ < text_.size() && text_[pos_] == '(') {
        name += "." + member;
      } else {
        pos_ = after_name;
      }
    }
    if (!accept('(')) {
      pos_ = offset;
      fail("'" + name + "' is not a function call; a function name needs '(' after it, and text needs single quotes");
    }
    Expression call{Expression::Kind::Call, std::move(name), 0, {}, offset};
    if (accept(')')) {
      return call;
    }
    do {
      call.arguments.push_back(parse_expression());
    } while (accept(','));
    expect(')', "',' or ')' in the argument list");
    return call;
  }

  std::string_view text_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

ParsedExpression parse_expression(std::string_view text) {
  try {
    return {Parser(text).parse_all(), {}};
  } catch (const SyntaxError& error) {
    constexpr size_t kMaxShown = 80;
    const std::string shown = text.size() > kMaxShown ? std::string(text.substr(0, kMaxShown)) + "..." : std::string(text);
    return {std::nullopt, "invalid template expression: " + error.message + " (at character " +
                              std::to_string(error.offset + 1) + " of '" + shown + "')"};
  }
}

}  // namespace mixsim::arm
