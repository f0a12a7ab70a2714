#pragma once
// Models by name, each with what the rest of the library needs to know about it (its traits).
//
// A model registers itself from its own source file with a static ModelRegistration, so adding
// a model is adding one file: nothing else names it. The neural models live in a plugin
// (synthtab_torch.so, linked against LibTorch) whose files register their models the same way
// when the registry loads it, on the first name it does not know: commands that need no network
// start fast and run where LibTorch is absent.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "synthtab/core/memory_limit.hpp"
#include "synthtab/models/parameters.hpp"
#include "synthtab/models/synthesizer.hpp"
#include "synthtab/transform/pipeline.hpp"

namespace synthtab {

// One model `auto` may try: its parameters override the caller's (e.g. cart with and without
// smoothing); `order` places it among every model's candidates, the prior (0) first.
struct AutoCandidate {
  std::string label;  // "cart (no smoothing)"
  ModelParameters parameters;
  int order = 0;
};

struct ModelTraits {
  std::string name;
  std::string description;  // one line, shown by `synthtab models`
  // Whether cells left missing by preparation are modelled (an indicator column per column with
  // gaps) when the caller leaves the choice to the model (MissingValues::Auto); false: they are
  // filled first, as the seed does.
  bool models_missing = true;
  // Whether the model fits one table over every column's states, so that each column it is given
  // multiplies its size (mrf): such a model is not given extra columns it could do without.
  bool one_joint_table = false;
  ModelMemory memory;  // peak bytes per cell and fixed cost of a fit (measured)
  // The model-space input the model needs under `options`, set on the caller's pipeline options
  // (e.g. standardised numbers instead of quantiles). Empty: the pipeline's defaults.
  std::function<void(const FitOptions& options, PipelineOptions& input)> input_space;
  std::function<std::unique_ptr<Synthesizer>()> create;
  // What a caller may set (FitOptions::parameters), checked by Synthesizer::fit.
  std::vector<ParameterSpec> parameters;
  std::vector<AutoCandidate> auto_candidates;  // empty: auto never tries it
  // Set by the registry: the model was registered by the LibTorch plugin.
  bool needs_torch = false;
};

class ModelRegistry {
 public:
  static ModelRegistry& instance();
  // Called by ModelRegistration, while a library loads; a second model of the same name
  // replaces the first.
  void add(ModelTraits traits);
  // Throws Error(Usage) listing the known names when `name` is unknown (after trying to load the
  // plugin, whose failure the message then explains).
  ModelTraits traits(const std::string& name);
  std::unique_ptr<Synthesizer> create(const std::string& name);
  // `auto` first (not a model of its own: FittedModel fits candidates and keeps the best), then
  // every model by name, the plugin's included when it can be loaded.
  std::vector<ModelTraits> list();
  // The models registered so far, by name, without loading the plugin (a front end's fast path:
  // the plugin's parameters are known once something loads it).
  std::vector<ModelTraits> loaded();
  bool plugin_tried();
  // Why the plugin's models are not listed ("" when they are).
  std::string plugin_problem();

 private:
  const ModelTraits* find(const std::string& name) const;
  void load_torch_plugin();
  std::vector<ModelTraits> models_;
  bool plugin_tried_ = false;
  bool loading_plugin_ = false;
  std::string plugin_problem_;
};

// Traits with a name, a description and a creator of T; every other trait at its default.
template <typename T>
ModelTraits plain_model(std::string name, std::string description) {
  ModelTraits traits;
  traits.name = std::move(name);
  traits.description = std::move(description);
  traits.create = [] { return std::make_unique<T>(); };
  return traits;
}

// `static const ModelRegistration registered{ModelTraits{...}};` in a model's source file.
struct ModelRegistration {
  explicit ModelRegistration(ModelTraits traits) { ModelRegistry::instance().add(std::move(traits)); }
};

}  // namespace synthtab
