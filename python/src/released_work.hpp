#pragma once
// Library work run on a worker thread without the GIL, while the calling Python thread shows
// its progress and answers Ctrl-C.
#include <pybind11/pybind11.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "synthtab/core/error.hpp"
#include "synthtab/core/progress.hpp"

namespace synthtab::python {

namespace py = pybind11;

// What the worker's Progress calls leave for the Python thread to show, and the flag by which
// that thread asks the work to stop (the next progress call then throws).
class SharedProgress final : public Progress {
 public:
  void begin(const std::string& phase, long long total) override {
    stop_if_asked();
    std::lock_guard lock(mutex_);
    phase_ = phase;
    total_ = total;
    done_ = 0;
    detail_.clear();
    ++version_;
  }
  void update(long long done, const std::string& detail) override {
    stop_if_asked();
    std::lock_guard lock(mutex_);
    done_ = done;
    detail_ = detail;
    ++version_;
  }
  void end() override {
    std::lock_guard lock(mutex_);
    done_ = total_;
    ++version_;
  }
  void checkpoint() override { stop_if_asked(); }
  void ask_to_stop() { stop_ = true; }
  void stop_if_asked() const {
    if (stop_) throw Error(ErrorKind::Interrupted, "interrupted");
  }
  // Calls `show(phase, done, total, detail)` when something changed since the last call.
  void show_if_changed(const py::object& show) {
    std::string phase, detail;
    long long done = 0, total = 0;
    {
      std::lock_guard lock(mutex_);
      if (version_ == shown_version_) return;
      shown_version_ = version_;
      phase = phase_;
      detail = detail_;
      done = done_;
      total = total_;
    }
    if (!show.is_none()) show(phase, done, total, detail);
  }

 private:
  std::mutex mutex_;
  std::string phase_, detail_;
  long long done_ = 0, total_ = 0;
  uint64_t version_ = 0, shown_version_ = 0;
  std::atomic<bool> stop_ = false;
};

// Runs `work` on a worker thread without the GIL. Every 50 ms the calling thread takes the GIL
// to show progress through `show` and to let Python handle signals: a KeyboardInterrupt asks the
// work to stop, waits for it, and is raised.
template <typename Result>
Result run_released(const py::object& show, const std::function<Result(SharedProgress&)>& work) {
  SharedProgress progress;
  std::optional<Result> result;
  std::exception_ptr failure;
  std::mutex mutex;
  std::condition_variable finished_signal;
  bool finished = false;
  std::thread worker([&] {
    try {
      result.emplace(work(progress));
    } catch (...) {
      failure = std::current_exception();
    }
    std::lock_guard lock(mutex);
    finished = true;
    finished_signal.notify_all();
  });
  // Asks the work to stop and waits for the worker to end, without the GIL.
  const auto stop_and_join = [&] {
    progress.ask_to_stop();
    py::gil_scoped_release release;
    worker.join();
  };
  bool interrupted = false;
  for (;;) {
    bool done = false;
    {
      py::gil_scoped_release release;
      std::unique_lock lock(mutex);
      done = finished_signal.wait_for(lock, std::chrono::milliseconds(50), [&] { return finished; });
    }
    if (done) break;
    if (PyErr_CheckSignals() != 0) {
      interrupted = true;
      break;
    }
    try {
      progress.show_if_changed(show);
    } catch (py::error_already_set&) {
      stop_and_join();  // the display failed: stop the work, then raise the display's error
      throw;
    }
  }
  if (interrupted) {
    stop_and_join();
    throw py::error_already_set();  // the KeyboardInterrupt PyErr_CheckSignals set
  }
  worker.join();
  if (failure) std::rethrow_exception(failure);
  progress.show_if_changed(show);
  return std::move(*result);
}

}  // namespace synthtab::python
