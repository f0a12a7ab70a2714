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

// Copies judged against unseen real rows, with a holdout; without one, the estimate.
void holdout_figures(Page& page, const eval::Evaluation& e) {
  const auto& p = e.privacy;
  if (!p.holdout) {
    page.html += fmt::format(
        "<p class=\"small\">Without a holdout: {} % of the synthetic rows equal a real row, and {} % of the real rows "
        "equal another real row &mdash; an estimate of how often real rows the generator never saw would equal a "
        "training row. Give <code>`holdout`</code> (real rows left out of training) to measure it.</p>\n",
        show(100.0 * p.exact_copy_share), show(100.0 * p.real_duplicate_share));
    return;
  }
  const auto& h = *p.holdout;
  page.html += "<h3>Against a holdout</h3>\n";
  page.html += good_looks_like(
      "Synthetic rows equal a training row no more often than holdout rows (real rows the generator never saw) do, "
      "and half of them are nearer a training row than a holdout row.");
  std::vector<std::vector<std::string>> figs = {
      {"training rows / holdout rows", show_int(h.training_rows) + " / " + show_int(h.holdout_rows)},
      {"synthetic rows equal to a training row", show(100.0 * h.synthetic_match_share) + " %"},
      {"holdout rows equal to a training row", show(100.0 * h.holdout_match_share) + " %"},
      {"synthetic rows closer to training than to holdout",
       fmt::format("{} % (50 % ideal; the larger of training and holdout subsampled to {} rows; a tie counts as not "
                   "closer)",
                   show(100.0 * h.closer_to_training_share), show_int(h.compared_rows))},
      {"DCR overfitting protection (SDMetrics)", show(h.overfitting_protection) + " (1 = no closer than unseen rows)"}};
  page.html += table({"figure", "value"}, figs, "compact");
}

}  // namespace

void privacy_section(Page& page, const ReportInput& in) {
  const auto& p = in.evaluation.privacy;
  page.html += "<section id=\"privacy\"><h2>Privacy</h2>\n";
  page.html += good_looks_like(
      "No exact copies, and the synthetic rows&rsquo; distances to their closest real row (orange) look like the real "
      "rows&rsquo; distances to each other (blue): a pile-up at 0 means copying, a curve far to the right means the "
      "synthetic rows are unlike the real ones.");
  if (p.dcr.empty() || p.real_nn.empty()) {
    page.html += left_out("DCR histogram left out: no distances were computed.");
    page.html += "</section>\n";
    return;
  }
  double hi = 0.0;
  for (double v : p.dcr) hi = std::max(hi, v);
  for (double v : p.real_nn) hi = std::max(hi, v);
  const std::vector<double> edges = equal_edges(0.0, hi > 0 ? hi : 1.0, 40);
  const Histogram hs = histogram(p.dcr, edges), hr = histogram(p.real_nn, edges);
  std::vector<double> centres;
  for (size_t k = 0; k + 1 < edges.size(); ++k) centres.push_back(0.5 * (edges[k] + edges[k + 1]));
  json data = json::array();
  data.push_back({{"type", "bar"},
                  {"name", "synthetic row to its closest real row"},
                  {"x", nums(centres)},
                  {"y", nums(hs.density)},
                  {"marker", {{"color", kSyntheticColour}}},
                  {"opacity", 0.7}});
  data.push_back({{"type", "bar"},
                  {"name", "real row to its closest other real row"},
                  {"x", nums(centres)},
                  {"y", nums(hr.density)},
                  {"marker", {{"color", kRealColour}}},
                  {"opacity", 0.6}});
  json layout = {{"barmode", "overlay"},
                 {"bargap", 0.02},
                 {"title", "Distance to closest record (DCR), standardised units; dashed: medians"},
                 {"xaxis", axis("distance")},
                 {"yaxis", axis("density")}};
  layout["shapes"] = json::array();
  for (auto [value, colour] : {std::pair{p.dcr_median, kSyntheticColour}, std::pair{p.real_nn_median, kRealColour}})
    layout["shapes"].push_back({{"type", "line"},
                                {"yref", "paper"},
                                {"y0", 0},
                                {"y1", 1},
                                {"x0", num(value)},
                                {"x1", num(value)},
                                {"line", {{"color", colour}, {"dash", "dash"}, {"width", 2}}}});
  page.html += page.chart(data, layout, 360);
  std::vector<std::vector<std::string>> figs = {
      {"exact copies",
       fmt::format("{} of {} synthetic rows", show_int(p.exact_copies), show_int(in.evaluation.synthetic_rows))},
      {"median DCR (synthetic &rarr; real)", show(p.dcr_median)},
      {"5th percentile DCR", show(p.dcr_p05) + " (near 0: a minority of near-copies)"},
      {"median real &rarr; other real", show(p.real_nn_median)},
      {"DCR ratio", show(p.dcr_ratio)},
      {"DCR baseline protection",
       fmt::format("{} (synthetic median {} vs random rows {}, SDMetrics&rsquo; distance)", show(p.baseline_protection),
                   show(p.baseline_synthetic_median), show(p.baseline_random_median))}};
  page.html += table({"figure", "value"}, figs, "compact");
  holdout_figures(page, in.evaluation);
  std::vector<std::vector<std::string>> rows;
  for (size_t k = 0; k < centres.size(); ++k)
    rows.push_back({show(edges[k]) + " &ndash; " + show(edges[k + 1]), show_int(hs.counts[k]), show_int(hr.counts[k])});
  page.html += numbers("Histogram counts", table({"distance", "synthetic rows", "real rows"}, rows, "compact"));
  page.html += "</section>\n";
}

}  // namespace synthtab::report
