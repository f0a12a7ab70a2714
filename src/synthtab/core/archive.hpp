#pragma once
// A model file: named byte sections behind a header with a format version and a checksum.
//
// Layout (little-endian):
//   magic "SYNTHTAB" | u32 format version | u64 payload size | payload | u64 FNV-1a of payload
//   payload = u32 section count, then per section: u32 name size, name, u64 data size, data
// A truncated, altered or newer-version file is refused with a message that says which.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "synthtab/core/hash.hpp"

namespace synthtab {

inline constexpr uint32_t kModelFormatVersion = 1;

class ArchiveWriter {
 public:
  void put(const std::string& name, std::string data);
  std::string serialize() const;
  void write_file(const std::string& path) const;  // atomic

 private:
  std::map<std::string, std::string> sections_;
};

class ArchiveReader {
 public:
  // `source` names the file in error messages.
  static ArchiveReader parse(std::string_view bytes, const std::string& source);
  // Reads a whole model file. With `memory_limit` > 0 (bytes), a file whose
  // loading would need more is refused with Error(Resource) before it is read (a regular file)
  // or as soon as it is known (a pipe or device, read until the limit).
  static ArchiveReader read_file(const std::string& path, uint64_t memory_limit = 0);
  // Peak memory of loading a model file of `bytes`, per byte: the file, its parsed JSON and the
  // model's arrays (measured: a 41 MB cart model peaks at 174 MB).
  static constexpr uint64_t kLoadBytesPerFileByte = 5;

  bool has(const std::string& name) const { return sections_.count(name) != 0; }
  const std::map<std::string, std::string>& sections() const { return sections_; }
  // Throws Error(ModelFile) naming the missing section.
  const std::string& get(const std::string& name) const;
  const std::string& source() const { return source_; }
  uint32_t version() const { return version_; }

 private:
  std::map<std::string, std::string> sections_;
  std::string source_;
  uint32_t version_ = 0;
};

}  // namespace synthtab
