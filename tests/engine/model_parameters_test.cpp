// Model parameters: each model's schema in its traits, the checks made from it (the library's
// and, through engine/option_values, a front end's text), and auto's candidates built from the
// traits.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "support/errors.hpp"
#include "synthtab/core/matrix.hpp"
#include "synthtab/engine/model_choice.hpp"
#include "synthtab/engine/option_values.hpp"
#include "synthtab/models/parameters.hpp"
#include "synthtab/models/registry.hpp"

namespace synthtab {
namespace {

using testing::error_of;

ParameterSpec integer_spec(double min, double max) {
  return {.name = "steps", .type = ParameterType::Integer, .help = "h", .default_value = "1", .min = min, .max = max};
}

TEST(ModelParameters, ExpectedValuesAreWordedFromTheRange) {
  EXPECT_EQ(integer_spec(1, 100).expected(), "a whole number from 1 to 100");
  EXPECT_EQ(integer_spec(0, 2147483647).expected(), "a whole number >= 0");
  ParameterSpec rate{.name = "rate", .type = ParameterType::Real, .min = 0.0, .min_open = true};
  EXPECT_EQ(rate.expected(), "a number > 0");
  rate.max = 1.0;
  rate.max_open = true;
  EXPECT_EQ(rate.expected(), "a number > 0 and < 1");
  const ParameterSpec choice{.name = "c", .type = ParameterType::Choice, .choices = {"a", "b", "c"}};
  EXPECT_EQ(choice.expected(), "a, b or c");
}

TEST(ModelParameters, ValuesOutsideTheSchemaAreUsageErrorsNamingTheParameter) {
  const std::vector<ParameterSpec> schema = {
      integer_spec(1, 100), {.name = "mode", .type = ParameterType::Choice, .choices = {"fast", "slow"}}};
  EXPECT_NO_THROW(check_parameters("m", schema, {{"steps", 3.0}, {"mode", std::string("slow")}}));
  EXPECT_EQ(error_of(
                [&] {
                  check_parameters("m", schema, {{"steps", 0.0}});
                },
                ErrorKind::Usage),
            "`steps` of m expects a whole number from 1 to 100, got '0'");
  EXPECT_EQ(error_of(
                [&] {
                  check_parameters("m", schema, {{"steps", 2.5}});
                },
                ErrorKind::Usage),
            "`steps` of m expects a whole number from 1 to 100, got '2.5'");
  error_of([&] { check_parameters("m", schema, {{"steps", std::nan("")}}); }, ErrorKind::Usage);
  error_of([&] { check_parameters("m", schema, {{"steps", std::string("3")}}); }, ErrorKind::Usage);
  EXPECT_EQ(error_of(
                [&] {
                  check_parameters("m", schema, {{"mode", std::string("quick")}});
                },
                ErrorKind::Usage),
            "`mode` of m expects fast or slow, got 'quick'");
  EXPECT_EQ(error_of(
                [&] {
                  check_parameters("m", schema, {{"speed", 1.0}});
                },
                ErrorKind::Usage),
            "`speed` is not a parameter of m; its parameters: `steps`, `mode`");
  EXPECT_EQ(error_of(
                [&] {
                  check_parameters("m", {}, {{"speed", 1.0}});
                },
                ErrorKind::Usage),
            "`speed` is not a parameter of m; its parameters: none");
}

TEST(ModelParameters, TextIsReadByTheSpecsType) {
  const ParameterSpec steps = integer_spec(1, 100);
  EXPECT_EQ(std::get<double>(parse_parameter(steps, "12", "m")), 12.0);
  for (const char* bad : {"", "12x", "abc", "1e400", "0"})
    error_of([&] { parse_parameter(steps, bad, "m"); }, ErrorKind::Usage);
}

// Every model's schema is usable: names are field names, numeric defaults lie in their range,
// a choice's default is one of its choices.
TEST(ModelParameters, EveryModelsSchemaIsWellFormed) {
  for (const ModelTraits& model : ModelRegistry::instance().list()) {
    for (const ParameterSpec& spec : model.parameters) {
      SCOPED_TRACE(model.name + " " + spec.name);
      EXPECT_EQ(spec.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_"), std::string::npos);
      EXPECT_FALSE(spec.help.empty());
      if (spec.type == ParameterType::Choice) {
        EXPECT_NO_THROW(parse_parameter(spec, spec.default_value, model.name));
      } else if (spec.default_value.find_first_not_of("0123456789.e-") == std::string::npos) {
        EXPECT_NO_THROW(parse_parameter(spec, spec.default_value, model.name));
      }
    }
  }
}

TEST(ModelParameters, AModelRefusesAnotherModelsParameterAndAValueOutOfItsRange) {
  Matrix data(10, 1);
  for (int64_t r = 0; r < data.rows; ++r) data(r, 0) = static_cast<float>(r);
  const std::vector<ModelColumn> layout = {{ModelColumnKind::Continuous, 0, "x"}};
  auto copula = ModelRegistry::instance().create("copula");
  FitOptions options;
  options.parameters.set("smoothing", "none");
  EXPECT_EQ(error_of([&] { copula->fit(data, layout, options); }, ErrorKind::Usage),
            "`smoothing` is not a parameter of copula; its parameters: `marginals`");
  options.parameters = {{"marginals", std::string("normal")}};
  error_of([&] { copula->fit(data, layout, options); }, ErrorKind::Usage);
  options.parameters = {{"marginals", std::string("parametric")}};
  EXPECT_NO_THROW(copula->fit(data, layout, options));
}

// The order and labels auto's reports and tuning rely on; the caller's parameters reach the
// candidates whose model has them, under the candidate's own.
TEST(ModelParameters, AutosCandidatesComeFromTheTraitsInOrder) {
  const auto plain = candidate_models();
  ASSERT_EQ(plain.size(), 3u);
  EXPECT_EQ(plain[0].label, "copula");
  EXPECT_EQ(plain[1].label, "cart");
  EXPECT_EQ(plain[2].label, "cart (no smoothing)");
  EXPECT_EQ(plain[2].model, "cart");
  EXPECT_EQ(plain[1].parameters.choice("smoothing"), "density");
  EXPECT_EQ(plain[2].parameters.choice("smoothing"), "none");

  const auto given = candidate_models({{"marginals", std::string("parametric")}, {"smoothing", std::string("none")}});
  EXPECT_EQ(given[0].parameters.choice("marginals"), "parametric");
  EXPECT_FALSE(given[1].parameters.has("marginals"));
  EXPECT_EQ(given[1].parameters.choice("smoothing"), "density");  // the candidate's own wins

  EXPECT_EQ(error_of(
                [] {
                  candidate_models({{"epochs", 5.0}});
                },
                ErrorKind::Usage),
            "`epochs` is not a parameter of auto's candidates (cart, copula)");
}

TEST(ModelParameters, AFrontEndsTextIsTypedByTheChosenModelsSchema) {
  const ModelParameters wgan = parse_model_parameters("wgan", {{"epochs", "3"}, {"learning_rate", "1e-3"}});
  EXPECT_EQ(wgan.integer("epochs"), 3);
  EXPECT_EQ(wgan.number("learning_rate"), 1e-3);
  EXPECT_EQ(error_of(
                [] {
                  parse_model_parameters("wgan", {{"batch_size", "3"}});
                },
                ErrorKind::Usage),
            "`batch_size` of wgan expects a whole number from 4 to 1048576, got '3'");
  EXPECT_EQ(error_of(
                [] {
                  parse_model_parameters("auto", {{"marginals", "normal"}});
                },
                ErrorKind::Usage),
            "`marginals` of copula expects empirical or parametric, got 'normal'");
  EXPECT_EQ(parse_model_parameters("auto", {{"marginals", "parametric"}}).choice("marginals"), "parametric");
  error_of([] { parse_model_parameters("copula", {{"epochs", "3"}}); }, ErrorKind::Usage);
}

}  // namespace
}  // namespace synthtab
