// Child processes of a batch: started with fork and exec, each in its own process group, waited for with a
// timeout, and stopped together when the batch is interrupted.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace mixsim::batch {

/// A program to start as a child process.
struct ChildCommand {
  std::string executable;              // path given to execv
  std::vector<std::string> arguments;  // argv, including argv[0]
  std::filesystem::path stderr_path;   // receives the child's standard error (created or truncated)
  std::optional<double> timeout_s;     // wall time after which the child's process group is killed
};

/// Exit of a child process.
struct ChildExit {
  size_t tag = 0;          // the tag given to start()
  bool timed_out = false;  // the pool killed it at its timeout
  int exit_status = -1;    // its exit status when it exited, else -1
  int signal = 0;          // the signal that ended it, else 0
  double wall_s = 0;       // wall time from start to exit, seconds
};

/// Runs child processes and reports how they end.
///
/// Each child leads its own process group, so that a timeout kills what it started too, and a terminal's
/// Ctrl-C reaches only the parent, which then stops the children itself. Each child also gets SIGKILL when the
/// parent dies (Linux's PR_SET_PDEATHSIG), so a parent killed with SIGKILL leaves no run behind that could
/// still write into a folder that a resumed batch reuses.
///
/// While a pool exists it handles SIGCHLD, SIGINT, SIGTERM and SIGHUP through a self-pipe; only one pool may
/// exist at a time. Invariant: every started child is either in the running set or was returned by wait()
/// exactly once.
class ChildPool {
 public:
  ChildPool();
  ChildPool(const ChildPool&) = delete;
  ChildPool& operator=(const ChildPool&) = delete;
  /// Kills and reaps the children still running and restores the signal handlers.
  ~ChildPool();

  /// Starts `command` as a child identified by `tag`. Throws std::system_error when the stderr file cannot be
  /// created or fork fails. A child that cannot exec the executable exits with status 127 after writing the
  /// reason to its stderr file.
  void start(size_t tag, const ChildCommand& command);

  /// Waits until a child ends, a termination signal arrives or `max_wait_s` seconds pass, killing children
  /// whose timeout has passed on the way. Returns the children that ended, in no particular order.
  std::vector<ChildExit> wait(double max_wait_s);

  size_t running() const { return children_.size(); }

  /// Returns the termination signal (SIGINT, SIGTERM or SIGHUP) received since the pool was created, or 0.
  int interruption() const;

  /// Sends SIGKILL to the process group of every running child and reaps them; they are not reported by wait().
  void kill_all();

 private:
  struct Child {
    size_t tag;
    pid_t pid;
    std::chrono::steady_clock::time_point started;
    std::optional<std::chrono::steady_clock::time_point> deadline;
    bool timed_out = false;
  };

  void kill_overdue(std::chrono::steady_clock::time_point now);
  std::vector<ChildExit> reap();

  std::vector<Child> children_;
  int dev_null_ = -1;
};

}  // namespace mixsim::batch
