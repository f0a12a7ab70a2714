// Model files written before the registry and traits (synthtab at 7ee93c3, tests/data/model_files_v1/,
// one per model and option) still load, and draw the rows that version drew: `sample -n 40
// --seed 7` then, *.expected.csv. The files were fitted on data/ROI.csv (copula_missing on R's
// airquality, with missing cells); wgan was fitted for 2 epochs, ctgan and tvae for 1.
//
// Same machine, same bytes: the comparison is exact for the text of categories and missing cells,
// and numbers agree to 1e-9 relative (the C++ models) or 1e-3 of the column's spread (the
// networks, whose kernels may round differently on another CPU).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/test_paths.hpp"
#include "synthtab/engine/synthesis.hpp"
#include "synthtab/table/csv_writer.hpp"

namespace synthtab {
namespace {

using testing::read_text;

namespace fs = std::filesystem;

const fs::path kFiles = fs::path(SYNTHTAB_TEST_DATA) / "model_files_v1";

std::vector<std::vector<std::string>> csv_cells(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false;
    for (char c : line) {
      if (c == '"')
        quoted = !quoted;
      else if (c == ',' && !quoted)
        cells.push_back(cell), cell.clear();
      else
        cell += c;
    }
    cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

class OldModelFile : public ::testing::TestWithParam<std::string> {};

TEST_P(OldModelFile, LoadsAndDrawsTheRowsItDrewBefore) {
  const std::string name = GetParam();
  const FittedModel model = FittedModel::load((kFiles / (name + ".synthtab")).string());
  const Table rows = model.sample(0, 40, sampling_seed(7));
  std::string text;
  append_csv_header(rows, model.output_format(), text);
  append_csv_rows(rows, 0, rows.rows(), model.output_format(), text);
  const auto got = csv_cells(text);
  const auto expected = csv_cells(read_text(kFiles / (name + ".expected.csv")));
  ASSERT_EQ(got.size(), expected.size()) << name;
  ASSERT_EQ(got.size(), 41u);
  const bool network = name == "wgan" || name == "ctgan" || name == "tvae";
  const size_t cols = expected[0].size();
  for (size_t c = 0; c < cols; ++c) {
    double low = INFINITY, high = -INFINITY;
    for (size_t r = 1; r < expected.size(); ++r) {
      char* end = nullptr;
      const double v = std::strtod(expected[r][c].c_str(), &end);
      if (end != expected[r][c].c_str()) low = std::min(low, v), high = std::max(high, v);
    }
    for (size_t r = 0; r < expected.size(); ++r) {
      ASSERT_EQ(got[r].size(), cols) << name << " row " << r;
      const std::string& want = expected[r][c];
      const std::string& have = got[r][c];
      if (want == have) continue;
      char* end_want = nullptr;
      char* end_have = nullptr;
      const double w = std::strtod(want.c_str(), &end_want), h = std::strtod(have.c_str(), &end_have);
      ASSERT_TRUE(r > 0 && end_want != want.c_str() && end_have != have.c_str())
          << name << " row " << r << " column " << c << ": '" << have << "', expected '" << want << "'";
      const double tolerance = network ? 1e-3 * std::max(high - low, 1e-12) : 1e-9 * std::max(std::fabs(w), 1e-300);
      EXPECT_LE(std::fabs(w - h), tolerance)
          << name << " row " << r << " column " << c << ": " << have << " vs " << want;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Models, OldModelFile,
                         ::testing::Values("auto", "copula", "copula_parametric", "copula_missing", "cart", "cart_none",
                                           "bayesnet", "mrf", "wgan", "ctgan", "tvae"));

}  // namespace
}  // namespace synthtab
