// libFuzzer target: bytes read as a model file (archive, metadata, pipeline and model state),
// then kRowsDrawn rows drawn from the loaded model, so that a crafted model that loads but cannot
// be sampled (a copula whose columns x rank wraps) is found too.
//
// Mutation is structure-aware (model_file_mutator.hpp, linked in from model_file_mutator.cpp):
// inputs that are archives are changed section by section (JSON nesting, huge numbers, array
// sizes, types, keys; binary bytes and lengths; the frame's size fields) and written back with a
// correct checksum. The target also recomputes the payload size and checksum of any input of 28
// bytes or more before loading it, so that byte-level mutations reach the parsers behind the
// checksum as well.
#include <unistd.h>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "synthtab/core/archive.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/engine/synthesis.hpp"

// In model_file_mutator.cpp: the mutator starts some of its edits from archives that loaded.
void synthtab_fuzz_remember_good(const uint8_t* data, size_t size);

// Few rows: every drawing path (each copy policy's redraws included) is reached by one row, and
// drawing was three quarters of the time per input at 20 rows (a parametric marginal's quantile
// costs ~0.1 ms under the sanitizers), which held the rate at ~150 inputs/s.
constexpr int64_t kRowsDrawn = 4;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  // The frame as it is (wrong sizes, counts and checksums included).
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
    // In memory (tmpfs): the loader reads a path, and 10 M writes to a disk would be the bottleneck.
    static const std::string path = std::string(::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp") +
                                    "/synthtab-fuzz-" + std::to_string(::getpid()) + ".synthtab";
    if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
      std::fwrite(bytes.data(), 1, bytes.size(), f);
      std::fclose(f);
      try {
        synthtab::FittedModel model = synthtab::FittedModel::load(path);
        // Every copy policy, chosen by the input, so that each one's redraw loop is reached.
        static const synthtab::CopyPolicy policies[] = {synthtab::CopyPolicy::Holdout, synthtab::CopyPolicy::Never,
                                                        synthtab::CopyPolicy::Allow};
        model.set_copy_policy(policies[size % 3]);
        const synthtab::Table rows = model.sample(0, kRowsDrawn, model.fit_seed());
        // What a loaded model draws must be a table: kRowsDrawn rows, each cell missing or a valid value.
        bool ok = rows.rows() == kRowsDrawn;
        for (const auto& column : rows.columns) {
          ok = ok && column.size() == kRowsDrawn;
          for (int64_t r = 0; ok && r < column.size(); ++r) {
            if (column.is_categorical()) {
              const int32_t code = column.codes[static_cast<size_t>(r)];
              ok = code == synthtab::kMissingCode ||
                   (code >= 0 && code < static_cast<int32_t>(column.categories.size()));
            } else {
              ok = !std::isinf(column.values[static_cast<size_t>(r)]);  // NaN is a missing cell
            }
          }
        }
        if (!ok) {
          std::fprintf(stderr, "model_file_fuzz: a loaded model drew cells that are not missing and not valid\n");
          std::abort();
        }
        synthtab_fuzz_remember_good(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
      } catch (const synthtab::Error&) {
      }
      std::remove(path.c_str());
    }
  }
  return 0;
}
