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

std::string card(const std::string& title, const std::string& value, const Verdict& verdict,
                 const std::string& detail) {
  return fmt::format(
      "<div class=\"card {}\"><div class=\"card-title\">{}</div><div class=\"card-value\">{}</div>"
      "<div class=\"card-verdict\">{}</div><div class=\"card-detail\">{}</div></div>\n",
      level_class(verdict.level), title, value, esc(verdict.text), detail);
}

// "Strongest relationships": the worst kept of the strongest real pairs, named.
std::string relationship_card(const eval::Evaluation& e) {
  const auto& rel = e.relationships;
  if (!rel.worst)
    return card("Strongest relationships", "&ndash;", relationship_verdict(0.0, false),
                "Pearson r of numeric pairs, an association in [0, 1] of pairs with a category");
  const auto& w = *rel.worst;
  const size_t strongest = eval::strongest_count(rel.pairs);
  return card("Strongest relationships",
              fmt::format("{} <span class=\"vs\">real vs</span> {} <span class=\"vs\">synthetic</span>", show(w.real),
                          show(w.synthetic)),
              relationship_verdict(rel.strongest_max_change),
              fmt::format("<code>{}</code> &ndash; <code>{}</code> ({}): the worst kept of the {} strongest real "
                          "pair{}; the largest change over all {} pairs is {}",
                          esc(w.column_a), esc(w.column_b), measure_label(w.measure), strongest,
                          strongest == 1 ? "" : "s", rel.pairs.size(), show(rel.max_change)));
}

std::string holdout_card(const eval::HoldoutReport& h) {
  return card("Closer to training than holdout",
              fmt::format("{} % <span class=\"vs\">(50 % ideal)</span>", show(100.0 * h.closer_to_training_share)),
              holdout_verdict(h.synthetic_match_share, h.holdout_match_share, h.closer_to_training_share),
              fmt::format("equal to a training row: synthetic rows {} %, holdout rows {} %; nearest-row comparison "
                          "on {} training and {} holdout rows{}",
                          show(100.0 * h.synthetic_match_share), show(100.0 * h.holdout_match_share),
                          show_int(h.compared_rows), show_int(h.compared_rows),
                          // Each synthetic row then has only a few candidates on either side.
                          h.compared_rows < 30 ? " (so few that the share is noisy)" : ""));
}

std::string quality_card(const eval::Evaluation& e, const Verdict& quality) {
  const auto& q = e.quality;
  return card("Quality score", show(q.overall), quality,
              std::isnan(q.column_pair_trends)
                  ? fmt::format("column shapes {} (one column: no pairs)", show(q.column_shapes))
                  : fmt::format("column shapes {} &middot; column pairs {}", show(q.column_shapes),
                                show(q.column_pair_trends)));
}

std::string efficacy_card(const ReportInput& in) {
  const eval::Evaluation& e = in.evaluation;
  if (in.cross_fit) {
    const eval::Validation& v = *in.cross_fit;
    const bool regression = v.metric == "r2";
    return card(fmt::format("ML efficacy, cross-fitted ({})", regression ? "R&sup2;" : "macro F1"),
                fmt::format("{} <span class=\"vs\">vs</span> {}", show(v.tstr.mean), show(v.trtr.mean)),
                efficacy_verdict(v.task, v.tstr.mean, v.trtr.mean),
                fmt::format("predicting &ldquo;{}&rdquo; on rows the generator never saw ({} folds{}): trained on "
                            "synthetic (TSTR &plusmn; {}) vs on real (TRTR &plusmn; {}); in sample TSTR was {} "
                            "(optimistic)",
                            esc(v.target), v.folds, v.repeats > 1 ? fmt::format(" &times; {}", v.repeats) : "",
                            show(v.tstr.sd), show(v.trtr.sd), show(v.tstr_in_sample)));
  }
  if (!e.ml_efficacy)
    return card(
        "ML efficacy", "&ndash;", {Level::None, "Not computed: no target column."},
        "Set <code>`target`</code> to a column to see whether a model trained on synthetic rows works on real ones");
  const auto& m = *e.ml_efficacy;
  const bool regression = m.task == "regression";
  const double tstr = regression ? m.tstr.r2 : m.tstr.accuracy;
  const double trtr = regression ? m.trtr.r2 : m.trtr.accuracy;
  return card(fmt::format("ML efficacy ({})", regression ? "R&sup2;" : "accuracy"),
              fmt::format("{} <span class=\"vs\">vs</span> {}", show(tstr), show(trtr)),
              efficacy_verdict(m.task, tstr, trtr),
              fmt::format("predicting &ldquo;{}&rdquo;: trained on synthetic (TSTR) vs trained on real (TRTR), "
                          "both scored on real rows; in sample: TSTR is scored on the rows the generator learned "
                          "from, so it is optimistic (<code>synthtab validate</code> cross-fits)",
                          esc(m.target)));
}

std::string copies_card(const eval::Evaluation& e) {
  const auto& p = e.privacy;
  return card(
      "Exact copies",
      fmt::format("{} <span class=\"vs\">({} %)</span>", show_int(p.exact_copies), show(100.0 * p.exact_copy_share)),
      copies_verdict(p.exact_copies, p.exact_copy_share),
      p.holdout ? fmt::format("synthetic rows equal cell for cell to a real row, of {}", show_int(e.synthetic_rows))
                : fmt::format("synthetic rows equal cell for cell to a real row, of {}; real rows equal "
                              "to another real row: {} % (an estimate of how often unseen real rows "
                              "would equal one; give <code>`holdout`</code> to measure it)",
                              show_int(e.synthetic_rows), show(100.0 * p.real_duplicate_share)));
}

// The privacy rows of the headline table.
void add_privacy_rows(std::vector<std::vector<std::string>>& rows, const eval::PrivacyReport& p) {
  rows.push_back(
      {"exact copies", show_int(p.exact_copies), esc(copies_verdict(p.exact_copies, p.exact_copy_share).text)});
  rows.push_back({"DCR ratio", show(p.dcr_ratio), esc(dcr_verdict(p.dcr_ratio).text)});
  if (p.holdout)
    rows.push_back(
        {"synthetic rows closer to training than to holdout", show(100.0 * p.holdout->closer_to_training_share) + " %",
         "50 % is ideal: " + esc(holdout_verdict(p.holdout->synthetic_match_share, p.holdout->holdout_match_share,
                                                 p.holdout->closer_to_training_share)
                                     .text)});
  rows.push_back({"DCR baseline protection", show(p.baseline_protection),
                  "1 = synthetic rows are at least as far from real rows as random rows are"});
}

// The same figures as the cards, as a table, for readers without the cards (and for printing).
std::string headline_table(const eval::Evaluation& e, const Verdict& quality) {
  const auto& rel = e.relationships;
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"quality score", show(e.quality.overall), esc(quality.text)});
  if (rel.worst)
    rows.push_back({"strongest relationships: largest change", show(rel.strongest_max_change),
                    esc(rel.worst->column_a) + " &ndash; " + esc(rel.worst->column_b) + ": " + show(rel.worst->real) +
                        " real vs " + show(rel.worst->synthetic) + " synthetic. " +
                        esc(relationship_verdict(rel.strongest_max_change).text)});
  if (e.detection)
    rows.push_back({"detection AUC", show(e.detection->auc), esc(detection_verdict(e.detection->auc).text)});
  rows.push_back({"MMD&sup2; (unbiased)", show(e.mmd.mmd2),
                  e.mmd.pvalue >= 0
                      ? "permutation p = " + show_p(e.mmd.pvalue) + " (" +
                            (e.mmd.pvalue >= 0.05 ? "no difference detected" : "the joint distributions differ") + ")"
                      : "no permutation test"});
  if (e.ml_efficacy) {
    const auto& m = *e.ml_efficacy;
    const bool regression = m.task == "regression";
    rows.push_back({"TSTR " + std::string(regression ? "R&sup2;" : "accuracy"),
                    show(regression ? m.tstr.r2 : m.tstr.accuracy),
                    "trained on synthetic rows, scored on the real rows the generator learned from (optimistic)"});
    rows.push_back({"TRTR " + std::string(regression ? "R&sup2;" : "accuracy"),
                    show(regression ? m.trtr.r2 : m.trtr.accuracy),
                    "trained and scored on real rows (cross-validated): the yardstick"});
  }
  add_privacy_rows(rows, e.privacy);
  return numbers("The headline figures as a table", table({"figure", "value", "reading"}, rows));
}

}  // namespace

void headline(Page& page, const ReportInput& in) {
  const eval::Evaluation& e = in.evaluation;
  page.html += "<section id=\"headline\"><h2>At a glance</h2>\n";
  page.html += good_looks_like(
      "Good synthetic data scores high on quality, cannot be told apart by a classifier (AUC near 0.5), teaches a "
      "model as much as the real rows do, copies no real row, and sits about as close to the real rows as they sit "
      "to each other (DCR ratio near 1).");
  page.html += "<div class=\"cards\">\n";
  const Verdict quality = quality_verdict(e.quality.overall, e.relationships.strongest_max_change);
  page.html += quality_card(e, quality);
  page.html += relationship_card(e);
  if (e.detection)
    page.html += card("Detection AUC", show(e.detection->auc), detection_verdict(e.detection->auc),
                      "0.5 = a classifier cannot tell synthetic from real rows; 1 = it always can");
  page.html += efficacy_card(in);
  page.html += copies_card(e);
  const auto& p = e.privacy;
  if (p.holdout) page.html += holdout_card(*p.holdout);
  page.html += card("DCR ratio", show(p.dcr_ratio), dcr_verdict(p.dcr_ratio),
                    fmt::format("median distance to the closest real row {} vs real rows to each other {}",
                                show(p.dcr_median), show(p.real_nn_median)));
  page.html += "</div>\n";
  page.html += headline_table(e, quality);
  page.html += "</section>\n";
}

void preparation(Page& page, const ReportInput& in) {
  page.html += "<section id=\"preparation\"><h2>What preparation and the model did</h2>\n";
  page.html += good_looks_like("Every column has the type you expect, and nothing you need was dropped.");
  if (in.run) {
    const RunInfo& r = *in.run;
    page.html += fmt::format(
        "<p>Read <code>{}</code>: {} rows; the model learned from {} rows after preparation and "
        "wrote {} synthetic rows.</p>\n",
        esc(r.input_path), show_int(r.input_rows), show_int(r.training_rows), show_int(r.synthetic_rows));
    std::vector<std::vector<std::string>> rows;
    for (const auto& c : r.schema)
      rows.push_back({esc(c.name), esc(to_string(c.role)) + (c.forced ? " (your choice)" : ""), esc(c.reason)});
    page.html += "<h3>Columns</h3>\n" + table({"column", "type", "why"}, rows);
    page.html += "<h3>Preparation steps</h3>\n<ol class=\"log\">\n";
    if (r.preparation.empty()) page.html += "<li>Nothing needed doing.</li>\n";
    for (const auto& a : r.preparation) page.html += "<li>" + esc(a) + "</li>\n";
    page.html += "</ol>\n<h3>Model</h3>\n";
    std::vector<std::vector<std::string>> model_rows = {{"model", "<strong>" + esc(r.model) + "</strong>"},
                                                        {"seed", std::to_string(r.seed)},
                                                        {"time to fit", fmt::format("{:.2f} s", r.fit_seconds)},
                                                        {"time to sample", fmt::format("{:.2f} s", r.sample_seconds)}};
    for (auto& row : model_rows) row.push_back("");
    for (const auto& [key, value] : r.settings) {
      if (key == "model" || key == "seed") continue;  // already above
      const auto help = r.setting_help.find(key);
      model_rows.push_back({key == "auto" ? std::string("why this model") : esc(key),
                            esc(value) + (r.chosen_settings.count(key) ? " (your choice)" : ""),
                            help == r.setting_help.end() ? std::string() : esc(help->second)});
    }
    page.html += table({"setting", "value", "what it is"}, model_rows);
  } else {
    page.html +=
        "<p class=\"left-out\">Not known: this report compares two files, so how the synthetic rows were made "
        "(preparation, model, settings, seed, timings) is not known. Make the report in the run that generates the "
        "rows "
        "(<code>`report`</code>) to include it. The column types below are the ones inferred from the real file, used "
        "to read both files.</p>\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& c : in.real.columns)
      rows.push_back({esc(c.name), esc(to_string(c.type)),
                      c.is_categorical()
                          ? fmt::format("{} labels", c.categories.size())
                          : fmt::format("{} missing of {}", show_int(c.missing_count()), show_int(c.size()))});
    page.html += table({"column", "inferred type", "detail"}, rows);
  }
  if (!in.notes.empty()) {
    page.html += "<h3>Left out</h3>\n<ul class=\"notes\">\n";
    for (const auto& n : in.notes) page.html += "<li>" + esc(n) + "</li>\n";
    page.html += "</ul>\n";
  }
  page.html += "</section>\n";
}

}  // namespace synthtab::report
