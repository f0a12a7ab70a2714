#pragma once
// Writes a file so that readers see either the old file or the complete new one, never a
// partial one: data goes to a temporary file beside the target, created with a random name and
// O_CREAT|O_EXCL (mkostemp: a name planted in advance, or a symlink, is never followed), which is
// renamed over the target on commit() — only over a regular file or nothing. If the writer is
// destroyed without commit() (an error, an exception), the temp file is removed.
// A target that is not a regular file (a FIFO, a device such as /dev/null or /dev/stdout, or a
// symlink to one) is written in place, streaming, and never replaced; "-" is standard output.
// A symlink to a regular file is written through: the file it names is replaced, the link kept.
#include <cstdio>
#include <functional>
#include <initializer_list>
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
  // True when the target is written in place (standard output, a FIFO, a device).
  bool in_place() const { return in_place_; }

 private:
  void abandon() noexcept;
  std::string target_;  // as given (for messages)
  std::string final_;   // the regular file the temp file is renamed onto
  std::string temp_;
  std::FILE* file_ = nullptr;
  bool in_place_ = false;
};

// One of several outputs that must appear together or not at all (a run's synthetic rows and
// its report). The constructor reserves an exclusive temp file beside the target, as AtomicFile
// does; the caller writes the whole output to path() with any writer (an AtomicFile on that path
// included); commit_together() then renames every temp onto its target. Destroyed uncommitted
// (an error in any of the outputs), the temp file is removed and the target left as it was.
// A stream target (standard output, a FIFO, a device) cannot be held back: path() is the target
// itself, written in place as the output is made.
class StagedFile {
 public:
  explicit StagedFile(std::string target_path);
  ~StagedFile();
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;

  // Where to write now: the temp file, or the target when it is written in place.
  const std::string& path() const { return in_place_ ? target_ : temp_; }
  const std::string& target() const { return target_; }
  bool in_place() const { return in_place_; }
  // Runs write(path()). An Error whose message names the temp file is rethrown naming the
  // target instead, so the user reads "out.csv: ..." and not a name that no longer exists.
  void write_with(const std::function<void(const std::string&)>& write);

 private:
  friend void commit_together(std::initializer_list<StagedFile*> files);
  void discard() noexcept;
  std::string target_;  // as given (for messages)
  std::string final_;   // the regular file the temp file is renamed onto
  std::string temp_;
  bool in_place_ = false;
  bool pending_ = false;  // a temp file exists and is not yet renamed
};

// Renames each staged file onto its target. Every target is checked first (a regular file or
// nothing, as for AtomicFile::commit), so a refusal leaves all targets untouched; the renames
// follow one another, and only a rename that fails by itself (an I/O error) after another
// succeeded could leave one output without the other.
void commit_together(std::initializer_list<StagedFile*> files);

// "-", or a path that is not a regular file but exists (FIFO, device, or a symlink to one):
// written in place rather than through a temp file.
bool is_stream_target(const std::string& path);

// Throws Error(Output) now, before long work, when `path` could not be written later
// (its directory is missing or not writable, or it names a directory).
void check_writable(const std::string& path);

// Writes the whole of `bytes` to `path` atomically.
void write_file_atomically(const std::string& path, std::string_view bytes);

// Temp files still open are removed by remove_pending_temp_files(), which a signal handler
// may call (it only uses async-signal-safe unlink on a fixed-size registry).
void remove_pending_temp_files() noexcept;

}  // namespace synthtab
