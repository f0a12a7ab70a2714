#include "synthtab/report/page.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "synthtab/core/rng.hpp"
#include "synthtab/eval/feature_space.hpp"
#include "synthtab/report/density.hpp"

namespace synthtab::report {

namespace {

// TRTR, TSTR and the seed's synthetic-on-synthetic check, in the task's two scores.
std::string scores_table(const eval::MlEfficacy& m) {
  const bool regression = m.task == "regression";
  std::vector<std::vector<std::string>> scores;
  auto add = [&](const char* name, const char* how, const eval::ModelScores& s) {
    if (regression)
      scores.push_back({name, how, show(s.r2), show(s.explained_variance)});
    else
      scores.push_back({name, how, show(s.accuracy), show(s.macro_f1)});
  };
  add("TRTR", "trained on real rows, scored on real rows (cross-validated): the yardstick", m.trtr);
  add("TSTR in sample", "trained on synthetic rows, scored on the real rows the generator learned from (optimistic)",
      m.tstr);
  add("the seed&rsquo;s check",
      "trained on 80 % of the synthetic rows, scored on the other 20 % (says little about real data)",
      m.seed_synthetic_on_synthetic);
  return table(regression ? std::vector<std::string>{"score", "meaning", "R&sup2;", "explained variance"}
                          : std::vector<std::string>{"score", "meaning", "accuracy", "macro F1"},
               scores);
}

// The TSTR model's predictions of the drawn real rows, with the range of actual and predicted
// values together.
struct Predictions {
  std::vector<double> actual, predicted, residual;
  double lo = std::numeric_limits<double>::infinity(), hi = -std::numeric_limits<double>::infinity();
};

Predictions predictions_of(const eval::MlEfficacy& m, const std::vector<int64_t>& rows) {
  Predictions out;
  for (int64_t r : rows) {
    const double a = m.actual[static_cast<size_t>(r)], p = m.predicted[static_cast<size_t>(r)];
    out.actual.push_back(a), out.predicted.push_back(p), out.residual.push_back(a - p);
    out.lo = std::min({out.lo, a, p}), out.hi = std::max({out.hi, a, p});
  }
  return out;
}

// Predicted against actual (with the diagonal of perfect predictions) and the residuals, side by
// side.
void regression_charts(Page& page, const eval::MlEfficacy& m, const Predictions& pr, const std::string& thinned) {
  json d1 = json::array();
  d1.push_back({{"type", "scatter"},
                {"mode", "lines"},
                {"name", "perfect prediction"},
                {"x", {num(pr.lo), num(pr.hi)}},
                {"y", {num(pr.lo), num(pr.hi)}},
                {"line", {{"color", "#999"}, {"dash", "dash"}}}});
  d1.push_back({{"type", "scatter"},
                {"mode", "markers"},
                {"name", "real rows"},
                {"x", nums(pr.actual)},
                {"y", nums(pr.predicted)},
                {"marker", {{"color", kSyntheticColour}, {"size", 8}, {"line", {{"color", "#fff"}, {"width", 1}}}}}});
  json l1 = {{"title", "Predicted vs actual (TSTR)" + thinned},
             {"xaxis", axis("actual " + short_name(m.target, 40))},
             {"yaxis", axis("predicted")}};
  json d2 = json::array();
  d2.push_back({{"type", "scatter"},
                {"mode", "markers"},
                {"name", "residual"},
                {"x", nums(pr.predicted)},
                {"y", nums(pr.residual)},
                {"marker", {{"color", kRealColour}, {"size", 8}, {"line", {{"color", "#fff"}, {"width", 1}}}}}});
  json l2 = {{"title", "Residuals: actual − predicted" + thinned},
             {"xaxis", axis("predicted")},
             {"yaxis", axis("residual")},
             {"showlegend", false}};
  l2["shapes"] = json::array({{{"type", "line"},
                               {"xref", "paper"},
                               {"x0", 0},
                               {"x1", 1},
                               {"y0", 0},
                               {"y1", 0},
                               {"line", {{"color", "#999"}, {"dash", "dash"}}}}});
  page.html +=
      "<div class=\"two\"><div>" + page.chart(d1, l1, 380) + "</div><div>" + page.chart(d2, l2, 380) + "</div></div>\n";
}

void regression_part(Page& page, const ReportInput& in, const eval::MlEfficacy& m) {
  const auto rows =
      thin_indexes(static_cast<int64_t>(m.actual.size()), kScatterPoints, derive_seed(in.options.seed, kThinStream, 3));
  const std::string thinned = rows.size() < m.actual.size()
                                  ? fmt::format(" — {} of {} real rows (random sample)", rows.size(), m.actual.size())
                                  : "";
  const Predictions pr = predictions_of(m, rows);
  regression_charts(page, m, pr, thinned);
  std::vector<std::vector<std::string>> t;
  for (size_t i = 0; i < rows.size() && static_cast<int64_t>(i) < kTableRows; ++i)
    t.push_back({std::to_string(rows[i] + 1), show(pr.actual[i]), show(pr.predicted[i]), show(pr.residual[i])});
  page.html +=
      numbers(rows.size() > static_cast<size_t>(kTableRows) ? fmt::format("Predictions (first {} shown)", kTableRows)
                                                            : std::string("Predictions"),
              table({"#", "actual", "predicted", "residual"}, t, "compact"));
}

// Classification: a confusion matrix of the labels (positions in the sorted union of labels).
void classification_part(Page& page, const ReportInput& in, const eval::MlEfficacy& m) {
  const Column* real = find_column(in.real, m.target);
  const Column* synthetic = find_column(in.synthetic, m.target);
  std::set<std::string> all;
  if (real) all.insert(real->categories.begin(), real->categories.end());
  if (synthetic) all.insert(synthetic->categories.begin(), synthetic->categories.end());
  std::vector<std::string> labels(all.begin(), all.end());
  const size_t k = labels.size();
  std::vector<std::vector<double>> counts(k, std::vector<double>(k, 0.0));
  for (size_t i = 0; i < m.actual.size(); ++i) {
    const auto a = static_cast<size_t>(m.actual[i]), p = static_cast<size_t>(m.predicted[i]);
    if (a < k && p < k) counts[a][p] += 1;
  }
  json names = json::array();
  for (const auto& l : labels) names.push_back(short_name(l, 16));
  json trace = {
      {"type", "heatmap"},      {"x", names}, {"y", names}, {"z", matrix_json(counts)}, {"colorscale", "Blues"},
      {"texttemplate", "%{z}"}, {"xgap", 1},  {"ygap", 1}};
  json layout = {{"title", "Confusion matrix of the TSTR model on the real rows"},
                 {"xaxis", axis("predicted")},
                 {"yaxis", axis("actual")}};
  layout["xaxis"]["type"] = "category";
  layout["yaxis"]["type"] = "category";
  layout["yaxis"]["autorange"] = "reversed";
  page.html += page.chart(json::array({trace}), layout, 380);
  std::vector<std::vector<std::string>> t;
  for (size_t a = 0; a < k; ++a)
    for (size_t p = 0; p < k; ++p)
      if (counts[a][p] > 0) t.push_back({esc(labels[a]), esc(labels[p]), show(counts[a][p])});
  page.html += numbers("Confusion counts", table({"actual", "predicted", "real rows"}, t, "compact"));
}

// Cross-fitted usefulness: each fold's generator never saw the rows it is scored on.
std::string cross_fit_table(const eval::Validation& v) {
  auto row = [](const char* name, const char* how, const eval::Spread& s) {
    return std::vector<std::string>{name, how, fmt::format("{} &plusmn; {}", show(s.mean), show(s.sd))};
  };
  const std::vector<std::vector<std::string>> rows = {
      row("TRTR", "trained on the real training rows", v.trtr),
      row("TSTR", "trained on the synthetic rows", v.tstr),
      row("augmented", "trained on both", v.augmented),
      row("quality, held-out rows", "synthetic rows against the rows the generator never saw", v.quality_holdout),
      row("quality, reference", "the real training rows against those held-out rows", v.quality_real_reference),
      row("quality, training rows", "synthetic rows against the rows it learned from (far above: overfitting)",
          v.quality_training),
      row("detection AUC", "a forest telling synthetic from held-out rows (0.5: it cannot)", v.detection_holdout),
      row("nearer training rows", "share of synthetic rows nearer a training row than a held-out one (0.5: ideal)",
          v.closer_to_training)};
  return "<p><strong>Cross-fitted</strong>: " + esc(v.verdict) + "</p>\n" +
         table({"figure",
                fmt::format("scored on the held-out fold ({} folds{})", v.folds,
                            v.repeats > 1 ? fmt::format(" &times; {} repeats", v.repeats) : ""),
                v.metric == "r2" ? "R&sup2; / score, mean &plusmn; sd" : "macro F1 / score, mean &plusmn; sd"},
               rows);
}

}  // namespace

void efficacy_section(Page& page, const ReportInput& in) {
  const eval::Evaluation& e = in.evaluation;
  page.html += "<section id=\"efficacy\"><h2>Can a model learn from the synthetic rows?</h2>\n";
  page.html += good_looks_like(
      "A model trained on the synthetic rows and tested on the real ones (TSTR) scores about as well as one "
      "trained on real rows (TRTR); its predictions lie along the diagonal and its errors scatter evenly around 0.");
  if (!e.ml_efficacy) {
    std::string why = "ML efficacy left out: no `target` column was given. Set `target` to a column.";
    for (const auto& n : in.notes)
      if (n.rfind("ML efficacy", 0) == 0) why = n;
    page.html += left_out(why);
    page.html += "</section>\n";
    return;
  }
  const auto& m = *e.ml_efficacy;
  page.html +=
      fmt::format("<p>Target: <strong>{}</strong> ({}); model: {}.</p>\n", esc(m.target), esc(m.task), esc(m.model));
  if (in.cross_fit) page.html += cross_fit_table(*in.cross_fit);
  page.html += "<p>In sample (the synthetic rows were generated from the very rows they are scored on):</p>\n";
  page.html += scores_table(m);
  if (m.task == "regression")
    regression_part(page, in, m);
  else
    classification_part(page, in, m);
  page.html += "</section>\n";
}

}  // namespace synthtab::report
