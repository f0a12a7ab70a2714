#include "synthtab/core/archive.hpp"

#include <sys/stat.h>

#include <cstring>
#include <fstream>
#include <vector>

#include "synthtab/core/atomic_file.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/core/memory_limit.hpp"

namespace synthtab {
namespace {

constexpr std::string_view kMagic = "SYNTHTAB";

template <typename T>
void append_le(std::string& out, T value) {
  for (size_t i = 0; i < sizeof(T); ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

// Reads little-endian integers and byte runs, refusing to read past the end. `base` is where
// `bytes` starts in the file, so that messages give offsets from the file's first byte.
class Cursor {
 public:
  Cursor(std::string_view bytes, const std::string& source, size_t base)
      : bytes_(bytes), source_(source), base_(base) {}
  template <typename T>
  T read(const char* what) {
    need(sizeof(T), what);
    T value = 0;
    for (size_t i = 0; i < sizeof(T); ++i)
      value |= static_cast<T>(static_cast<unsigned char>(bytes_[pos_ + i])) << (8 * i);
    pos_ += sizeof(T);
    return value;
  }
  std::string_view take(uint64_t n, const char* what) {
    need(n, what);
    auto out = bytes_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  size_t remaining() const { return bytes_.size() - pos_; }

 private:
  void need(uint64_t n, const char* what) const {
    if (n > bytes_.size() - pos_)
      throw Error(ErrorKind::ModelFile, source_ + ": model file is truncated (ends inside the " + what + " at byte " +
                                            std::to_string(base_ + pos_) + " of the file)");
  }
  std::string_view bytes_;
  const std::string& source_;
  size_t base_ = 0;
  size_t pos_ = 0;
};

}  // namespace

void ArchiveWriter::put(const std::string& name, std::string data) { sections_[name] = std::move(data); }

std::string ArchiveWriter::serialize() const {
  std::string payload;
  append_le<uint32_t>(payload, static_cast<uint32_t>(sections_.size()));
  for (const auto& [name, data] : sections_) {
    append_le<uint32_t>(payload, static_cast<uint32_t>(name.size()));
    payload += name;
    append_le<uint64_t>(payload, data.size());
    payload += data;
  }
  std::string out(kMagic);
  append_le<uint32_t>(out, kModelFormatVersion);
  append_le<uint64_t>(out, payload.size());
  out += payload;
  append_le<uint64_t>(out, fnv1a64(payload));
  return out;
}

void ArchiveWriter::write_file(const std::string& path) const { write_file_atomically(path, serialize()); }

namespace {

void check_magic(std::string_view bytes, const std::string& source) {
  if (bytes.size() < kMagic.size() || bytes.substr(0, kMagic.size()) != kMagic)
    throw Error(ErrorKind::ModelFile, source + ": not a synthtab model file (no SYNTHTAB header)");
}

}  // namespace

ArchiveReader ArchiveReader::parse(std::string_view bytes, const std::string& source) {
  check_magic(bytes, source);
  Cursor header(bytes.substr(kMagic.size()), source, kMagic.size());
  ArchiveReader reader;
  reader.source_ = source;
  reader.version_ = header.read<uint32_t>("format version");
  if (reader.version_ > kModelFormatVersion)
    throw Error(ErrorKind::ModelFile, source + ": model file format version " + std::to_string(reader.version_) +
                                          " is newer than this synthtab reads (up to " +
                                          std::to_string(kModelFormatVersion) + "); use a newer synthtab");
  if (reader.version_ == 0) throw Error(ErrorKind::ModelFile, source + ": model file has an invalid format version 0");
  const auto payload_size = header.read<uint64_t>("payload size");
  const std::string_view payload = header.take(payload_size, "payload");
  const auto checksum = header.read<uint64_t>("checksum");
  if (header.remaining() != 0)
    throw Error(ErrorKind::ModelFile, source + ": model file has " + std::to_string(header.remaining()) +
                                          " unexpected bytes after its checksum");
  if (fnv1a64(payload) != checksum)
    throw Error(ErrorKind::ModelFile, source + ": model file is corrupted (checksum mismatch); refit or copy it again");
  // The payload starts after magic, version and payload size.
  Cursor cursor(payload, source, kMagic.size() + sizeof(uint32_t) + sizeof(uint64_t));
  const auto count = cursor.read<uint32_t>("section count");
  for (uint32_t i = 0; i < count; ++i) {
    const auto name_size = cursor.read<uint32_t>("section name size");
    std::string name(cursor.take(name_size, "section name"));
    const auto data_size = cursor.read<uint64_t>("section size");
    std::string data(cursor.take(data_size, "section data"));
    if (!reader.sections_.emplace(name, std::move(data)).second)
      throw Error(ErrorKind::ModelFile, source + ": model file has two sections named '" + name + "'");
  }
  if (cursor.remaining() != 0)
    throw Error(ErrorKind::ModelFile, source + ": model file has " + std::to_string(cursor.remaining()) +
                                          " unexpected bytes after its last section");
  return reader;
}

ArchiveReader ArchiveReader::read_file(const std::string& path, uint64_t memory_limit) {
  auto too_large = [&](uint64_t file_bytes, bool at_least) {
    return Error(ErrorKind::Resource,
                 path + ": loading this model file (" + format_bytes(static_cast<double>(file_bytes)) +
                     (at_least ? " read so far) needs more than " : ") needs about ") +
                     format_bytes(static_cast<double>(file_bytes * kLoadBytesPerFileByte)) + "; limit is " +
                     format_bytes(static_cast<double>(memory_limit)) + " (`max_memory`)");
  };
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::ModelFile, path + ": cannot open model file: " + std::strerror(errno));
  struct stat info {};
  const bool regular = ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
  if (::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode))
    throw Error(ErrorKind::ModelFile, path + ": is a directory, not a synthtab model file");
  if (memory_limit > 0 && regular && static_cast<uint64_t>(info.st_size) * kLoadBytesPerFileByte > memory_limit)
    throw too_large(static_cast<uint64_t>(info.st_size), false);
  // Read in chunks: a pipe or device (/dev/zero) has no size to check first.
  std::string bytes;
  if (regular) bytes.reserve(static_cast<size_t>(info.st_size));
  std::vector<char> chunk(1 << 16);
  bool magic_checked = false;
  while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
    bytes.append(chunk.data(), static_cast<size_t>(in.gcount()));
    if (!magic_checked && bytes.size() >= kMagic.size()) {
      check_magic(bytes, path);  // /dev/zero stops here, not at the memory limit
      magic_checked = true;
    }
    if (memory_limit > 0 && bytes.size() * kLoadBytesPerFileByte > memory_limit) throw too_large(bytes.size(), true);
  }
  if (in.bad()) throw Error(ErrorKind::ModelFile, path + ": cannot read model file: " + std::strerror(errno));
  return parse(bytes, path);
}

const std::string& ArchiveReader::get(const std::string& name) const {
  auto it = sections_.find(name);
  if (it == sections_.end()) throw Error(ErrorKind::ModelFile, source_ + ": model file has no '" + name + "' section");
  return it->second;
}

}  // namespace synthtab
