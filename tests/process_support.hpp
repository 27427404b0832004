// Running shell commands from test programs.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <string>

namespace mixsim::test {

/// Quotes `text` for a POSIX shell.
inline std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return quoted + "'";
}

/// Runs `command` with /bin/sh and returns its exit status, or 128 when it did not exit normally.
inline int run_shell(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

}  // namespace mixsim::test
