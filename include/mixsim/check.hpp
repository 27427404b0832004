// Always-on invariant checks. A broken invariant is a bug in mixsim, never a user's mistake: it stops the run
// with exit status 3 and a message naming the check.
#pragma once

#include <stdexcept>
#include <string>

namespace mixsim {

/// Thrown when an internal invariant does not hold.
class InvariantError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

[[noreturn]] void fail_check(const char* condition, const std::string& message, const char* file, int line);

}  // namespace mixsim

/// Checks `condition` in every build type; on failure throws InvariantError with `message` and the location.
#define MIXSIM_CHECK(condition, message)                              \
  do {                                                                \
    if (!(condition)) {                                               \
      ::mixsim::fail_check(#condition, (message), __FILE__, __LINE__); \
    }                                                                 \
  } while (false)
