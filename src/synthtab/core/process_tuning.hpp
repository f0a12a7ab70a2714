#pragma once
// Process-wide settings that make synthtab's runs faster but change how the whole process
// behaves. Only the program that owns the process should choose them, so the library never
// applies them on its own: the CLI calls tune_process() first thing, and an embedding program
// may call it (or not) before its first fit.
namespace synthtab {

struct ProcessTuning {
  // OpenMP threads that spin while idle made LibTorch fits many times slower on a busy 2-core
  // machine: OMP_WAIT_POLICY=PASSIVE asks them to sleep. OpenMP reads it once, when the LibTorch
  // plugin loads it, so this must come before the first neural model. A value already set is kept.
  bool passive_openmp = true;
  // Each ctgan/tvae step allocates and frees the same few-MB activations; glibc serves blocks that
  // large with fresh mappings, so each step paid ~5 % of its time in page faults. Raising the
  // mmap and trim thresholds keeps them in the heap (an epoch 10-13 % faster, bench/ctgan_speed.sh)
  // at the cost of memory kept for reuse rather than returned to the system.
  bool keep_freed_memory = true;
};

void tune_process(const ProcessTuning& tuning = {});

}  // namespace synthtab
