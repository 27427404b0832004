#include "devtools_pipe.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace mixsim::browser {

namespace {

// The file descriptors Chromium reads commands from and writes replies to with --remote-debugging-pipe.
constexpr int kChildCommandFd = 3;
constexpr int kChildReplyFd = 4;

void write_all(int fd, const std::string& data) {
  size_t written = 0;
  while (written < data.size()) {
    const ssize_t count = ::write(fd, data.data() + written, data.size() - written);
    if (count < 0 && errno == EINTR) {
      continue;
    }
    if (count <= 0) {
      throw std::runtime_error(std::string("writing to Chromium failed: ") + std::strerror(errno));
    }
    written += static_cast<size_t>(count);
  }
}

}  // namespace

DevToolsPipe::DevToolsPipe(const std::string& chromium, const std::vector<std::string>& arguments,
                           const std::string& log_path) {
  int commands[2];
  int replies[2];
  if (::pipe(commands) != 0 || ::pipe(replies) != 0) {
    throw std::runtime_error(std::string("cannot create pipes: ") + std::strerror(errno));
  }
  std::vector<std::string> argv_strings = {chromium};
  argv_strings.insert(argv_strings.end(), arguments.begin(), arguments.end());
  argv_strings.push_back("--remote-debugging-pipe");
  std::vector<char*> argv;
  for (std::string& argument : argv_strings) {
    argv.push_back(argument.data());
  }
  argv.push_back(nullptr);

  pid_ = ::fork();
  if (pid_ < 0) {
    throw std::runtime_error(std::string("cannot start Chromium: ") + std::strerror(errno));
  }
  if (pid_ == 0) {
    // In the child: the command pipe's read end becomes fd 3, the reply pipe's write end fd 4.
    const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (log >= 0) {
      ::dup2(log, STDERR_FILENO);
      ::dup2(log, STDOUT_FILENO);
    }
    // Move both ends above 4 first, so that neither dup2 below overwrites the other.
    const int command_end = ::fcntl(commands[0], F_DUPFD, 10);
    const int reply_end = ::fcntl(replies[1], F_DUPFD, 10);
    ::dup2(command_end, kChildCommandFd);
    ::dup2(reply_end, kChildReplyFd);
    for (int fd = kChildReplyFd + 1; fd < 1024; ++fd) {
      ::close(fd);
    }
    ::execv(chromium.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(commands[0]);
  ::close(replies[1]);
  to_browser_ = commands[1];
  from_browser_ = replies[0];
}

DevToolsPipe::~DevToolsPipe() {
  if (to_browser_ >= 0) {
    ::close(to_browser_);
  }
  if (from_browser_ >= 0) {
    ::close(from_browser_);
  }
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

nlohmann::json DevToolsPipe::read_message() {
  const auto deadline = std::chrono::steady_clock::now() + kBrowserReplyGuard;
  while (true) {
    const size_t end = buffer_.find('\0');
    if (end != std::string::npos) {
      const std::string message = buffer_.substr(0, end);
      buffer_.erase(0, end + 1);
      return nlohmann::json::parse(message);
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      throw std::runtime_error("Chromium sent no DevTools message within " +
                               std::to_string(kBrowserReplyGuard.count()) + " s");
    }
    pollfd entry{from_browser_, POLLIN, 0};
    const int ready = ::poll(&entry, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready <= 0) {
      continue;  // the deadline check above reports the timeout
    }
    char chunk[1 << 16];
    const ssize_t count = ::read(from_browser_, chunk, sizeof chunk);
    if (count < 0 && errno == EINTR) {
      continue;
    }
    if (count <= 0) {
      pipe_closed_ = true;
      throw std::runtime_error("Chromium closed the DevTools pipe (it exited or crashed; see its log)");
    }
    buffer_.append(chunk, static_cast<size_t>(count));
  }
}

nlohmann::json DevToolsPipe::call(const std::string& method, const nlohmann::json& params,
                                  const std::string& session_id) {
  const int id = next_id_++;
  nlohmann::json command = {{"id", id}, {"method", method}, {"params", params}};
  if (!session_id.empty()) {
    command["sessionId"] = session_id;
  }
  write_all(to_browser_, command.dump() + std::string(1, '\0'));
  while (true) {
    const nlohmann::json message = read_message();
    if (message.contains("id") && message["id"] == id) {
      if (message.contains("error")) {
        throw std::runtime_error("DevTools " + method + " failed: " + message["error"].dump());
      }
      return message.value("result", nlohmann::json::object());
    }
    if (message.contains("method") && on_event_) {
      on_event_(message);
    }
  }
}

nlohmann::json DevToolsPipe::wait_for_event(const std::string& method) {
  while (true) {
    const nlohmann::json message = read_message();
    if (!message.contains("method")) {
      continue;
    }
    if (on_event_) {
      on_event_(message);
    }
    if (message["method"] == method) {
      return message;
    }
  }
}

int DevToolsPipe::close() {
  try {
    call("Browser.close");
    // Read on until the browser closes its end of the pipe, which it does as it exits.
    while (true) {
      read_message();
    }
  } catch (const std::runtime_error&) {
    // The pipe closed (the normal end) or the guard ran out, and pipe_closed_ records which.
  }
  if (!pipe_closed_) {
    ::kill(pid_, SIGKILL);  // the guard ran out: the browser hangs
  }
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace mixsim::browser
