// Problems in the result files a report is drawn from.
#pragma once

#include <stdexcept>
#include <string>

namespace mixsim::report {

/// Thrown when a result file is missing, truncated or malformed. what() reads `FILE:LINE: MESSAGE`, or
/// `FILE: MESSAGE` when the problem concerns the whole file (line 0). The CLI prints it and exits with status 2.
class ReportInputError : public std::runtime_error {
 public:
  ReportInputError(const std::string& file, int line, const std::string& message)
      : std::runtime_error(line > 0 ? file + ":" + std::to_string(line) + ": " + message : file + ": " + message),
        file_(file),
        line_(line) {}

  const std::string& file() const { return file_; }
  int line() const { return line_; }

 private:
  std::string file_;
  int line_ = 0;
};

}  // namespace mixsim::report
