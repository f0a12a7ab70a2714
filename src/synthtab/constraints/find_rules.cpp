#include "synthtab/constraints/find_rules.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <set>

#include "synthtab/transform/column_checks.hpp"
#include "synthtab/transform/value_rounding.hpp"

namespace synthtab {
namespace {

// What the search needs of one numeric column, computed once.
struct NumericColumn {
  int64_t at = 0;  // position in the table
  const Column* column = nullptr;
  double unit = 0.0;
  double low = 0.0, high = 0.0, max_abs = 0.0;
  bool constant = true;
  std::vector<double> sorted;  // present values, ascending
};

// P(X <= k) for X ~ Binomial(n, p).
double binomial_at_most(int64_t n, int64_t k, double p) {
  if (k >= n || p <= 0.0) return 1.0;
  if (p >= 1.0) return 0.0;
  double total = 0.0;
  const double log_n = std::lgamma(static_cast<double>(n) + 1);
  for (int64_t i = 0; i <= k; ++i) {
    const auto x = static_cast<double>(i);
    total += std::exp(log_n - std::lgamma(x + 1) - std::lgamma(static_cast<double>(n - i) + 1) + x * std::log(p) +
                      static_cast<double>(n - i) * std::log1p(-p));
  }
  return std::min(1.0, total);
}

double snapped(double value, double unit) {
  if (unit > 0) value = std::nearbyint(value / unit) * unit;
  if (std::abs(value - std::nearbyint(value)) < 1e-9 * std::max(1.0, std::abs(value))) value = std::nearbyint(value);
  return value;
}

class Search {
 public:
  Search(const Table& table, const RuleSearch& options) : table_(table), options_(options) {
    for (int64_t c = 0; c < table.cols(); ++c) {
      const Column& column = table.columns[static_cast<size_t>(c)];
      if (column.is_categorical()) {
        if (column.categories.size() >= 2) labels_.push_back(c);
        continue;
      }
      NumericColumn info;
      info.at = c;
      info.column = &column;
      info.sorted = present_values(column);
      if (info.sorted.empty()) continue;
      std::sort(info.sorted.begin(), info.sorted.end());
      info.low = info.sorted.front();
      info.high = info.sorted.back();
      info.constant = info.low == info.high;
      info.max_abs = std::max(std::abs(info.low), std::abs(info.high));
      info.unit = value_unit(column);
      (column.type == ColumnType::Datetime ? dates_ : numbers_).push_back(std::move(info));
    }
  }

  std::vector<Rule> run() {
    find_sum_groups();
    find_derived();
    find_inequalities(numbers_);
    find_inequalities(dates_);
    drop_implied_inequalities();
    find_dependencies();
    find_grids_and_bounds();
    return std::move(rules_);
  }

 private:
  const Table& table_;
  const RuleSearch& options_;
  std::vector<NumericColumn> numbers_, dates_;
  std::vector<int64_t> labels_;
  std::vector<Rule> rules_;
  std::vector<std::vector<size_t>> sum_groups_;  // indices into numbers_, ascending
  std::vector<char> derived_;                    // per numbers_ column: already a sum or product of others

  double value(const NumericColumn& c, int64_t row) const { return c.column->values[static_cast<size_t>(row)]; }

  bool complete(const std::vector<const NumericColumn*>& columns, int64_t row) const {
    return std::none_of(columns.begin(), columns.end(),
                        [&](const NumericColumn* c) { return std::isnan(value(*c, row)); });
  }

  int64_t allowed_exceptions(int64_t rows, double share) const {
    return static_cast<int64_t>(std::floor((1.0 - share) * static_cast<double>(rows) + 1e-9));
  }

  // kind's equation over `columns` (SumsTo: the parts; SumOf and ProductOf: the result first),
  // when it holds in enough rows.
  std::optional<Rule> equation(RuleKind kind, const std::vector<const NumericColumn*>& columns) const {
    if (std::count_if(columns.begin(), columns.end(), [](const NumericColumn* c) { return !c->constant; }) < 2)
      return std::nullopt;
    std::vector<double> units;
    double scale = 0.0, finest = 0.0;
    bool rounded = true;
    for (const NumericColumn* c : columns) {
      units.push_back(c->unit);
      rounded = rounded && c->unit > 0;
      scale = std::max(scale, c->max_abs);
      finest = finest == 0.0 ? c->unit : std::min(finest, c->unit);
    }
    // A product is computed, then rounded: only the result's rounding is allowed for.
    const double tolerance =
        kind == RuleKind::ProductOf ? equation_tolerance({columns[0]->unit}, scale) : equation_tolerance(units, scale);
    const auto residual = [&](int64_t row) {
      if (kind == RuleKind::SumsTo) {
        double sum = 0.0;
        for (const NumericColumn* c : columns) sum += value(*c, row);
        return sum;
      }
      double combined = kind == RuleKind::SumOf ? 0.0 : 1.0;
      for (size_t i = 1; i < columns.size(); ++i)
        combined = kind == RuleKind::SumOf ? combined + value(*columns[i], row) : combined * value(*columns[i], row);
      return value(*columns[0], row) - combined;
    };
    double target = 0.0;
    if (kind == RuleKind::SumsTo) {  // the total: the median of the first rows' sums
      std::vector<double> first;
      for (int64_t r = 0; r < table_.rows() && first.size() < 101; ++r)
        if (complete(columns, r)) first.push_back(residual(r));
      if (static_cast<int64_t>(first.size()) < options_.min_rows) return std::nullopt;
      std::nth_element(first.begin(), first.begin() + static_cast<std::ptrdiff_t>(first.size() / 2), first.end());
      target = snapped(first[first.size() / 2], rounded ? finest : 0.0);
    }
    // Rows are scanned once, stopping as soon as more rows break it than any table of this
    // length may, or half of the first 64 rows do (a rule's exceptions are rare, and rarely all
    // at the top): most candidates stop within their first rows.
    const int64_t most = allowed_exceptions(table_.rows(), options_.min_share);
    int64_t checked = 0, broken = 0, telling = 0;
    for (int64_t r = 0; r < table_.rows(); ++r) {
      if (!complete(columns, r)) continue;
      ++checked;
      if (std::abs(residual(r) - target) > tolerance) {
        if (++broken > most || (checked <= 64 && broken > 32)) return std::nullopt;
      } else if (kind == RuleKind::SumsTo || std::abs(value(*columns[0], r)) > tolerance) {
        ++telling;  // a result of 0 from parts of 0 says nothing
      }
    }
    if (checked < options_.min_rows || broken > allowed_exceptions(checked, options_.min_share) ||
        telling < options_.min_rows)
      return std::nullopt;
    Rule rule;
    rule.kind = kind;
    for (const NumericColumn* c : columns) rule.columns.push_back(c->column->name);
    rule.units = std::move(units);
    rule.tolerance = tolerance;
    rule.total = target;
    rule.checked = checked;
    rule.holds = checked - broken;
    return rule;
  }

  bool inside_found_group(const std::vector<size_t>& group) const {
    return std::any_of(sum_groups_.begin(), sum_groups_.end(), [&](const std::vector<size_t>& found) {
      return std::includes(group.begin(), group.end(), found.begin(), found.end());
    });
  }

  void add_sum_group(std::vector<size_t> group) {
    // A column is a part of one group at most: groups that overlap (every run of 11 columns of a
    // cycle sums alike) add nothing a reader or the model needs.
    if (inside_found_group(group) || static_cast<int64_t>(rules_.size()) >= options_.max_rules) return;
    for (size_t i : group)
      if (std::any_of(sum_groups_.begin(), sum_groups_.end(), [&](const std::vector<size_t>& found) {
            return std::find(found.begin(), found.end(), i) != found.end();
          }))
        return;
    std::vector<const NumericColumn*> columns;
    for (size_t i : group) columns.push_back(&numbers_[i]);
    if (auto rule = equation(RuleKind::SumsTo, columns)) {
      rules_.push_back(std::move(*rule));
      sum_groups_.push_back(std::move(group));
    }
  }

  // Runs of adjacent columns, shortest first (so a group is not reported again inside a longer
  // run), then any two columns.
  void find_sum_groups() {
    const size_t p = numbers_.size();
    for (size_t length = 2; length <= std::min<size_t>(p, static_cast<size_t>(options_.max_run)); ++length)
      for (size_t start = 0; start + length <= p; ++start) {
        std::vector<size_t> group(length);
        std::iota(group.begin(), group.end(), start);
        add_sum_group(std::move(group));
      }
    const size_t pairs = std::min(p, static_cast<size_t>(options_.max_pair_columns));
    for (size_t i = 0; i < pairs; ++i)
      for (size_t j = i + 2; j < pairs; ++j) add_sum_group({i, j});
  }

  // C = the sum of a run of columns just before or after it, or of any two columns; C = A * B.
  void find_derived() {
    std::set<std::vector<size_t>> seen;  // result first, then the parts ascending
    const auto consider = [&](RuleKind kind, size_t result, std::vector<size_t> parts) {
      std::vector<size_t> key = {static_cast<size_t>(kind), result};
      key.insert(key.end(), parts.begin(), parts.end());
      if (numbers_[result].constant || derived_[result] || static_cast<int64_t>(rules_.size()) >= options_.max_rules ||
          !seen.insert(key).second)
        return;
      std::vector<const NumericColumn*> columns = {&numbers_[result]};
      for (size_t i : parts) {
        if (numbers_[i].constant) return;
        columns.push_back(&numbers_[i]);
      }
      if (auto rule = equation(kind, columns)) {
        rules_.push_back(std::move(*rule));
        derived_[result] = 1;  // one way of computing a column is enough
      }
    };
    derived_.assign(numbers_.size(), 0);
    const size_t p = numbers_.size();
    const auto run = static_cast<size_t>(options_.max_run);
    for (size_t c = 0; c < p; ++c)
      for (size_t length = 2; length <= run; ++length) {
        if (length <= c) {
          std::vector<size_t> before(length);
          std::iota(before.begin(), before.end(), c - length);
          consider(RuleKind::SumOf, c, before);
        }
        if (c + length < p) {
          std::vector<size_t> after(length);
          std::iota(after.begin(), after.end(), c + 1);
          consider(RuleKind::SumOf, c, after);
        }
      }
    const size_t triples = std::min(p, static_cast<size_t>(options_.max_triple_columns));
    for (size_t c = 0; c < triples; ++c)
      for (size_t i = 0; i < triples; ++i)
        for (size_t j = i + 1; j < triples; ++j) {
          if (i == c || j == c) continue;
          consider(RuleKind::SumOf, c, {i, j});
          consider(RuleKind::ProductOf, c, {i, j});
        }
  }

  // a <= b in all but a few rows, where the two ranges overlap (else no model can break it) and
  // unlinked columns would rarely agree so often.
  void find_inequalities(const std::vector<NumericColumn>& columns) {
    const size_t pairs = std::min(columns.size(), static_cast<size_t>(options_.max_pair_columns));
    for (size_t i = 0; i < pairs; ++i)
      for (size_t j = 0; j < pairs; ++j) {
        const NumericColumn& a = columns[i];
        const NumericColumn& b = columns[j];
        if (i == j || a.constant || b.constant || a.high <= b.low) continue;
        const int64_t most = allowed_exceptions(table_.rows(), options_.min_share_relation);
        int64_t checked = 0, broken = 0, equal = 0;
        for (int64_t r = 0; r < table_.rows() && broken <= most && !(checked <= 64 && broken > 32); ++r) {
          const double x = value(a, r), y = value(b, r);
          if (std::isnan(x) || std::isnan(y)) continue;
          ++checked;
          broken += x > y;
          equal += x == y;
        }
        if (checked < options_.min_rows || broken > allowed_exceptions(checked, options_.min_share_relation) ||
            equal == checked)
          continue;
        if (equal > 0 && j < i && broken == 0) continue;  // a == b in every row: reported once as b <= a
        // How often a value of a exceeds a value of b drawn independently.
        int64_t above = 0;
        size_t k = 0;
        for (double x : a.sorted) {
          while (k < b.sorted.size() && b.sorted[k] < x) ++k;
          above += static_cast<int64_t>(k);
        }
        const double independent =
            static_cast<double>(above) / (static_cast<double>(a.sorted.size()) * static_cast<double>(b.sorted.size()));
        // Marginals alone keep a rule they would break in under 5 % of rows: not worth a change
        // of what the model learns.
        if (independent < 0.05 || binomial_at_most(checked, broken, independent) >= options_.chance) continue;
        Rule rule;
        rule.kind = RuleKind::AtMost;
        rule.columns = {a.column->name, b.column->name};
        rule.units = {a.unit, b.unit};
        rule.checked = checked;
        rule.holds = checked - broken;
        rules_.push_back(std::move(rule));
      }
  }

  // a <= c is implied by a <= b <= c, and by c = a + (parts never negative).
  void drop_implied_inequalities() {
    const auto has = [&](const std::string& low, const std::string& high) {
      return std::any_of(rules_.begin(), rules_.end(), [&](const Rule& r) {
        return r.kind == RuleKind::AtMost && r.columns[0] == low && r.columns[1] == high;
      });
    };
    const auto lowest = [&](const std::string& name) {
      for (const auto& c : numbers_)
        if (c.column->name == name) return c.low;
      return -1.0;
    };
    std::vector<char> implied(rules_.size(), 0);
    for (size_t i = 0; i < rules_.size(); ++i) {
      const Rule& rule = rules_[i];
      if (rule.kind != RuleKind::AtMost) continue;
      for (const Rule& other : rules_) {
        if (other.kind == RuleKind::AtMost && other.columns[0] == rule.columns[0] &&
            other.columns[1] != rule.columns[1] && has(other.columns[1], rule.columns[1]))
          implied[i] = 1;
        if (other.kind == RuleKind::SumOf && other.columns[0] == rule.columns[1]) {
          const auto part = std::find(other.columns.begin() + 1, other.columns.end(), rule.columns[0]);
          bool rest_positive = part != other.columns.end();
          for (size_t k = 1; k < other.columns.size() && rest_positive; ++k)
            rest_positive = other.columns[k] == rule.columns[0] || lowest(other.columns[k]) >= 0;
          if (rest_positive) implied[i] = 1;
        }
      }
    }
    std::vector<Rule> kept;
    for (size_t i = 0; i < rules_.size(); ++i)
      if (!implied[i]) kept.push_back(std::move(rules_[i]));
    rules_ = std::move(kept);
  }

  // Each label of A has one label of B, in all but a few rows, and unlinked columns would rarely
  // agree so often.
  void find_dependencies() {
    std::vector<std::pair<int64_t, int64_t>> found;
    if (labels_.size() > static_cast<size_t>(options_.max_pair_columns))
      labels_.resize(static_cast<size_t>(options_.max_pair_columns));
    for (int64_t a_at : labels_)
      for (int64_t b_at : labels_) {
        if (a_at == b_at) continue;
        const Column& a = table_.columns[static_cast<size_t>(a_at)];
        const Column& b = table_.columns[static_cast<size_t>(b_at)];
        const size_t ka = a.categories.size(), kb = b.categories.size();
        if (ka * kb > (size_t{1} << 22)) continue;
        std::vector<int64_t> counts(ka * kb, 0), a_rows(ka, 0), b_rows(kb, 0);
        int64_t checked = 0;
        for (int64_t r = 0; r < table_.rows(); ++r) {
          const int32_t x = a.codes[static_cast<size_t>(r)], y = b.codes[static_cast<size_t>(r)];
          if (x == kMissingCode || y == kMissingCode) continue;
          ++counts[static_cast<size_t>(x) * kb + static_cast<size_t>(y)];
          ++a_rows[static_cast<size_t>(x)];
          ++b_rows[static_cast<size_t>(y)];
          ++checked;
        }
        const auto a_labels = std::count_if(a_rows.begin(), a_rows.end(), [](int64_t n) { return n > 0; });
        const auto b_labels = std::count_if(b_rows.begin(), b_rows.end(), [](int64_t n) { return n > 0; });
        if (checked < options_.min_rows || b_labels < 2 || 2 * a_labels > checked) continue;
        Rule rule;
        rule.kind = RuleKind::Determines;
        rule.columns = {a.name, b.name};
        rule.units = {0.0, 0.0};
        int64_t holds = 0;
        for (size_t x = 0; x < ka; ++x) {
          if (a_rows[x] == 0) continue;
          const auto row = counts.begin() + static_cast<std::ptrdiff_t>(x * kb);
          const auto mode = std::max_element(row, row + static_cast<std::ptrdiff_t>(kb));
          holds += *mode;
          rule.mapping.emplace_back(a.categories[x], b.categories[static_cast<size_t>(mode - row)]);
        }
        if (checked - holds > allowed_exceptions(checked, options_.min_share_relation)) continue;
        // Rows after each label's first: would an unlinked B agree with the first as often?
        double agree = 0.0;
        for (int64_t n : b_rows) agree += std::pow(static_cast<double>(n) / static_cast<double>(checked), 2);
        const int64_t tests = checked - a_labels, agreements = holds - a_labels;
        if (tests < options_.min_rows || binomial_at_most(tests, tests - agreements, 1.0 - agree) >= options_.chance)
          continue;
        const bool reverse_found = std::find(found.begin(), found.end(), std::make_pair(b_at, a_at)) != found.end();
        const bool through_another = std::any_of(found.begin(), found.end(), [&](const auto& f) {
          return f.first == a_at &&
                 std::find(found.begin(), found.end(), std::make_pair(f.second, b_at)) != found.end();
        });
        if (reverse_found || through_another) continue;  // one way of a one-to-one link; or implied
        found.emplace_back(a_at, b_at);
        rule.checked = checked;
        rule.holds = holds;
        rules_.push_back(std::move(rule));
      }
  }

  void find_grids_and_bounds() {
    std::vector<Rule> bounds;
    for (const NumericColumn& c : numbers_) {
      if (c.constant) continue;
      const auto checked = static_cast<int64_t>(c.sorted.size());
      if (checked < options_.min_rows) continue;
      Rule base;
      base.columns = {c.column->name};
      base.units = {c.unit};
      base.checked = base.holds = checked;
      // Steps coarser than the unit the values are written in (0.25 where two decimals are written).
      if (c.unit > 0 && c.max_abs / c.unit < 0x1p52) {
        int64_t steps = 0;
        for (double v : c.sorted) steps = std::gcd(steps, std::llround((v - c.low) / c.unit));
        std::set<double> levels(c.sorted.begin(), c.sorted.end());
        // A grid the values fill (prices in quarters), not one of a tiny step they only happen
        // to sit on (six decimals whose last digit is even).
        const double points = (c.high - c.low) / (static_cast<double>(steps) * c.unit) + 1;
        if (steps >= 2 && levels.size() >= 4 && points <= 20.0 * static_cast<double>(levels.size())) {
          Rule grid = base;
          grid.kind = RuleKind::OnGrid;
          grid.step = snapped(static_cast<double>(steps) * c.unit, c.unit);
          const double offset = c.low - std::floor(c.low / grid.step) * grid.step;
          grid.origin = std::abs(offset) <= c.unit / 2 || std::abs(offset - grid.step) <= c.unit / 2
                            ? 0.0
                            : snapped(offset, c.unit);
          rules_.push_back(std::move(grid));
        }
      }
      // Bounds the values reach: 0, and 1 for shares.
      if (c.low == 0.0) {
        Rule bound = base;
        bound.kind = RuleKind::Bounded;
        bound.low = 0.0;
        if (c.high <= 1.0 && c.high >= 0.95) bound.high = 1.0;
        bounds.push_back(std::move(bound));
      }
    }
    for (auto& bound : bounds) rules_.push_back(std::move(bound));
  }
};

}  // namespace

double value_unit(const Column& column) {
  const std::vector<double> values = present_values(column);
  if (column.type != ColumnType::Float) return rounding_unit(column, values);
  const int places = decimal_places(column, values);
  return places < 0 ? 0.0 : std::pow(10.0, -places);
}

std::vector<Rule> find_rules(const Table& table, const RuleSearch& search) { return Search(table, search).run(); }

}  // namespace synthtab
