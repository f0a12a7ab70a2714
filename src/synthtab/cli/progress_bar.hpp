#pragma once
// A one-line progress bar on stderr: phase, bar, count, time left and a status detail.
// Draws nothing when stderr is not a terminal or when quiet.
#include <chrono>
#include <string>

#include "synthtab/core/progress.hpp"

namespace synthtab::cli {

class ProgressBar final : public Progress {
 public:
  explicit ProgressBar(bool quiet);
  void begin(const std::string& phase, long long total) override;
  void update(long long done, const std::string& detail) override;
  void end() override;
  bool enabled() const { return enabled_; }

 private:
  void draw(bool force);
  bool enabled_;
  std::string phase_;
  std::string detail_;
  long long total_ = 0;
  long long done_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace synthtab::cli
