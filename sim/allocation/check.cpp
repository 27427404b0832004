#include "mixsim/check.hpp"

namespace mixsim {

void fail_check(const char* condition, const std::string& message, const char* file, int line) {
  throw InvariantError("invariant broken: " + message + " (" + condition + " at " + file + ":" +
                       std::to_string(line) + ")");
}

}  // namespace mixsim
