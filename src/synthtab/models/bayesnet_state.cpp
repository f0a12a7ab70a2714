#include "synthtab/models/bayesnet.hpp"

#include <limits>
#include <nlohmann/json.hpp>

#include "synthtab/core/json_checks.hpp"
#include "synthtab/models/discretisation.hpp"

// The network's state in a model file ("bayesnet" under the model's prefix): do_save writes it as
// JSON, do_load reads it back from untrusted bytes, checking every part before the model takes
// any of it. Kept apart from bayesnet.cpp, which learns the structure and tables and samples.

namespace synthtab {
namespace {

using json = nlohmann::json;

constexpr int kStateVersion = 1;
constexpr int64_t kMaxStates = int64_t{1} << 24;

using Node = BayesNetSynthesizer::Node;

// The drawing order (each column once) into `order`; returns each column's position in it.
std::vector<int64_t> read_order(const SectionCheck& check, const json& state, int64_t cols,
                                std::vector<int32_t>& order) {
  for (int64_t c : check.integer_array(state, "order", 0, cols - 1, cols)) order.push_back(static_cast<int32_t>(c));
  std::vector<int64_t> position(static_cast<size_t>(cols), -1);
  for (size_t i = 0; i < position.size(); ++i) {
    auto& at = position[static_cast<size_t>(order[i])];
    if (at >= 0) check.fail("'order' names column " + std::to_string(order[i]) + " twice");
    at = static_cast<int64_t>(i);
  }
  return position;
}

// Node c's parents (drawn before it, none twice, at most max_parents); returns the number of
// parent combinations, bounded by the largest table.
int64_t read_parents(const SectionCheck& check, const json& j, size_t c, int64_t cols, int max_parents,
                     const std::vector<int64_t>& position, std::vector<Node>& nodes) {
  const std::string what = "node " + std::to_string(c);
  Node& node = nodes[c];
  for (int64_t p : check.integer_array(j, "parents", 0, cols - 1)) node.parents.push_back(static_cast<int32_t>(p));
  if (static_cast<int>(node.parents.size()) > max_parents)
    check.fail(what + " has " + std::to_string(node.parents.size()) + " parents, more than 'max_parents'");
  int64_t combinations = 1;
  for (size_t i = 0; i < node.parents.size(); ++i) {
    const auto p = static_cast<size_t>(node.parents[i]);
    if (position[p] >= position[c]) check.fail(what + " has a parent that is not drawn before it");
    if (i > 0 && node.parents[i] == node.parents[0]) check.fail(what + " names a parent twice");
    combinations *= nodes[p].states();
    if (combinations > BayesNetRules::kMaxTableCells) check.fail(what + " has too many parent combinations");
  }
  return combinations;
}

// A binned node's donor keys: per bin and value, a parent combination; only binned nodes have them.
void read_keys(const SectionCheck& check, const json& j, const std::string& what, int64_t combinations, Node& node) {
  if (!node.binned) {
    if (j.contains("keys")) check.fail(what + " has 'keys' without 'bins'");
    return;
  }
  const json& keys = check.array(j, "keys");
  if (keys.size() != node.bins.size())
    check.fail(what + " has " + std::to_string(keys.size()) + " key lists for " + std::to_string(node.bins.size()) +
               " bins");
  for (size_t b = 0; b < keys.size(); ++b) {
    if (!keys[b].is_array() || keys[b].size() != node.bins[b].size())
      check.fail(what + " bin " + std::to_string(b) + " has no key per value");
    std::vector<int32_t> list;
    for (size_t i = 0; i < keys[b].size(); ++i)
      list.push_back(static_cast<int32_t>(check.integer_value(
          keys[b][i], what + " bin " + std::to_string(b) + " key " + std::to_string(i), 0, combinations - 1)));
    node.keys.push_back(std::move(list));
  }
}

// Node c's parents, conditional probability table (each row a distribution) and donor keys.
void read_table(const SectionCheck& check, const json& j, size_t c, int64_t cols, int max_parents,
                const std::vector<int64_t>& position, std::vector<Node>& nodes) {
  const std::string what = "node " + std::to_string(c);
  const int64_t combinations = read_parents(check, j, c, cols, max_parents, position, nodes);
  Node& node = nodes[c];
  const int64_t s = node.states();
  if (combinations * s > BayesNetRules::kMaxTableCells) check.fail(what + " has a table too large");
  node.cpt = check.finite_array<double>(j, "cpt", combinations * s);
  read_keys(check, j, what, combinations, node);
  for (int64_t k = 0; k < combinations; ++k) {
    const std::vector<double> row(node.cpt.begin() + k * s, node.cpt.begin() + (k + 1) * s);
    check.probabilities(row, what + " table row " + std::to_string(k));
  }
}

}  // namespace

void BayesNetSynthesizer::do_save(ArchiveWriter& out, const std::string& prefix) const {
  json nodes = json::array();
  for (const Node& node : nodes_) {
    json j = {{"parents", node.parents}, {"cpt", node.cpt}};
    if (node.binned)
      j["bins"] = node.bins, j["keys"] = node.keys;
    else
      j["values"] = node.values;
    nodes.push_back(std::move(j));
  }
  const json state = {
      {"version", kStateVersion}, {"rows", rows_},   {"columns", cols_}, {"max_parents", max_parents_}, {"seed", seed_},
      {"names", names_},          {"order", order_}, {"nodes", nodes}};
  out.put(prefix + "bayesnet", state.dump());
}

void BayesNetSynthesizer::do_load(const ArchiveReader& in, const std::string& prefix) {
  const SectionCheck check{in.source(), prefix + "bayesnet"};
  int64_t cols = 0, rows = 0;
  int max_parents = 0;
  uint64_t seed = 0;
  std::vector<std::string> names;
  std::vector<int32_t> order;
  std::vector<Node> nodes;
  check.guard([&] {
    const json state = check.parse_object(in.get(prefix + "bayesnet"));
    const int64_t version = check.integer(state, "version", 0, std::numeric_limits<int32_t>::max());
    if (version != kStateVersion)
      check.fail("has format version " + std::to_string(version) + ", this synthtab reads version " +
                 std::to_string(kStateVersion));
    rows = check.integer(state, "rows", 1, std::numeric_limits<int64_t>::max() / 2);
    cols = check.integer(state, "columns", 1, 1'000'000);
    max_parents = static_cast<int>(check.integer(state, "max_parents", 0, 2));
    seed = check.unsigned_integer(state, "seed");
    names = check.string_array(state, "names", cols);
    const std::vector<int64_t> position = read_order(check, state, cols, order);
    const json& nodes_json = check.array(state, "nodes");
    // A node's table size depends on its parents' state counts: all states are read before any table.
    nodes = read_state_nodes<Node>(check, nodes_json, static_cast<size_t>(cols), kMaxStates);
    for (size_t c = 0; c < nodes.size(); ++c) read_table(check, nodes_json[c], c, cols, max_parents, position, nodes);
  });
  cols_ = cols;
  rows_ = rows;
  max_parents_ = max_parents;
  seed_ = seed;
  names_ = std::move(names);
  order_ = std::move(order);
  nodes_ = std::move(nodes);
  build_cumulative();
}

}  // namespace synthtab
