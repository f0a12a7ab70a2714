#include "synthtab/core/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "synthtab/core/error.hpp"
#include "synthtab/core/same_file.hpp"

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

// The regular file a target names: the target, or through a symlink the file it points to
// (replaced while the link is kept).
std::string regular_target(const std::string& target) {
  std::error_code ec;
  if (std::filesystem::is_symlink(target, ec)) {
    const auto resolved = std::filesystem::canonical(target, ec);
    if (!ec) return resolved.string();
  }
  return target;
}

// Creates an exclusive temp file beside `final_path` (random name, O_EXCL: nothing planted in
// advance is followed), registered for the signal handlers; returns its descriptor.
int create_temp(const std::string& final_path, const std::string& target, std::string& temp) {
  std::string name = final_path + ".tmp-XXXXXX";
  const int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) throw output_error(target, std::strerror(errno));
  temp = name;
  register_pending(temp);
  // mkostemp creates 0600; give the output the permissions a plain create would (0666 & ~umask).
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  return fd;
}

// Only a regular file or nothing is replaced: something else put there meanwhile is not.
void check_replaceable(const std::string& final_path, const std::string& target) {
  struct stat info {};
  if (::lstat(final_path.c_str(), &info) == 0 && !S_ISREG(info.st_mode))
    throw output_error(target, "it is no longer a regular file; not replaced");
}

}  // namespace

bool is_stream_target(const std::string& path) {
  if (path == "-") return true;
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && !S_ISREG(info.st_mode) && !S_ISDIR(info.st_mode);
}

AtomicFile::AtomicFile(std::string target_path) : target_(std::move(target_path)) {
  // Standard output, also by a name (/dev/stdout, or the very file the shell redirected it to):
  // written in place through file descriptor 1, so the file the caller holds open gets the rows.
  if (is_standard_output(target_)) {
    in_place_ = true;
    file_ = ::fdopen(::dup(STDOUT_FILENO), "wb");
    if (file_ == nullptr) throw output_error("standard output", std::strerror(errno));
    return;
  }
  if (is_stream_target(target_)) {
    // Opened without O_CREAT or O_TRUNC: a FIFO, terminal or device is used as it is.
    in_place_ = true;
    const int fd = ::open(target_.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0 || (file_ = ::fdopen(fd, "wb")) == nullptr) {
      const std::string reason = std::strerror(errno);
      if (fd >= 0) ::close(fd);
      throw output_error(target_, reason);
    }
    return;
  }
  // Through a symlink to a regular file: replace the file, keep the link.
  final_ = regular_target(target_);
  const int fd = create_temp(final_, target_, temp_);
  file_ = ::fdopen(fd, "wb");
  if (file_ == nullptr) {
    const std::string reason = std::strerror(errno);
    ::close(fd);
    ::unlink(temp_.c_str());
    unregister_pending(temp_);
    throw output_error(target_, reason);
  }
}

AtomicFile::~AtomicFile() { abandon(); }

void AtomicFile::abandon() noexcept {
  if (file_ != nullptr) {
    std::fclose(file_);
    file_ = nullptr;
    if (!in_place_) {
      ::unlink(temp_.c_str());
      unregister_pending(temp_);
    }
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
  if (in_place_) {
    // Streams and devices have nothing to sync or rename; a failed flush is still an error.
    const bool flushed = std::fflush(file_) == 0;
    const std::string reason = flushed ? "" : std::strerror(errno);
    std::fclose(file_);
    file_ = nullptr;
    if (!flushed) throw output_error(target_, reason);
    return;
  }
  const bool flushed = std::fflush(file_) == 0 && ::fsync(::fileno(file_)) == 0;
  const std::string reason = flushed ? "" : std::strerror(errno);
  if (!flushed) {
    abandon();
    throw output_error(target_, reason);
  }
  std::fclose(file_);
  file_ = nullptr;
  try {
    check_replaceable(final_, target_);
  } catch (const Error&) {
    ::unlink(temp_.c_str());
    unregister_pending(temp_);
    throw;
  }
  if (std::rename(temp_.c_str(), final_.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(temp_.c_str());
    unregister_pending(temp_);
    throw output_error(target_, why);
  }
  unregister_pending(temp_);
}

StagedFile::StagedFile(std::string target_path) : target_(std::move(target_path)) {
  if (is_standard_output(target_) || is_stream_target(target_)) {
    in_place_ = true;
    return;
  }
  final_ = regular_target(target_);
  const int fd = create_temp(final_, target_, temp_);
  ::close(fd);  // the writer opens path() itself
  pending_ = true;
}

StagedFile::~StagedFile() { discard(); }

void StagedFile::discard() noexcept {
  if (!pending_) return;
  ::unlink(temp_.c_str());
  unregister_pending(temp_);
  pending_ = false;
}

void StagedFile::write_with(const std::function<void(const std::string&)>& write) {
  if (in_place_) {
    write(target_);
    return;
  }
  try {
    write(temp_);
  } catch (const Error& e) {
    std::string message = e.what();
    for (size_t at = message.find(temp_); at != std::string::npos; at = message.find(temp_, at + target_.size()))
      message.replace(at, temp_.size(), target_);
    throw Error(e.kind(), message);
  }
}

void commit_together(std::initializer_list<StagedFile*> files) {
  for (const StagedFile* file : files)
    if (file->pending_) check_replaceable(file->final_, file->target_);
  for (StagedFile* file : files) {
    if (!file->pending_) continue;
    if (std::rename(file->temp_.c_str(), file->final_.c_str()) != 0)
      throw output_error(file->target_, std::strerror(errno));
    unregister_pending(file->temp_);
    file->pending_ = false;
  }
}

void check_writable(const std::string& path) {
  if (path == "-") return;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw output_error(path, "it is a directory");
  if (is_stream_target(path)) {
    // Written in place: the target itself must be writable, not its folder (/dev, say).
    if (::access(path.c_str(), W_OK) != 0) throw output_error(path, std::strerror(errno));
    return;
  }
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
