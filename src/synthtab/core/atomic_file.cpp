#include "synthtab/core/atomic_file.hpp"

#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "synthtab/core/error.hpp"

namespace synthtab {
namespace {

// Fixed-size registry of live temp-file names, readable from a signal handler.
constexpr size_t kMaxPending = 64;
constexpr size_t kMaxPath = 4096;
std::array<std::array<char, kMaxPath>, kMaxPending> pending_names{};
std::array<std::atomic<bool>, kMaxPending> pending_used{};

int register_pending(const std::string& name) {
  if (name.size() >= kMaxPath) return -1;
  for (size_t i = 0; i < kMaxPending; ++i) {
    bool expected = false;
    if (pending_used[i].compare_exchange_strong(expected, true)) {
      std::memcpy(pending_names[i].data(), name.c_str(), name.size() + 1);
      return static_cast<int>(i);
    }
  }
  return -1;
}

void unregister_pending(const std::string& name) {
  for (size_t i = 0; i < kMaxPending; ++i) {
    if (pending_used[i].load() && name == pending_names[i].data()) {
      pending_used[i].store(false);
      return;
    }
  }
}

Error output_error(const std::string& path, const std::string& what) {
  return Error(ErrorKind::Output, path + ": cannot write: " + what);
}

}  // namespace

AtomicFile::AtomicFile(std::string target_path) : target_(std::move(target_path)) {
  temp_ = target_ + ".tmp-" + std::to_string(::getpid());
  file_ = std::fopen(temp_.c_str(), "wb");
  if (file_ == nullptr) throw output_error(target_, std::strerror(errno));
  register_pending(temp_);
}

AtomicFile::~AtomicFile() { abandon(); }

void AtomicFile::abandon() noexcept {
  if (file_ != nullptr) {
    std::fclose(file_);
    file_ = nullptr;
    std::remove(temp_.c_str());
    unregister_pending(temp_);
  }
}

void AtomicFile::write(std::string_view bytes) {
  if (file_ == nullptr) throw output_error(target_, "file already closed");
  if (bytes.empty()) return;
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    const std::string reason = std::strerror(errno);
    abandon();
    throw output_error(target_, reason);
  }
}

void AtomicFile::commit() {
  if (file_ == nullptr) throw output_error(target_, "file already closed");
  const bool flushed = std::fflush(file_) == 0 && ::fsync(::fileno(file_)) == 0;
  const std::string reason = flushed ? "" : std::strerror(errno);
  if (!flushed) {
    abandon();
    throw output_error(target_, reason);
  }
  std::fclose(file_);
  file_ = nullptr;
  if (std::rename(temp_.c_str(), target_.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(temp_.c_str());
    unregister_pending(temp_);
    throw output_error(target_, why);
  }
  unregister_pending(temp_);
}

void check_writable(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw output_error(path, "it is a directory");
  auto parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) parent = ".";
  if (!std::filesystem::is_directory(parent, ec))
    throw output_error(path, "the directory " + parent.string() + " does not exist");
  if (::access(parent.c_str(), W_OK) != 0) throw output_error(path, std::strerror(errno));
}

void write_file_atomically(const std::string& path, std::string_view bytes) {
  AtomicFile file(path);
  file.write(bytes);
  file.commit();
}

void remove_pending_temp_files() noexcept {
  for (size_t i = 0; i < kMaxPending; ++i) {
    if (pending_used[i].load()) ::unlink(pending_names[i].data());
  }
}

}  // namespace synthtab
