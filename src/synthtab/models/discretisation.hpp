#pragma once
// Model columns as discrete variables, shared by the models over discrete states (bayesnet,
// mrf): a column with few distinct training values (or a categorical one) keeps every value as
// a state; any other column gets quantile bins of its training values, and a drawn bin becomes
// a training value of the bin, jittered so that it is rarely a training value itself.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "synthtab/core/json_checks.hpp"
#include "synthtab/core/matrix.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/transform/column_transformer.hpp"

namespace synthtab {

inline constexpr int kMaxQuantileBins = 10;
// Quantile bins for a column of `rows` training values: min(10, rows / 5), at least 2.
int quantile_bins_for(int64_t rows);

// Throws Error(Input) naming `model` unless `data` has a row, a column, and finite values only.
void check_discrete_input(const Matrix& data, const char* model);

// Model columns' names for fit reports: their source columns ("x (missing)" for an indicator),
// else "column 3".
std::vector<std::string> model_column_names(const std::vector<ModelColumn>& layout, size_t cols);

struct DiscreteColumn {
  bool binned = false;
  std::vector<float> values;             // not binned: the state values, strictly ascending
  std::vector<std::vector<float>> bins;  // binned: each bin's training values, ascending
  std::vector<int32_t> states;           // the state of each training row
  int64_t state_count() const {
    return binned ? static_cast<int64_t>(bins.size()) : static_cast<int64_t>(values.size());
  }
};

// Discretises one column's training values: every distinct value a state when `keep_values`,
// else `bins` quantile bins (tied values stay in one bin, so every bin holds at least one
// training value and starts at its smallest one; fewer bins when ties merge them).
DiscreteColumn discretise_column(const std::vector<float>& column, bool keep_values, int bins);

// The state of `value` in a fitted column: the nearest state value (exact for training values),
// or the last bin that starts at or below it.
int32_t state_of_value(const std::vector<float>& values, const std::vector<std::vector<float>>& bins, bool binned,
                       float value);

// A value drawn near bin[pick]: uniform between the midpoints to its neighbours in the bin's
// sorted training values (the bin's ends stay its smallest and largest training values); `u` is
// uniform in [0, 1).
double jitter_within_bin(const std::vector<float>& bin, size_t pick, double u);

// Positions 0..n-1 of a bin's training values, stably ordered by each value's key (a parent
// combination, a partner's state): the donors of one key are then one run of positions.
std::vector<int32_t> donor_index(const std::vector<int32_t>& keys);

// The fit report's "states": each column's name and how many quantile bins or values it has.
template <typename Node>
std::string describe_states(const std::vector<std::string>& names, const std::vector<Node>& nodes,
                            const std::vector<int64_t>& n_states) {
  std::string text;
  for (size_t c = 0; c < nodes.size(); ++c)
    text += (c ? "; " : "") + names[c] + ": " + std::to_string(n_states[c]) +
            (nodes[c].binned    ? " quantile bins"
             : n_states[c] == 1 ? " value"
                                : " values");
  return text;
}

// Per node, the donor index of each of its states' key lists (`keys_of(node)`); none for a node
// that is not binned (its values are drawn as they are).
template <typename Node, typename KeysOf>
std::vector<std::vector<std::vector<int32_t>>> donor_indexes(const std::vector<Node>& nodes, KeysOf keys_of) {
  std::vector<std::vector<std::vector<int32_t>>> out(nodes.size());
  for (size_t c = 0; c < nodes.size(); ++c) {
    if (!nodes[c].binned) continue;
    for (const auto& keys : keys_of(nodes[c])) out[c].push_back(donor_index(keys));
  }
  return out;
}

// The run of `index` (from donor_index(keys)) whose keys lie in [from, to).
struct DonorRun {
  std::vector<int32_t>::const_iterator begin, end;
  bool empty() const { return begin == end; }
};
DonorRun donors_between(const std::vector<int32_t>& index, const std::vector<int32_t>& keys, int64_t from, int64_t to);

// A donor's position drawn uniformly from `run`, or from the whole index when the run is empty.
size_t draw_donor(const std::vector<int32_t>& index, DonorRun run, Rng& rng);

// Reads one column's states from a model file's node object `j` ("node 3" in messages): exactly
// one of 'values' (strictly ascending) and 'bins' (each sorted, non-empty, above the one before),
// at most `max_states` of them.
void read_discrete_states(const SectionCheck& check, const nlohmann::json& j, const std::string& what,
                          int64_t max_states, bool& binned, std::vector<float>& values,
                          std::vector<std::vector<float>>& bins);

// A model's nodes (each with `binned`, `values` and `bins`) from its section's 'nodes' list of
// n_cols objects, their states read by read_discrete_states.
template <typename Node>
std::vector<Node> read_state_nodes(const SectionCheck& check, const nlohmann::json& nodes_json, size_t n_cols,
                                   int64_t max_states) {
  if (nodes_json.size() != n_cols)
    check.fail("'nodes' has " + std::to_string(nodes_json.size()) + " entries, expected " + std::to_string(n_cols));
  std::vector<Node> nodes(n_cols);
  for (size_t c = 0; c < n_cols; ++c) {
    const nlohmann::json& j = nodes_json[c];
    const std::string what = "node " + std::to_string(c);
    if (!j.is_object()) check.fail(what + " is not an object");
    Node& node = nodes[c];
    read_discrete_states(check, j, what, max_states, node.binned, node.values, node.bins);
  }
  return nodes;
}

}  // namespace synthtab
