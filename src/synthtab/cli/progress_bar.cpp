#include "synthtab/cli/progress_bar.hpp"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

namespace synthtab::cli {

ProgressBar::ProgressBar(bool quiet) : enabled_(!quiet && ::isatty(STDERR_FILENO) == 1) {}

void ProgressBar::begin(const std::string& phase, long long total) {
  phase_ = phase;
  total_ = total;
  done_ = 0;
  detail_.clear();
  start_ = std::chrono::steady_clock::now();
  last_draw_ = {};
  draw(true);
}

void ProgressBar::update(long long done, const std::string& detail) {
  done_ = done;
  detail_ = detail;
  draw(false);
}

void ProgressBar::end() {
  if (!enabled_) return;
  done_ = total_;
  draw(true);
  std::fputc('\n', stderr);
}

void ProgressBar::draw(bool force) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  // Redraw at most ten times a second: a terminal write per training step would cost more
  // than the step.
  if (!force && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  constexpr int kWidth = 30;
  const double share = total_ > 0 ? static_cast<double>(done_) / static_cast<double>(total_) : 1.0;
  const int filled = static_cast<int>(share * kWidth);
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double left = share > 0.0 ? elapsed * (1.0 - share) / share : 0.0;
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(kWidth, '.');
  std::fputs(fmt::format("\r\033[K{:<9} [{}] {}/{}  {:.1f}s elapsed, {:.1f}s left  {}", phase_, bar, done_, total_,
                         elapsed, left, detail_)
                 .c_str(),
             stderr);
  std::fflush(stderr);
}

}  // namespace synthtab::cli
