#pragma once
// How long work reports progress. The library only calls this interface; the CLI decides
// whether and how to draw it (a bar on a terminal, nothing otherwise).
#include <string>

namespace synthtab {

class Progress {
 public:
  virtual ~Progress() = default;
  // Starts a phase of `total` steps (e.g. "training", total = iterations).
  virtual void begin(const std::string& phase, long long total) = 0;
  // `done` steps of the current phase are finished; `detail` is a short status ("D -0.12 G 0.4").
  virtual void update(long long done, const std::string& detail) = 0;
  virtual void end() = 0;
  // A point between steps where the work may stop: a front end asked to stop (the Python
  // package, on Ctrl-C) throws Error(Interrupted) from here, as from begin and update.
  virtual void checkpoint() {}
};

// Does nothing; used when the caller passes no progress sink.
class NullProgress final : public Progress {
 public:
  void begin(const std::string&, long long) override {}
  void update(long long, const std::string&) override {}
  void end() override {}
};

}  // namespace synthtab
