#include "synthtab/models/random_forest.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "synthtab/core/error.hpp"
#include "synthtab/core/parallel.hpp"
#include "synthtab/core/rng.hpp"

namespace synthtab {
namespace {

constexpr uint64_t kTreePurpose = 0x666f72657374ULL;  // "forest"
constexpr int64_t kPredictBlock = 256;                // rows per prediction task

// What every tree of one fit reads (shared, never written while trees are built).
struct TrainingData {
  int64_t n = 0;
  int64_t p = 0;
  std::vector<double> columns;   // column-major copy: value of row r, feature f at [f * n + r]
  std::vector<uint32_t> sorted;  // per feature, all rows by ascending value: [f * n + i]
  std::vector<double> y;         // regression targets
  std::vector<int32_t> klass;    // classification: index into classes
  std::vector<double> classes;
  int n_classes = 0;  // 0 for regression
};

void check_finite(const FeatureMatrix& X, const char* what) {
  for (int64_t r = 0; r < X.rows; ++r)
    for (int64_t c = 0; c < X.cols; ++c)
      if (!std::isfinite(X(r, c)))
        throw usage_error(std::string(what) + ": feature " + std::to_string(c) + " of row " + std::to_string(r) +
                          " is " + (std::isnan(X(r, c)) ? "NaN" : "infinite") +
                          "; encode missing values before fitting a forest");
}

int resolve_max_features(double fraction, Task task, int64_t p) {
  double count = 0.0;
  if (fraction == 0.0)
    count = task == Task::Classification ? std::floor(std::sqrt(static_cast<double>(p))) : static_cast<double>(p);
  else
    count = std::floor(fraction * static_cast<double>(p));
  return static_cast<int>(std::clamp<double>(count, 1.0, static_cast<double>(p)));
}

}  // namespace

// Grows one tree. Node ranges: the in-bag rows are kept once per feature, sorted by that feature
// (idx_[f * m_ + i]); a node owns the same range [begin, end) in every list, and splitting it
// partitions each list stably so both children stay sorted.
class TreeBuilder {
 public:
  TreeBuilder(const TrainingData& data, const ForestOptions& options, int max_features, uint64_t seed)
      : d_(data), o_(options), mtry_(max_features), rng_(seed) {}

  DecisionTree build() {
    draw_rows();
    tree_.n_classes_ = d_.n_classes;
    features_.resize(static_cast<size_t>(d_.p));
    std::iota(features_.begin(), features_.end(), 0);
    goes_left_.assign(static_cast<size_t>(d_.n), 0);
    buffer_.resize(static_cast<size_t>(m_));
    counts_.resize(static_cast<size_t>(d_.n_classes));
    left_counts_.resize(counts_.size());
    right_counts_.resize(counts_.size());

    struct Pending {
      int32_t begin, end, depth, parent;
      bool is_left;
    };
    std::vector<Pending> stack{{0, m_, 0, -1, false}};
    while (!stack.empty()) {
      const Pending job = stack.back();
      stack.pop_back();
      const auto id = static_cast<int32_t>(tree_.nodes_.size());
      tree_.nodes_.emplace_back();
      if (job.parent >= 0) {
        TreeNode& parent = tree_.nodes_[static_cast<size_t>(job.parent)];
        (job.is_left ? parent.left : parent.right) = id;
      }
      if (o_.keep_leaf_rows) {
        tree_.row_begin_.push_back(job.begin);
        tree_.row_end_.push_back(job.end);
      }
      const bool pure = describe_node(id, job.begin, job.end);
      const int32_t count = job.end - job.begin;
      if (pure || (o_.max_depth > 0 && job.depth >= o_.max_depth) || count < o_.min_samples_split ||
          count < 2 * o_.min_samples_leaf)
        continue;
      const Split split = find_split(job.begin, job.end);
      if (split.feature < 0) continue;
      TreeNode& node = tree_.nodes_[static_cast<size_t>(id)];
      node.feature = split.feature;
      node.threshold = split.threshold;
      partition(split, job.begin, job.end);
      // Right first so that the left child is built next: left = id + 1, as in sklearn.
      stack.push_back({split.position, job.end, job.depth + 1, id, false});
      stack.push_back({job.begin, split.position, job.depth + 1, id, true});
    }
    if (o_.keep_leaf_rows) keep_rows();
    tree_.branches_.reserve(tree_.nodes_.size());
    for (const TreeNode& node : tree_.nodes_)
      tree_.branches_.push_back({node.threshold, node.feature, node.left, node.right});
    return std::move(tree_);
  }

 private:
  struct Split {
    int32_t feature = -1;
    int32_t position = 0;  // first index of the right child
    double threshold = 0.0;
  };

  // Bootstrap multiplicities, then the per-feature sorted lists of the in-bag rows.
  void draw_rows() {
    const auto n = static_cast<size_t>(d_.n);
    weight_.assign(n, o_.bootstrap ? 0.0 : 1.0);
    if (o_.bootstrap)
      for (size_t i = 0; i < n; ++i) weight_[rng_.below(n)] += 1.0;
    m_ = static_cast<int32_t>(std::count_if(weight_.begin(), weight_.end(), [](double w) { return w > 0.0; }));
    idx_.resize(static_cast<size_t>(d_.p) * static_cast<size_t>(m_));
    for (int64_t f = 0; f < d_.p; ++f) {
      const uint32_t* all = d_.sorted.data() + f * d_.n;
      uint32_t* mine = idx_.data() + f * m_;
      for (size_t i = 0; i < n; ++i)
        if (weight_[all[i]] > 0.0) *mine++ = all[i];
    }
    if (d_.n_classes == 0) {
      weighted_y_.resize(n);
      for (size_t r = 0; r < n; ++r) weighted_y_[r] = weight_[r] * d_.y[r];
    }
  }

  // Fills the node's value, counts and probabilities; returns whether all its targets are equal.
  bool describe_node(int32_t id, int32_t begin, int32_t end) {
    const uint32_t* rows = idx_.data();
    TreeNode& node = tree_.nodes_[static_cast<size_t>(id)];
    node.n_samples = end - begin;
    double total = 0.0;
    bool pure = true;
    if (d_.n_classes == 0) {
      double sum = 0.0;
      const double first = d_.y[rows[begin]];
      for (int32_t i = begin; i < end; ++i) {
        const uint32_t r = rows[i];
        total += weight_[r];
        sum += weighted_y_[r];
        pure = pure && d_.y[r] == first;
      }
      // Equal targets give that exact value (a sum divided back can be off in the last bit).
      node.value = pure ? first : sum / total;
      node_sum_ = sum;
    } else {
      std::fill(counts_.begin(), counts_.end(), 0.0);
      for (int32_t i = begin; i < end; ++i) {
        const uint32_t r = rows[i];
        total += weight_[r];
        counts_[static_cast<size_t>(d_.klass[r])] += weight_[r];
      }
      int present = 0;
      size_t best = 0;
      for (size_t k = 0; k < counts_.size(); ++k) {
        present += counts_[k] > 0.0 ? 1 : 0;
        if (counts_[k] > counts_[best]) best = k;
        tree_.proba_.push_back(counts_[k] / total);
      }
      pure = present <= 1;
      node.value = d_.classes[best];
    }
    node.weight = total;
    node_weight_ = total;
    return pure;
  }

  // Best split of [begin, end) over features drawn in random order (Fisher-Yates, one step per
  // feature tried); uses node_sum_ / counts_ / node_weight_ from describe_node.
  Split find_split(int32_t begin, int32_t end) {
    Split best;
    double best_proxy = -std::numeric_limits<double>::infinity();
    int visited = 0;
    for (int64_t j = 0; j < d_.p; ++j) {
      if (visited >= mtry_ && best.feature >= 0) break;
      const auto pick = static_cast<size_t>(j) + rng_.below(static_cast<uint64_t>(d_.p - j));
      std::swap(features_[static_cast<size_t>(j)], features_[pick]);
      const int32_t f = features_[static_cast<size_t>(j)];
      const uint32_t* ids = idx_.data() + static_cast<int64_t>(f) * m_;
      const double* x = d_.columns.data() + f * d_.n;
      if (x[ids[begin]] == x[ids[end - 1]]) continue;  // constant here: does not count
      ++visited;
      if (d_.n_classes == 0)
        scan_regression(f, ids, x, begin, end, best, best_proxy);
      else
        scan_classification(f, ids, x, begin, end, best, best_proxy);
    }
    return best;
  }

  // Records position i | i + 1 (x[ids[i]] < x[ids[i + 1]]) when its proxy beats the best.
  static void consider(int32_t f, const uint32_t* ids, const double* x, int32_t i, double proxy, Split& best,
                       double& best_proxy) {
    if (!(proxy > best_proxy)) return;
    const double lo = x[ids[i]], hi = x[ids[i + 1]];
    double threshold = lo / 2.0 + hi / 2.0;
    if (threshold == hi || std::isinf(threshold)) threshold = lo;  // keep hi on the right
    best_proxy = proxy;
    best = {f, i + 1, threshold};
  }

  // Squared error: minimising the children's SSE = maximising sl^2/wl + sr^2/wr.
  void scan_regression(int32_t f, const uint32_t* ids, const double* x, int32_t begin, int32_t end, Split& best,
                       double& best_proxy) const {
    const int32_t msl = o_.min_samples_leaf;
    double wl = 0.0, sl = 0.0;
    for (int32_t i = begin; i < end - 1; ++i) {
      const uint32_t r = ids[i];
      wl += weight_[r];
      sl += weighted_y_[r];
      const int32_t nl = i - begin + 1;
      if (nl < msl) continue;
      if (end - begin - nl < msl) break;
      if (x[r] == x[ids[i + 1]]) continue;
      const double wr = node_weight_ - wl, sr = node_sum_ - sl;
      consider(f, ids, x, i, sl * sl / wl + sr * sr / wr, best, best_proxy);
    }
  }

  // Gini: minimising wl gini_l + wr gini_r = maximising sum_k cl_k^2 / wl + sum_k cr_k^2 / wr.
  // Weights are whole numbers, so the running sums of squares stay exact.
  void scan_classification(int32_t f, const uint32_t* ids, const double* x, int32_t begin, int32_t end, Split& best,
                           double& best_proxy) {
    const int32_t msl = o_.min_samples_leaf;
    std::fill(left_counts_.begin(), left_counts_.end(), 0.0);
    std::copy(counts_.begin(), counts_.end(), right_counts_.begin());
    double sql = 0.0, sqr = 0.0;
    for (double c : counts_) sqr += c * c;
    double wl = 0.0;
    for (int32_t i = begin; i < end - 1; ++i) {
      const uint32_t r = ids[i];
      const double w = weight_[r];
      const auto k = static_cast<size_t>(d_.klass[r]);
      sql += w * (2.0 * left_counts_[k] + w);
      sqr += w * (w - 2.0 * right_counts_[k]);
      left_counts_[k] += w;
      right_counts_[k] -= w;
      wl += w;
      const int32_t nl = i - begin + 1;
      if (nl < msl) continue;
      if (end - begin - nl < msl) break;
      if (x[r] == x[ids[i + 1]]) continue;
      consider(f, ids, x, i, sql / wl + sqr / (node_weight_ - wl), best, best_proxy);
    }
  }

  void partition(const Split& split, int32_t begin, int32_t end) {
    const uint32_t* chosen = idx_.data() + static_cast<int64_t>(split.feature) * m_;
    for (int32_t i = begin; i < end; ++i) goes_left_[chosen[i]] = i < split.position ? 1 : 0;
    for (int64_t f = 0; f < d_.p; ++f) {
      if (f == split.feature) continue;  // already in order: left rows are its prefix
      uint32_t* ids = idx_.data() + f * m_;
      int32_t write = begin;
      size_t right = 0;
      for (int32_t i = begin; i < end; ++i) {
        const uint32_t r = ids[i];
        if (goes_left_[r])
          ids[write++] = r;
        else
          buffer_[right++] = r;
      }
      std::copy(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(right), ids + write);
    }
  }

  // Every node's rows are a range of the (final) first list; sort each leaf's range.
  void keep_rows() {
    tree_.rows_.assign(idx_.begin(), idx_.begin() + m_);
    for (size_t id = 0; id < tree_.nodes_.size(); ++id)
      if (tree_.nodes_[id].is_leaf())
        std::sort(tree_.rows_.begin() + tree_.row_begin_[id], tree_.rows_.begin() + tree_.row_end_[id]);
  }

  const TrainingData& d_;
  const ForestOptions& o_;
  const int mtry_;
  Rng rng_;
  DecisionTree tree_;
  int32_t m_ = 0;                   // distinct in-bag rows
  std::vector<double> weight_;      // bootstrap multiplicity per training row
  std::vector<double> weighted_y_;  // weight x y
  std::vector<uint32_t> idx_;       // p lists of m_ rows
  std::vector<uint8_t> goes_left_;
  std::vector<uint32_t> buffer_;
  std::vector<int32_t> features_;
  std::vector<double> counts_, left_counts_, right_counts_;
  double node_weight_ = 0.0;
  double node_sum_ = 0.0;
};

int32_t DecisionTree::leaf_index(const double* row) const {
  int32_t i = 0;
  while (branches_[static_cast<size_t>(i)].feature >= 0) {
    const Branch& node = branches_[static_cast<size_t>(i)];
    i = row[node.feature] <= node.threshold ? node.left : node.right;
  }
  return i;
}

std::span<const double> DecisionTree::proba(int32_t node) const {
  if (n_classes_ == 0) return {};
  return {proba_.data() + static_cast<size_t>(node) * static_cast<size_t>(n_classes_), static_cast<size_t>(n_classes_)};
}

int DecisionTree::depth() const {
  // Parents come before their children (depth-first numbering).
  std::vector<int> depth(nodes_.size(), 0);
  int deepest = 0;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    deepest = std::max(deepest, depth[i]);
    if (!nodes_[i].is_leaf()) {
      depth[static_cast<size_t>(nodes_[i].left)] = depth[i] + 1;
      depth[static_cast<size_t>(nodes_[i].right)] = depth[i] + 1;
    }
  }
  return deepest;
}

std::span<const int32_t> DecisionTree::node_rows(int32_t node) const {
  if (rows_.empty()) throw usage_error("DecisionTree::node_rows: fit the forest with keep_leaf_rows = true");
  const auto i = static_cast<size_t>(node);
  return {rows_.data() + row_begin_[i], static_cast<size_t>(row_end_[i] - row_begin_[i])};
}

void RandomForest::fit(const FeatureMatrix& X, std::span<const double> y, Task task) {
  const ForestOptions& o = options_;
  if (o.n_trees < 1) throw usage_error("random forest: n_trees must be at least 1");
  if (o.max_depth < 0) throw usage_error("random forest: max_depth must be >= 0 (0 = unlimited)");
  if (o.min_samples_leaf < 1) throw usage_error("random forest: min_samples_leaf must be >= 1");
  if (o.min_samples_split < 2) throw usage_error("random forest: min_samples_split must be >= 2");
  if (!(o.max_features >= 0.0 && o.max_features <= 1.0))
    throw usage_error("random forest: max_features must be 0 (default) or a fraction in (0, 1]");
  if (X.rows < 1 || X.cols < 1) throw usage_error("random forest: no rows or no features to fit");
  if (X.data.size() != static_cast<size_t>(X.rows * X.cols))
    throw usage_error("random forest: the feature matrix holds " + std::to_string(X.data.size()) +
                      " values, not rows x cols");
  if (static_cast<int64_t>(y.size()) != X.rows)
    throw usage_error("random forest: " + std::to_string(X.rows) + " rows of features but " + std::to_string(y.size()) +
                      " targets");
  if (X.rows >= std::numeric_limits<int32_t>::max()) throw usage_error("random forest: at most 2^31 - 2 training rows");
  check_finite(X, "random forest fit");
  for (size_t r = 0; r < y.size(); ++r)
    if (!std::isfinite(y[r]))
      throw usage_error("random forest fit: the target of row " + std::to_string(r) + " is not a finite number");

  task_ = task;
  n_features_ = X.cols;
  TrainingData d;
  d.n = X.rows;
  d.p = X.cols;
  d.columns.resize(X.data.size());
  for (int64_t r = 0; r < d.n; ++r)
    for (int64_t f = 0; f < d.p; ++f) d.columns[static_cast<size_t>(f * d.n + r)] = X(r, f);
  classes_.clear();
  if (task == Task::Classification) {
    classes_.assign(y.begin(), y.end());
    std::sort(classes_.begin(), classes_.end());
    classes_.erase(std::unique(classes_.begin(), classes_.end()), classes_.end());
    d.klass.resize(y.size());
    for (size_t r = 0; r < y.size(); ++r)
      d.klass[r] = static_cast<int32_t>(std::lower_bound(classes_.begin(), classes_.end(), y[r]) - classes_.begin());
    d.classes = classes_;
    d.n_classes = static_cast<int>(classes_.size());
  } else {
    d.y.assign(y.begin(), y.end());
  }
  d.sorted.resize(d.columns.size());
  parallel_for(d.p, o.threads, [&d](int64_t f) {
    uint32_t* order = d.sorted.data() + f * d.n;
    const double* x = d.columns.data() + f * d.n;
    std::iota(order, order + d.n, 0u);
    std::sort(order, order + d.n, [x](uint32_t a, uint32_t b) { return x[a] < x[b] || (x[a] == x[b] && a < b); });
  });

  const int mtry = resolve_max_features(o.max_features, task, d.p);
  trees_.assign(static_cast<size_t>(o.n_trees), DecisionTree{});
  parallel_for(o.n_trees, o.threads, [&](int64_t t) {
    TreeBuilder builder(d, o, mtry, derive_seed(o.seed, kTreePurpose, static_cast<uint64_t>(t)));
    trees_[static_cast<size_t>(t)] = builder.build();
  });
}

void RandomForest::check_predict_input(const FeatureMatrix& X) const {
  if (trees_.empty()) throw usage_error("random forest: predict before fit");
  if (X.cols != n_features_)
    throw usage_error("random forest: fitted on " + std::to_string(n_features_) +
                      " features, asked to predict rows of " + std::to_string(X.cols));
  if (X.data.size() != static_cast<size_t>(X.rows * X.cols))
    throw usage_error("random forest: the feature matrix holds " + std::to_string(X.data.size()) +
                      " values, not rows x cols");
  check_finite(X, "random forest predict");
}

std::vector<double> RandomForest::predict(const FeatureMatrix& X) const {
  if (task_ == Task::Classification) {
    const FeatureMatrix proba = predict_proba(X);
    std::vector<double> labels(static_cast<size_t>(X.rows));
    for (int64_t r = 0; r < X.rows; ++r) {
      const double* p = proba.row(r);
      labels[static_cast<size_t>(r)] = classes_[static_cast<size_t>(std::max_element(p, p + proba.cols) - p)];
    }
    return labels;
  }
  check_predict_input(X);
  std::vector<double> out(static_cast<size_t>(X.rows), 0.0);
  const int64_t blocks = (X.rows + kPredictBlock - 1) / kPredictBlock;
  // Each row sums its trees in tree order, whichever thread computes it.
  parallel_for(blocks, options_.threads, [&](int64_t block) {
    const int64_t first = block * kPredictBlock, last = std::min(X.rows, first + kPredictBlock);
    for (const DecisionTree& tree : trees_)
      for (int64_t r = first; r < last; ++r) out[static_cast<size_t>(r)] += tree.node(tree.leaf_index(X.row(r))).value;
    for (int64_t r = first; r < last; ++r) out[static_cast<size_t>(r)] /= static_cast<double>(trees_.size());
  });
  return out;
}

FeatureMatrix RandomForest::predict_proba(const FeatureMatrix& X) const {
  if (task_ != Task::Classification) throw usage_error("random forest: predict_proba needs a classification forest");
  check_predict_input(X);
  const auto k = static_cast<int64_t>(classes_.size());
  FeatureMatrix out(X.rows, k, 0.0);
  const int64_t blocks = (X.rows + kPredictBlock - 1) / kPredictBlock;
  parallel_for(blocks, options_.threads, [&](int64_t block) {
    const int64_t first = block * kPredictBlock, last = std::min(X.rows, first + kPredictBlock);
    for (const DecisionTree& tree : trees_)
      for (int64_t r = first; r < last; ++r) {
        const std::span<const double> p = tree.proba(tree.leaf_index(X.row(r)));
        for (int64_t c = 0; c < k; ++c) out(r, c) += p[static_cast<size_t>(c)];
      }
    for (int64_t r = first; r < last; ++r)
      for (int64_t c = 0; c < k; ++c) out(r, c) /= static_cast<double>(trees_.size());
  });
  return out;
}

}  // namespace synthtab
