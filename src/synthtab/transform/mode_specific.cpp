#include "synthtab/transform/mode_specific.hpp"

#include <algorithm>
#include <cmath>

#include "synthtab/core/error.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/transform/bayesian_gmm.hpp"

namespace synthtab {

namespace {

constexpr double kClip = 0.99;  // CTGAN clips alpha to [-0.99, 0.99]
constexpr int64_t kMaxCategories = 1'000'000;

// A category position in [-1, 1] (the categorical transformer's) back to its rank.
int rank_of(double position, int categories) {
  if (categories <= 1) return 0;
  const double k = std::nearbyint((position + 1.0) / 2.0 * (categories - 1));
  return static_cast<int>(std::clamp(k, 0.0, static_cast<double>(categories - 1)));
}

double position_of(int rank, int categories) { return categories <= 1 ? 0.0 : rank * (2.0 / (categories - 1)) - 1.0; }

// Column c's values other than missing ones (NaN: then the column gets a missing slot); an
// infinite value is an error.
std::vector<double> present_values(const Matrix& data, int64_t c, ModeColumn& column) {
  std::vector<double> values;
  for (int64_t r = 0; r < data.rows; ++r) {
    const double v = data(r, c);
    if (std::isnan(v)) {
      column.missing = true;
      continue;
    }
    if (!std::isfinite(v))
      throw Error(ErrorKind::Input, "model-space value at row " + std::to_string(r + 1) + ", column " +
                                        std::to_string(c + 1) + " is not finite");
    values.push_back(v);
  }
  return values;
}

// A continuous column's modes: the mixture's components heavier than the threshold (the
// heaviest when none is), their indexes into `kept` and their means and deviations into `column`.
void fit_modes(const std::vector<double>& values, const ModeSpecificOptions& options, ModeColumn& column,
               BayesianGmm& gmm, std::vector<size_t>& kept) {
  BayesianGmmOptions gmm_options;
  gmm_options.components = options.max_modes;
  gmm_options.seed = derive_seed(options.seed, static_cast<uint64_t>(column.source));
  gmm.fit(values, gmm_options);
  size_t heaviest = 0;
  for (size_t k = 0; k < gmm.weights().size(); ++k) {
    if (gmm.weights()[k] > gmm.weights()[heaviest]) heaviest = k;
    if (gmm.weights()[k] > options.weight_threshold) kept.push_back(k);
  }
  // Weights sum to 1 over at most max_modes modes; a threshold above 1 / max_modes could
  // still leave none, and then the heaviest is kept.
  if (kept.empty()) kept.push_back(heaviest);
  for (size_t k : kept) {
    column.means.push_back(gmm.means()[k]);
    column.stds.push_back(std::sqrt(gmm.variances()[k]));
  }
}

// The training rows in CTGAN's representation: a missing value sets the missing slot, a category
// its one-hot, a number its mode (drawn from the kept modes' responsibilities) and its scaled
// offset from that mode's mean.
Matrix encode_rows(const Matrix& data, const std::vector<ModeColumn>& columns, int64_t output_width,
                   const std::vector<BayesianGmm>& mixtures, const std::vector<std::vector<size_t>>& kept,
                   uint64_t seed) {
  Matrix out(data.rows, output_width, 0.0f);
  Rng rng(derive_seed(seed, 0x6d6f646573));  // "modes"
  std::vector<double> resp;
  for (const auto& column : columns) {
    const BayesianGmm& gmm = mixtures[static_cast<size_t>(column.source)];
    const auto& modes = kept[static_cast<size_t>(column.source)];
    for (int64_t r = 0; r < data.rows; ++r) {
      const double v = data(r, column.source);
      float* row = out.row(r) + column.start;
      if (std::isnan(v)) {
        row[column.width() - 1] = 1.0f;
      } else if (column.discrete) {
        row[rank_of(v, column.categories)] = 1.0f;
      } else {
        // predict_proba over the kept modes, plus 1e-6 each, then one draw (CTGAN's rule).
        gmm.responsibilities(v, resp);
        double total = 0.0;
        for (size_t k : modes) total += resp[k] + 1e-6;
        double u = rng.uniform() * total;
        size_t pick = 0;
        while (pick + 1 < modes.size() && u >= resp[modes[pick]] + 1e-6) u -= resp[modes[pick++]] + 1e-6;
        const double alpha = (v - column.means[pick]) / (4.0 * column.stds[pick]);
        row[0] = static_cast<float>(std::clamp(alpha, -kClip, kClip));
        row[1 + pick] = 1.0f;
      }
    }
  }
  return out;
}

}  // namespace

Matrix ModeSpecificNormalizer::fit(const Matrix& data, const std::vector<ModelColumn>& layout,
                                   const ModeSpecificOptions& options) {
  if (static_cast<int64_t>(layout.size()) != data.cols)
    throw usage_error("the layout describes " + std::to_string(layout.size()) + " columns but the matrix has " +
                      std::to_string(data.cols));
  if (data.rows < 1) throw Error(ErrorKind::Input, "no rows to learn from");
  std::vector<ModeColumn> columns;
  std::vector<BayesianGmm> mixtures(static_cast<size_t>(data.cols));
  std::vector<std::vector<size_t>> kept(static_cast<size_t>(data.cols));
  for (int64_t c = 0; c < data.cols; ++c) {
    const ModelColumn& info = layout[static_cast<size_t>(c)];
    ModeColumn column;
    column.source = c;
    const std::vector<double> values = present_values(data, c, column);
    if (info.kind == ModelColumnKind::Categorical) {
      if (info.categories < 1 || info.categories > kMaxCategories)
        throw usage_error("column '" + info.source + "' has " + std::to_string(info.categories) + " categories");
      column.discrete = true;
      column.categories = info.categories;
    } else if (!values.empty()) {
      fit_modes(values, options, column, mixtures[static_cast<size_t>(c)], kept[static_cast<size_t>(c)]);
    } else {
      // Only missing values: one placeholder mode, never chosen.
      column.means.push_back(0.0);
      column.stds.push_back(1.0);
    }
    columns.push_back(std::move(column));
  }
  columns_ = std::move(columns);
  input_width_ = data.cols;
  finish_layout();
  return encode_rows(data, columns_, output_width_, mixtures, kept, options.seed);
}

void ModeSpecificNormalizer::finish_layout() {
  int64_t start = 0;
  for (auto& column : columns_) {
    column.start = start;
    start += column.width();
  }
  output_width_ = start;
}

std::vector<ModeSpan> ModeSpecificNormalizer::spans() const {
  std::vector<ModeSpan> out;
  for (const auto& column : columns_) {
    if (column.discrete) {
      out.push_back({column.start, column.slots(), true});
    } else {
      out.push_back({column.start, 1, false});
      out.push_back({column.start + 1, column.slots(), true});
    }
  }
  return out;
}

void ModeSpecificNormalizer::inverse(const float* generated, int64_t count, float* out) const {
  for (int64_t r = 0; r < count; ++r) {
    const float* in = generated + r * output_width_;
    float* row = out + r * input_width_;
    for (const auto& column : columns_) {
      const float* span = in + column.start + (column.discrete ? 0 : 1);
      const int64_t slots = column.slots();
      const auto best = static_cast<int64_t>(std::max_element(span, span + slots) - span);
      if (column.missing && best == slots - 1) {
        row[column.source] = NAN;
        continue;
      }
      if (column.discrete) {
        row[column.source] = static_cast<float>(position_of(static_cast<int>(best), column.categories));
        continue;
      }
      const double alpha = std::clamp(static_cast<double>(in[column.start]), -1.0, 1.0);
      const auto k = static_cast<size_t>(best);
      row[column.source] = static_cast<float>(alpha * 4.0 * column.stds[k] + column.means[k]);
    }
  }
}

nlohmann::json ModeSpecificNormalizer::to_json() const {
  nlohmann::json columns = nlohmann::json::array();
  for (const auto& c : columns_) {
    nlohmann::json j = {{"discrete", c.discrete}, {"missing", c.missing}, {"source", c.source}};
    if (c.discrete)
      j["categories"] = c.categories;
    else
      j["means"] = c.means, j["stds"] = c.stds;
    columns.push_back(std::move(j));
  }
  return {{"input_width", input_width_}, {"columns", columns}};
}

void ModeSpecificNormalizer::from_json(const nlohmann::json& state, const SectionCheck& check) {
  const int64_t width = check.integer(state, "input_width", 1, 1'000'000);
  const auto& list = check.array(state, "columns");
  if (static_cast<int64_t>(list.size()) != width)
    check.fail("'columns' has " + std::to_string(list.size()) + " entries, expected " + std::to_string(width));
  std::vector<ModeColumn> columns;
  for (size_t i = 0; i < list.size(); ++i) {
    const auto& j = list[i];
    ModeColumn c;
    c.discrete = check.boolean(j, "discrete");
    c.missing = check.boolean(j, "missing");
    c.source = check.integer(j, "source", static_cast<int64_t>(i), static_cast<int64_t>(i));
    if (c.discrete) {
      c.categories = static_cast<int>(check.integer(j, "categories", 1, kMaxCategories));
    } else {
      c.means = check.finite_array(j, "means");
      c.stds = check.finite_array(j, "stds", static_cast<int64_t>(c.means.size()));
      if (c.means.empty() || c.means.size() > 1000) check.fail("a column has no modes or too many");
      for (double s : c.stds)
        if (!(s > 0.0)) check.fail("a mode's standard deviation is not positive");
    }
    columns.push_back(std::move(c));
  }
  columns_ = std::move(columns);
  input_width_ = width;
  finish_layout();
}

}  // namespace synthtab
