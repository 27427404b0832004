// A Chromium child process driven through the DevTools protocol over a pipe (--remote-debugging-pipe): commands
// go to the child's file descriptor 3 and replies and events come back on 4, each a JSON message ended by a NUL
// byte. A pipe needs no port and no network, so tests can run where only loopback, or nothing, is reachable.
#pragma once

#include <nlohmann/json.hpp>

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace mixsim::browser {

/// A running headless Chromium. The destructor kills the process if it is still running.
class DevToolsPipe {
 public:
  /// Starts `chromium` with `arguments` plus --remote-debugging-pipe; its standard error goes to `log_path`.
  /// Throws std::runtime_error when the process cannot be started.
  DevToolsPipe(const std::string& chromium, const std::vector<std::string>& arguments, const std::string& log_path);
  DevToolsPipe(const DevToolsPipe&) = delete;
  DevToolsPipe& operator=(const DevToolsPipe&) = delete;
  ~DevToolsPipe();

  /// Receives every event (a message with a "method" and no "id") read while waiting for something else.
  void set_event_handler(std::function<void(const nlohmann::json&)> handler) { on_event_ = std::move(handler); }

  /// Sends a command (to the browser, or to a page when `session_id` is set) and returns its "result". Throws
  /// std::runtime_error when the reply is an error, the browser closes the pipe, or no reply comes before the
  /// guard deadline. The guard only stops a hung browser: no test asserts on how long anything takes.
  nlohmann::json call(const std::string& method, const nlohmann::json& params = nlohmann::json::object(),
                      const std::string& session_id = "");

  /// Waits until an event named `method` arrives; other events go to the handler. Throws like call().
  nlohmann::json wait_for_event(const std::string& method);

  /// Asks the browser to close, waits for it to exit and returns its exit status.
  int close();

 private:
  nlohmann::json read_message();

  pid_t pid_ = -1;
  int to_browser_ = -1;
  int from_browser_ = -1;
  int next_id_ = 1;
  bool pipe_closed_ = false;  // the browser closed its end: it exited or is exiting
  std::string buffer_;
  std::function<void(const nlohmann::json&)> on_event_;
};

/// The longest wait for one DevTools message before the browser counts as hung. It is generous because a loaded
/// CI machine can be slow.
inline constexpr std::chrono::seconds kBrowserReplyGuard{120};

}  // namespace mixsim::browser
