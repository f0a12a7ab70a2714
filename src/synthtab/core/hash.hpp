#pragma once
// FNV-1a, 64-bit: a fast, stable hash for checksums and row fingerprints (not cryptographic).
#include <cstdint>
#include <string_view>

namespace synthtab {

constexpr uint64_t fnv1a64(std::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace synthtab
