// libFuzzer target: bytes read as a model file (archive, metadata, pipeline and model state).
// The checksum is recomputed when the bytes are a well-formed archive, so that the fuzzer
// reaches the parsers behind it, not just the checksum test.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <unistd.h>

#include "synthtab/core/archive.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/engine/synthesis.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    const synthtab::ArchiveReader archive = synthtab::ArchiveReader::parse(bytes, "fuzz.synthtab");
    (void)archive;
  } catch (const synthtab::Error&) {
  }
  // The whole loader, through a file, with the checksum made right: the sections' parsers.
  if (bytes.size() >= 28) {
    const uint64_t payload = bytes.size() - 28;
    for (int i = 0; i < 8; ++i) bytes[12 + i] = static_cast<char>((payload >> (8 * i)) & 0xff);
    const uint64_t sum = synthtab::fnv1a64(std::string_view(bytes).substr(20, payload));
    for (int i = 0; i < 8; ++i) bytes[20 + payload + i] = static_cast<char>((sum >> (8 * i)) & 0xff);
    const std::string path = "/tmp/synthtab-fuzz-" + std::to_string(::getpid()) + ".synthtab";
    if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
      std::fwrite(bytes.data(), 1, bytes.size(), f);
      std::fclose(f);
      try {
        const synthtab::FittedModel model = synthtab::FittedModel::load(path);
        (void)model.sample(0, 3, 1);
      } catch (const synthtab::Error&) {
      }
      std::remove(path.c_str());
    }
  }
  return 0;
}
