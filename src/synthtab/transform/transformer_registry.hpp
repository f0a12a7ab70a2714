#pragma once
// Column transformers by name. A transformer registers itself from its own source file with a
// static TransformerRegistration, so adding one is adding a file; the pipeline picks it when its
// options name it (PipelineOptions::numeric or ::categorical) and a model file names it.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "synthtab/transform/column_transformer.hpp"
#include "synthtab/transform/pipeline.hpp"

namespace synthtab {

struct TransformerTraits {
  std::string name;
  std::string description;  // one line
  std::function<std::unique_ptr<ColumnTransformer>(const PipelineOptions& options)> create;
};

class TransformerRegistry {
 public:
  static TransformerRegistry& instance();
  // A second transformer of the same name replaces the first.
  void add(TransformerTraits traits);
  // Throws Error(Usage) listing the known names when `name` is unknown.
  std::unique_ptr<ColumnTransformer> create(const std::string& name, const PipelineOptions& options) const;
  std::vector<TransformerTraits> list() const;  // by name

 private:
  std::vector<TransformerTraits> transformers_;
};

// The traits of a transformer that takes no options, under its own name().
template <typename T>
TransformerTraits plain_transformer(std::string description) {
  return {T().name(), std::move(description),
          [](const PipelineOptions&) -> std::unique_ptr<ColumnTransformer> { return std::make_unique<T>(); }};
}

// `static const TransformerRegistration registered{{...}};` in a transformer's source file.
struct TransformerRegistration {
  explicit TransformerRegistration(TransformerTraits traits) { TransformerRegistry::instance().add(std::move(traits)); }
};

}  // namespace synthtab
