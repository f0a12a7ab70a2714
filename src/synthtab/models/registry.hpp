#pragma once
// Models by name. Built-in models register from the core library; the neural models live in
// a plugin (synthtab_torch.so, linked against LibTorch) that is loaded on first use, so
// commands that need no network start fast and run where LibTorch is absent.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "synthtab/models/synthesizer.hpp"

namespace synthtab {

struct ModelInfo {
  std::string name;
  std::string description;  // one line, shown by `synthtab models`
  bool needs_torch = false;
  std::function<std::unique_ptr<Synthesizer>()> create;
};

class ModelRegistry {
 public:
  static ModelRegistry& instance();
  void add(ModelInfo info);
  // Throws Error(Usage) listing the known names when `name` is unknown, and a clear error
  // when the model needs the LibTorch plugin and it cannot be loaded.
  std::unique_ptr<Synthesizer> create(const std::string& name);
  std::vector<ModelInfo> list();

 private:
  void load_torch_plugin();
  std::vector<ModelInfo> models_;
  bool plugin_loaded_ = false;
};

}  // namespace synthtab

// The plugin exports this function with C linkage; the registry calls it after dlopen.
extern "C" void synthtab_register_torch_models(synthtab::ModelRegistry& registry);
