#include "csv_reader.hpp"

namespace mixsim::load {

bool CsvReader::next(CsvRow& row, std::string& error) {
  row.fields.clear();
  error.clear();

  // Skip blank lines between rows.
  while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
    if (text_[pos_] == '\n') {
      ++line_;
      line_start_ = pos_ + 1;
    }
    ++pos_;
  }
  if (pos_ >= text_.size()) {
    return false;
  }
  row.line = line_;

  while (true) {
    CsvField field;
    field.column = static_cast<int>(pos_ - line_start_) + 1;
    if (pos_ < text_.size() && text_[pos_] == '"') {
      ++pos_;
      bool closed = false;
      while (pos_ < text_.size()) {
        const char c = text_[pos_];
        if (c == '"') {
          if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
            field.text += '"';
            pos_ += 2;
            continue;
          }
          ++pos_;
          closed = true;
          break;
        }
        if (c == '\n') {
          ++line_;
          line_start_ = pos_ + 1;
        }
        field.text += c;
        ++pos_;
      }
      if (!closed) {
        error = "a quoted field is not closed before the end of the file";
        row.fields.push_back(std::move(field));
        return true;
      }
      if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r') {
        error = "unexpected text after a closing quote";
      }
    }
    while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r') {
      field.text += text_[pos_];
      ++pos_;
    }
    row.fields.push_back(std::move(field));
    if (pos_ < text_.size() && text_[pos_] == ',') {
      ++pos_;
      continue;
    }
    break;
  }

  // Consume the row's line ending.
  if (pos_ < text_.size() && text_[pos_] == '\r') {
    ++pos_;
  }
  if (pos_ < text_.size() && text_[pos_] == '\n') {
    ++pos_;
    ++line_;
    line_start_ = pos_;
  }
  return true;
}

}  // namespace mixsim::load
