// A small RFC 4180 CSV tokenizer that keeps the line and column of every field.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mixsim::load {

struct CsvField {
  std::string text;
  int column = 1;  // 1-based column of the field's first character
};

struct CsvRow {
  int line = 0;  // 1-based line where the row starts
  std::vector<CsvField> fields;
};

/// Splits CSV text into rows. Quoted fields may hold commas, doubled quotes and line breaks; CR LF and LF both end
/// a row; blank lines are skipped.
class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : text_(text) {}

  /// Reads the next row; returns false at the end of the text. On malformed input (a quote that never closes,
  /// text after a closing quote), sets `error` and returns true with the row read so far.
  bool next(CsvRow& row, std::string& error);

 private:
  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
};

}  // namespace mixsim::load
