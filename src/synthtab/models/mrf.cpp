#include "synthtab/models/mrf.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "synthtab/core/error.hpp"
#include "synthtab/core/json_checks.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/models/bayesnet.hpp"
#include "synthtab/models/discretisation.hpp"
#include "synthtab/models/registry.hpp"

namespace synthtab {
namespace {

using json = nlohmann::json;

constexpr uint64_t kMrfStream = 0x6d7266;  // "mrf"
constexpr int kStateVersion = 1;

// cells x (columns + column pairs) of a joint table with these state counts, or -1 when it
// exceeds MrfRules::kMaxWork (checked before every product, so nothing overflows).
int64_t joint_work(const std::vector<int64_t>& states) {
  const auto cols = static_cast<int64_t>(states.size());
  const int64_t tables = cols + cols * (cols - 1) / 2;
  if (cols > MrfRules::kMaxWork) return -1;
  int64_t cells = 1;
  for (int64_t s : states) {
    if (s < 1 || cells > MrfRules::kMaxWork / s) return -1;
    cells *= s;
  }
  if (tables > 0 && cells > MrfRules::kMaxWork / tables) return -1;
  return cells * std::max<int64_t>(tables, 1);
}

int64_t product(const std::vector<int64_t>& states) {
  int64_t cells = 1;
  for (int64_t s : states) cells *= s;
  return cells;
}

// Each cell's state of every column (cells x columns fits under kMaxWork).
std::vector<std::vector<int32_t>> cell_states(const std::vector<int64_t>& states, int64_t cells) {
  const size_t cols = states.size();
  std::vector<std::vector<int32_t>> out(cols, std::vector<int32_t>(static_cast<size_t>(cells)));
  std::vector<int32_t> index(cols, 0);
  for (int64_t cell = 0; cell < cells; ++cell) {
    for (size_t c = 0; c < cols; ++c) out[c][static_cast<size_t>(cell)] = index[c];
    for (size_t c = cols; c-- > 0;) {  // the last column varies fastest
      if (++index[c] < states[c]) break;
      index[c] = 0;
    }
  }
  return out;
}

// A value drawn uniformly between the training values next to bins[bin][pick] (across bin edges;
// an end of the column stays where it is). Wider than bayesnet's jitter between midpoints: on a
// grid of few decimals a narrow jitter rounds back to the donor, and two donors of one row made
// half the rows of small tables copies of training rows.
double jitter_between_neighbours(const std::vector<std::vector<float>>& bins, size_t bin, size_t pick, double u) {
  const auto& values = bins[bin];
  const double here = values[pick];
  const double below = pick > 0 ? values[pick - 1] : bin > 0 ? bins[bin - 1].back() : here;
  const double above = pick + 1 < values.size() ? values[pick + 1]
                       : bin + 1 < bins.size()  ? bins[bin + 1].front()
                                                : here;
  return below + u * (above - below);
}

}  // namespace

bool MrfRules::keeps_values(int64_t distinct, int64_t rows) {
  return distinct <= kMaxKeptValues && distinct * kRowsPerKeptValue <= rows;
}

int MrfRules::bins_for(int64_t rows) { return quantile_bins_for(rows); }

namespace {

using Node = MrfSynthesizer::Node;
using Potential = MrfSynthesizer::Potential;

// The table discretised: each column's values, whether they are kept (else binned), and states.
struct Discretised {
  std::vector<std::vector<float>> columns;
  std::vector<char> keep;
  std::vector<DiscreteColumn> discrete;
  std::vector<int64_t> n_states;
};

// 1. Discretise; binned columns lose bins until the joint table is small enough.
Discretised discretise_table(const Matrix& data, const std::vector<ModelColumn>& layout) {
  const int64_t rows = data.rows, cols = data.cols;
  const auto n_rows = static_cast<size_t>(rows);
  const auto n_cols = static_cast<size_t>(cols);
  std::vector<std::vector<float>> columns(n_cols, std::vector<float>(n_rows));
  std::vector<char> keep(n_cols, 0), categorical(n_cols, 0);
  for (size_t c = 0; c < n_cols; ++c) {
    for (size_t r = 0; r < n_rows; ++r) columns[c][r] = data(static_cast<int64_t>(r), static_cast<int64_t>(c));
    std::vector<float> distinct = columns[c];
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    categorical[c] = c < layout.size() && layout[c].kind == ModelColumnKind::Categorical;
    keep[c] = categorical[c] || MrfRules::keeps_values(static_cast<int64_t>(distinct.size()), rows);
  }
  std::vector<DiscreteColumn> discrete(n_cols);
  std::vector<int64_t> n_states(n_cols);
  // Binned columns lose bins down to 2; if the table is still too large, numeric columns that
  // kept their values are binned too, from the most bins down again.
  bool fits = false;
  for (int attempt = 0; attempt < 2 && !fits; ++attempt) {
    if (attempt == 1)
      for (size_t c = 0; c < n_cols; ++c)
        if (!categorical[c]) keep[c] = 0;
    for (int bins = MrfRules::bins_for(rows); bins >= 2 && !fits; --bins) {
      for (size_t c = 0; c < n_cols; ++c) {
        discrete[c] = discretise_column(columns[c], keep[c] != 0, bins);
        n_states[c] = discrete[c].state_count();
      }
      fits = joint_work(n_states) >= 0;
    }
  }
  if (!fits) {
    std::string states_text;
    for (size_t c = 0; c < n_cols; ++c) states_text += (c ? ", " : "") + std::to_string(n_states[c]);
    throw Error(ErrorKind::Input, "mrf: the joint table of " + std::to_string(cols) + " discretised columns (states " +
                                      states_text + ") is too large for a full table (cells x tables above " +
                                      std::to_string(MrfRules::kMaxWork) + "); use bayesnet or copula for wide tables");
  }
  return {std::move(columns), std::move(keep), std::move(discrete), std::move(n_states)};
}

// 2. Targets: one-way tables, and two-way tables mixed with the independent table (share
// `lambda`); one zero potential per target, in the same order.
std::vector<std::vector<double>> table_targets(const Discretised& t, int64_t rows, double lambda,
                                               std::vector<Potential>& potentials) {
  const auto n_rows = static_cast<size_t>(rows);
  const auto n_cols = t.n_states.size();
  const auto& discrete = t.discrete;
  const auto& n_states = t.n_states;
  const auto total = static_cast<double>(rows);
  potentials.clear();
  std::vector<std::vector<double>> targets;
  std::vector<std::vector<double>> marginal(n_cols);
  for (size_t c = 0; c < n_cols; ++c) {
    marginal[c].assign(static_cast<size_t>(n_states[c]), 0.0);
    for (int32_t s : discrete[c].states) marginal[c][static_cast<size_t>(s)] += 1.0 / total;
    potentials.push_back({static_cast<int32_t>(c), -1, std::vector<double>(marginal[c].size(), 0.0)});
    targets.push_back(marginal[c]);
  }
  for (size_t a = 0; a < n_cols; ++a)
    for (size_t b = a + 1; b < n_cols; ++b) {
      const auto sb = static_cast<size_t>(n_states[b]);
      std::vector<double> target(static_cast<size_t>(n_states[a]) * sb, 0.0);
      for (size_t r = 0; r < n_rows; ++r)
        target[static_cast<size_t>(discrete[a].states[r]) * sb + static_cast<size_t>(discrete[b].states[r])] +=
            1.0 / total;
      for (size_t i = 0; i < target.size(); ++i)
        target[i] = (1.0 - lambda) * target[i] + lambda * marginal[a][i / sb] * marginal[b][i % sb];
      potentials.push_back({static_cast<int32_t>(a), static_cast<int32_t>(b), std::vector<double>(target.size(), 0.0)});
      targets.push_back(std::move(target));
    }

  return targets;
}

// 3. Structural zeros: when a cell is a whole row, the cells of rows unique in training.
std::vector<int64_t> unique_row_cells(const Discretised& t, int64_t rows, int64_t cells) {
  const auto n_rows = static_cast<size_t>(rows);
  const auto n_cols = t.n_states.size();
  const auto& discrete = t.discrete;
  std::vector<int64_t> stride(n_cols, 1);
  for (size_t c = n_cols - 1; c-- > 0;) stride[c] = stride[c + 1] * t.n_states[c + 1];
  std::vector<int64_t> zeros;
  if (std::all_of(t.keep.begin(), t.keep.end(), [](char k) { return k != 0; })) {
    std::vector<int64_t> row_cells(n_rows, 0);
    for (size_t r = 0; r < n_rows; ++r)
      for (size_t c = 0; c < n_cols; ++c) row_cells[r] += discrete[c].states[r] * stride[c];
    std::sort(row_cells.begin(), row_cells.end());
    for (size_t i = 0; i < n_rows;) {
      size_t j = i;
      while (j < n_rows && row_cells[j] == row_cells[i]) ++j;
      if (j - i == 1) zeros.push_back(row_cells[i]);
      i = j;
    }
    if (static_cast<int64_t>(zeros.size()) == cells) zeros.clear();  // nothing else to draw
  }

  return zeros;
}

struct Scaling {
  int sweeps = 0;
  double max_error = 0.0;  // largest table difference after the last sweep
};

// 4. Iterative proportional fitting: scale each table's cells to its target in turn.
Scaling fit_potentials(std::vector<Potential>& potentials, const std::vector<std::vector<double>>& targets,
                       const std::vector<int64_t>& n_states, const std::vector<int64_t>& zeros, int64_t cells) {
  const auto n_cells = static_cast<size_t>(cells);
  const auto states = cell_states(n_states, cells);
  Scaling out;
  int& sweeps = out.sweeps;
  double& max_error = out.max_error;
  std::vector<double> joint(n_cells, 1.0);
  for (int64_t z : zeros) joint[static_cast<size_t>(z)] = 0.0;
  {
    double sum = 0.0;
    for (double p : joint) sum += p;
    for (double& p : joint) p /= sum;
  }
  std::vector<double> margin, ratio;
  while (sweeps < MrfRules::kMaxSweeps) {
    ++sweeps;
    double error = 0.0;
    for (size_t k = 0; k < potentials.size(); ++k) {
      Potential& potential = potentials[k];
      const auto& xa = states[static_cast<size_t>(potential.a)];
      const std::vector<int32_t>* xb = potential.b >= 0 ? &states[static_cast<size_t>(potential.b)] : nullptr;
      const size_t sb = xb ? static_cast<size_t>(n_states[static_cast<size_t>(potential.b)]) : 1;
      auto entry = [&](size_t cell) {
        return static_cast<size_t>(xa[cell]) * sb + (xb ? static_cast<size_t>((*xb)[cell]) : 0);
      };
      margin.assign(potential.log_table.size(), 0.0);
      for (size_t cell = 0; cell < n_cells; ++cell) margin[entry(cell)] += joint[cell];
      ratio.assign(margin.size(), 1.0);
      const auto& target = targets[k];
      for (size_t i = 0; i < margin.size(); ++i) {
        if (!(margin[i] > 0.0)) continue;  // no cell left for it (structural zeros): cannot be met
        error = std::max(error, std::abs(margin[i] - target[i]));
        ratio[i] = target[i] / margin[i];
        // In logs: one- and two-way factors can trade scale, and where structural zeros make a
        // target unreachable they drift apart without bound (their product does not).
        potential.log_table[i] += std::log(ratio[i]);
      }
      double sum = 0.0;
      for (size_t cell = 0; cell < n_cells; ++cell) sum += (joint[cell] *= ratio[entry(cell)]);
      if (sum > 0.0)
        for (double& p : joint) p /= sum;
    }
    max_error = error;
    if (error < MrfRules::kTolerance) break;
  }
  return out;
}

// 5. Donors of binned columns: matched on the column most associated with them.
std::vector<Node> donor_nodes(const Discretised& t) {
  const auto n_cols = t.n_states.size();
  const auto n_rows = t.columns.empty() ? size_t{0} : t.columns.front().size();
  const auto& discrete = t.discrete;
  const auto& columns = t.columns;
  const auto& n_states = t.n_states;
  std::vector<Node> nodes;
  nodes.assign(n_cols, Node{});
  for (size_t c = 0; c < n_cols; ++c) {
    Node& node = nodes[c];
    node.binned = discrete[c].binned;
    node.values = discrete[c].values;
    if (!node.binned) continue;
    double best = -1.0;
    for (size_t u = 0; u < n_cols; ++u) {
      if (u == c) continue;
      const double mi = mutual_information(discrete[c].states, discrete[u].states);
      if (mi > best) best = mi, node.partner = static_cast<int32_t>(u);
    }
    std::vector<std::vector<std::pair<float, int32_t>>> pairs(static_cast<size_t>(n_states[c]));
    for (size_t r = 0; r < n_rows; ++r)
      pairs[static_cast<size_t>(discrete[c].states[r])].push_back(
          {columns[c][r], node.partner >= 0 ? discrete[static_cast<size_t>(node.partner)].states[r] : 0});
    node.bins.assign(pairs.size(), {});
    node.partner_states.assign(pairs.size(), {});
    for (size_t b = 0; b < pairs.size(); ++b) {
      std::sort(pairs[b].begin(), pairs[b].end());
      for (const auto& [value, state] : pairs[b])
        node.bins[b].push_back(value), node.partner_states[b].push_back(state);
    }
  }
  return nodes;
}

}  // namespace

FitReport MrfSynthesizer::do_fit(const Matrix& data, const std::vector<ModelColumn>& layout,
                                 const FitOptions& options) {
  check_discrete_input(data, "mrf");
  const int64_t rows = data.rows;
  const auto n_cols = static_cast<size_t>(data.cols);
  cols_ = data.cols;
  rows_ = rows;
  seed_ = options.seed;
  names_ = model_column_names(layout, n_cols);
  const Discretised table = discretise_table(data, layout);
  const auto& n_states = table.n_states;
  cells_ = product(n_states);
  const double lambda = MrfRules::independence_share(rows);
  const auto targets = table_targets(table, rows, lambda, potentials_);
  zeros_ = unique_row_cells(table, rows, cells_);
  const Scaling scaling = fit_potentials(potentials_, targets, n_states, zeros_, cells_);
  sweeps_ = scaling.sweeps;
  max_error_ = scaling.max_error;
  nodes_ = donor_nodes(table);
  build_joint();
  build_donors();

  FitReport report;
  const std::string state_text = describe_states(names_, nodes_, n_states);
  char error_text[32];
  std::snprintf(error_text, sizeof error_text, "%.2g", max_error_);
  char lambda_text[32];
  std::snprintf(lambda_text, sizeof lambda_text, "%.4g", lambda);
  report.settings = {{"model", "mrf"},
                     {"states", state_text},
                     {"joint_cells", std::to_string(cells_)},
                     {"structural_zeros", std::to_string(zeros_.size()) + " (cells of rows unique in training)"},
                     {"sweeps", std::to_string(sweeps_) + " (largest table difference " + error_text + ")"},
                     {"independence_share", std::string(lambda_text) + " of each two-way table (1 / (rows + 1))"},
                     {"seed", std::to_string(seed_)}};
  return report;
}

void MrfSynthesizer::build_joint() {
  std::vector<int64_t> n_states;
  for (const Node& node : nodes_) n_states.push_back(node.states());
  cells_ = product(n_states);
  const auto n_cells = static_cast<size_t>(cells_);
  const auto states = cell_states(n_states, cells_);
  joint_.assign(n_cells, 0.0);
  for (const Potential& potential : potentials_) {
    const auto& logs = potential.log_table;
    const auto& xa = states[static_cast<size_t>(potential.a)];
    if (potential.b < 0) {
      for (size_t cell = 0; cell < n_cells; ++cell) joint_[cell] += logs[static_cast<size_t>(xa[cell])];
      continue;
    }
    const auto& xb = states[static_cast<size_t>(potential.b)];
    const auto sb = static_cast<size_t>(n_states[static_cast<size_t>(potential.b)]);
    for (size_t cell = 0; cell < n_cells; ++cell)
      joint_[cell] += logs[static_cast<size_t>(xa[cell]) * sb + static_cast<size_t>(xb[cell])];
  }
  for (int64_t z : zeros_) joint_[static_cast<size_t>(z)] = -std::numeric_limits<double>::infinity();
  const double top = *std::max_element(joint_.begin(), joint_.end());
  if (!std::isfinite(top)) throw std::runtime_error("gives no joint cell a positive probability");
  double sum = 0.0;
  for (double& p : joint_) sum += (p = std::exp(p - top));
  cumulative_.resize(n_cells);
  double running = 0.0;
  for (size_t cell = 0; cell < n_cells; ++cell) {
    joint_[cell] /= sum;
    running += joint_[cell];
    cumulative_[cell] = running;
  }
  // The last cell of positive probability ends at 1 exactly, so every u in [0, 1) finds a cell.
  for (size_t cell = n_cells; cell-- > 0;) {
    cumulative_[cell] = 1.0;
    if (joint_[cell] > 0.0) break;
  }
}

void MrfSynthesizer::build_donors() {
  donors_ = donor_indexes(
      nodes_, [](const Node& node) -> const auto& { return node.partner_states; });
}

Matrix MrfSynthesizer::do_sample(int64_t first_row, int64_t count, uint64_t seed) const {
  Matrix out(count, cols_);
  const auto n_cols = static_cast<size_t>(cols_);
  std::vector<int64_t> stride(n_cols, 1);
  for (size_t c = n_cols - 1; c-- > 0;) stride[c] = stride[c + 1] * nodes_[c + 1].states();
  std::vector<int32_t> state(n_cols, 0);
  for (int64_t i = 0; i < count; ++i) {
    Rng rng(derive_seed(seed, kMrfStream, static_cast<uint64_t>(first_row + i)));
    const double u = rng.uniform();
    auto cell = static_cast<int64_t>(std::upper_bound(cumulative_.begin(), cumulative_.end(), u) - cumulative_.begin());
    cell = std::min(cell, cells_ - 1);
    for (size_t c = 0; c < n_cols; ++c) state[c] = static_cast<int32_t>(cell / stride[c] % nodes_[c].states());
    for (size_t c = 0; c < n_cols; ++c) {
      const Node& node = nodes_[c];
      const auto v = static_cast<size_t>(state[c]);
      double value = 0.0;
      if (!node.binned) {
        value = node.values[v];
      } else {
        // A donor of the bin whose row had the partner's drawn state; else any of the bin.
        const auto& index = donors_[c][v];
        const int64_t wanted = node.partner >= 0 ? state[static_cast<size_t>(node.partner)] : 0;
        const size_t pick = draw_donor(index, donors_between(index, node.partner_states[v], wanted, wanted + 1), rng);
        value = jitter_between_neighbours(node.bins, v, pick, rng.uniform());
      }
      out(i, static_cast<int64_t>(c)) = static_cast<float>(value);
    }
  }
  return out;
}

void MrfSynthesizer::do_save(ArchiveWriter& out, const std::string& prefix) const {
  json nodes = json::array();
  for (const Node& node : nodes_) {
    json j = json::object();
    if (node.binned)
      j["bins"] = node.bins, j["partner"] = node.partner, j["partner_states"] = node.partner_states;
    else
      j["values"] = node.values;
    nodes.push_back(std::move(j));
  }
  json potentials = json::array();
  for (const Potential& potential : potentials_)
    potentials.push_back({{"a", potential.a}, {"b", potential.b}, {"log_table", potential.log_table}});
  const json state = {{"version", kStateVersion}, {"rows", rows_},           {"columns", cols_}, {"seed", seed_},
                      {"sweeps", sweeps_},        {"max_error", max_error_}, {"names", names_},  {"nodes", nodes},
                      {"potentials", potentials}, {"zeros", zeros_}};
  out.put(prefix + "mrf", state.dump());
}

namespace {

using Node = MrfSynthesizer::Node;
using Potential = MrfSynthesizer::Potential;

// A binned column's partner and, per bin and value, the partner's state.
void read_partners(const SectionCheck& check, const json& nodes_json, int64_t cols,
                   const std::vector<int64_t>& n_states, std::vector<Node>& nodes) {
  for (size_t c = 0; c < nodes.size(); ++c) {
    Node& node = nodes[c];
    if (!node.binned) continue;
    const json& j = nodes_json[c];
    const std::string what = "node " + std::to_string(c);
    node.partner = static_cast<int32_t>(check.integer(j, "partner", -1, cols - 1));
    if (node.partner == static_cast<int32_t>(c) || (node.partner < 0 && nodes.size() > 1))
      check.fail(what + " has no other column as its partner");
    const int64_t partner_states = node.partner >= 0 ? n_states[static_cast<size_t>(node.partner)] : 1;
    const json& lists = check.array(j, "partner_states");
    if (lists.size() != node.bins.size()) check.fail(what + " has no partner-state list per bin");
    for (size_t b = 0; b < lists.size(); ++b) {
      const std::string list_what = what + " bin " + std::to_string(b) + " partner state";
      if (!lists[b].is_array() || lists[b].size() != node.bins[b].size())
        check.fail(list_what + "s do not match its values");
      std::vector<int32_t> list;
      for (size_t i = 0; i < lists[b].size(); ++i)
        list.push_back(static_cast<int32_t>(
            check.integer_value(lists[b][i], list_what + " " + std::to_string(i), 0, partner_states - 1)));
      node.partner_states.push_back(std::move(list));
    }
  }
}

// The factors, in the order the fit makes them: each column, then each pair (a < b).
std::vector<Potential> read_potentials(const SectionCheck& check, const json& state, int64_t cols,
                                       const std::vector<int64_t>& n_states) {
  const size_t n_cols = n_states.size();
  const json& potentials = check.array(state, "potentials");
  const size_t expected = n_cols + n_cols * (n_cols - 1) / 2;
  if (potentials.size() != expected)
    check.fail("'potentials' has " + std::to_string(potentials.size()) + " entries, expected " +
               std::to_string(expected));
  std::vector<Potential> out;
  size_t k = 0;
  auto read_potential = [&](int32_t a, int32_t b) {
    const json& p = potentials[k];
    const std::string what = "potential " + std::to_string(k++);
    if (!p.is_object()) check.fail(what + " is not an object");
    if (check.integer(p, "a", -1, cols) != a || check.integer(p, "b", -1, cols) != b)
      check.fail(what + " is not over the columns expected at its place");
    const int64_t size = n_states[static_cast<size_t>(a)] * (b >= 0 ? n_states[static_cast<size_t>(b)] : 1);
    auto table = check.finite_array<double>(p, "log_table", size);
    for (double v : table)
      if (std::abs(v) > MrfRules::kMaxLogFactor) check.fail(what + " has an entry beyond +-1e9");
    out.push_back({a, b, std::move(table)});
  };
  for (size_t a = 0; a < n_cols; ++a) read_potential(static_cast<int32_t>(a), -1);
  for (size_t a = 0; a < n_cols; ++a)
    for (size_t b = a + 1; b < n_cols; ++b) read_potential(static_cast<int32_t>(a), static_cast<int32_t>(b));
  return out;
}

// The structural zeros: ascending cells of the joint table.
std::vector<int64_t> read_zeros(const SectionCheck& check, const json& state, int64_t cells) {
  std::vector<int64_t> zeros;
  for (int64_t z : check.integer_array(state, "zeros", 0, cells - 1)) {
    if (!zeros.empty() && z <= zeros.back()) check.fail("'zeros' do not ascend");
    zeros.push_back(z);
  }
  return zeros;
}

}  // namespace

void MrfSynthesizer::do_load(const ArchiveReader& in, const std::string& prefix) {
  const SectionCheck check{in.source(), prefix + "mrf"};
  MrfSynthesizer loaded;
  check.guard([&] {
    const json state = check.parse_object(in.get(prefix + "mrf"));
    const int64_t version = check.integer(state, "version", 0, std::numeric_limits<int32_t>::max());
    if (version != kStateVersion)
      check.fail("has format version " + std::to_string(version) + ", this synthtab reads version " +
                 std::to_string(kStateVersion));
    loaded.rows_ = check.integer(state, "rows", 1, std::numeric_limits<int64_t>::max() / 2);
    loaded.cols_ = check.integer(state, "columns", 1, 2048);
    loaded.seed_ = check.unsigned_integer(state, "seed");
    loaded.sweeps_ = static_cast<int>(check.integer(state, "sweeps", 0, MrfRules::kMaxSweeps));
    loaded.max_error_ = check.finite(state, "max_error");
    const auto n_cols = static_cast<size_t>(loaded.cols_);
    loaded.names_ = check.string_array(state, "names", static_cast<int64_t>(n_cols));
    const json& nodes_json = check.array(state, "nodes");
    // The partners come later, once every column's state count is known.
    loaded.nodes_ = read_state_nodes<Node>(check, nodes_json, n_cols, MrfRules::kMaxWork);
    std::vector<int64_t> n_states(n_cols);
    for (size_t c = 0; c < n_cols; ++c) n_states[c] = loaded.nodes_[c].states();
    if (joint_work(n_states) < 0) check.fail("declares a joint table larger than this synthtab fits");
    read_partners(check, nodes_json, loaded.cols_, n_states, loaded.nodes_);
    loaded.potentials_ = read_potentials(check, state, loaded.cols_, n_states);
    loaded.zeros_ = read_zeros(check, state, product(n_states));
    try {
      loaded.build_joint();
    } catch (const std::runtime_error& e) {
      check.fail(e.what());
    }
  });
  loaded.build_donors();
  *this = std::move(loaded);
}

namespace {

ModelTraits mrf_traits() {
  ModelTraits traits = plain_model<MrfSynthesizer>(
      "mrf",
      "pairwise Markov random field over discretised columns: keeps every one- and two-way table of small tables of "
      "categories and counts; narrow tables only");
  traits.one_joint_table = true;
  return traits;
}

const ModelRegistration registered{mrf_traits()};

}  // namespace

}  // namespace synthtab
