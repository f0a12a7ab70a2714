#pragma once
// Writes a file so that readers see either the old file or the complete new one, never a
// partial one: data goes to a temporary file beside the target, which is renamed on commit().
// If the writer is destroyed without commit() (an error, an exception), the temp file is removed.
#include <cstdio>
#include <string>
#include <string_view>

namespace synthtab {

class AtomicFile {
 public:
  explicit AtomicFile(std::string target_path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view bytes);
  // Flushes, syncs and renames onto the target. Throws Error(Output) on failure.
  void commit();
  const std::string& target() const { return target_; }

 private:
  void abandon() noexcept;
  std::string target_;
  std::string temp_;
  std::FILE* file_ = nullptr;
};

// Throws Error(Output) now, before long work, when `path` could not be written later
// (its directory is missing or not writable, or it names a directory).
void check_writable(const std::string& path);

// Writes the whole of `bytes` to `path` atomically.
void write_file_atomically(const std::string& path, std::string_view bytes);

// Temp files still open are removed by remove_pending_temp_files(), which a signal handler
// may call (it only uses async-signal-safe unlink on a fixed-size registry).
void remove_pending_temp_files() noexcept;

}  // namespace synthtab
