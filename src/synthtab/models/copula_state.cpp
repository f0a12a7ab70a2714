#include "synthtab/models/gaussian_copula.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "synthtab/core/error.hpp"
#include "synthtab/core/json_checks.hpp"
#include "synthtab/models/copula_marginals.hpp"

// The copula's state in a model file ("copula" under the model's prefix): do_save writes it as
// JSON, do_load reads it back from untrusted bytes, checking every part before the model takes
// any of it. Kept apart from gaussian_copula.cpp, which fits and samples.

namespace synthtab {
namespace {

using json = nlohmann::json;

constexpr int kStateVersion = 2;
const std::vector<std::string> kFamilies = {"empirical", "normal", "lognormal", "gamma", "beta", "uniform"};

// A string naming where a state is broken, for Error(ModelFile).
[[noreturn]] void bad_state(const std::string& source, const std::string& problem) {
  throw Error(ErrorKind::ModelFile, source + ": the copula state " + problem +
                                        "; the model file is damaged or was "
                                        "written by another synthtab version (fit the model again)");
}

// The copula state's JSON object; bad_state when it is not one.
json parse_state(const std::string& text, const std::string& source) {
  bool too_deep = false;
  json state = parse_untrusted_json(text, &too_deep);
  if (too_deep) bad_state(source, "nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  if (state.is_discarded()) bad_state(source, "is not valid JSON");
  if (!state.is_object()) bad_state(source, "is not a JSON object");
  return state;
}

const json& state_field(const json& state, const std::string& source, const char* key) {
  const auto it = state.find(key);
  if (it == state.end()) bad_state(source, std::string("has no '") + key + "'");
  return *it;
}

std::vector<double> finite_numbers(const json& list, const std::string& what, const std::string& source) {
  if (!list.is_array()) bad_state(source, "has '" + what + "' that is not a list");
  std::vector<double> out;
  out.reserve(list.size());
  for (const auto& v : list) {
    if (!v.is_number() || !std::isfinite(v.get<double>()))
      bad_state(source, "has a value in '" + what + "' that is not a finite number");
    out.push_back(v.get<double>());
  }
  return out;
}

// The column count, after checking the state's format version.
int64_t column_count(const json& state, const std::string& source) {
  const json& version = state_field(state, source, "version");
  if (!version.is_number_integer() || version.get<int64_t>() != kStateVersion)
    bad_state(source, "has format version " + json_excerpt(version) + ", this synthtab reads version " +
                          std::to_string(kStateVersion));
  const json& columns = state_field(state, source, "columns");
  if (!columns.is_number_integer() || columns.get<int64_t>() < 0 || columns.get<int64_t>() > (int64_t{1} << 24))
    bad_state(source, "has no valid column count");
  return columns.get<int64_t>();
}

std::vector<char> discrete_flags(const json& discrete_json, size_t n, const std::string& source) {
  if (!discrete_json.is_array() || discrete_json.size() != n) bad_state(source, "has no discrete flag per column");
  std::vector<char> discrete;
  for (const auto& d : discrete_json) {
    if (!d.is_number_integer() || (d.get<int64_t>() != 0 && d.get<int64_t>() != 1))
      bad_state(source, "has a discrete flag that is not 0 or 1");
    discrete.push_back(static_cast<char>(d.get<int64_t>()));
  }
  return discrete;
}

// Each column's training values: continuous columns ascend; a discrete column's values come
// grouped, one run per value.
std::vector<std::vector<float>> sorted_values(const json& sorted_json, const std::vector<char>& discrete,
                                              const std::string& source) {
  std::vector<std::vector<float>> sorted;
  for (const auto& column : sorted_json) {
    const auto values = finite_numbers(column, "sorted", source);
    if (values.empty()) bad_state(source, "has a column without values");
    if (!discrete[sorted.size()] && !std::is_sorted(values.begin(), values.end()))
      bad_state(source, "has a continuous column whose values are not sorted");
    if (discrete[sorted.size()]) {
      std::vector<double> runs;
      for (size_t i = 0; i < values.size(); ++i)
        if (i == 0 || values[i] != values[i - 1]) runs.push_back(values[i]);
      std::sort(runs.begin(), runs.end());
      if (std::adjacent_find(runs.begin(), runs.end()) != runs.end())
        bad_state(source, "has a discrete column whose values are not grouped");
    }
    sorted.emplace_back(values.begin(), values.end());
  }
  return sorted;
}

std::vector<Marginal> marginals_of(const json& marginals_json, size_t n, const std::string& source) {
  if (!marginals_json.is_array() || marginals_json.size() != n) bad_state(source, "has no marginal per column");
  std::vector<Marginal> marginals;
  for (const auto& m : marginals_json) {
    if (!m.is_object() || !m.contains("family") || !m["family"].is_string() || !m.contains("parameters"))
      bad_state(source, "has a marginal without family or parameters");
    Marginal marginal;
    marginal.family = m["family"].get<std::string>();
    if (std::find(kFamilies.begin(), kFamilies.end(), marginal.family) == kFamilies.end())
      bad_state(source, "names an unknown marginal family '" + marginal.family + "'");
    marginal.parameters = finite_numbers(m["parameters"], "parameters", source);
    if (!valid_parameters(marginal)) bad_state(source, "has invalid parameters for a " + marginal.family + " marginal");
    marginals.push_back(std::move(marginal));
  }
  return marginals;
}

// The dependence: a low-rank factor (with its rank) or a packed Cholesky factor.
struct Dependence {
  std::vector<double> cholesky, factor;
  int64_t rank = 0;
};

Dependence dependence_of(const json& state, int64_t cols, const std::string& source) {
  const auto n = static_cast<size_t>(cols);
  Dependence d;
  if (state.contains("factor")) {
    const json& rank_json = state_field(state, source, "rank");
    // At most the column count, so that columns x rank cannot overflow.
    if (!rank_json.is_number_integer() || rank_json.get<int64_t>() < 1 ||
        rank_json.get<int64_t>() > std::max<int64_t>(cols, 1))
      bad_state(source, "has no valid rank (1 to the column count)");
    d.rank = rank_json.get<int64_t>();
    d.factor = finite_numbers(state["factor"], "factor", source);
    if (d.factor.size() != n * static_cast<size_t>(d.rank)) bad_state(source, "has a factor of the wrong size");
  } else {
    d.cholesky = finite_numbers(state_field(state, source, "cholesky"), "cholesky", source);
    if (d.cholesky.size() != n * (n + 1) / 2) bad_state(source, "has a correlation factor of the wrong size");
    for (size_t i = 0; i < n; ++i)
      if (!(d.cholesky[i * (i + 1) / 2 + i] > 0.0))
        bad_state(source, "has a correlation factor that is not positive definite");
  }
  return d;
}

}  // namespace

void GaussianCopula::do_save(ArchiveWriter& out, const std::string& prefix) const {
  json marginals = json::array();
  for (const auto& m : marginals_) marginals.push_back({{"family", m.family}, {"parameters", m.parameters}});
  json state = {{"version", kStateVersion},
                {"columns", cols_},
                {"sorted", sorted_},
                {"discrete", discrete_},
                {"marginals", marginals}};
  if (factor_.empty())
    state["cholesky"] = cholesky_;
  else
    state["factor"] = factor_, state["rank"] = rank_;
  out.put(prefix + "copula", state.dump());
}

// Every part is checked before any member changes, in the order the parts are listed here (a
// file broken in two places names the first).
void GaussianCopula::do_load(const ArchiveReader& in, const std::string& prefix) {
  const std::string& source = in.source();
  const json state = parse_state(in.get(prefix + "copula"), source);
  const int64_t cols = column_count(state, source);
  const auto n = static_cast<size_t>(cols);
  const json& sorted_json = state_field(state, source, "sorted");
  if (!sorted_json.is_array() || sorted_json.size() != n)
    bad_state(source, "has " + std::string(sorted_json.is_array() ? std::to_string(sorted_json.size()) : "no") +
                          " value lists for " + std::to_string(cols) + " columns");
  std::vector<char> discrete = discrete_flags(state_field(state, source, "discrete"), n, source);
  std::vector<std::vector<float>> sorted = sorted_values(sorted_json, discrete, source);
  std::vector<Marginal> marginals = marginals_of(state_field(state, source, "marginals"), n, source);
  Dependence dependence = dependence_of(state, cols, source);
  cols_ = cols;
  sorted_ = std::move(sorted);
  discrete_ = std::move(discrete);
  marginals_ = std::move(marginals);
  cholesky_ = std::move(dependence.cholesky);
  factor_ = std::move(dependence.factor);
  rank_ = dependence.rank;
}

}  // namespace synthtab
