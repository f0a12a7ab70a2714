#include "synthtab/transform/transformer_registry.hpp"

#include <algorithm>

#include "synthtab/core/error.hpp"

namespace synthtab {

TransformerRegistry& TransformerRegistry::instance() {
  static TransformerRegistry registry;
  return registry;
}

void TransformerRegistry::add(TransformerTraits traits) {
  const auto same = [&](const TransformerTraits& t) { return t.name == traits.name; };
  if (const auto it = std::find_if(transformers_.begin(), transformers_.end(), same); it != transformers_.end())
    *it = std::move(traits);
  else
    transformers_.push_back(std::move(traits));
}

std::unique_ptr<ColumnTransformer> TransformerRegistry::create(const std::string& name,
                                                               const PipelineOptions& options) const {
  for (const TransformerTraits& traits : transformers_)
    if (traits.name == name) return traits.create(options);
  std::string known;
  for (const TransformerTraits& traits : list()) known += (known.empty() ? "" : ", ") + traits.name;
  throw usage_error("unknown transformer '" + name + "'; known: " + known);
}

std::vector<TransformerTraits> TransformerRegistry::list() const {
  std::vector<TransformerTraits> out = transformers_;
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

}  // namespace synthtab
