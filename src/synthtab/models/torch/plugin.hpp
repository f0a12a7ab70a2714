#pragma once
// What the LibTorch plugin's models (seed_gan.cpp: wgan, gan; ctgan_tvae.cpp: ctgan, tvae)
// share. Each registers itself (models/registry.hpp) when the registry loads the plugin.
#include <cstdint>

namespace synthtab {

// The network models' fixed cost of a fit: LibTorch and its runtime are loaded.
inline constexpr uint64_t kTorchBaseBytes = 256ULL * 1024 * 1024;

}  // namespace synthtab
