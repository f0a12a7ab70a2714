#include "synthtab/marketing/time_terms.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

#include "synthtab/core/error.hpp"
#include "synthtab/table/value_parse.hpp"

namespace synthtab::marketing {

const char* to_string(ResponseKind kind) {
  switch (kind) {
    case ResponseKind::Flow:
      return "flow";
    case ResponseKind::Stock:
      return "stock";
    case ResponseKind::Auto:
      return "auto";
  }
  return "?";
}

const char* to_string(Trend trend) {
  switch (trend) {
    case Trend::None:
      return "none";
    case Trend::Linear:
      return "linear";
    case Trend::Log:
      return "log";
    case Trend::Auto:
      return "auto";
  }
  return "?";
}

const char* to_string(Seasonality seasonality) {
  switch (seasonality) {
    case Seasonality::None:
      return "none";
    case Seasonality::Fourier:
      return "fourier";
    case Seasonality::Month:
      return "month";
    case Seasonality::Auto:
      return "auto";
  }
  return "?";
}

ResponseKind parse_response_kind(const std::string& text) {
  for (auto kind : {ResponseKind::Flow, ResponseKind::Stock, ResponseKind::Auto})
    if (text == to_string(kind)) return kind;
  throw usage_error("unknown response kind '" + text + "': choose flow, stock or auto");
}

Trend parse_trend(const std::string& text) {
  for (auto trend : {Trend::None, Trend::Linear, Trend::Log, Trend::Auto})
    if (text == to_string(trend)) return trend;
  throw usage_error("unknown trend '" + text + "': choose none, linear, log or auto");
}

Seasonality parse_seasonality(const std::string& text) {
  for (auto s : {Seasonality::None, Seasonality::Fourier, Seasonality::Month, Seasonality::Auto})
    if (text == to_string(s)) return s;
  throw usage_error("unknown seasonality '" + text + "': choose none, fourier, month or auto");
}

namespace {

constexpr double kDay = 86400.0;

double median_spacing_days(const std::vector<double>& dates) {
  std::vector<double> gaps;
  for (size_t i = 1; i < dates.size(); ++i) gaps.push_back((dates[i] - dates[i - 1]) / kDay);
  if (gaps.empty()) return 0.0;
  std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2), gaps.end());
  return gaps[gaps.size() / 2];
}

// Months since year 0 of a date, with the day as a fraction (so mid-month dates sit mid-way).
double month_index(double seconds) {
  int64_t year = 0, month = 0, day = 0;
  civil_from_days(static_cast<int64_t>(std::floor(seconds / kDay)), year, month, day);
  return static_cast<double>(year * 12 + month - 1) + static_cast<double>(day - 1) / 31.0;
}

void centre_and_scale(BaselineTerms& terms, const std::string& name, Eigen::VectorXd column) {
  column.array() -= column.mean();
  const double largest = column.cwiseAbs().maxCoeff();
  if (!(largest > 0.0)) return;  // a constant term is already the intercept
  terms.names.push_back(name);
  terms.scale.push_back(largest);
  terms.columns.conservativeResize(column.size(), terms.columns.cols() + 1);
  terms.columns.col(terms.columns.cols() - 1) = column / largest;
}

}  // namespace

TimeAxis time_axis(const std::vector<double>& dates, int64_t rows, double period, const std::string& source) {
  TimeAxis axis;
  axis.source = source;
  axis.position.resize(static_cast<size_t>(rows));
  axis.phase.assign(static_cast<size_t>(rows), 0.0);
  const double spacing = dates.empty() ? 0.0 : median_spacing_days(dates);
  if (spacing >= 27.0 && spacing <= 32.0) {
    axis.unit = "month";
    axis.period = 12.0;
    const double first = month_index(dates.front());
    for (int64_t r = 0; r < rows; ++r) {
      const double m = month_index(dates[static_cast<size_t>(r)]);
      axis.position[static_cast<size_t>(r)] = m - first;
      axis.phase[static_cast<size_t>(r)] = std::fmod(m, 12.0);
    }
  } else if (spacing > 0.0) {
    const bool weekly = spacing >= 6.0 && spacing <= 8.0;
    axis.unit = weekly ? "week" : spacing < 1.5 ? "day" : "period";
    const double step = weekly ? 7.0 : spacing < 1.5 ? 1.0 : spacing;
    axis.period = weekly ? 365.25 / 7.0 : spacing < 1.5 ? 7.0 : 0.0;
    for (int64_t r = 0; r < rows; ++r)
      axis.position[static_cast<size_t>(r)] = (dates[static_cast<size_t>(r)] - dates.front()) / (step * kDay);
  } else {
    axis.unit = "row";
    std::iota(axis.position.begin(), axis.position.end(), 0.0);
  }
  if (period > 0.0) axis.period = period;
  if (axis.period > 0.0 && axis.unit != "month")
    for (int64_t r = 0; r < rows; ++r)
      axis.phase[static_cast<size_t>(r)] = std::fmod(axis.position[static_cast<size_t>(r)], axis.period);
  return axis;
}

BaselineTerms baseline_terms(const TimeAxis& axis, int64_t first, Trend trend, Seasonality seasonality,
                             const Eigen::MatrixXd& controls, const std::vector<std::string>& control_names) {
  const auto rows = static_cast<Eigen::Index>(axis.position.size()) - first;
  BaselineTerms terms;
  terms.columns.resize(rows, 0);
  auto column_of = [&](auto&& value) {
    Eigen::VectorXd column(rows);
    for (Eigen::Index i = 0; i < rows; ++i) column[i] = value(static_cast<size_t>(first + i));
    return column;
  };
  if (trend == Trend::Linear) centre_and_scale(terms, "trend", column_of([&](size_t r) { return axis.position[r]; }));
  if (trend == Trend::Log)
    centre_and_scale(terms, "log trend", column_of([&](size_t r) { return std::log1p(axis.position[r]); }));
  if (seasonality == Seasonality::Fourier && axis.period > 0.0) {
    for (int k = 1; k <= kFourierHarmonics; ++k) {
      const double w = 2.0 * std::numbers::pi * k / axis.period;
      centre_and_scale(terms, fmt::format("season sin {}", k),
                       column_of([&](size_t r) { return std::sin(w * axis.phase[r]); }));
      centre_and_scale(terms, fmt::format("season cos {}", k),
                       column_of([&](size_t r) { return std::cos(w * axis.phase[r]); }));
    }
  }
  if (seasonality == Seasonality::Month && axis.period > 0.0) {
    // One indicator per place in the cycle but the first (the reference).
    const auto places = static_cast<int>(std::lround(axis.period));
    const std::string word = axis.unit == "month" ? "month" : "season";
    for (int place = 1; place < places; ++place)
      centre_and_scale(terms, fmt::format("{} {}", word, place + 1), column_of([&](size_t r) {
                         return static_cast<int>(std::lround(axis.phase[r])) % places == place ? 1.0 : 0.0;
                       }));
  }
  for (Eigen::Index c = 0; c < controls.cols(); ++c)
    centre_and_scale(terms, control_names[static_cast<size_t>(c)],
                     column_of([&](size_t r) { return controls(static_cast<Eigen::Index>(r), c); }));
  return terms;
}

double rank_correlation_with_time(const std::vector<double>& values) {
  const auto n = values.size();
  if (n < 3) return 0.0;
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&values](size_t a, size_t b) { return values[a] < values[b]; });
  std::vector<double> rank(n);
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j + 1 < n && values[order[j + 1]] == values[order[i]]) ++j;
    for (size_t k = i; k <= j; ++k) rank[order[k]] = 0.5 * static_cast<double>(i + j);
    i = j + 1;
  }
  // Pearson correlation of the ranks with 0..n-1.
  const double mean = 0.5 * static_cast<double>(n - 1);
  double sxy = 0.0, sxx = 0.0, syy = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const double dx = static_cast<double>(i) - mean, dy = rank[i] - mean;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return syy > 0.0 ? sxy / std::sqrt(sxx * syy) : 0.0;
}

}  // namespace synthtab::marketing
