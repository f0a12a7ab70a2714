#include "synthtab/models/cart.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "synthtab/core/error.hpp"
#include "synthtab/core/json_checks.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/models/registry.hpp"

namespace synthtab {
namespace {

constexpr uint64_t kCartRowStream = 0x63617274;   // "cart"
constexpr int kSynthpopMinLeaf = 5;               // synthpop's cart.minbucket
constexpr uint64_t kTreeRowsStream = 0x74726565;  // "tree"

// Silverman's rule of thumb (R's bw.nrd0, which synthpop's density smoothing uses).
double silverman_bandwidth(std::vector<double> values) {
  const auto n = static_cast<double>(values.size());
  if (values.size() < 2) return 0.0;
  std::sort(values.begin(), values.end());
  double mean = 0.0;
  for (double v : values) mean += v;
  mean /= n;
  double ss = 0.0;
  for (double v : values) ss += (v - mean) * (v - mean);
  const double sd = std::sqrt(ss / (n - 1));
  auto quantile = [&](double q) {
    const double p = q * (n - 1);
    const auto lo = static_cast<size_t>(p);
    const size_t hi = std::min(lo + 1, values.size() - 1);
    return values[lo] + (p - static_cast<double>(lo)) * (values[hi] - values[lo]);
  };
  const double iqr = (quantile(0.75) - quantile(0.25)) / 1.34;
  double spread = std::min(sd, iqr);
  if (!(spread > 0)) spread = sd > 0 ? sd : 1.0;
  return 0.9 * spread * std::pow(n, -0.2);
}

}  // namespace

double cart_grow_work(int64_t rows, int64_t cols) {
  return static_cast<double>(rows) * static_cast<double>(cols) * static_cast<double>(cols) / 2.0;
}

void CartSynthesizer::grow_trees(Progress* progress) {
  trees_.clear();
  donors_.clear();
  FeatureMatrix features(data_.rows, data_.cols);
  for (int64_t r = 0; r < data_.rows; ++r)
    for (int64_t c = 0; c < data_.cols; ++c) features(r, c) = data_(r, c);
  // Large tables: the trees are grown on a seeded random subset, and every row is then routed
  // to its leaf, so that all rows are donors (see kCartMaxTreeRows).
  Rng subset_rng(derive_seed(seed_, kCartRowStream, kTreeRowsStream));
  const std::vector<int64_t> grown_on =
      sorted_sample_indices(data_.rows, tree_rows_ > 0 ? tree_rows_ : data_.rows, subset_rng);
  const bool routed = static_cast<int64_t>(grown_on.size()) < data_.rows;
  const auto n = static_cast<int64_t>(grown_on.size());
  for (int64_t j = 1; j < data_.cols; ++j) {
    if (progress != nullptr) progress->checkpoint();
    // Predictors: columns 0..j-1 only.
    FeatureMatrix prefix(n, j);
    std::vector<double> target(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      const int64_t r = grown_on[static_cast<size_t>(i)];
      for (int64_t c = 0; c < j; ++c) prefix(i, c) = features(r, c);
      target[static_cast<size_t>(i)] = features(r, j);
    }
    ForestOptions options;
    options.n_trees = 1;
    options.bootstrap = false;
    options.max_features = 1.0;
    options.min_samples_leaf = min_leaf_;
    options.keep_leaf_rows = !routed;
    options.seed = derive_seed(seed_, kCartRowStream, static_cast<uint64_t>(j));
    options.threads = 1;
    RandomForest tree(options);
    tree.fit(prefix, target, categorical_[static_cast<size_t>(j)] ? Task::Classification : Task::Regression);
    if (routed) donors_.push_back(route_rows(tree.tree(0), features));
    trees_.push_back(std::move(tree));
  }
  compute_kernel_widths();
}

// Every row's leaf, as ranges of one list (a counting sort by leaf; rows ascending in each).
CartSynthesizer::LeafDonors CartSynthesizer::route_rows(const DecisionTree& tree, const FeatureMatrix& features) const {
  LeafDonors donors;
  std::vector<int32_t> leaf_of(static_cast<size_t>(data_.rows));
  donors.begin.assign(tree.nodes().size() + 1, 0);
  for (int64_t r = 0; r < data_.rows; ++r) {
    leaf_of[static_cast<size_t>(r)] = tree.leaf_index(features.row(r));
    ++donors.begin[static_cast<size_t>(leaf_of[static_cast<size_t>(r)]) + 1];
  }
  for (size_t node = 1; node < donors.begin.size(); ++node) donors.begin[node] += donors.begin[node - 1];
  donors.rows.resize(static_cast<size_t>(data_.rows));
  std::vector<int64_t> next(donors.begin.begin(), donors.begin.end() - 1);
  for (int64_t r = 0; r < data_.rows; ++r)
    donors.rows[static_cast<size_t>(next[static_cast<size_t>(leaf_of[static_cast<size_t>(r)])]++)] =
        static_cast<int32_t>(r);
  return donors;
}

std::span<const int32_t> CartSynthesizer::leaf_donors(int64_t column, int32_t leaf) const {
  const auto tree = static_cast<size_t>(column - 1);
  if (donors_.empty()) return trees_[tree].tree(0).node_rows(leaf);
  const LeafDonors& donors = donors_[tree];
  const auto begin = static_cast<size_t>(donors.begin[static_cast<size_t>(leaf)]);
  const auto end = static_cast<size_t>(donors.begin[static_cast<size_t>(leaf) + 1]);
  return std::span<const int32_t>(donors.rows).subspan(begin, end - begin);
}

// Once per leaf, not per draw: recomputing a leaf's bandwidth for every synthetic cell (a sort
// of the leaf's values, or of the whole column for the first one) made sampling quadratic in
// the rows — 80 s for 54,000 rows. The values are the same, so the draws are too.
void CartSynthesizer::compute_kernel_widths() {
  column_width_.assign(static_cast<size_t>(data_.cols), 0.0);
  leaf_width_.assign(static_cast<size_t>(data_.cols), {});
  if (smoothing_ != Smoothing::Density) return;
  std::vector<double> values;
  for (int64_t j = 0; j < data_.cols; ++j) {
    if (categorical_[static_cast<size_t>(j)]) continue;
    values.clear();
    for (int64_t r = 0; r < data_.rows; ++r) values.push_back(data_(r, j));
    column_width_[static_cast<size_t>(j)] = silverman_bandwidth(values);
    if (j == 0) continue;
    const DecisionTree& tree = trees_[static_cast<size_t>(j - 1)].tree(0);
    auto& widths = leaf_width_[static_cast<size_t>(j)];
    widths.assign(tree.nodes().size(), 0.0);
    for (size_t node = 0; node < tree.nodes().size(); ++node) {
      if (!tree.nodes()[node].is_leaf()) continue;
      values.clear();
      for (int32_t r : leaf_donors(j, static_cast<int32_t>(node))) values.push_back(data_(r, j));
      widths[node] = values.empty() ? column_width_[static_cast<size_t>(j)] : silverman_bandwidth(values);
    }
  }
}

FitReport CartSynthesizer::do_fit(const Matrix& data, const std::vector<ModelColumn>& layout,
                                  const FitOptions& options) {
  if (cart_grow_work(data.rows, data.cols) > kCartMaxGrowWork)
    throw Error(ErrorKind::Input,
                fmt::format("cart grows one tree per column on every column before it: {} rows x {} columns is {:.1e} "
                            "row-predictor visits, more than {:.0e} (minutes of work, and again at every load); "
                            "use copula or bayesnet for a table this wide",
                            data.rows, data.cols, cart_grow_work(data.rows, data.cols), kCartMaxGrowWork));
  data_ = data;
  seed_ = options.seed;
  min_leaf_ = kSynthpopMinLeaf;
  tree_rows_ = data.rows > max_tree_rows_ ? max_tree_rows_ : 0;
  smoothing_ =
      options.parameters.choice("smoothing").value_or("density") == "none" ? Smoothing::None : Smoothing::Density;
  categorical_.assign(static_cast<size_t>(data.cols), 0);
  for (size_t c = 0; c < layout.size() && c < categorical_.size(); ++c)
    categorical_[c] = layout[c].kind == ModelColumnKind::Categorical ? 1 : 0;
  grow_trees(options.progress);
  FitReport report;
  report.settings = {{"model", "cart"},
                     {"min_leaf", std::to_string(min_leaf_)},
                     {"smoothing", smoothing_ == Smoothing::Density ? "Gaussian kernel, bw.nrd0 of the leaf's values"
                                                                    : "none (the donor's value)"},
                     {"seed", std::to_string(seed_)}};
  if (tree_rows_ > 0)
    report.settings["trees"] =
        fmt::format("grown on a random {} of the {} rows; every row is a donor", tree_rows_, data.rows);
  return report;
}

Matrix CartSynthesizer::do_sample(int64_t first_row, int64_t count, uint64_t seed) const {
  const int64_t cols = data_.cols;
  Matrix out(count, cols);
  std::vector<double> row(static_cast<size_t>(cols));
  for (int64_t i = 0; i < count; ++i) {
    Rng rng(derive_seed(seed, kCartRowStream, static_cast<uint64_t>(first_row + i)));
    for (int64_t j = 0; j < cols; ++j) {
      std::span<const int32_t> donors;
      int32_t leaf = -1;
      if (j > 0) {
        leaf = trees_[static_cast<size_t>(j - 1)].leaf_index(0, row.data());
        donors = leaf_donors(j, leaf);
      }
      const int64_t donor = donors.empty() ? static_cast<int64_t>(rng.below(static_cast<uint64_t>(data_.rows)))
                                           : donors[rng.below(donors.size())];
      double value = data_(donor, j);
      if (!categorical_[static_cast<size_t>(j)] && smoothing_ == Smoothing::Density) {
        // synthpop's "density" smoothing: a Gaussian kernel around the donor's value, with the
        // bandwidth of the values in the same leaf (or column).
        const double width = donors.empty() ? column_width_[static_cast<size_t>(j)]
                                            : leaf_width_[static_cast<size_t>(j)][static_cast<size_t>(leaf)];
        value += width * rng.normal();
        // Reflected at the edges of model space, not clipped: clipping piled the kernel's
        // overshoot onto the column's minimum and maximum (a step in its distribution that the
        // KS test and a detection forest both see); reflection keeps a uniform column uniform.
        if (value > 1.0) value = 2.0 - value;
        if (value < -1.0) value = -2.0 - value;
        value = std::clamp(value, -1.0, 1.0);
      }
      row[static_cast<size_t>(j)] = value;
      out(i, j) = static_cast<float>(value);
    }
  }
  return out;
}

void CartSynthesizer::do_save(ArchiveWriter& out, const std::string& prefix) const {
  nlohmann::json state = {{"rows", data_.rows},
                          {"cols", data_.cols},
                          {"data", data_.data},
                          {"categorical", categorical_},
                          {"min_leaf", min_leaf_},
                          {"seed", seed_},
                          {"smoothing", smoothing_name(smoothing_)}};
  if (tree_rows_ > 0) state["tree_rows"] = tree_rows_;
  out.put(prefix + "cart", state.dump());
}

void CartSynthesizer::do_load(const ArchiveReader& in, const std::string& prefix) {
  const SectionCheck check{in.source(), prefix + "cart"};
  check.guard([&] {
    const auto state = check.parse_object(in.get(prefix + "cart"));
    const int64_t rows = check.integer(state, "rows", 2, std::numeric_limits<int32_t>::max());
    // Bounded so that rows * cols cannot overflow; the data list must then match it exactly.
    const int64_t cols = check.integer(state, "cols", 1, 1'000'000);
    if (cart_grow_work(rows, cols) > kCartMaxGrowWork)
      check.fail(
          fmt::format("declares {} rows x {} columns, more than cart grows trees for ({:.1e} row-predictor "
                      "visits, over {:.0e})",
                      rows, cols, cart_grow_work(rows, cols), kCartMaxGrowWork));
    data_.data = check.finite_array<float>(state, "data", rows * cols);
    data_.rows = rows;
    data_.cols = cols;
    categorical_.clear();
    for (int64_t flag : check.integer_array(state, "categorical", 0, 1, cols))
      categorical_.push_back(static_cast<char>(flag));
    min_leaf_ = static_cast<int>(check.integer(state, "min_leaf", 1, rows));
    seed_ = check.unsigned_integer(state, "seed");
    // Files written before the option existed were smoothed.
    const std::string smoothing = state.contains("smoothing") ? check.string(state, "smoothing") : "density";
    if (smoothing != "density" && smoothing != "none")
      check.fail("'smoothing' is '" + smoothing + "', expected density or none");
    smoothing_ = smoothing == "none" ? Smoothing::None : Smoothing::Density;
    // Files without it grew their trees on every row.
    tree_rows_ = state.contains("tree_rows") ? check.integer(state, "tree_rows", 2, rows - 1) : 0;
  });
  grow_trees();  // deterministic: the same trees as at fit time
}

namespace {

ModelTraits cart_traits() {
  ModelTraits traits;
  traits.name = "cart";
  traits.description =
      "sequential CART trees in the style of R's synthpop: each column drawn from the real values in its leaf";
  // Peak RSS of `generate` per cell: 74 bytes on bench/large_tables.py's table (the trees'
  // row indices and leaf donors beside the copula's costs), rounded up.
  traits.memory.bytes_per_cell = 80;
  traits.create = [] { return std::make_unique<CartSynthesizer>(); };
  traits.parameters = {{.name = "smoothing",
                        .type = ParameterType::Choice,
                        .help = "how a continuous value is drawn from its leaf: density (the donor's value plus a "
                                "Gaussian kernel) or none (the donor's value itself, synthpop's default)",
                        .default_value = "density",
                        .choices = {"density", "none"}}};
  // Both ways: without smoothing wins on tables of few distinct values.
  traits.auto_candidates = {{.label = "cart", .parameters = {{"smoothing", "density"}}, .order = 1},
                            {.label = "cart (no smoothing)", .parameters = {{"smoothing", "none"}}, .order = 2}};
  return traits;
}

const ModelRegistration registered{cart_traits()};

}  // namespace

}  // namespace synthtab
