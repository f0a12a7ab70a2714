#include "synthtab/models/registry.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "synthtab/core/error.hpp"
#include "synthtab/models/bayesnet.hpp"
#include "synthtab/models/cart.hpp"
#include "synthtab/models/gaussian_copula.hpp"
#include "synthtab/models/mrf.hpp"

namespace synthtab {
namespace {

std::mutex registry_mutex;

// Names and descriptions of the plugin's models, known before the plugin is loaded.
const std::vector<std::pair<std::string, std::string>>& torch_model_names() {
  static const std::vector<std::pair<std::string, std::string>> names = {
      {"wgan", "the seed's unconditional Wasserstein GAN (nbsynthetic), trained as a WGAN should be"},
      {"gan", "the seed's vanilla GAN variant (sigmoid discriminator, binary cross-entropy)"},
      {"ctgan", "CTGAN (Xu et al. 2019): conditional GAN with mode-specific normalisation, for larger tables"},
      {"tvae", "TVAE (Xu et al. 2019): tabular variational autoencoder with mode-specific normalisation"},
  };
  return names;
}

// The directory holding this shared library: the plugin is built and installed beside it.
std::filesystem::path core_library_dir() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&core_library_dir), &info) != 0 && info.dli_fname != nullptr)
    return std::filesystem::path(info.dli_fname).parent_path();
  return {};
}

}  // namespace

ModelRegistry& ModelRegistry::instance() {
  static ModelRegistry registry = [] {
    ModelRegistry built_in;
    built_in.add({"copula", "Gaussian copula: empirical (or --marginals parametric) marginals joined by the correlation of normal scores; models missing values; fast, no network",
                  false, [] { return std::make_unique<GaussianCopula>(); }});
    built_in.add({"cart", "sequential CART trees in the style of R's synthpop: each column drawn from the real values in its leaf",
                  false, [] { return std::make_unique<CartSynthesizer>(); }});
    built_in.add({"bayesnet", "Bayesian network over discretised columns (greedy mutual-information structure, up to 2 parents): for small tables of categories and counts",
                  false, [] { return std::make_unique<BayesNetSynthesizer>(); }});
    built_in.add({"mrf", "pairwise Markov random field over discretised columns: keeps every one- and two-way table of small tables of categories and counts; narrow tables only",
                  false, [] { return std::make_unique<MrfSynthesizer>(); }});
    return built_in;
  }();
  return registry;
}

void ModelRegistry::add(ModelInfo info) {
  for (auto& existing : models_) {
    if (existing.name == info.name) {
      existing = std::move(info);
      return;
    }
  }
  models_.push_back(std::move(info));
}

void ModelRegistry::load_torch_plugin() {
  if (plugin_loaded_) return;
  // OpenMP threads that spin while idle make LibTorch fits many times slower on a busy
  // 2-core machine; the policy is read once, when the OpenMP runtime loads with the plugin.
  // A value the user set is kept.
  setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
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
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      errors += "\n  " + path.string() + ": " + dlerror();
      continue;
    }
    auto* register_models = reinterpret_cast<decltype(&synthtab_register_torch_models)>(
        dlsym(handle, "synthtab_register_torch_models"));
    if (register_models == nullptr) {
      errors += "\n  " + path.string() + ": no synthtab_register_torch_models symbol";
      continue;
    }
    register_models(*this);
    plugin_loaded_ = true;
    return;
  }
  throw Error(ErrorKind::Usage,
              "the neural models need the LibTorch plugin synthtab_torch.so, which could not be "
              "loaded (build with SYNTHTAB_WITH_TORCH=ON, or set SYNTHTAB_PLUGIN_DIR):" + errors);
}

std::unique_ptr<Synthesizer> ModelRegistry::create(const std::string& name) {
  std::lock_guard lock(registry_mutex);
  for (const auto& model : models_)
    if (model.name == name) return model.create();
  for (const auto& [torch_name, description] : torch_model_names()) {
    if (torch_name != name) continue;
    load_torch_plugin();
    for (const auto& model : models_)
      if (model.name == name) return model.create();
    throw Error(ErrorKind::Usage, "the LibTorch plugin does not provide model '" + name + "'");
  }
  std::string known;
  for (const auto& info : list()) known += (known.empty() ? "" : ", ") + info.name;
  throw usage_error("unknown model '" + name + "'; the models are: " + known);
}

std::vector<ModelInfo> ModelRegistry::list() {
  // `auto` is not a model of its own: FittedModel fits the candidates and keeps the best.
  std::vector<ModelInfo> out = {{"auto", "the default: fits the candidate models on 70 % of the rows, keeps the one "
                                         "most faithful to the other 30 % (with a privacy floor)", false, nullptr}};
  out.insert(out.end(), models_.begin(), models_.end());
  for (const auto& [name, description] : torch_model_names()) {
    bool present = false;
    for (const auto& model : out) present = present || model.name == name;
    if (!present) out.push_back({name, description, true, nullptr});
  }
  return out;
}

}  // namespace synthtab
