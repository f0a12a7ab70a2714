#pragma once
// CTGAN and TVAE (Xu et al. 2019, "Modeling Tabular Data using Conditional GAN") in the LibTorch
// plugin; see docs/models.md. This header includes no LibTorch.
namespace synthtab {

class ModelRegistry;

// Adds "ctgan" and "tvae" to the registry (called by the plugin's entry point).
void register_ctgan_tvae(ModelRegistry& registry);

}  // namespace synthtab
