#include "synthtab/eval/feature_space.hpp"

#include <cmath>
#include <map>

#include "synthtab/core/error.hpp"

namespace synthtab::eval {
namespace {

struct NumericScale {
  double mean = 0.0;
  double scale = 1.0;
};

NumericScale numeric_scale(const Column& real, bool standardize) {
  double sum = 0.0, sum_sq = 0.0;
  int64_t n = 0;
  for (double v : real.values) {
    if (std::isnan(v)) continue;
    sum += v;
    ++n;
  }
  NumericScale s;
  if (n == 0) return s;
  s.mean = sum / static_cast<double>(n);
  for (double v : real.values)
    if (!std::isnan(v)) sum_sq += (v - s.mean) * (v - s.mean);
  const double sd = n > 1 ? std::sqrt(sum_sq / static_cast<double>(n - 1)) : 0.0;
  if (!standardize) {
    s.mean = 0.0;
    return s;
  }
  // A constant real column keeps unit scale: any synthetic deviation still shows.
  s.scale = sd > 0.0 ? sd : 1.0;
  return s;
}

}  // namespace

Eigen::MatrixXd squared_distances(const RowMatrix& a, const RowMatrix& b) {
  const Eigen::VectorXd an = a.rowwise().squaredNorm();
  const Eigen::VectorXd bn = b.rowwise().squaredNorm();
  Eigen::MatrixXd d = -2.0 * (a * b.transpose());
  d.colwise() += an;
  d.rowwise() += bn.transpose();
  return d.cwiseMax(0.0);
}

Table align_columns(const Table& real, const Table& synthetic) {
  if (real.cols() != synthetic.cols())
    throw Error(ErrorKind::Input, "the real table has " + std::to_string(real.cols()) +
                                      " columns but the synthetic table has " + std::to_string(synthetic.cols()));
  Table out;
  for (const auto& column : real.columns) {
    const int64_t index = synthetic.find(column.name);
    if (index < 0)
      throw Error(ErrorKind::Input, "the synthetic table has no column \"" + column.name + "\" (the real one does)");
    const Column& other = synthetic.columns[static_cast<size_t>(index)];
    if (other.is_categorical() != column.is_categorical())
      throw Error(ErrorKind::Input, "column \"" + column.name + "\" is " + to_string(column.type) +
                                        " in the real table but " + to_string(other.type) + " in the synthetic table");
    out.columns.push_back(other);
  }
  return out;
}

FeatureSpace encode_pair(const Table& real, const Table& synthetic_in, const FeatureSpaceOptions& options) {
  const Table synthetic = align_columns(real, synthetic_in);
  // First pass: the feature layout.
  struct Block {
    size_t column;
    int width;
    NumericScale scale;
    std::map<std::string, int> label_index;  // categorical: label -> one-hot position
    bool missing_indicator = false;
  };
  std::vector<Block> blocks;
  FeatureSpace space;
  int total = 0;
  for (size_t c = 0; c < real.columns.size(); ++c) {
    const Column& r = real.columns[c];
    const Column& s = synthetic.columns[c];
    Block block{c, 1, {}, {}, false};
    if (r.is_categorical()) {
      for (const auto* col : {&r, &s})
        for (const auto& label : col->categories)
          block.label_index.emplace(label, static_cast<int>(block.label_index.size()));
      // Positions by sorted label so both tables agree whatever their category order.
      int position = 0;
      for (auto& [label, index] : block.label_index) index = position++;
      if (options.one_hot) {
        block.width = static_cast<int>(block.label_index.size());
        for (const auto& [label, index] : block.label_index) space.feature_names.push_back(r.name + "=" + label);
      } else {
        space.feature_names.push_back(r.name);
      }
    } else {
      block.scale = numeric_scale(r, options.standardize);
      block.missing_indicator = r.missing_count() + s.missing_count() > 0;
      space.feature_names.push_back(r.name);
      if (block.missing_indicator) {
        block.width = 2;
        space.feature_names.push_back(r.name + " (missing)");
      }
    }
    total += block.width;
    blocks.push_back(std::move(block));
  }
  auto fill = [&](const Table& table, RowMatrix& out) {
    out = RowMatrix::Zero(table.rows(), total);
    int offset = 0;
    for (const auto& block : blocks) {
      const Column& col = table.columns[block.column];
      for (int64_t r = 0; r < table.rows(); ++r) {
        if (col.is_categorical()) {
          const int32_t code = col.codes[static_cast<size_t>(r)];
          if (code == kMissingCode) continue;  // all-zero one-hot: "none of the labels"
          const int position = block.label_index.at(col.categories[static_cast<size_t>(code)]);
          if (options.one_hot)
            out(r, offset + position) = 1.0;
          else
            out(r, offset) = position;
        } else {
          const double v = col.values[static_cast<size_t>(r)];
          if (std::isnan(v)) {
            out(r, offset + 1) = 1.0;
          } else {
            out(r, offset) = (v - block.scale.mean) / block.scale.scale;
          }
        }
      }
      offset += block.width;
    }
  };
  fill(real, space.real);
  fill(synthetic, space.synthetic);
  return space;
}

RowMatrix sample_rows(const RowMatrix& m, int64_t limit, Rng& rng) {
  const std::vector<int64_t> rows = sorted_sample_indices(m.rows(), limit, rng);
  RowMatrix out(static_cast<int64_t>(rows.size()), m.cols());
  for (size_t i = 0; i < rows.size(); ++i) out.row(static_cast<int64_t>(i)) = m.row(rows[i]);
  return out;
}

}  // namespace synthtab::eval
