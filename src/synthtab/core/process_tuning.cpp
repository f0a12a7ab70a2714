#include "synthtab/core/process_tuning.hpp"

#include <malloc.h>

#include <cstdlib>

namespace synthtab {

void tune_process(const ProcessTuning& tuning) {
  if (tuning.passive_openmp) setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
  if (tuning.keep_freed_memory) {
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
  }
}

}  // namespace synthtab
