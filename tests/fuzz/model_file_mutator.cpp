// libFuzzer's custom mutator and cross-over for model_file_fuzz (see model_file_mutator.hpp).
// Its own translation unit, compiled without coverage instrumentation (tests/fuzz/CMakeLists.txt):
// the mutator's branches are not the code under test, and would only slow the fuzzer down and
// fill its corpus with inputs that are new to the mutator, not to synthtab.
#include "model_file_mutator.hpp"

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  return synthtab_fuzz::mutate(data, size, max_size, seed);
}

extern "C" size_t LLVMFuzzerCustomCrossOver(const uint8_t* data1, size_t size1, const uint8_t* data2, size_t size2,
                                            uint8_t* out, size_t max_out_size, unsigned int seed) {
  return synthtab_fuzz::cross_over(data1, size1, data2, size2, out, max_out_size, seed);
}

// Called by the target for an input that loaded and sampled (see GoodArchives).
void synthtab_fuzz_remember_good(const uint8_t* data, size_t size) { synthtab_fuzz::remember_good(data, size); }
