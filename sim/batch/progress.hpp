// Progress of a batch on standard error: a bar redrawn in place on a terminal, one line per finished run
// otherwise (logs, CI, Slurm output files).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "batch/run_table.hpp"

namespace mixsim::batch {

/// Formats a wall-clock duration for people: `45s`, `3m05s`, `2h10m`.
std::string format_wall_time(double seconds);

class ProgressReporter {
 public:
  /// `total` counts every run of the batch, `already_done` those complete before it started. With `terminal`,
  /// draws a bar; with `quiet`, reports only runs that did not end Ok.
  ProgressReporter(std::FILE* out, bool terminal, bool quiet, std::string title, uint64_t total, uint64_t already_done);
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  /// Records a finished run; `detail` explains why a run that is not Ok failed.
  void finished(const std::string& id, RunStatus status, double wall_s, const std::string& detail);
  /// Redraws the bar so that its ETA moves while runs are long; does nothing without a terminal.
  void refresh();
  /// Ends the bar's line, so that later output starts on a line of its own.
  void close();

  /// Seconds between refresh() calls that keep the bar current; a very large value without a terminal.
  double refresh_interval_s() const { return terminal_ ? 0.5 : 3600.0; }

 private:
  void draw_bar();
  std::string eta_text() const;

  std::FILE* out_;
  bool terminal_;
  bool quiet_;
  std::string title_;
  uint64_t total_;
  uint64_t done_;              // finished Ok, including runs complete before the batch
  uint64_t failed_ = 0;        // finished in any other status
  uint64_t finished_now_ = 0;  // finished in this batch, for the ETA
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_drawn_;
  bool bar_drawn_ = false;
};

}  // namespace mixsim::batch
