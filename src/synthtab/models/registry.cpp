#include "synthtab/models/registry.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "synthtab/core/error.hpp"

namespace synthtab {
namespace {

std::mutex registry_mutex;

// The directory holding this shared library: the plugin is built and installed beside it.
std::filesystem::path core_library_dir() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&core_library_dir), &info) != 0 && info.dli_fname != nullptr)
    return std::filesystem::path(info.dli_fname).parent_path();
  return {};
}

}  // namespace

ModelRegistry& ModelRegistry::instance() {
  static ModelRegistry registry;
  return registry;
}

void ModelRegistry::add(ModelTraits traits) {
  traits.needs_torch = loading_plugin_;
  for (auto& existing : models_) {
    if (existing.name == traits.name) {
      existing = std::move(traits);
      return;
    }
  }
  models_.push_back(std::move(traits));
}

const ModelTraits* ModelRegistry::find(const std::string& name) const {
  for (const auto& model : models_)
    if (model.name == name) return &model;
  return nullptr;
}

// Called with registry_mutex held. The plugin's static ModelRegistrations run inside dlopen.
void ModelRegistry::load_torch_plugin() {
  if (plugin_tried_) return;
  plugin_tried_ = true;
  std::vector<std::filesystem::path> candidates;
  if (const char* dir = std::getenv("SYNTHTAB_PLUGIN_DIR")) candidates.emplace_back(dir);
  candidates.push_back(core_library_dir());
  std::string errors;
  for (const auto& dir : candidates) {
    const auto path = dir / "synthtab_torch.so";
    if (!std::filesystem::exists(path)) {
      errors += "\n  " + path.string() + ": not found";
      continue;
    }
    const size_t before = models_.size();
    loading_plugin_ = true;
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    loading_plugin_ = false;
    if (handle == nullptr) {
      errors += "\n  " + path.string() + ": " + dlerror();
      continue;
    }
    if (models_.size() > before) return;
    errors += "\n  " + path.string() + ": registered no models";
  }
  plugin_problem_ =
      "the neural models need the LibTorch plugin synthtab_torch.so, which could not be loaded (build with "
      "SYNTHTAB_WITH_TORCH=ON, or set SYNTHTAB_PLUGIN_DIR):" +
      errors;
}

ModelTraits ModelRegistry::traits(const std::string& name) {
  std::lock_guard lock(registry_mutex);
  if (find(name) == nullptr) load_torch_plugin();
  if (const ModelTraits* model = find(name)) return *model;
  std::vector<std::string> names;
  for (const auto& model : models_) names.push_back(model.name);
  std::sort(names.begin(), names.end());
  std::string known = "auto";
  for (const auto& known_name : names) known += ", " + known_name;
  throw usage_error("unknown model '" + name + "'; the models are: " + known +
                    (plugin_problem_.empty() ? "" : " (" + plugin_problem_ + ")"));
}

std::unique_ptr<Synthesizer> ModelRegistry::create(const std::string& name) { return traits(name).create(); }

std::vector<ModelTraits> ModelRegistry::list() {
  std::lock_guard lock(registry_mutex);
  load_torch_plugin();
  std::vector<ModelTraits> out = models_;
  std::sort(out.begin(), out.end(), [](const ModelTraits& a, const ModelTraits& b) { return a.name < b.name; });
  ModelTraits automatic;
  automatic.name = "auto";
  automatic.description =
      "the default: fits the candidate models on 70 % of the rows, keeps the one most faithful to the other 30 % "
      "(with a privacy floor)";
  out.insert(out.begin(), std::move(automatic));
  return out;
}

std::vector<ModelTraits> ModelRegistry::loaded() {
  std::lock_guard lock(registry_mutex);
  std::vector<ModelTraits> out = models_;
  std::sort(out.begin(), out.end(), [](const ModelTraits& a, const ModelTraits& b) { return a.name < b.name; });
  return out;
}

bool ModelRegistry::plugin_tried() {
  std::lock_guard lock(registry_mutex);
  return plugin_tried_;
}

std::string ModelRegistry::plugin_problem() {
  std::lock_guard lock(registry_mutex);
  load_torch_plugin();
  return plugin_problem_;
}

}  // namespace synthtab
