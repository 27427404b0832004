#include "batch/progress.hpp"

#include <fmt/format.h>

#include <cmath>

namespace mixsim::batch {

namespace {

constexpr int kBarWidth = 24;

}  // namespace

std::string format_wall_time(double seconds) {
  const auto whole = static_cast<int64_t>(std::llround(std::max(0.0, seconds)));
  if (whole < 60) {
    return fmt::format("{}s", whole);
  }
  if (whole < 3600) {
    return fmt::format("{}m{:02}s", whole / 60, whole % 60);
  }
  return fmt::format("{}h{:02}m", whole / 3600, (whole % 3600) / 60);
}

ProgressReporter::ProgressReporter(std::FILE* out, bool terminal, bool quiet, std::string title, uint64_t total,
                                   uint64_t already_done)
    : out_(out),
      terminal_(terminal && !quiet),
      quiet_(quiet),
      title_(std::move(title)),
      total_(total),
      done_(already_done),
      started_(std::chrono::steady_clock::now()) {
  if (terminal_) {
    draw_bar();
  }
}

std::string ProgressReporter::eta_text() const {
  const uint64_t remaining = total_ - done_ - failed_;
  if (remaining == 0) {
    return "0s";
  }
  if (finished_now_ == 0) {
    return "--";
  }
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  return format_wall_time(elapsed / static_cast<double>(finished_now_) * static_cast<double>(remaining));
}

void ProgressReporter::draw_bar() {
  const uint64_t finished = done_ + failed_;
  const int filled = total_ == 0 ? kBarWidth : static_cast<int>(finished * kBarWidth / total_);
  const std::string bar = std::string(filled, '#') + std::string(kBarWidth - filled, '.');
  // \r returns to the line's start and \x1b[K (ANSI "erase in line") clears what a longer line left behind.
  fmt::print(out_, "\r\x1b[K{} [{}] {} done, {} failed, {} remaining, ETA {}", title_, bar, done_, failed_,
             total_ - finished, eta_text());
  std::fflush(out_);
  bar_drawn_ = true;
  last_drawn_ = std::chrono::steady_clock::now();
}

void ProgressReporter::finished(const std::string& id, RunStatus status, double wall_s, const std::string& detail) {
  ++finished_now_;
  if (status == RunStatus::Ok) {
    ++done_;
  } else {
    ++failed_;
  }
  const uint64_t finished = done_ + failed_;
  const std::string outcome = detail.empty() ? "" : ": " + detail;

  if (terminal_) {
    if (status != RunStatus::Ok) {
      fmt::print(out_, "\r\x1b[K{}: run {} {}{}\n", title_, id, to_string(status), outcome);
    }
    draw_bar();
    return;
  }
  if (quiet_ && status == RunStatus::Ok) {
    return;
  }
  fmt::print(out_, "{}: [{}/{}] {} {} ({:.1f} s){}\n", title_, finished, total_, to_string(status), id, wall_s,
             outcome);
  std::fflush(out_);
}

void ProgressReporter::refresh() {
  const double since_drawn = std::chrono::duration<double>(std::chrono::steady_clock::now() - last_drawn_).count();
  if (terminal_ && since_drawn >= refresh_interval_s()) {
    draw_bar();
  }
}

void ProgressReporter::close() {
  if (bar_drawn_) {
    fmt::print(out_, "\n");
    std::fflush(out_);
    bar_drawn_ = false;
  }
}

}  // namespace mixsim::batch
