// Drawing rows given some of their values ("what if Google ads were 12,000?"): the conditions
// checked against what the model learnt, carried into the model's space, and held in every
// decoded row.
#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <string>

#include <fmt/format.h>

#include "synthtab/core/error.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/engine/synthesis.hpp"
#include "synthtab/table/value_parse.hpp"

namespace synthtab {
namespace {

std::string trimmed(const std::string& text) { return std::string(trim(text)); }

// A number as a CSV cell may write it: a decimal point, or a decimal comma.
bool parse_number(const std::string& text, double& out) {
  const std::optional<double> number = synthtab::parse_number(trim(text), '.');
  const std::optional<double> comma = number ? number : synthtab::parse_number(trim(text), ',');
  if (comma) out = *comma;
  return comma.has_value();
}

// A category's code for `label`: its exact label, else the one label equal to it as a number
// ("2021" for "2021,00").
int32_t category_code(const Column& column, const std::string& label) {
  const auto exact = std::find(column.categories.begin(), column.categories.end(), label);
  if (exact != column.categories.end()) return static_cast<int32_t>(exact - column.categories.begin());
  double wanted = 0.0, value = 0.0;
  if (!parse_number(label, wanted)) return -1;
  for (size_t i = 0; i < column.categories.size(); ++i)
    if (parse_number(column.categories[i], value) && value == wanted) return static_cast<int32_t>(i);
  return -1;
}

std::string some_categories(const Column& column) {
  std::string out;
  const size_t shown = std::min<size_t>(column.categories.size(), 10);
  for (size_t i = 0; i < shown; ++i) out += (i > 0 ? ", " : "") + in_quotes(column.categories[i]);
  if (shown < column.categories.size()) out += fmt::format(" and {} more", column.categories.size() - shown);
  return out;
}

}  // namespace

Condition parse_condition(const std::string& text, const std::vector<std::string>& columns) {
  size_t split = std::string::npos;
  for (size_t at = text.find('='); at != std::string::npos; at = text.find('=', at + 1)) {
    if (split == std::string::npos) split = at;
    if (std::find(columns.begin(), columns.end(), trimmed(text.substr(0, at))) != columns.end()) {
      split = at;
      break;
    }
  }
  if (split == std::string::npos)
    throw usage_error(fmt::format("the condition '{}': expected COLUMN=VALUE, such as 'Google ads=12000'", text));
  Condition condition{trimmed(text.substr(0, split)), trimmed(text.substr(split + 1))};
  if (condition.column.empty() || condition.value.empty())
    throw usage_error(fmt::format("the condition '{}': expected a column name before '=' and a value after it", text));
  return condition;
}

void FittedModel::set_conditions(const std::vector<Condition>& conditions) {
  if (conditions.empty()) {
    conditions_.clear();
    given_.clear();
    held_cells_.clear();
    held_acceptance_ = 1.0;
    return;
  }
  const bool exact = synthesizer_->can_condition();
  const Table& prototype = pipeline_.prototype();
  const std::vector<std::string> computed = rules_.computed_columns();
  // One drawn row carries the held values through the pipeline into the model's space.
  Rng rng(derive_seed(fit_seed_, 0x68656c64));  // "held"
  Table row = pipeline_.inverse(synthesizer_->sample(0, 1, fit_seed_), rng);
  std::vector<std::pair<size_t, double>> cells;
  std::set<size_t> seen;
  for (const Condition& condition : conditions) {
    const std::string what = fmt::format("the condition {} = {}", in_quotes(condition.column), condition.value);
    const int64_t at = prototype.find(condition.column);
    if (at < 0) throw usage_error(what + ": the model has no such column");
    const auto column_index = static_cast<size_t>(at);
    if (!seen.insert(column_index).second) throw usage_error(what + ": the column is held twice");
    if (std::find(computed.begin(), computed.end(), condition.column) != computed.end())
      throw usage_error(what + ": a business rule computes this column from others; hold those instead");
    const Column& column = prototype.columns[column_index];
    double cell = 0.0;
    if (column.is_categorical()) {
      const int32_t code = category_code(column, condition.value);
      if (code < 0) throw usage_error(fmt::format("{}: not one of its categories ({})", what, some_categories(column)));
      cell = code;
    } else if (column.type == ColumnType::Datetime) {
      const std::optional<double> seconds = parse_datetime(trim(condition.value), column.datetime_format);
      if (!seconds)
        throw usage_error(fmt::format("{}: expected a date written as the column's are ({})", what,
                                      format_datetime(0.0, column.datetime_format)));
      cell = *seconds;
    } else if (!parse_number(condition.value, cell)) {
      throw usage_error(what + ": expected a number");
    } else if (column.type == ColumnType::Integer && cell != std::nearbyint(cell)) {
      throw usage_error(what + ": expected a whole number");
    }
    if (!exact && column.type != ColumnType::Categorical && column.type != ColumnType::Integer)
      throw usage_error(fmt::format(
          "{}: the {} model holds a category or a whole number by drawing rows again, but not a real number; fit "
          "the copula model to hold it",
          what, model_name_));
    cells.emplace_back(column_index, cell);
  }
  if (!exact) {
    // How often the model's own rows hold the values: the rows drawn again per row kept.
    constexpr int64_t kProbeRows = 4096;
    constexpr double kLeastAcceptance = 0.01;
    const Table probe =
        pipeline_.inverse(synthesizer_->sample(0, kProbeRows, derive_seed(fit_seed_, 0x70726f6265)), rng);
    std::vector<std::pair<size_t, double>> saved = std::move(held_cells_);
    held_cells_ = cells;
    int64_t holding = 0;
    for (int64_t r = 0; r < probe.rows(); ++r) holding += holds_conditions(probe, r);
    held_cells_ = std::move(saved);
    const double acceptance = static_cast<double>(holding) / static_cast<double>(kProbeRows);
    if (acceptance < kLeastAcceptance)
      throw usage_error(fmt::format(
          "the {} model holds values by drawing rows again, but only {} of {} of its rows hold these: too rare to "
          "hold that way; fit the copula model, which draws given them",
          model_name_, holding, kProbeRows));
    conditions_ = conditions;
    given_.clear();
    held_cells_ = std::move(cells);
    held_acceptance_ = acceptance;
    return;
  }
  for (const auto& [at, cell] : cells) {
    Column& column = row.columns[at];
    if (column.is_categorical())
      column.codes[0] = static_cast<int32_t>(cell);
    else
      column.values[0] = cell;
  }
  const Matrix model_row = pipeline_.transform(row);
  const std::vector<ModelColumn> layout = pipeline_.layout();
  std::vector<GivenValue> given;
  for (const auto& [at, cell] : cells)
    for (size_t k = 0; k < layout.size(); ++k)
      if (layout[k].source == prototype.columns[at].name)
        given.push_back({static_cast<int64_t>(k), model_row(0, static_cast<int64_t>(k))});
  // A number beyond the learnt ones is clamped on its way into the model's space: it does not
  // come back as itself.
  const Table back = pipeline_.inverse(model_row, rng);
  for (size_t i = 0; i < cells.size(); ++i) {
    const auto [at, cell] = cells[i];
    if (prototype.columns[at].is_categorical()) continue;
    const double returned = back.columns[at].values[0];
    const Column& column = prototype.columns[at];
    if (std::abs(returned - cell) > 1e-4 * std::max(1.0, std::abs(cell)))
      throw usage_error(fmt::format(
          "the condition {} = {}: outside the values the model learnt for it (the nearest it can hold is {})",
          in_quotes(conditions[i].column), conditions[i].value,
          column.type == ColumnType::Datetime ? format_datetime(returned, column.datetime_format)
                                              : fmt::format("{:g}", returned)));
  }
  try {
    (void)synthesizer_->sample_given(0, 1, fit_seed_, given);
  } catch (const Error& e) {
    throw usage_error(fmt::format("the model cannot hold these values: {}", e.what()));
  }
  conditions_ = conditions;
  given_ = std::move(given);
  held_cells_ = std::move(cells);
  held_acceptance_ = 1.0;
}

bool FittedModel::holds_conditions(const Table& rows, int64_t row) const {
  const auto r = static_cast<size_t>(row);
  return std::all_of(held_cells_.begin(), held_cells_.end(), [&](const std::pair<size_t, double>& held) {
    const Column& column = rows.columns[held.first];
    return column.is_categorical() ? column.codes[r] == static_cast<int32_t>(held.second)
                                   : column.values[r] == held.second;
  });
}

void FittedModel::hold_conditions(Table& rows, std::vector<char>* broken) const {
  for (const auto& [at, cell] : held_cells_) {
    Column& column = rows.columns[at];
    for (int64_t r = 0; r < rows.rows(); ++r) {
      const auto ri = static_cast<size_t>(r);
      const bool moved =
          column.is_categorical() ? column.codes[ri] != static_cast<int32_t>(cell) : column.values[ri] != cell;
      if (!moved) continue;
      if (column.is_categorical())
        column.codes[ri] = static_cast<int32_t>(cell);
      else
        column.values[ri] = cell;
      if (broken != nullptr) (*broken)[ri] = 1;
    }
  }
}

}  // namespace synthtab
