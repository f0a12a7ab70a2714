#include <torch/torch.h>

#include "synthtab/models/registry.hpp"

extern "C" void synthtab_register_torch_models(synthtab::ModelRegistry&) {}
