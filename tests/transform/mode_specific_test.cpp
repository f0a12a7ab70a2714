// CTGAN's data representation (mode-specific normalisation + one-hot categories).
#include "synthtab/transform/mode_specific.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "synthtab/core/error.hpp"
#include "synthtab/core/rng.hpp"

namespace synthtab {
namespace {

// Column 0: two modes (-3 and 4); column 1: 4 categories (positions -1, -1/3, 1/3, 1);
// column 2: normal with missing values every 10th row.
struct Data {
  Matrix m;
  std::vector<ModelColumn> layout;
};

Data make(int64_t rows) {
  Data d{Matrix(rows, 3),
         {{ModelColumnKind::Continuous, 0, "x"},
          {ModelColumnKind::Categorical, 4, "c"},
          {ModelColumnKind::Continuous, 0, "y"}}};
  Rng rng(3);
  for (int64_t r = 0; r < rows; ++r) {
    d.m(r, 0) = static_cast<float>(rng.uniform() < 0.3 ? -3.0 + 0.3 * rng.normal() : 4.0 + 0.5 * rng.normal());
    d.m(r, 1) = static_cast<float>(static_cast<int>(rng.below(4)) * (2.0 / 3.0) - 1.0);
    d.m(r, 2) = r % 10 == 0 ? NAN : static_cast<float>(rng.normal());
  }
  return d;
}

TEST(ModeSpecific, OneHotsAlphasAndExactInverse) {
  const Data d = make(1000);
  ModeSpecificNormalizer n;
  const Matrix out = n.fit(d.m, d.layout);
  const auto& cols = n.columns();
  ASSERT_EQ(cols.size(), 3u);
  EXPECT_FALSE(cols[0].discrete);
  EXPECT_GE(cols[0].means.size(), 2u);  // both modes found
  EXPECT_LE(cols[0].means.size(), 10u);
  EXPECT_TRUE(cols[1].discrete);
  EXPECT_EQ(cols[1].slots(), 4);
  EXPECT_TRUE(cols[2].missing);
  EXPECT_FALSE(cols[0].missing);
  EXPECT_EQ(out.cols, n.output_width());
  int64_t width = 0;
  for (const auto& s : n.spans()) {
    EXPECT_EQ(s.start, width);
    width += s.width;
  }
  EXPECT_EQ(width, n.output_width());

  for (int64_t r = 0; r < out.rows; ++r) {
    for (const auto& s : n.spans()) {
      if (!s.softmax) {
        EXPECT_LE(std::abs(out(r, s.start)), 0.99f);
        continue;
      }
      int ones = 0;
      for (int64_t k = 0; k < s.width; ++k) ones += out(r, s.start + k) == 1.0f;
      EXPECT_EQ(ones, 1);
    }
  }
  // Every value comes back (alpha is clipped only far from its mode: > 3.96 sd).
  Matrix back(out.rows, 3);
  n.inverse(out.data.data(), out.rows, back.data.data());
  for (int64_t r = 0; r < out.rows; ++r) {
    EXPECT_NEAR(back(r, 0), d.m(r, 0), 1e-4);
    EXPECT_EQ(back(r, 1), d.m(r, 1));
    if (std::isnan(d.m(r, 2)))
      EXPECT_TRUE(std::isnan(back(r, 2)));
    else
      EXPECT_NEAR(back(r, 2), d.m(r, 2), 1e-4);
  }
}

TEST(ModeSpecific, ModesFollowTheData) {
  // A value of the -3 mode is encoded with a mode whose mean is near -3.
  const Data d = make(1000);
  ModeSpecificNormalizer n;
  const Matrix out = n.fit(d.m, d.layout);
  const auto& c = n.columns()[0];
  for (int64_t r = 0; r < 50; ++r) {
    int64_t k = 0;
    while (out(r, 1 + k) != 1.0f) ++k;
    EXPECT_NEAR(c.means[static_cast<size_t>(k)], d.m(r, 0), 4 * 4 * c.stds[static_cast<size_t>(k)]);
  }
}

TEST(ModeSpecific, StateRoundTripAndValidation) {
  const Data d = make(300);
  ModeSpecificNormalizer n;
  n.fit(d.m, d.layout);
  const SectionCheck check{"model.synthtab", "model/meta"};
  ModeSpecificNormalizer again;
  again.from_json(n.to_json(), check);
  EXPECT_EQ(again.to_json(), n.to_json());
  EXPECT_EQ(again.output_width(), n.output_width());

  auto refused = [&](nlohmann::json state, const std::string& expect) {
    ModeSpecificNormalizer m;
    try {
      m.from_json(state, check);
      ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::ModelFile);
      EXPECT_NE(std::string(e.what()).find(expect), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("model.synthtab"), std::string::npos) << e.what();
    }
  };
  auto state = n.to_json();
  state["columns"][0]["stds"][0] = 0.0;
  refused(state, "standard deviation");
  state = n.to_json();
  state["columns"][0]["means"][0] = "x";
  refused(state, "not a number");
  state = n.to_json();
  state["columns"][1]["categories"] = 0;
  refused(state, "categories");
  state = n.to_json();
  state["input_width"] = 4;
  refused(state, "expected 4");
  state = n.to_json();
  state["columns"][2]["source"] = 0;
  refused(state, "source");
}

TEST(ModeSpecific, RefusesWhatItCannotUse) {
  Data d = make(20);
  ModeSpecificNormalizer n;
  d.layout.pop_back();
  EXPECT_THROW(n.fit(d.m, d.layout), Error);
  d = make(20);
  d.m(3, 0) = INFINITY;
  EXPECT_THROW(n.fit(d.m, d.layout), Error);
}

}  // namespace
}  // namespace synthtab
