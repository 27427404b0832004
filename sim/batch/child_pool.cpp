#include "batch/child_pool.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace mixsim::batch {

namespace {

// Signal handlers can only reach static storage. The pool owns these while it exists.
int g_wake_pipe[2] = {-1, -1};
volatile std::sig_atomic_t g_interruption = 0;
bool g_pool_exists = false;

constexpr int kHandledSignals[] = {SIGCHLD, SIGINT, SIGTERM, SIGHUP};
struct sigaction g_previous[std::size(kHandledSignals)];

void on_signal(int signal_number) {
  const int saved_errno = errno;
  if (signal_number != SIGCHLD) {
    g_interruption = signal_number;
  }
  const char byte = 0;
  // A full pipe already contains a wake-up, so a failed write loses nothing.
  [[maybe_unused]] const ssize_t written = ::write(g_wake_pipe[1], &byte, 1);
  errno = saved_errno;
}

void drain_wake_pipe() {
  char buffer[256];
  while (::read(g_wake_pipe[0], buffer, sizeof buffer) > 0) {
  }
}

double seconds_between(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// Runs in the child between fork and exec: only async-signal-safe calls from here on.
[[noreturn]] void exec_child(pid_t parent, int stderr_fd, int dev_null, const char* executable, char* const argv[]) {
  ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) {
    ::_exit(127);  // the parent died before PR_SET_PDEATHSIG took effect
  }
  for (const int signal_number : kHandledSignals) {
    ::signal(signal_number, SIG_DFL);
  }
  ::signal(SIGPIPE, SIG_DFL);
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);

  ::dup2(dev_null, STDIN_FILENO);
  ::dup2(dev_null, STDOUT_FILENO);
  ::dup2(stderr_fd, STDERR_FILENO);
  ::execv(executable, argv);

  const char* reason = std::strerror(errno);
  const char prefix[] = "mixsim: cannot start ";
  [[maybe_unused]] ssize_t ignored = ::write(STDERR_FILENO, prefix, sizeof prefix - 1);
  ignored = ::write(STDERR_FILENO, executable, std::strlen(executable));
  ignored = ::write(STDERR_FILENO, ": ", 2);
  ignored = ::write(STDERR_FILENO, reason, std::strlen(reason));
  ignored = ::write(STDERR_FILENO, "\n", 1);
  ::_exit(127);
}

}  // namespace

ChildPool::ChildPool() {
  if (g_pool_exists) {
    throw std::logic_error("only one ChildPool may exist at a time");
  }
  if (::pipe2(g_wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
    throw std::system_error(errno, std::generic_category(), "cannot create a pipe");
  }
  dev_null_ = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (dev_null_ < 0) {
    const int error = errno;
    ::close(g_wake_pipe[0]);
    ::close(g_wake_pipe[1]);
    throw std::system_error(error, std::generic_category(), "cannot open /dev/null");
  }
  g_interruption = 0;
  g_pool_exists = true;

  struct sigaction action {};
  action.sa_handler = on_signal;
  ::sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (size_t i = 0; i < std::size(kHandledSignals); ++i) {
    ::sigaction(kHandledSignals[i], &action, &g_previous[i]);
  }
}

ChildPool::~ChildPool() {
  kill_all();
  for (size_t i = 0; i < std::size(kHandledSignals); ++i) {
    ::sigaction(kHandledSignals[i], &g_previous[i], nullptr);
  }
  ::close(dev_null_);
  ::close(g_wake_pipe[0]);
  ::close(g_wake_pipe[1]);
  g_wake_pipe[0] = g_wake_pipe[1] = -1;
  g_pool_exists = false;
}

int ChildPool::interruption() const {
  return g_interruption;
}

void ChildPool::start(size_t tag, const ChildCommand& command) {
  const int stderr_fd = ::open(command.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (stderr_fd < 0) {
    throw std::system_error(errno, std::generic_category(), "cannot create " + command.stderr_path.string());
  }
  // argv is built before fork: the child may only make async-signal-safe calls.
  std::vector<char*> argv;
  for (const std::string& argument : command.arguments) {
    argv.push_back(const_cast<char*>(argument.c_str()));
  }
  argv.push_back(nullptr);

  const pid_t parent = ::getpid();
  const auto started = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    exec_child(parent, stderr_fd, dev_null_, command.executable.c_str(), argv.data());
  }
  const int fork_error = errno;
  ::close(stderr_fd);
  if (pid < 0) {
    throw std::system_error(fork_error, std::generic_category(), "cannot start a process");
  }
  // Also set here, so that a kill of the group right after start() reaches the child whichever runs first.
  ::setpgid(pid, pid);

  Child child{tag, pid, started, std::nullopt};
  if (command.timeout_s) {
    child.deadline = started + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                   std::chrono::duration<double>(*command.timeout_s));
  }
  children_.push_back(child);
}

void ChildPool::kill_overdue(std::chrono::steady_clock::time_point now) {
  for (Child& child : children_) {
    if (!child.timed_out && child.deadline && now >= *child.deadline) {
      ::kill(-child.pid, SIGKILL);
      child.timed_out = true;
    }
  }
}

std::vector<ChildExit> ChildPool::reap() {
  std::vector<ChildExit> ended;
  const auto now = std::chrono::steady_clock::now();
  for (auto it = children_.begin(); it != children_.end();) {
    int status = 0;
    const pid_t result = ::waitpid(it->pid, &status, WNOHANG);
    if (result != it->pid) {
      ++it;
      continue;
    }
    ChildExit exit;
    exit.tag = it->tag;
    exit.timed_out = it->timed_out;
    exit.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    exit.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    exit.wall_s = seconds_between(it->started, now);
    ended.push_back(exit);
    it = children_.erase(it);
  }
  return ended;
}

std::vector<ChildExit> ChildPool::wait(double max_wait_s) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                            std::chrono::duration<double>(std::max(0.0, max_wait_s)));
  while (true) {
    const auto now = std::chrono::steady_clock::now();
    kill_overdue(now);
    std::vector<ChildExit> ended = reap();
    if (!ended.empty() || g_interruption != 0 || now >= until) {
      return ended;
    }

    auto wake = until;
    for (const Child& child : children_) {
      if (!child.timed_out && child.deadline) {
        wake = std::min(wake, *child.deadline);
      }
    }
    const double wait_ms = std::ceil(seconds_between(now, wake) * 1000.0);
    pollfd wake_fd{g_wake_pipe[0], POLLIN, 0};
    ::poll(&wake_fd, 1, static_cast<int>(std::min(wait_ms, 3'600'000.0)));
    drain_wake_pipe();
  }
}

void ChildPool::kill_all() {
  for (const Child& child : children_) {
    ::kill(-child.pid, SIGKILL);
  }
  for (const Child& child : children_) {
    int status = 0;
    while (::waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  children_.clear();
}

}  // namespace mixsim::batch
