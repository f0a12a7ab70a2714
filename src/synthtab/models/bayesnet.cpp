#include "synthtab/models/bayesnet.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "synthtab/core/error.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/models/discretisation.hpp"
#include "synthtab/models/registry.hpp"

namespace synthtab {
namespace {

constexpr uint64_t kBayesNetStream = 0x6261796573;  // "bayes"

// The structure score of a child with `child_states` states and a parent set with `combinations`
// state combinations: plug-in mutual information minus kPenaltyFactor * (child_states - 1) *
// (combinations - 1) / rows. The plug-in MI of two independent variables is on average
// (child_states - 1) * (combinations - 1) / (2 rows) (Miller-Madow), so factor 0.5 removes that
// bias: a parent set is kept when it tells more than chance would. (Factor 1, the AIC, kept
// fewer parents and lost pair fidelity on small tables: docs/models.md.)
constexpr double kPenaltyFactor = 0.5;

// Mutual information of labels a (in [0, na)) and b (in [0, nb)), n rows, in nats.
double mutual_information_counts(const int32_t* a, int64_t na, const int32_t* b, int64_t nb, size_t n,
                                 std::vector<int64_t>& buffer) {
  if (n == 0) return 0.0;
  std::vector<int64_t> count_a(static_cast<size_t>(na), 0), count_b(static_cast<size_t>(nb), 0);
  for (size_t i = 0; i < n; ++i) {
    ++count_a[static_cast<size_t>(a[i])];
    ++count_b[static_cast<size_t>(b[i])];
  }
  const auto total = static_cast<double>(n);
  double mi = 0.0;
  auto add = [&](int64_t x, int64_t y, int64_t joint) {
    const auto nxy = static_cast<double>(joint);
    mi += nxy / total *
          std::log(nxy * total /
                   (static_cast<double>(count_a[static_cast<size_t>(x)]) *
                    static_cast<double>(count_b[static_cast<size_t>(y)])));
  };
  const int64_t cells = na * nb;
  if (na > 0 && nb > 0 && cells / nb == na && cells <= 4 * static_cast<int64_t>(n) + 1024) {
    buffer.assign(static_cast<size_t>(cells), 0);
    for (size_t i = 0; i < n; ++i) ++buffer[static_cast<size_t>(a[i] * nb + b[i])];
    for (int64_t x = 0; x < na; ++x)
      for (int64_t y = 0; y < nb; ++y)
        if (const int64_t joint = buffer[static_cast<size_t>(x * nb + y)]; joint > 0) add(x, y, joint);
  } else {
    buffer.resize(n);
    for (size_t i = 0; i < n; ++i) buffer[i] = static_cast<int64_t>(a[i]) * nb + b[i];
    std::sort(buffer.begin(), buffer.end());
    for (size_t i = 0; i < n;) {
      size_t j = i;
      while (j < n && buffer[j] == buffer[i]) ++j;
      add(buffer[i] / nb, buffer[i] % nb, static_cast<int64_t>(j - i));
      i = j;
    }
  }
  return std::max(0.0, mi);
}

std::string format_double(double x) {
  std::string text = std::to_string(x);
  while (text.size() > 1 && text.back() == '0') text.pop_back();
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

}  // namespace

double mutual_information(std::span<const int32_t> a, std::span<const int32_t> b) {
  if (a.size() != b.size()) throw std::invalid_argument("mutual_information: label vectors of different lengths");
  if (a.empty()) return 0.0;
  int64_t na = 0, nb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] < 0 || b[i] < 0) throw std::invalid_argument("mutual_information: negative label");
    na = std::max<int64_t>(na, a[i] + 1);
    nb = std::max<int64_t>(nb, b[i] + 1);
  }
  std::vector<int64_t> buffer;
  return mutual_information_counts(a.data(), na, b.data(), nb, a.size(), buffer);
}

int BayesNetRules::bins_for(int64_t rows) { return quantile_bins_for(rows); }

int BayesNetRules::max_parents(int64_t rows, int64_t cols) {
  if (cols <= 1) return 0;
  if (rows < kTwoParentsMinRows || cols > kTwoParentsMaxColumns) return 1;
  return 2;
}

int32_t BayesNetSynthesizer::state_of(int64_t column, float value) const {
  const Node& node = nodes_.at(static_cast<size_t>(column));
  return state_of_value(node.values, node.bins, node.binned, value);
}

namespace {

using Node = BayesNetSynthesizer::Node;
using States = std::vector<std::vector<int32_t>>;  // per column, each row's state

// 1. Each column's states: its values (categorical, or few distinct values) or quantile bins.
States discretise_nodes(const Matrix& data, const std::vector<ModelColumn>& layout, std::vector<Node>& nodes) {
  const auto n_rows = static_cast<size_t>(data.rows);
  const auto n_cols = static_cast<size_t>(data.cols);
  nodes.assign(n_cols, Node{});
  States states(n_cols);
  for (size_t c = 0; c < n_cols; ++c) {
    std::vector<float> column(n_rows);
    for (size_t r = 0; r < n_rows; ++r) column[r] = data(static_cast<int64_t>(r), static_cast<int64_t>(c));
    const bool categorical = c < layout.size() && layout[c].kind == ModelColumnKind::Categorical;
    std::vector<float> distinct = column;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    DiscreteColumn discrete =
        discretise_column(column, categorical || static_cast<int64_t>(distinct.size()) <= BayesNetRules::kMaxKeptValues,
                          BayesNetRules::bins_for(data.rows));
    Node& node = nodes[c];
    node.binned = discrete.binned;
    node.values = std::move(discrete.values);
    node.bins = std::move(discrete.bins);
    states[c] = std::move(discrete.states);
  }
  return states;
}

// The rows the structure search sees: all, or kStructureRows of them (a seeded random subset).
States structure_rows(const States& states, int64_t rows, uint64_t seed) {
  if (rows <= BayesNetRules::kStructureRows) return states;
  Rng rng(derive_seed(seed, kBayesNetStream, 1));
  const auto picked = sorted_sample_indices(rows, BayesNetRules::kStructureRows, rng);
  States sub(states.size(), std::vector<int32_t>(picked.size()));
  for (size_t c = 0; c < states.size(); ++c)
    for (size_t i = 0; i < picked.size(); ++i) sub[c][i] = states[c][static_cast<size_t>(picked[i])];
  return sub;
}

// 2. The structure: columns are placed one at a time, each unplaced column keeping its best
// parent set among the placed ones (one parent, or a pair from its kPairCandidates partners of
// highest mutual information), scored as kPenaltyFactor explains; the next column placed is the
// one whose best set scores highest.
class StructureSearch {
 public:
  StructureSearch(const States& sub, const std::vector<int64_t>& n_states, int max_parents)
      : sub_(sub),
        n_states_(n_states),
        n_cols_(sub.size()),
        n_(sub.empty() ? 0 : sub[0].size()),
        max_parents_(max_parents),
        with_matrix_(static_cast<int64_t>(sub.size()) <= BayesNetRules::kTwoParentsMaxColumns),
        best_(sub.size()),
        placed_(sub.size(), 0),
        joint_(n_) {
    if (with_matrix_) {
      pair_.assign(n_cols_ * n_cols_, 0.0);
      for (size_t a = 0; a < n_cols_; ++a)
        for (size_t b = a + 1; b < n_cols_; ++b)
          pair_[a * n_cols_ + b] = pair_[b * n_cols_ + a] = mi(sub_[a], n_states_[a], sub_[b], n_states_[b]);
    }
    if (max_parents_ >= 2) find_partners();
  }

  // Places every column into `nodes` (parents) and returns the placing order.
  std::vector<int32_t> run(std::vector<Node>& nodes) {
    std::vector<int32_t> order;
    place(first_column(nodes), nodes, order);
    while (order.size() < n_cols_) {
      size_t next = n_cols_;
      for (size_t c = 0; c < n_cols_; ++c)
        if (!placed_[c] && (next == n_cols_ || best_[c].score > best_[next].score)) next = c;
      place(next, nodes, order);
    }
    return order;
  }

 private:
  struct Choice {
    double score = 0.0;  // no parent scores 0
    std::vector<int32_t> parents;
  };

  double mi(const std::vector<int32_t>& x, int64_t nx, const std::vector<int32_t>& y, int64_t ny) {
    return mutual_information_counts(x.data(), nx, y.data(), ny, n_, buffer_);
  }
  double pair_mi(size_t a, size_t b) {
    return with_matrix_ ? pair_[a * n_cols_ + b] : mi(sub_[a], n_states_[a], sub_[b], n_states_[b]);
  }
  double penalty(int64_t child_states, int64_t combinations) const {
    return kPenaltyFactor * static_cast<double>(child_states - 1) * static_cast<double>(combinations - 1) /
           static_cast<double>(n_);
  }
  bool admissible(int64_t child_states, int64_t combinations) const {
    return combinations <= static_cast<int64_t>(n_) && combinations * child_states <= BayesNetRules::kMaxTableCells;
  }

  // The highest total MI with the others (narrow tables), else column 0. Columns that keep their
  // values come first when there are any: a binned column then gets parents, and its values are
  // drawn from training rows that share the parents' states.
  size_t first_column(const std::vector<Node>& nodes) const {
    size_t first = 0;
    if (with_matrix_) {
      bool any_kept = false;
      for (size_t c = 0; c < n_cols_; ++c) any_kept = any_kept || !nodes[c].binned;
      double best_total = -1.0;
      for (size_t c = 0; c < n_cols_; ++c) {
        if (any_kept && nodes[c].binned) continue;
        double total = 0.0;
        for (size_t u = 0; u < n_cols_; ++u) total += pair_[c * n_cols_ + u];
        if (total > best_total) best_total = total, first = c;
      }
    } else {
      for (size_t c = n_cols_; c-- > 0;)
        if (!nodes[c].binned) first = c;
    }
    return first;
  }

  // Each column's pair candidates: its kPairCandidates partners of highest pairwise MI.
  void find_partners() {
    partners_.assign(n_cols_, {});
    for (size_t c = 0; c < n_cols_; ++c) {
      std::vector<int32_t> others;
      for (size_t u = 0; u < n_cols_; ++u)
        if (u != c) others.push_back(static_cast<int32_t>(u));
      std::stable_sort(others.begin(), others.end(), [&](int32_t x, int32_t y) {
        return pair_[c * n_cols_ + static_cast<size_t>(x)] > pair_[c * n_cols_ + static_cast<size_t>(y)];
      });
      if (others.size() > static_cast<size_t>(BayesNetRules::kPairCandidates))
        others.resize(static_cast<size_t>(BayesNetRules::kPairCandidates));
      partners_[c] = std::move(others);
    }
  }

  void place(size_t v, std::vector<Node>& nodes, std::vector<int32_t>& order) {
    placed_[v] = 1;
    order.push_back(static_cast<int32_t>(v));
    nodes[v].parents = best_[v].parents;
    if (max_parents_ < 1) return;
    for (size_t c = 0; c < n_cols_; ++c) {
      if (placed_[c]) continue;
      Choice& choice = best_[c];
      if (admissible(n_states_[c], n_states_[v])) {
        const double score = pair_mi(c, v) - penalty(n_states_[c], n_states_[v]);
        if (score > choice.score) choice = {score, {static_cast<int32_t>(v)}};
      }
      if (max_parents_ >= 2) consider_pairs(c, v, choice);
    }
  }

  // Column c's parent pairs that the newly placed v completes.
  void consider_pairs(size_t c, size_t v, Choice& choice) {
    const auto& mine = partners_[c];
    if (std::find(mine.begin(), mine.end(), static_cast<int32_t>(v)) == mine.end()) return;
    for (int32_t u32 : mine) {
      const auto u = static_cast<size_t>(u32);
      if (u == v || !placed_[u]) continue;
      const int64_t combinations = n_states_[u] * n_states_[v];
      if (!admissible(n_states_[c], combinations)) continue;
      // Strongest parent first: it is the one the table falls back to.
      const bool u_first = pair_mi(c, u) >= pair_mi(c, v);
      const size_t p0 = u_first ? u : v, p1 = u_first ? v : u;
      for (size_t i = 0; i < n_; ++i) joint_[i] = static_cast<int32_t>(sub_[p0][i] * n_states_[p1] + sub_[p1][i]);
      const double score = mi(sub_[c], n_states_[c], joint_, combinations) - penalty(n_states_[c], combinations);
      if (score > choice.score) choice = {score, {static_cast<int32_t>(p0), static_cast<int32_t>(p1)}};
    }
  }

  const States& sub_;
  const std::vector<int64_t>& n_states_;
  const size_t n_cols_, n_;
  const int max_parents_;
  const bool with_matrix_;
  std::vector<double> pair_;  // cols x cols pairwise MI (narrow tables)
  std::vector<std::vector<int32_t>> partners_;
  std::vector<Choice> best_;
  std::vector<char> placed_;
  std::vector<int32_t> joint_;
  std::vector<int64_t> buffer_;
};

// table[k][x] = (count(k, x) + alpha * fallback[k'][x]) / (count(k) + alpha), k' = fallback_row(k).
template <typename FallbackRow>
std::vector<double> smoothed_table(const std::vector<int32_t>& keys, size_t combinations, const std::vector<int32_t>& x,
                                   size_t s, const std::vector<double>& fallback, FallbackRow fallback_row) {
  const double alpha = BayesNetRules::kPseudoCount;
  std::vector<double> counts(combinations * s, 0.0), key_counts(combinations, 0.0);
  for (size_t r = 0; r < x.size(); ++r) {
    counts[static_cast<size_t>(keys[r]) * s + static_cast<size_t>(x[r])] += 1.0;
    key_counts[static_cast<size_t>(keys[r])] += 1.0;
  }
  std::vector<double> table(combinations * s);
  for (size_t k = 0; k < combinations; ++k) {
    const double* f = fallback.data() + fallback_row(k) * s;
    for (size_t v = 0; v < s; ++v) table[k * s + v] = (counts[k * s + v] + alpha * f[v]) / (key_counts[k] + alpha);
  }
  return table;
}

// 3. Conditional tables on all rows, each smoothed towards the table with one parent fewer.
void fit_conditional_tables(std::vector<Node>& nodes, const States& states, const std::vector<int64_t>& n_states) {
  const double alpha = BayesNetRules::kPseudoCount;
  for (size_t c = 0; c < nodes.size(); ++c) {
    Node& node = nodes[c];
    const auto s = static_cast<size_t>(n_states[c]);
    const auto& x = states[c];
    const auto total = static_cast<double>(x.size());
    std::vector<double> marginal(s, 0.0);
    for (int32_t v : x) marginal[static_cast<size_t>(v)] += 1.0;
    for (auto& p : marginal) p = (p + alpha / static_cast<double>(s)) / (total + alpha);
    if (node.parents.empty()) {
      node.cpt = marginal;
      continue;
    }
    const auto p0 = static_cast<size_t>(node.parents[0]);
    const auto s0 = static_cast<size_t>(n_states[p0]);
    std::vector<double> one = smoothed_table(states[p0], s0, x, s, marginal, [](size_t) { return size_t{0}; });
    if (node.parents.size() == 1) {
      node.cpt = std::move(one);
      continue;
    }
    const auto p1 = static_cast<size_t>(node.parents[1]);
    const auto s1 = static_cast<size_t>(n_states[p1]);
    std::vector<int32_t> keys(x.size());
    for (size_t r = 0; r < x.size(); ++r)
      keys[r] = static_cast<int32_t>(static_cast<size_t>(states[p0][r]) * s1 + static_cast<size_t>(states[p1][r]));
    node.cpt = smoothed_table(keys, s0 * s1, x, s, one, [s1](size_t k) { return k / s1; });
  }
}

// 4. Binned columns: each training value with its row's parent combination (donor keys).
void fit_donor_keys(std::vector<Node>& nodes, const Matrix& data, const States& states,
                    const std::vector<int64_t>& n_states) {
  for (size_t c = 0; c < nodes.size(); ++c) {
    Node& node = nodes[c];
    if (!node.binned) continue;
    std::vector<std::vector<std::pair<float, int32_t>>> pairs(node.bins.size());
    for (size_t r = 0; r < states[c].size(); ++r) {
      int64_t key = 0;
      for (int32_t p : node.parents) key = key * n_states[static_cast<size_t>(p)] + states[static_cast<size_t>(p)][r];
      pairs[static_cast<size_t>(states[c][r])].push_back(
          {data(static_cast<int64_t>(r), static_cast<int64_t>(c)), static_cast<int32_t>(key)});
    }
    node.keys.assign(node.bins.size(), {});
    for (size_t b = 0; b < pairs.size(); ++b) {
      std::sort(pairs[b].begin(), pairs[b].end());
      node.bins[b].clear();
      for (const auto& [value, key] : pairs[b]) node.bins[b].push_back(value), node.keys[b].push_back(key);
    }
  }
}

}  // namespace

FitReport BayesNetSynthesizer::do_fit(const Matrix& data, const std::vector<ModelColumn>& layout,
                                      const FitOptions& options) {
  check_discrete_input(data, "bayesnet");
  const auto n_cols = static_cast<size_t>(data.cols);
  cols_ = data.cols;
  rows_ = data.rows;
  seed_ = options.seed;
  names_ = model_column_names(layout, n_cols);
  const States states = discretise_nodes(data, layout, nodes_);
  std::vector<int64_t> n_states(n_cols);
  for (size_t c = 0; c < n_cols; ++c) n_states[c] = nodes_[c].states();
  const States sub = structure_rows(states, data.rows, seed_);
  const size_t n = sub.empty() ? 0 : sub[0].size();
  max_parents_ = BayesNetRules::max_parents(static_cast<int64_t>(n), cols_);
  order_ = StructureSearch(sub, n_states, max_parents_).run(nodes_);
  fit_conditional_tables(nodes_, states, n_states);
  fit_donor_keys(nodes_, data, states, n_states);
  build_cumulative();

  FitReport report;
  const std::string state_text = describe_states(names_, nodes_, n_states);
  std::string rule;
  if (max_parents_ == 0)
    rule = "0 (one column)";
  else if (max_parents_ == 1)
    rule = cols_ > BayesNetRules::kTwoParentsMaxColumns ? "1 (more than 100 columns: a Chow-Liu tree)"
                                                        : "1 (fewer than 50 rows)";
  else
    rule = "2";
  report.settings = {{"model", "bayesnet"},
                     {"structure", structure()},
                     {"states", state_text},
                     {"max_parents", rule},
                     {"structure_rows", std::to_string(n)},
                     {"criterion", "mutual information - " + format_double(kPenaltyFactor) +
                                       " x (states - 1) x (parent combinations - 1) / rows"},
                     {"pseudo_count", format_double(BayesNetRules::kPseudoCount) +
                                          " per parent combination, spread as the table with one parent fewer"},
                     {"seed", std::to_string(seed_)}};
  return report;
}

std::string BayesNetSynthesizer::structure() const {
  std::string out;
  for (int32_t c : order_) {
    if (!out.empty()) out += "; ";
    const Node& node = nodes_[static_cast<size_t>(c)];
    out += names_[static_cast<size_t>(c)];
    for (size_t i = 0; i < node.parents.size(); ++i)
      out += (i == 0 ? " <- " : ", ") + names_[static_cast<size_t>(node.parents[i])];
  }
  return out;
}

void BayesNetSynthesizer::build_cumulative() {
  cumulative_.assign(nodes_.size(), {});
  for (size_t c = 0; c < nodes_.size(); ++c) {
    const Node& node = nodes_[c];
    const auto s = static_cast<size_t>(node.states());
    auto& cum = cumulative_[c];
    cum.resize(node.cpt.size());
    for (size_t k = 0; k * s < node.cpt.size(); ++k) {
      double sum = 0.0;
      for (size_t v = 0; v < s; ++v) sum += node.cpt[k * s + v];
      double running = 0.0;
      for (size_t v = 0; v < s; ++v) {
        running += node.cpt[k * s + v];
        cum[k * s + v] = sum > 0 ? running / sum : static_cast<double>(v + 1) / static_cast<double>(s);
      }
    }
  }
  donors_ = donor_indexes(
      nodes_, [](const Node& node) -> const auto& { return node.keys; });
}

Matrix BayesNetSynthesizer::do_sample(int64_t first_row, int64_t count, uint64_t seed) const {
  Matrix out(count, cols_);
  std::vector<int32_t> state(static_cast<size_t>(cols_), 0);
  for (int64_t i = 0; i < count; ++i) {
    Rng rng(derive_seed(seed, kBayesNetStream, static_cast<uint64_t>(first_row + i)));
    for (int32_t c32 : order_) {
      const auto c = static_cast<size_t>(c32);
      const Node& node = nodes_[c];
      const auto s = static_cast<size_t>(node.states());
      size_t key = 0;
      for (int32_t p : node.parents)
        key = key * static_cast<size_t>(nodes_[static_cast<size_t>(p)].states()) +
              static_cast<size_t>(state[static_cast<size_t>(p)]);
      const double* cum = cumulative_[c].data() + key * s;
      const double* prob = node.cpt.data() + key * s;
      const double u = rng.uniform();
      auto v = static_cast<size_t>(std::upper_bound(cum, cum + s, u) - cum);
      if (v >= s) v = s - 1;
      while (v > 0 && !(prob[v] > 0.0)) --v;  // rounding past the end: the last likely state
      state[c] = static_cast<int32_t>(v);
      double value = 0.0;
      if (!node.binned) {
        value = node.values[v];
      } else {
        // A donor: a training value of the bin whose row had the same parent states; else the
        // same state of the first parent; else any value of the bin.
        const auto& keys = node.keys[v];
        const auto& index = donors_[c][v];
        const auto exact = static_cast<int64_t>(key);
        DonorRun run = donors_between(index, keys, exact, exact + 1);
        if (run.empty() && node.parents.size() == 2) {
          const auto s1 = static_cast<int64_t>(nodes_[static_cast<size_t>(node.parents[1])].states());
          const int64_t from = exact / s1 * s1;
          run = donors_between(index, keys, from, from + s1);
        }
        const size_t pick = draw_donor(index, run, rng);
        value = jitter_within_bin(node.bins[v], pick, rng.uniform());
      }
      out(i, static_cast<int64_t>(c)) = static_cast<float>(value);
    }
  }
  return out;
}

namespace {

const ModelRegistration registered{plain_model<BayesNetSynthesizer>(
    "bayesnet",
    "Bayesian network over discretised columns (greedy mutual-information structure, up to 2 parents): for small "
    "tables of categories and counts")};

}  // namespace

}  // namespace synthtab
