#include <cmath>

#include <fmt/format.h>

#include "synthtab/report/page.hpp"

namespace synthtab::report {

void rules_section(Page& page, const ReportInput& in) {
  const auto& rules = in.evaluation.rules;
  page.html += "<section id=\"rules\"><h2>Business rules</h2>\n";
  page.html += good_looks_like(
      "Every rule the real rows keep (found in them, or declared) is kept by the synthetic rows as often: shares that "
      "sum to 1, a start before its end, a total equal to its parts, one country per city. A rule the synthetic rows "
      "break more often than the real ones is a row a reader would call impossible.");
  if (rules.empty()) {
    page.html += left_out(
        "No rule found: no columns sum to a constant or to another column, no inequality holds in every row, no label "
        "fixes another, no values sit on a grid or a bound.");
    page.html += "</section>\n";
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < rules.size(); ++i) {
    const auto& rule = rules[i];
    const auto share = [](double x) { return std::isfinite(x) ? show(100.0 * x) + " %" : std::string("&ndash;"); };
    // Kept less often than in the real rows by more than sampling noise allows on 20 rows.
    const bool worse = std::isfinite(rule.synthetic) && rule.synthetic < rule.real - 0.05;
    rows.push_back({show_int(static_cast<int64_t>(i + 1)), "<code>" + esc(rule.formula) + "</code>", esc(rule.sentence),
                    share(rule.real),
                    worse ? "<span class=\"" + level_class(Level::Poor) + "\">" + share(rule.synthetic) + "</span>"
                          : share(rule.synthetic)});
  }
  page.html += table({"#", "rule", "in words", "real rows keeping it", "synthetic rows keeping it"}, rows);
  page.html += "</section>\n";
}

}  // namespace synthtab::report
