// The registry: models found by name with their traits, the plugin's models included, and what
// the traits tell the engine (the model's input space, missing values, memory).
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/errors.hpp"
#include "synthtab/models/registry.hpp"

namespace synthtab {
namespace {

TEST(ModelRegistry, ListsAutoFirstThenEveryModelByNameEachCreatingItself) {
  auto& registry = ModelRegistry::instance();
  const auto models = registry.list();
  ASSERT_GE(models.size(), 2u);
  EXPECT_EQ(models.front().name, "auto");
  std::set<std::string> names;
  for (size_t i = 1; i < models.size(); ++i) {
    const auto& model = models[i];
    EXPECT_FALSE(model.description.empty()) << model.name;
    EXPECT_LT(models[i - 1].name == "auto" ? "" : models[i - 1].name, model.name) << "sorted by name";
    EXPECT_TRUE(names.insert(model.name).second) << model.name << " listed twice";
    ASSERT_TRUE(model.create) << model.name;
    EXPECT_EQ(model.create()->name(), model.name);
  }
  // The built-in models and the plugin's (the suite is built with it).
  for (const char* name : {"copula", "cart", "bayesnet", "mrf", "wgan", "gan", "ctgan", "tvae"})
    EXPECT_EQ(names.count(name), 1u) << name;
  EXPECT_EQ(registry.plugin_problem(), "");
  EXPECT_FALSE(registry.traits("copula").needs_torch);
  EXPECT_TRUE(registry.traits("wgan").needs_torch);
}

TEST(ModelRegistry, AnUnknownNameIsAUsageErrorListingTheModels) {
  const std::string message = testing::error_of([] { ModelRegistry::instance().create("copular"); }, ErrorKind::Usage);
  EXPECT_NE(message.find("unknown model 'copular'"), std::string::npos) << message;
  EXPECT_NE(message.find("auto, bayesnet, cart"), std::string::npos) << message;
}

PipelineOptions input_space(const std::string& model, const FitOptions& fit = {}, PipelineOptions input = {}) {
  const ModelTraits traits = ModelRegistry::instance().traits(model);
  if (traits.input_space) traits.input_space(fit, input);
  return input;
}

TEST(ModelRegistry, EachModelAsksForItsOwnInputSpace) {
  // The seed's WGAN path takes 70 % of the rows as quantiles, unless the caller set a count.
  EXPECT_EQ(input_space("wgan").quantile_share, 0.7);
  PipelineOptions set_count;
  set_count.n_quantiles = 50;
  EXPECT_EQ(input_space("wgan", {}, set_count).quantile_share, 0.0);
  EXPECT_EQ(input_space("gan").quantile_share, 0.0);
  // ctgan and tvae fit their mixtures on standardised numbers; so do the copula's parametric
  // marginals, but not its empirical ones.
  EXPECT_EQ(input_space("ctgan").numeric, "standard");
  EXPECT_EQ(input_space("tvae").numeric, "standard");
  FitOptions parametric;
  parametric.parameters.set("marginals", "parametric");
  EXPECT_EQ(input_space("copula", parametric).numeric, "standard");
  EXPECT_EQ(input_space("copula").numeric, "quantile");
  EXPECT_EQ(input_space("cart").numeric, "quantile");
}

TEST(ModelRegistry, TraitsSayWhichModelsFillMissingValuesAndWhatMemoryTheyNeed) {
  auto& registry = ModelRegistry::instance();
  EXPECT_FALSE(registry.traits("wgan").models_missing);  // the seed's preparation
  EXPECT_FALSE(registry.traits("gan").models_missing);
  for (const char* name : {"copula", "cart", "bayesnet", "mrf", "ctgan", "tvae"})
    EXPECT_TRUE(registry.traits(name).models_missing) << name;
  EXPECT_GT(registry.traits("cart").memory.bytes_per_cell, registry.traits("copula").memory.bytes_per_cell);
  EXPECT_GT(registry.traits("wgan").memory.base_bytes, registry.traits("copula").memory.base_bytes);  // LibTorch
}

// The contract the base class checks for every model (models/synthesizer.hpp).
TEST(ModelRegistry, EveryModelRefusesOneRowAndAMismatchedLayout) {
  const std::vector<ModelColumn> layout(2, ModelColumn{ModelColumnKind::Continuous, 0, "x"});
  for (const auto& model : ModelRegistry::instance().list()) {
    if (!model.create) continue;  // auto
    const auto fresh = model.create();
    const std::string one_row =
        testing::error_of([&] { fresh->fit(Matrix(1, 2, 0.5f), layout, {}); }, ErrorKind::Input);
    EXPECT_NE(one_row.find(model.name + " needs at least 2 rows"), std::string::npos) << one_row;
    testing::error_of([&] { fresh->fit(Matrix(10, 3, 0.5f), layout, {}); }, ErrorKind::Usage);
    EXPECT_THROW(fresh->sample(0, -1, 1), std::logic_error) << model.name;
  }
}

}  // namespace
}  // namespace synthtab
