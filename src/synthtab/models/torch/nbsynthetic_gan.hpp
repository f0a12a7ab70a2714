#pragma once
// The seed's two neural models ("wgan", "gan"; see docs/models.md), built in the LibTorch plugin.
// This header includes no LibTorch: the test suite (which links only the core library) uses it
// to reach the plugin's diagnostics through the registry's Synthesizer with a dynamic_cast.
#include <cstdint>

namespace synthtab {

// The seed's batch-size rule, with its small-table hole filled:
//   rows > 48        -> 48                          (the seed)
//   16 <= rows <= 48 -> (rows / 8 - 1) * 8          (the seed: 8, 16, 24, 32 or 40)
//   rows < 16        -> the largest even number <= rows / 2, at least 4
// The seed's formula gives 0 or a negative size below 16 rows. Our fill keeps the rule
// non-decreasing in rows and gives at least 2 generated rows per critic step, which BatchNorm
// needs in training mode (one row has no variance).
inline int nbsynthetic_batch_size(int64_t rows) {
  if (rows > 48) return 48;
  if (rows >= 16) return static_cast<int>((rows / 8 - 1) * 8);
  const int even_half = static_cast<int>(rows / 4) * 2;  // largest even number <= rows / 2
  return even_half < 4 ? 4 : even_half;
}

// The seed's iterations per epoch: int(rows / half) (+1 if rows % batch != 0), half = batch / 2.
inline int64_t nbsynthetic_iterations_per_epoch(int64_t rows, int batch) {
  const int64_t half = batch / 2;
  return rows / half + (rows % batch != 0 ? 1 : 0);
}

// Diagnostics of a fitted wgan / gan, for tests and debugging.
class NbsyntheticGanInspector {
 public:
  virtual ~NbsyntheticGanInspector() = default;
  // Largest |value| over every critic (discriminator) parameter, weights and biases; NaN when
  // there is no critic (before fit, or after load: the critic is not saved).
  virtual double critic_max_abs_parameter() const = 0;
  virtual int64_t latent_size() const = 0;
};

}  // namespace synthtab
