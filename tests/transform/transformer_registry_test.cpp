#include "synthtab/transform/transformer_registry.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "synthtab/core/error.hpp"
#include "transform/column_builders.hpp"

namespace synthtab {
namespace {

using testing::categorical_column;
using testing::numeric_column;

// A transformer written the way a new one is: the do_* steps and a registration, nothing else.
// It maps numbers linearly onto [-1, 1] by their fitted range.
class RangeTransformer final : public ColumnTransformer {
 public:
  std::string name() const override { return "test_range"; }
  ColumnKinds takes() const override { return ColumnKinds::Numeric; }
  int width() const override { return 1; }

 private:
  void do_fit(const Column& column) override {
    low_ = column.values.front();
    high_ = column.values.front();
    for (double v : column.values) low_ = std::min(low_, v), high_ = std::max(high_, v);
  }
  void do_transform(const Column& column, Matrix& out, int64_t offset) const override {
    for (int64_t r = 0; r < out.rows; ++r)
      out(r, offset) = static_cast<float>(2.0 * (column.values[static_cast<size_t>(r)] - low_) / (high_ - low_) - 1.0);
  }
  Column do_inverse(const Matrix& in, int64_t offset, Rng& /*rng*/) const override {
    Column column = fitted_column().empty_like();
    for (int64_t r = 0; r < in.rows; ++r) column.values.push_back(low_ + (in(r, offset) + 1.0) / 2.0 * (high_ - low_));
    return column;
  }
  void do_save(nlohmann::json& state) const override { state.update({{"low", low_}, {"high", high_}}); }
  void do_load(const nlohmann::json& state, const Column& /*prototype*/, const std::string& /*what*/) override {
    low_ = state.at("low").get<double>();
    high_ = state.at("high").get<double>();
  }

  double low_ = 0.0, high_ = 1.0;
};

const TransformerRegistration registered{{
    .name = "test_range",
    .description = "numbers scaled by their range (a test)",
    .create = [](const PipelineOptions&) -> std::unique_ptr<ColumnTransformer> {
      return std::make_unique<RangeTransformer>();
    },
}};

TEST(TransformerRegistry, KnowsTheLibrarysTransformersAndNamesThemWhenAskedForAnother) {
  std::vector<std::string> names;
  for (const TransformerTraits& traits : TransformerRegistry::instance().list()) names.push_back(traits.name);
  for (const char* name : {"categorical", "constant", "quantile", "standard"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
    EXPECT_EQ(TransformerRegistry::instance().create(name, {})->name(), name);
  }
  try {
    TransformerRegistry::instance().create("onehot", {});
    ADD_FAILURE() << "created an unknown transformer";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Usage);
    EXPECT_NE(std::string(e.what()).find("known: categorical, constant, quantile, standard"), std::string::npos)
        << e.what();
  }
}

TEST(TransformerRegistry, ANewTransformerIsUsedByNameAndSavedAndLoadedThroughThePipeline) {
  Table table;
  table.columns.push_back(numeric_column("spend", ColumnType::Float, {10, 20, 40, 30}));
  table.columns.push_back(categorical_column("channel", {"a", "b", "a", "b"}));
  PipelineOptions options;
  options.numeric = "test_range";
  Pipeline pipeline;
  pipeline.fit(table, options);
  const Matrix rows = pipeline.transform(table);
  EXPECT_FLOAT_EQ(rows(0, 0), -1.0f);
  EXPECT_FLOAT_EQ(rows(1, 0), -1.0f / 3.0f);
  EXPECT_FLOAT_EQ(rows(2, 0), 1.0f);

  Pipeline loaded;
  loaded.load(pipeline.save());
  EXPECT_EQ(loaded.save(), pipeline.save());
  Rng rng(1);
  const Table back = loaded.inverse(rows, rng);
  EXPECT_NEAR(back.columns[0].values[3], 30.0, 1e-5);  // through the float model matrix
  EXPECT_EQ(back.columns[1].codes, table.columns[1].codes);
}

TEST(TransformerRegistry, TheBaseClassChecksTheContractForEveryTransformer) {
  RangeTransformer transformer;
  Matrix out(2, 1);
  const Column numbers = numeric_column("x", ColumnType::Float, {1, 2});
  EXPECT_THROW(transformer.transform(numbers, out, 0), std::logic_error);  // before fit
  try {
    transformer.fit(categorical_column("x", {"a", "b"}));
    ADD_FAILURE() << "fitted a categorical column";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "column 'x' is categorical; the test_range transformer needs numbers");
  }
  EXPECT_THROW(transformer.fit(numeric_column("x", ColumnType::Float, {kMissingValue})), Error);  // no values
  transformer.fit(numbers);
  EXPECT_THROW(transformer.transform(numbers, out, 1), std::invalid_argument);  // no room at offset 1
  EXPECT_THROW(transformer.transform(numeric_column("x", ColumnType::Float, {1, kMissingValue}), out, 0), Error);
  EXPECT_THROW(transformer.describe(1), std::out_of_range);
  nlohmann::json state = transformer.save_state();
  state["column"]["type"] = "categorical";
  state["column"]["categories"] = {"a"};
  RangeTransformer other;
  try {
    other.load_state(state);
    ADD_FAILURE() << "loaded a categorical column's state";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::ModelFile);
    EXPECT_NE(std::string(e.what()).find("is categorical, not numeric"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace synthtab
