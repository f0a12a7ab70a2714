#include "synthtab/eval/evaluate.hpp"

#include <cmath>
#include <string>

#include <fmt/format.h>

// An Evaluation written out: to_json (the layout of docs/evaluation.md) and format_text (the
// summary the CLI prints), declared in evaluate.hpp. Kept apart from evaluate.cpp, which
// computes the evaluation.

namespace synthtab::eval {
namespace {

nlohmann::json number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

nlohmann::json relationship_json(const PairRelationship& p) {
  return {{"columns", {p.column_a, p.column_b}},
          {"measure", p.measure},
          {"real", number(p.real)},
          {"synthetic", number(p.synthetic)},
          {"change", number(p.change)}};
}

nlohmann::json relationships_json(const RelationshipReport& r) {
  nlohmann::json pairs = nlohmann::json::array();
  for (const auto& p : r.pairs) pairs.push_back(relationship_json(p));
  return {{"pairs", pairs},
          {"max_change", number(r.max_change)},
          {"strongest_max_change", number(r.strongest_max_change)},
          {"strongest", strongest_count(r.pairs)},
          {"worst", r.worst ? relationship_json(*r.worst) : nlohmann::json(nullptr)}};
}

nlohmann::json holdout_json(const std::optional<HoldoutReport>& h) {
  if (!h) return nullptr;
  return {{"training_rows", h->training_rows},
          {"holdout_rows", h->holdout_rows},
          {"synthetic_match_share", number(h->synthetic_match_share)},
          {"holdout_match_share", number(h->holdout_match_share)},
          {"compared_rows", h->compared_rows},
          {"closer_to_training_share", number(h->closer_to_training_share)},
          {"ideal_closer_to_training_share", 0.5},
          {"overfitting_protection", number(h->overfitting_protection)},
          {"method",
           "nearest row in the standardised feature space among the training and holdout rows, the larger "
           "subsampled (seeded) to the size of the smaller; a tie is not closer to training (SDMetrics' "
           "DCROverfittingProtection)"}};
}

nlohmann::json test_json(const std::optional<TestResult>& t) {
  if (!t) return nullptr;
  nlohmann::json j = {{"statistic", number(t->statistic)}, {"pvalue", number(t->pvalue)}, {"method", t->method}};
  if (t->dof != 0.0) j["dof"] = number(t->dof);
  return j;
}

nlohmann::json summary_json(const ColumnSummary& s) {
  return {{"mean", number(s.mean)}, {"sd", number(s.sd)}, {"min", number(s.min)},
          {"max", number(s.max)},   {"count", s.count},   {"missing", s.missing}};
}

nlohmann::json scores_json(const ModelScores& s, const std::string& task) {
  if (task == "regression") return {{"r2", number(s.r2)}, {"explained_variance", number(s.explained_variance)}};
  return {{"accuracy", number(s.accuracy)}, {"macro_f1", number(s.macro_f1)}};
}

nlohmann::json mmd_json(const MmdResult& m) {
  nlohmann::json j = {{"mmd2", number(m.mmd2)}, {"estimator", m.estimator}, {"gamma", number(m.gamma)}};
  if (m.bandwidth > 0) j["bandwidth"] = number(m.bandwidth);
  if (m.pvalue >= 0) {
    j["pvalue"] = number(m.pvalue);
    j["permutations"] = m.permutations;
    j["permutation_rows"] = {{"real", m.permutation_rows_real}, {"synthetic", m.permutation_rows_synthetic}};
  }
  if (m.statistic_rows_real > 0)
    j["statistic_rows"] = {{"real", m.statistic_rows_real}, {"synthetic", m.statistic_rows_synthetic}};
  return j;
}

std::string format_p(const std::optional<TestResult>& t) {
  if (!t) return "-";
  return std::isfinite(t->pvalue) ? fmt::format("{:.3g}", t->pvalue) : "n/a";
}

// One entry per column: its summaries and tests (numeric) or its label counts and test.
nlohmann::json column_tests_json(const std::vector<ColumnTests>& tests) {
  nlohmann::json columns = nlohmann::json::array();
  for (const auto& t : tests) {
    nlohmann::json j = {{"column", t.column}, {"type", t.type}, {"notes", t.notes}};
    if (t.type == "numeric") {
      j["real"] = summary_json(t.real);
      j["synthetic"] = summary_json(t.synthetic);
      j["ks"] = test_json(t.ks);
      j["welch_t"] = test_json(t.welch_t);
      j["mann_whitney_u"] = test_json(t.mann_whitney);
      j["wilcoxon_seed"] = test_json(t.wilcoxon_seed);
    } else {
      j["labels"] = t.labels;
      j["real_counts"] = t.real_counts;
      j["synthetic_counts"] = t.synthetic_counts;
      j["chi_square"] = test_json(t.chi_square);
    }
    columns.push_back(j);
  }
  return columns;
}

nlohmann::json quality_json(const QualityReport& q) {
  nlohmann::json shapes = nlohmann::json::array(), pairs = nlohmann::json::array(), adherence = nlohmann::json::array();
  for (const auto& s : q.shapes)
    shapes.push_back({{"column", s.column}, {"metric", s.metric}, {"score", number(s.score)}});
  for (const auto& p : q.pairs)
    pairs.push_back({{"columns", {p.column_a, p.column_b}},
                     {"metric", p.metric},
                     {"score", number(p.score)},
                     {"real_correlation", number(p.real_correlation)},
                     {"synthetic_correlation", number(p.synthetic_correlation)}});
  for (const auto& a : q.adherence)
    adherence.push_back({{"column", a.column}, {"metric", a.metric}, {"score", number(a.score)}});
  return {{"overall", number(q.overall)},
          {"column_shapes", number(q.column_shapes)},
          {"column_pair_trends", number(q.column_pair_trends)},
          {"shapes", shapes},
          {"pairs", pairs},
          {"diagnostics", {{"adherence", adherence}, {"new_row_share", number(q.new_row_share)}}}};
}

nlohmann::json privacy_json(const PrivacyReport& p) {
  return {{"exact_copies", p.exact_copies},
          {"exact_copy_share", number(p.exact_copy_share)},
          {"dcr",
           {{"median", number(p.dcr_median)},
            {"p05", number(p.dcr_p05)},
            {"real_nn_median", number(p.real_nn_median)},
            {"ratio", number(p.dcr_ratio)}}},
          {"baseline_protection",
           {{"score", number(p.baseline_protection)},
            {"synthetic_median", number(p.baseline_synthetic_median)},
            {"random_median", number(p.baseline_random_median)}}},
          {"identical_matches",
           {{"synthetic_share", number(p.exact_copy_share)},
            {"expected_share_estimate", number(p.real_duplicate_share)},
            {"estimate_method",
             "real rows equal to another real row (leave-one-out): an estimate of the share "
             "of unseen real rows equal to a training row"}}},
          {"holdout", holdout_json(p.holdout)}};
}

nlohmann::json detection_json(const std::optional<Detection>& d) {
  if (!d) return nullptr;
  return {{"auc", number(d->auc)},
          {"classifier", d->classifier},
          {"folds", d->folds},
          {"repeats", d->repeats},
          {"rows_per_side", d->rows_per_side}};
}

nlohmann::json geometry_json(const Evaluation& e) {
  if (e.geometry.empty()) return nullptr;
  nlohmann::json clouds = nlohmann::json::object();
  const char* names[] = {"real", "synthetic", "uniform_random"};
  for (size_t i = 0; i < e.geometry.size() && i < 3; ++i) clouds[names[i]] = to_json(e.geometry[i]);
  return {{"space", e.geometry_space}, {"clouds", clouds}};
}

nlohmann::json ml_efficacy_json(const std::optional<MlEfficacy>& m) {
  if (!m) return nullptr;
  return {{"target", m->target},
          {"task", m->task},
          {"model", m->model},
          {"trtr", scores_json(m->trtr, m->task)},
          {"tstr", scores_json(m->tstr, m->task)},
          {"seed_synthetic_on_synthetic", scores_json(m->seed_synthetic_on_synthetic, m->task)}};
}

// The headline lines: quality, relationships, detection, MMD and ML efficacy.
std::string headline_text(const Evaluation& e) {
  std::string out = fmt::format(
      "  Quality score (SDMetrics definitions)  {:.3f}   (column shapes {:.3f}, column pair trends {:.3f})\n",
      e.quality.overall, e.quality.column_shapes, e.quality.column_pair_trends);
  if (e.relationships.worst) {
    const PairRelationship& w = *e.relationships.worst;
    out += fmt::format(
        "  Worst-kept strong relationship         {} - {} ({}): {:.2f} real vs {:.2f} synthetic "
        "(change {:.2f}; largest over all {} pairs {:.2f})\n",
        w.column_a, w.column_b, w.measure, w.real, w.synthetic, w.change, e.relationships.pairs.size(),
        e.relationships.max_change);
  }
  if (e.detection)
    out += fmt::format(
        "  Detection AUC                          {:.3f}   (0.5 = a classifier cannot tell them apart; {})\n",
        e.detection->auc, e.detection->classifier);
  out += fmt::format("  MMD^2 (unbiased, standardised)         {:.4g}  permutation p = {:.3g} ({} permutations)\n",
                     e.mmd.mmd2, e.mmd.pvalue, e.mmd.permutations);
  if (e.mmd_seed)
    out += fmt::format(
        "  MMD (the seed's formula, raw values)   {:.4g}  (near 1/n_real + 1/n_synthetic = {:.4g} means it says "
        "nothing)\n",
        e.mmd_seed->mmd2, 1.0 / static_cast<double>(e.real_rows) + 1.0 / static_cast<double>(e.synthetic_rows));
  if (e.ml_efficacy) {
    const MlEfficacy& m = *e.ml_efficacy;
    if (m.task == "regression")
      out += fmt::format(
          "  ML efficacy, {} ({})  R^2: real->real {:.3f}, synthetic->real {:.3f} (in sample: optimistic; "
          "`synthtab validate` cross-fits); the seed's synthetic->synthetic {:.3f}\n",
          m.target, m.task, m.trtr.r2, m.tstr.r2, m.seed_synthetic_on_synthetic.r2);
    else
      out += fmt::format(
          "  ML efficacy, {} ({})  accuracy: real->real {:.3f}, synthetic->real {:.3f} (in sample: optimistic; "
          "`synthtab validate` cross-fits); the seed's synthetic->synthetic {:.3f}\n",
          m.target, m.task, m.trtr.accuracy, m.tstr.accuracy, m.seed_synthetic_on_synthetic.accuracy);
  }
  return out;
}

std::string privacy_text(const PrivacyReport& p) {
  std::string out = fmt::format(
      "  Privacy: exact copies {} ({:.1f} %); distance to closest real row median {:.3g} "
      "(real rows to each other {:.3g}, ratio {:.2f}); baseline protection {:.3f}\n",
      p.exact_copies, 100 * p.exact_copy_share, p.dcr_median, p.real_nn_median, p.dcr_ratio, p.baseline_protection);
  if (p.holdout) {
    const HoldoutReport& h = *p.holdout;
    out += fmt::format(
        "  Holdout ({} training, {} holdout rows): equal to a training row: synthetic {:.1f} %, holdout {:.1f} %; "
        "synthetic rows closer to training than to holdout rows {:.1f} % (50 % ideal; {} rows of each "
        "compared)\n",
        h.training_rows, h.holdout_rows, 100 * h.synthetic_match_share, 100 * h.holdout_match_share,
        100 * h.closer_to_training_share, h.compared_rows);
  } else {
    out += fmt::format(
        "  Identical matches: synthetic rows equal to a real row {:.1f} %; real rows equal to another real "
        "row {:.1f} % (an estimate of the unseen real rows' share; `holdout` measures it)\n",
        100 * p.exact_copy_share, 100 * p.real_duplicate_share);
  }
  return out;
}

// The geometry table (real, synthetic, random) and the topology lines, when computed.
std::string manifold_text(const Evaluation& e) {
  std::string out;
  if (e.geometry.size() == 3) {
    out += fmt::format("\n  Geometry ({} space)        {:>12} {:>12} {:>12}\n", e.geometry_space, "real", "synthetic",
                       "random");
    auto line = [&](const char* label, auto field) {
      out += fmt::format("    {:<26} {:>12.4g} {:>12.4g} {:>12.4g}\n", label, field(e.geometry[0]),
                         field(e.geometry[1]), field(e.geometry[2]));
    };
    line("mean pairwise distance", [](const GeometryResult& g) { return g.distance_mean; });
    line("variance of distances", [](const GeometryResult& g) { return g.distance_variance; });
    line("contrast Dmax - Dmin", [](const GeometryResult& g) { return g.contrast; });
    line("relative contrast", [](const GeometryResult& g) { return g.relative_contrast; });
    line("relative variance of norm", [](const GeometryResult& g) { return g.norm_relative_variance; });
    line("VCR s1 / sum s", [](const GeometryResult& g) { return g.vcr; });
  }
  if (e.topology) {
    const TopologyComparison& t = *e.topology;
    out += fmt::format("\n  Topology (Vietoris-Rips, {} points per cloud: {})\n", t.points, t.sampling);
    for (const DimensionComparison* d : {&t.h0, &t.h1})
      out += fmt::format(
          "    H{}: bars real {} / synthetic {}, entropy {:.3f} / {:.3f}, bottleneck {:.4g}, "
          "lifetimes Mann-Whitney p {}\n",
          d->dimension, d->real_bars, d->synthetic_bars, d->real_entropy, d->synthetic_entropy, d->bottleneck,
          format_p(d->lifetimes_mann_whitney));
  }
  return out;
}

// One line per column (shape score, test p-values, adherence), then every note.
std::string columns_text(const Evaluation& e) {
  std::string out = fmt::format("\n{:<28} {:>8} {:>10} {:>10} {:>10} {:>12} {:>12} {:>10}\n", "column", "shape", "KS p",
                                "t p", "MWU p", "Wilcoxon p*", "chi-square p", "adherence");
  for (size_t i = 0; i < e.column_tests.size(); ++i) {
    const ColumnTests& t = e.column_tests[i];
    const std::string name = t.column.size() > 28 ? t.column.substr(0, 25) + "..." : t.column;
    out += fmt::format("{:<28} {:>8.3f} {:>10} {:>10} {:>10} {:>12} {:>12} {:>10.3f}\n", name,
                       e.quality.shapes[i].score, format_p(t.ks), format_p(t.welch_t), format_p(t.mann_whitney),
                       format_p(t.wilcoxon_seed), format_p(t.chi_square), e.quality.adherence[i].score);
  }
  out += "  * the seed's paired test on a random synthetic subsample of the real size\n";
  for (const auto& t : e.column_tests)
    for (const auto& n : t.notes) out += "  " + t.column + ": " + n + "\n";
  for (const auto& n : e.notes) out += "  " + n + "\n";
  return out;
}

std::string rules_text(const Evaluation& e) {
  if (e.rules.empty()) return "";
  std::string out = fmt::format("\n{:<88} {:>7} {:>10}\n", "Rules of the real rows: share of rows that keep each",
                                "real", "synthetic");
  for (size_t i = 0; i < e.rules.size(); ++i) {
    std::string formula = fmt::format("{}. {}", i + 1, e.rules[i].formula);
    if (formula.size() > 88) formula = formula.substr(0, 85) + "...";
    out += fmt::format("{:<88} {:>6.1f}% {:>9.1f}%\n", formula, 100 * e.rules[i].real, 100 * e.rules[i].synthetic);
  }
  return out;
}

nlohmann::json rules_json(const std::vector<RuleCheck>& rules) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& rule : rules)
    out.push_back({{"rule", rule.sentence},
                   {"formula", rule.formula},
                   {"real", number(rule.real)},
                   {"synthetic", number(rule.synthetic)}});
  return out;
}

}  // namespace

nlohmann::json to_json(const Evaluation& e) {
  nlohmann::json out = {
      {"format", "synthtab-evaluation"},
      {"version", 1},
      {"seed", e.seed},
      {"rows", {{"real", e.real_rows}, {"synthetic", e.synthetic_rows}}},
      {"columns", e.columns},
      {"column_tests", column_tests_json(e.column_tests)},
      {"mmd", mmd_json(e.mmd)},
      {"mmd_seed_compatible", e.mmd_seed ? mmd_json(*e.mmd_seed) : nlohmann::json(nullptr)},
      {"quality", quality_json(e.quality)},
      {"privacy", privacy_json(e.privacy)},
      {"relationships", relationships_json(e.relationships)},
      {"rules", rules_json(e.rules)},
      {"notes", e.notes},
  };
  out["detection"] = detection_json(e.detection);
  out["geometry"] = geometry_json(e);
  out["topology"] = e.topology ? to_json(*e.topology) : nlohmann::json(nullptr);
  if (e.topology) out["topology"]["space"] = e.geometry_space;
  out["ml_efficacy"] = ml_efficacy_json(e.ml_efficacy);
  return out;
}

std::string format_text(const Evaluation& e) {
  std::string out = fmt::format("Real rows: {}   synthetic rows: {}   columns: {}\n\n", e.real_rows, e.synthetic_rows,
                                e.columns.size());
  out += headline_text(e);
  out += privacy_text(e.privacy);
  out += manifold_text(e);
  out += rules_text(e);
  out += columns_text(e);
  return out;
}

}  // namespace synthtab::eval
