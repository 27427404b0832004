// Helpers for the tests that run the mixsim binary as a separate process and read the files it writes.
#pragma once

#include <string>

namespace mixsim::test {

/// Returns a file's whole content, or "" when it cannot be read.
std::string read_file(const std::string& path);

/// Quotes `text` as one word for /bin/sh.
std::string shell_quote(const std::string& text);

}  // namespace mixsim::test
