// The checked reading of model-file sections: one clean message per problem, never raw
// nlohmann text.
#include "synthtab/core/json_checks.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/errors.hpp"

namespace synthtab {
namespace {

using nlohmann::json;
using testing::error_of;

const SectionCheck check{"m.synthtab", "model/x"};
const std::string prefix = "m.synthtab: model file section 'model/x' is invalid: ";

TEST(JsonChecks, ParseErrorsAreOneCleanLine) {
  EXPECT_EQ(error_of([] { check.parse("{\"a\": [1, 2"); }, ErrorKind::ModelFile), prefix + "not valid JSON");
  EXPECT_EQ(error_of([] { check.parse_object("[1]"); }, ErrorKind::ModelFile), prefix + "not a JSON object");
  EXPECT_EQ(check.parse_object("{\"a\": 1}")["a"], 1);
}

TEST(JsonChecks, MembersOfTheWrongKindAreNamed) {
  const json j = json::parse(R"({"n": 5, "s": "x", "f": 1.5, "big": 18446744073709551615, "l": [3, 1, 2]})");
  EXPECT_EQ(check.integer(j, "n", 0, 10), 5);
  EXPECT_EQ(error_of([&] { check.integer(j, "n", 6, 10); }, ErrorKind::ModelFile), prefix + "'n' is 5, expected 6..10");
  EXPECT_EQ(error_of([&] { check.integer(j, "big", 0, 10); }, ErrorKind::ModelFile),
            prefix + "'big' is 18446744073709551615, expected 0..10");
  EXPECT_EQ(error_of([&] { check.integer(j, "f", 0, 10); }, ErrorKind::ModelFile),
            prefix + "'f' is not a whole number");
  EXPECT_EQ(error_of([&] { check.integer(j, "missing", 0, 10); }, ErrorKind::ModelFile),
            prefix + "'missing' is missing");
  EXPECT_EQ(error_of([&] { check.string(j, "n"); }, ErrorKind::ModelFile), prefix + "'n' is not a string");
  EXPECT_EQ(error_of([&] { check.array(j, "s"); }, ErrorKind::ModelFile), prefix + "'s' is not a list");
  EXPECT_EQ(error_of([&] { check.finite_array(j, "l", 2); }, ErrorKind::ModelFile),
            prefix + "'l' has 3 entries, expected 2");
  const auto l = check.finite_array(j, "l");
  EXPECT_EQ(l, (std::vector<double>{3, 1, 2}));
  EXPECT_EQ(error_of([&] { check.sorted(l, "'l'"); }, ErrorKind::ModelFile), prefix + "'l' is not sorted (at entry 1)");
  EXPECT_EQ(error_of([&] { check.finite_array<float>(json::parse(R"({"v": [1e300]})"), "v"); }, ErrorKind::ModelFile),
            prefix + "'v' entry 0 is out of range");
}

TEST(JsonChecks, ProbabilitiesLieInTheUnitIntervalAndSumToOne) {
  EXPECT_NO_THROW(check.probabilities(std::vector<double>{0.25, 0.75}, "p"));
  EXPECT_EQ(error_of(
                [] {
                  check.probabilities(std::vector<double>{0.5, 0.6}, "p");
                },
                ErrorKind::ModelFile),
            prefix + "p sums to 1.100000, not 1");
  EXPECT_EQ(error_of(
                [] {
                  check.probabilities(std::vector<double>{1.5, -0.5}, "p");
                },
                ErrorKind::ModelFile),
            prefix + "p entry 0 is not a probability in [0, 1]");
}

TEST(JsonChecks, CorrelationMatricesAreSymmetricWithUnitDiagonalAndPositiveDefinite) {
  EXPECT_NO_THROW(check.correlation_matrix({1, 0.5, 0.5, 1}, 2, "c"));
  EXPECT_EQ(error_of(
                [] {
                  check.correlation_matrix({1, 0.5, 0.4, 1}, 2, "c");
                },
                ErrorKind::ModelFile),
            prefix + "c is not symmetric");
  EXPECT_EQ(error_of(
                [] {
                  check.correlation_matrix({2, 0, 0, 1}, 2, "c");
                },
                ErrorKind::ModelFile),
            prefix + "c has no unit diagonal");
  // Pairwise valid, jointly impossible: x = y, y = z, x = -z.
  EXPECT_EQ(error_of(
                [] {
                  check.correlation_matrix({1, 1, -1, 1, 1, 1, -1, 1, 1}, 3, "c");
                },
                ErrorKind::ModelFile),
            prefix + "c is not positive definite");
  EXPECT_EQ(error_of(
                [] {
                  check.correlation_matrix({1, 0, 0}, 2, "c");
                },
                ErrorKind::ModelFile),
            prefix + "c has 3 entries, expected 4");
  EXPECT_NO_THROW(check.lower_triangular({1, 0, 0.5, 0.8}, 2, "l"));
  EXPECT_EQ(error_of(
                [] {
                  check.lower_triangular({1, 0.1, 0.5, 0.8}, 2, "l");
                },
                ErrorKind::ModelFile),
            prefix + "l is not lower triangular");
}

TEST(JsonChecks, GuardTurnsRawLibraryErrorsIntoTheSectionMessage) {
  EXPECT_EQ(
      error_of([] { check.guard([] { (void)json::parse("[1]").at(0).get<std::string>(); }); }, ErrorKind::ModelFile),
      prefix + "type must be string, but is number");
  EXPECT_EQ(error_of(
                [] {
                  check.guard([] {
                    throw Error(ErrorKind::ModelFile, "m.synthtab: malformed x: [json.exception.type_error.302] bad");
                  });
                },
                ErrorKind::ModelFile),
            prefix + "malformed x: bad");
  // Clean messages pass unchanged, and other kinds of error are not model-file errors.
  EXPECT_EQ(
      error_of(
          [] { check.guard([] { throw Error(ErrorKind::ModelFile, "m.synthtab: model file has no 'x' section"); }); },
          ErrorKind::ModelFile),
      "m.synthtab: model file has no 'x' section");
  EXPECT_EQ(error_of([] { check.guard([] { throw Error(ErrorKind::Resource, "too big"); }); }, ErrorKind::Resource),
            "too big");
}

}  // namespace
}  // namespace synthtab

namespace synthtab {
namespace {

TEST(JsonChecks, NestingDepthIsBoundedBeforeParsing) {
  const auto nested = [](int depth, char open, char close) {
    return std::string(depth, open) + std::string(depth, close);
  };
  EXPECT_FALSE(json_nests_deeper_than(nested(64, '[', ']'), 64));
  EXPECT_TRUE(json_nests_deeper_than(nested(65, '[', ']'), 64));
  EXPECT_TRUE(json_nests_deeper_than("{\"a\": " + nested(65, '[', ']') + "}", 65));
  EXPECT_FALSE(json_nests_deeper_than("{\"a\": " + nested(63, '[', ']') + "}", 64));
  // Brackets inside strings, also after an escaped quote, do not count.
  EXPECT_FALSE(json_nests_deeper_than("[\"" + std::string(100, '[') + "\"]", 2));
  EXPECT_FALSE(json_nests_deeper_than("[\"\\\"" + std::string(100, '{') + "\"]", 2));
  EXPECT_TRUE(json_nests_deeper_than("[\"\\\\\"" + std::string(100, '{') + "]", 2));  // \\ ends the escape
  // 100,000 levels: refused, with no recursion anywhere.
  bool too_deep = false;
  EXPECT_TRUE(parse_untrusted_json(nested(100000, '[', ']'), &too_deep).is_discarded());
  EXPECT_TRUE(too_deep);
  EXPECT_EQ(error_of([] { check.parse("{\"x\": " + std::string(100000, '[') + std::string(100000, ']') + "}"); },
                     ErrorKind::ModelFile),
            prefix + "nests deeper than 64 levels");
  EXPECT_EQ(parse_untrusted_json("{\"a\": [1, {\"b\": 2}]}", &too_deep).at("a").at(1).at("b"), 2);
  EXPECT_FALSE(too_deep);
  EXPECT_TRUE(parse_untrusted_json("{\"a\": ").is_discarded());
}

TEST(JsonChecks, ValuesInMessagesAreCut) {
  EXPECT_EQ(json_excerpt(json(12)), "12");
  const std::string long_text = json_excerpt(json(std::string(1000, 'x')));
  EXPECT_EQ(long_text.size(), 40u);
  EXPECT_EQ(long_text.substr(37), "...");
}

}  // namespace
}  // namespace synthtab
