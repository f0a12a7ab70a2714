#pragma once
// What the LibTorch plugin's models (nbsynthetic_gan.cpp: wgan, gan; ctgan_tvae.cpp: ctgan, tvae)
// share. Each registers itself (models/registry.hpp) when the registry loads the plugin.
#include <cstdint>
#include <limits>
#include <string>

#include "synthtab/models/parameters.hpp"

namespace synthtab {

// The network models' fixed cost of a fit: LibTorch and its runtime are loaded.
inline constexpr uint64_t kTorchBaseBytes = 256ULL * 1024 * 1024;

// The training parameters the network models share, with each model's defaults and limits.
inline ParameterSpec epochs_parameter(const std::string& default_value) {
  return {.name = "epochs",
          .type = ParameterType::Integer,
          .help = "training epochs (0 leaves the network untrained: a reference)",
          .default_value = default_value,
          .min = 0,
          .max = std::numeric_limits<int>::max()};
}
inline ParameterSpec batch_size_parameter(const std::string& default_value, int min, const std::string& why) {
  return {.name = "batch_size",
          .type = ParameterType::Integer,
          .help = "rows per training batch" + why,
          .default_value = default_value,
          .min = static_cast<double>(min),
          .max = 1 << 20};
}
inline ParameterSpec learning_rate_parameter(const std::string& default_value) {
  return {.name = "learning_rate",
          .type = ParameterType::Real,
          .help = "the generator's learning rate (tvae: the autoencoder's)",
          .default_value = default_value,
          .min = 0.0,
          .min_open = true};
}
inline ParameterSpec critic_learning_rate_parameter(const std::string& default_value) {
  return {.name = "critic_learning_rate",
          .type = ParameterType::Real,
          .help = "the critic's (discriminator's) learning rate",
          .default_value = default_value,
          .min = 0.0,
          .min_open = true};
}
inline ParameterSpec dropout_parameter() {
  return {.name = "dropout",
          .type = ParameterType::Real,
          .help = "the critic's dropout",
          .default_value = "0.5",
          .min = 0.0,
          .max = 0.99};
}
inline ParameterSpec critic_steps_parameter() {
  return {.name = "critic_steps",
          .type = ParameterType::Integer,
          .help = "critic updates per generator update",
          .default_value = "1",
          .min = 1,
          .max = 100};
}

}  // namespace synthtab
