// Problems found in user input (scenario files, traces, catalogs, command-line overrides).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace mixsim {

/// Source of a value: a position in a file (1-based line and column), the file as a whole (line 0),
/// or a command-line argument such as `--set PATH=VALUE` (override_arg not empty).
struct Origin {
  std::string file;
  int line = 0;
  int column = 0;
  std::string override_arg;
  std::string override_option = "--set";  // the option that gave override_arg

  bool is_override() const { return !override_arg.empty(); }
};

/// One problem in the input. `key_path` is the dotted path of the offending key
/// (`scaleSets[0].skuProfile.vmSizes`), empty for problems that concern a whole file.
struct Diagnostic {
  Origin origin;
  std::string key_path;
  std::string message;

  /// Formats the diagnostic as the CLI prints it: `FILE:LINE:COLUMN: KEY.PATH: MESSAGE`,
  /// `FILE: MESSAGE`, or `mixsim: --set PATH=VALUE: MESSAGE` (another option in place of --set where it gave
  /// the value).
  std::string format() const;
};

/// Collects every problem found while loading, so that one run reports all of them.
class Diagnostics {
 public:
  void add(Origin origin, std::string key_path, std::string message);
  void add_file_error(const std::string& file, std::string message);

  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }

  /// Returns the diagnostics sorted by file, line and column (overrides last), one per line.
  std::string format_all() const;

 private:
  std::vector<Diagnostic> items_;
};

/// Thrown when input is invalid; carries every problem found. The CLI prints them and exits with status 2.
class InputError : public std::runtime_error {
 public:
  explicit InputError(Diagnostics diagnostics);
  explicit InputError(Diagnostic diagnostic);

  const Diagnostics& diagnostics() const { return diagnostics_; }

 private:
  Diagnostics diagnostics_;
};

/// Returns the candidate closest to `word` by edit distance when it is close enough to be a likely typo,
/// or an empty string. The comparison ignores case.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace mixsim
