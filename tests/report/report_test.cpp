// The HTML report from the library: structure, partial inputs, determinism, verdicts.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "report/hostile_names.hpp"
#include "support/test_paths.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/eval/evaluation_input.hpp"
#include "synthtab/report/plotly_asset.hpp"
#include "synthtab/report/report.hpp"
#include "synthtab/report/verdicts.hpp"

namespace synthtab::report {
namespace {

using testing::data_path;
using testing::scratch_dir;
using testing::write_text;

const std::string kTarget = "MRR (Monthly Recurring Revenue)";

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// The real ROI table and a synthetic one made by jittering it (no model needed here).
ReportInput roi_report(const std::string& dir_name, ReportOptions options = {}) {
  const auto dir = scratch_dir(dir_name);
  std::string csv = ",Google ads,MRR (Monthly Recurring Revenue),Month,Year\n";
  const auto real_text = testing::read_text(data_path("ROI.csv"));
  // 60 synthetic rows: each real row with spend and revenue scaled a little.
  int row = 0;
  for (int copy = 0; copy < 3; ++copy) {
    size_t start = real_text.find('\n') + 1;
    while (start < real_text.size()) {
      const size_t end = real_text.find('\n', start);
      std::string line = real_text.substr(start, end - start);
      start = end == std::string::npos ? real_text.size() : end + 1;
      if (line.empty()) continue;
      std::vector<std::string> cells;
      std::stringstream ss(line);
      for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
      const double factor = 0.9 + 0.07 * copy + 0.003 * row;
      csv += std::to_string(100 + row++) + "," + std::to_string(std::stod(cells[1]) * factor) + "," +
             std::to_string(std::stod(cells[2]) / factor) + "," + cells[3] + "," + cells[4] + "\n";
    }
  }
  write_text(dir / "synthetic.csv", csv);
  auto input = eval::read_evaluation_pair(data_path("ROI.csv"), (dir / "synthetic.csv").string());
  return prepare_report(std::move(input.real), std::move(input.synthetic), options, std::nullopt, input.notes);
}

ReportInput csv_report(const std::string& dir_name, const std::string& real_csv, const std::string& synthetic_csv,
                       ReportOptions options = {}) {
  const auto dir = scratch_dir(dir_name);
  write_text(dir / "real.csv", real_csv);
  write_text(dir / "synthetic.csv", synthetic_csv);
  auto input = eval::read_evaluation_pair((dir / "real.csv").string(), (dir / "synthetic.csv").string());
  return prepare_report(std::move(input.real), std::move(input.synthetic), options, std::nullopt, input.notes);
}

// Everything but the Plotly bundle: the report's own markup and data.
std::string own_part(const std::string& html) {
  const std::string bundle_start = "<script>" + std::string(plotly_js().substr(0, 40));
  const size_t a = html.find(bundle_start);
  EXPECT_NE(a, std::string::npos) << "the Plotly bundle is inlined";
  const size_t b = html.find("</script>", a);
  return html.substr(0, a) + html.substr(b);
}

nlohmann::json figures(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"report-data\">";
  const size_t a = html.find(open);
  EXPECT_NE(a, std::string::npos);
  const size_t b = html.find("</script>", a);
  std::string text = html.substr(a + open.size(), b - a - open.size());
  return nlohmann::json::parse(text)["figures"];  // "<\/" is a valid JSON escape of "</"
}

// A valid, self-contained page: one figure per chart container, nothing fetched from outside.
void expect_valid_page(const std::string& html) {
  ASSERT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  const std::string own = own_part(html);
  const auto figs = figures(html);
  EXPECT_EQ(count(own, "class=\"chart"), figs.size());
  for (size_t i = 0; i < figs.size(); ++i) {
    EXPECT_NE(own.find("data-figure=\"" + std::to_string(i) + "\""), std::string::npos) << i;
    EXPECT_FALSE(figs[i]["data"].empty()) << "figure " << i << " has traces";
  }
  EXPECT_EQ(count(own, "<script src"), 0u);
  EXPECT_EQ(count(own, "<link"), 0u);
  EXPECT_EQ(count(own, "http://"), 0u);
  EXPECT_EQ(count(own, "https://"), 0u);
  EXPECT_EQ(count(own, "url("), 0u);
  // Every section is present, drawn or explained.
  for (const char* id : {"headline", "preparation", "columns", "pairs", "efficacy", "geometry", "privacy"})
    EXPECT_NE(own.find(std::string("<section id=\"") + id + "\""), std::string::npos) << id;
  EXPECT_EQ(count(own, "<section"), count(own, "</section>"));
}

TEST(Report, RoiWithTargetHasEveryChart) {
  ReportOptions options;
  options.target = kTarget;
  const ReportInput input = roi_report("report-roi", options);
  const std::string html = render_html(input);
  expect_valid_page(html);
  EXPECT_LT(html.size(), 5u * 1024 * 1024);
  EXPECT_TRUE(input.evaluation.ml_efficacy.has_value());
  EXPECT_EQ(input.evaluation.geometry.size(), 3u);
  EXPECT_TRUE(input.evaluation.topology.has_value());
  // 4 numeric/categorical column charts, 3 heatmaps, 1 scatter, 2 efficacy, 2 geometry, 1 topology, 1 DCR.
  EXPECT_EQ(figures(html).size(), 14u);
  EXPECT_NE(html.find("Predicted vs actual"), std::string::npos);
  EXPECT_NE(html.find("Persistence diagrams"), std::string::npos);
  EXPECT_NE(html.find("Not known: this report compares two files"), std::string::npos);
  EXPECT_NE(html.find("Unnamed: 0"), std::string::npos) << "the ID column left out is named";
  // The default scatter pair is the most correlated numeric pair of the real table.
  EXPECT_NE(html.find("<h3>MRR (Monthly Recurring Revenue) against Google ads</h3>"), std::string::npos);
  // Two files and no model: TSTR is in sample, and says so.
  EXPECT_NE(html.find("scored on the rows the generator learned from, so it is optimistic"), std::string::npos);
  EXPECT_EQ(html.find("cross-fitted"), std::string::npos);
}

TEST(Report, SameInputSameBytes) {
  const std::string a = render_html(roi_report("report-same-a"));
  const std::string b = render_html(roi_report("report-same-b"));
  EXPECT_EQ(a, b);
}

TEST(Report, NoTargetSaysWhy) {
  const std::string html = render_html(roi_report("report-no-target"));
  expect_valid_page(html);
  EXPECT_NE(html.find("ML efficacy left out: no `target` column was given. Set `target` to a column."),
            std::string::npos);
  EXPECT_EQ(html.find("Predicted vs actual"), std::string::npos);
}

TEST(Report, OneColumnLeavesOutPairs) {
  std::string real = "spend\n", synthetic = "spend\n";
  // Repeated decimal values, so the column does not look like an ID.
  for (int i = 0; i < 30; ++i) real += std::to_string(100.5 + 3.25 * (i % 11)) + "\n";
  for (int i = 0; i < 50; ++i) synthetic += std::to_string(98.5 + 2.75 * (i % 13)) + "\n";
  const ReportInput input = csv_report("report-one-column", real, synthetic);
  const std::string html = render_html(input);
  expect_valid_page(html);
  EXPECT_NE(html.find("Correlation maps left out: they need at least two numeric columns and the table has 1."),
            std::string::npos);
  EXPECT_NE(html.find("Scatter plot left out: it needs two numeric columns and the table has 1."), std::string::npos);
  EXPECT_NE(html.find("column shapes"), std::string::npos);
  EXPECT_NE(html.find("one column: no pairs"), std::string::npos);
}

TEST(Report, AllCategoricalTable) {
  std::string real = "channel,region\n", synthetic = "channel,region\n";
  const char* channels[] = {"search", "social", "email", "tv"};
  const char* regions[] = {"north", "south"};
  for (int i = 0; i < 40; ++i) real += std::string(channels[i % 4]) + "," + regions[(i / 3) % 2] + "\n";
  for (int i = 0; i < 80; ++i) synthetic += std::string(channels[(i * 3) % 4]) + "," + regions[(i / 5) % 2] + "\n";
  ReportOptions options;
  options.target = "channel";
  const ReportInput input = csv_report("report-categorical", real, synthetic, options);
  const std::string html = render_html(input);
  expect_valid_page(html);
  EXPECT_NE(html.find("Correlation maps left out: they need at least two numeric columns and the table has 0."),
            std::string::npos);
  EXPECT_NE(html.find("Share of rows per label"), std::string::npos);
  EXPECT_NE(html.find("Confusion matrix"), std::string::npos) << "a categorical target: classification";
}

TEST(Report, ConstantColumnGetsAHistogramAndGeometryIsExplained) {
  // Every real value equal: no density curve, and the point cloud is degenerate for geometry.
  std::string real = "flag\n", synthetic = "flag\n";
  for (int i = 0; i < 10; ++i) real += "5\n";
  for (int i = 0; i < 12; ++i) synthetic += "5\n";
  const ReportInput input = csv_report("report-constant", real, synthetic);
  const std::string html = render_html(input);
  expect_valid_page(html);
  EXPECT_NE(html.find("histogram: too few distinct values"), std::string::npos);
  EXPECT_NE(html.find("Geometry left out: "), std::string::npos);
  EXPECT_NE(html.find("Topology left out: "), std::string::npos);
}

TEST(Report, TargetTooSmallLeavesOutEfficacyOnly) {
  std::string real = "a,b\n", synthetic = "a,b\n";
  for (int i = 0; i < 6; ++i)
    real += std::to_string(i) + "," + (i < 3 ? std::to_string(i * 2) : std::string("")) + "\n";
  for (int i = 0; i < 9; ++i) synthetic += std::to_string(i) + "," + std::to_string(i + 1) + "\n";
  ReportOptions options;
  options.target = "b";
  const ReportInput input = csv_report("report-small-target", real, synthetic, options);
  EXPECT_FALSE(input.evaluation.ml_efficacy.has_value());
  const std::string html = render_html(input);
  expect_valid_page(html);
  EXPECT_NE(html.find("ML efficacy left out: ML efficacy needs at least 4 rows"), std::string::npos);
  EXPECT_EQ(html.find("no `target` column was given"), std::string::npos) << "a target was given: only the real reason";
  EXPECT_EQ(input.evaluation.geometry.size(), 3u) << "the rest of the report stays";
}

TEST(Report, ChartOptionsNameAColumn) {
  const auto dir = scratch_dir("report-options");
  auto input = eval::read_evaluation_pair(data_path("ROI.csv"), data_path("ROI.csv"));
  try {
    check_chart_options(input.real, {"Google ad", "Month", ""});
    FAIL() << "an unknown --x column is refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Usage);
    EXPECT_NE(std::string(e.what()).find("`x` names no column: \"Google ad\""), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("\"Google ads\", \"MRR (Monthly Recurring Revenue)\", \"Month\", \"Year\""),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(check_chart_options(input.real, {"Month", "", ""}), Error);
  EXPECT_THROW(check_chart_options(input.real, {"", "", "Colour"}), Error);
  EXPECT_NO_THROW(check_chart_options(input.real, {"Month", "Google ads", "Year"}));
  // A chosen pair and colour are drawn as asked.
  ReportOptions options;
  options.charts = {"Month", "Google ads", "Year"};
  const std::string html = render_html(prepare_report(input.real, input.synthetic, options));
  EXPECT_NE(html.find("<h3>Google ads against Month</h3>"), std::string::npos);
  EXPECT_NE(html.find("colour: Year"), std::string::npos);
}

TEST(Report, EmbedsThePinnedPlotlyBundleByteForByte) {
  const std::string file = testing::read_text(std::string(SYNTHTAB_SOURCE_DIR) +
                                              "/web/node_modules/plotly.js-cartesian-dist-min/plotly-cartesian.min.js");
  ASSERT_GT(file.size(), 1000000u);
  EXPECT_TRUE(plotly_js() == file) << "the generated source holds the bundle unchanged";
  const std::string lock = testing::read_text(std::string(SYNTHTAB_SOURCE_DIR) + "/web/package-lock.json");
  const auto pinned = nlohmann::json::parse(lock)["packages"]["node_modules/plotly.js-cartesian-dist-min"]["version"];
  EXPECT_EQ(std::string(plotly_version()), pinned.get<std::string>());
  EXPECT_NE(file.find("plotly.js (cartesian - minified) v" + pinned.get<std::string>()), std::string::npos);
}

// Six numeric columns; in the synthetic rows y is shuffled, so every column keeps its shape and
// most pairs their (weak) correlation, but the one strong relationship, x-y, is gone.
std::pair<std::string, std::string> broken_relationship_tables() {
  constexpr int kRows = 200;
  uint64_t state = 12;
  const auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<double>(state >> 11) / 9007199254740992.0;
  };
  std::vector<std::vector<double>> cols(6, std::vector<double>(kRows));
  for (int r = 0; r < kRows; ++r) {
    cols[0][r] = std::round(1000 * next()) / 8.0;
    cols[1][r] = std::round(2 * cols[0][r] + 100 * next()) / 4.0;
    for (int c = 2; c < 6; ++c) cols[c][r] = std::round(1000 * next()) / 8.0;
  }
  std::string real = "x,y,a,b,c,d\n", synthetic = real;
  for (int r = 0; r < kRows; ++r) {
    const int shuffled = (r * 37 + 11) % kRows;  // 37 and 200 are coprime: a permutation
    for (int c = 0; c < 6; ++c) {
      real += fmt::format("{}{}", c ? "," : "", cols[c][r]);
      synthetic += fmt::format("{}{}", c ? "," : "", cols[c][c == 1 ? shuffled : r]);
    }
    real += "\n";
    synthetic += "\n";
  }
  return {real, synthetic};
}

TEST(Report, BadlyKeptStrongRelationshipCapsTheQualityVerdict) {
  const auto [real, synthetic] = broken_relationship_tables();
  ReportOptions options;
  options.geometry = options.topology = false;
  const ReportInput input = csv_report("report-broken-relationship", real, synthetic, options);
  const auto& e = input.evaluation;
  ASSERT_TRUE(e.relationships.worst);
  EXPECT_EQ(e.relationships.worst->column_a, "x");
  EXPECT_EQ(e.relationships.worst->column_b, "y");
  EXPECT_GT(e.relationships.worst->real, 0.9);
  EXPECT_GT(e.relationships.strongest_max_change, 0.2);
  // The average alone would say "Excellent": the cap is what changes the headline.
  ASSERT_GE(e.quality.overall, 0.9);
  EXPECT_EQ(quality_verdict(e.quality.overall).level, Level::Good);
  const std::string html = render_html(input);
  expect_valid_page(html);
  EXPECT_EQ(html.find("Excellent"), std::string::npos);
  EXPECT_NE(html.find("Fair: columns match on average, but a strong relationship between columns is badly kept"),
            std::string::npos);
  EXPECT_NE(html.find("<code>x</code> &ndash; <code>y</code> (Pearson r): the worst kept of the"), std::string::npos);
  EXPECT_NE(html.find("A strong relationship between columns is badly kept."), std::string::npos);
  EXPECT_NE(html.find("<h3>Strongest relationships</h3>"), std::string::npos);
  // The table lists x-y first (the strongest real pair).
  const size_t table_at = html.find("<h3>Strongest relationships</h3>");
  EXPECT_LT(html.find("<td>x</td><td>y</td>", table_at), html.find("<td>a</td>", table_at));

  // The same tables with the relationship kept: no cap, the card is good.
  const ReportInput kept = csv_report("report-kept-relationship", real, real, options);
  EXPECT_NE(render_html(kept).find("Excellent"), std::string::npos);
  EXPECT_EQ(relationship_verdict(kept.evaluation.relationships.strongest_max_change).level, Level::Good);
}

TEST(Report, HoldoutGetsACardAndASection) {
  const auto [real, synthetic] = broken_relationship_tables();
  const auto dir = scratch_dir("report-holdout");
  // Training: the first 100 real rows; holdout: the other 100; synthetic: training rows copied.
  std::string training, holdout, header = real.substr(0, real.find('\n') + 1);
  std::stringstream lines(real.substr(header.size()));
  int r = 0;
  for (std::string line; std::getline(lines, line); ++r) (r < 100 ? training : holdout) += line + "\n";
  write_text(dir / "training.csv", header + training);
  write_text(dir / "holdout.csv", header + holdout);
  write_text(dir / "synthetic.csv", header + training);
  auto input = eval::read_evaluation_files((dir / "training.csv").string(), (dir / "synthetic.csv").string(),
                                           (dir / "holdout.csv").string());
  ASSERT_TRUE(input.holdout);
  ReportOptions options;
  options.geometry = options.topology = false;
  const ReportInput in = prepare_report(std::move(input.real), std::move(input.synthetic), options, std::nullopt,
                                        input.notes, std::move(input.holdout));
  ASSERT_TRUE(in.evaluation.privacy.holdout);
  EXPECT_EQ(in.evaluation.privacy.holdout->closer_to_training_share, 1.0);
  const std::string html = render_html(in);
  expect_valid_page(html);
  EXPECT_NE(html.find("Closer to training than holdout"), std::string::npos);
  EXPECT_NE(html.find("<h3>Against a holdout</h3>"), std::string::npos);
  EXPECT_NE(html.find("memorised"), std::string::npos);
  // Without a holdout the estimate is shown instead.
  const std::string plain = render_html(csv_report("report-no-holdout", real, synthetic, options));
  EXPECT_EQ(plain.find("Against a holdout"), std::string::npos);
  EXPECT_NE(plain.find("an estimate of how often real rows the generator never saw"), std::string::npos);
}

// The raw text of the page's data block, as the HTML tokenizer sees it.
std::string data_block(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"report-data\">";
  const size_t a = html.find(open);
  EXPECT_NE(a, std::string::npos);
  if (a == std::string::npos) return "";
  const size_t b = html.find("</script>", a);
  return html.substr(a + open.size(), b - a - open.size());
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

void collect_strings(const nlohmann::json& value, std::vector<std::string>& out) {
  if (value.is_string()) out.push_back(value.get<std::string>());
  if (value.is_structured())
    for (const auto& item : value) collect_strings(item, out);
}

// Plotly's own escaping of a name: & < > as entities, which it shows as the characters.
std::string plotly_escaped(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : std::string(1, c);
  return out;
}

TEST(Report, HostileNamesAndLabelsAreEscapedForTheDataBlockAndPlotly) {
  const auto [real, synthetic] = testing::hostile_tables();
  ReportOptions options;
  options.charts.color = testing::kHostileChannel;  // the labels become legend entries too
  options.topology = false;
  const ReportInput input = csv_report("report-hostile", real, synthetic, options);
  const std::string html = render_html(input);
  expect_valid_page(html);

  // The data block: nothing the HTML tokenizer reacts to inside a <script> element.
  const std::string block = data_block(html);
  ASSERT_GT(block.size(), 100u);
  EXPECT_EQ(lower(block).find("<!--"), std::string::npos);
  EXPECT_EQ(lower(block).find("<script"), std::string::npos);
  EXPECT_EQ(lower(block).find("</script"), std::string::npos);
  EXPECT_EQ(block.find_first_of("<>&"), std::string::npos) << "< > & are JSON unicode escapes";
  EXPECT_NE(block.find("\\u0026lt;"), std::string::npos) << "the & of Plotly's entities is escaped too";
  // The block ends where the page put its end: the renderer follows it.
  EXPECT_EQ(html.compare(html.find(block) + block.size(), 19, "</script>\n<script>("), 0);

  // The page's own markup (outside the bundle and the data block) shows the names as text.
  std::string own = own_part(html);
  own.erase(own.find(block), block.size());
  EXPECT_EQ(lower(own).find("<!--<script"), std::string::npos);
  EXPECT_EQ(own.find("<a href=\"x\">"), std::string::npos);
  EXPECT_NE(own.find("&lt;a href=&quot;x&quot;&gt;y&lt;/a&gt;"), std::string::npos);

  // Every string handed to Plotly is free of markup; the names reach the charts as entities.
  const auto figs = figures(html);
  std::vector<std::string> strings;
  collect_strings(figs, strings);
  for (const auto& text : strings) {
    EXPECT_EQ(text.find('<'), std::string::npos) << text;
    EXPECT_EQ(text.find('>'), std::string::npos) << text;
  }
  bool spend_axis = false, link_tick = false, label_legend = false, revenue_axis = false;
  for (const auto& figure : figs) {
    const auto& layout = figure["layout"];
    for (const char* key : {"xaxis", "yaxis", "xaxis2", "yaxis2"}) {
      if (!layout.contains(key) || !layout[key].contains("title") || !layout[key]["title"].contains("text")) continue;
      const std::string title = layout[key]["title"]["text"].get<std::string>();
      spend_axis = spend_axis || title == plotly_escaped(testing::kHostileSpend);
      revenue_axis = revenue_axis || title.find("revenue &lt;/script&gt;&lt;a href=\"x\"&gt;") == 0;
    }
    for (const auto& trace : figure["data"]) {
      if (trace.contains("x") && trace["x"].is_array())
        for (const auto& x : trace["x"]) link_tick = link_tick || x == plotly_escaped(testing::kHostileLabels[2]);
      if (trace.contains("name"))
        label_legend = label_legend || trace["name"] == plotly_escaped(testing::kHostileLabels[1]);
    }
  }
  EXPECT_TRUE(spend_axis) << "the density chart's axis title holds the escaped column name";
  EXPECT_TRUE(revenue_axis) << "the scatter's axis title holds the escaped column name";
  EXPECT_TRUE(link_tick) << "the label chart's bars hold the escaped label";
  EXPECT_TRUE(label_legend) << "the scatter's legend holds the escaped label";
}

TEST(Report, JsonInScriptEscapesWhatTheHtmlTokenizerReactsTo) {
  // The data block's own layer, whatever reaches it: names that Plotly's escaping did not touch.
  const nlohmann::json value = {{"name", "<!--<SCRIPT a></script>&amp; \xE2\x80\xA8\xE2\x80\xA9 ok"},
                                {"x", {"</script", "<!--", "a>b"}}};
  const std::string text = json_in_script(value.dump());
  EXPECT_EQ(text.find_first_of("<>&"), std::string::npos) << text;
  EXPECT_EQ(text.find("\xE2\x80\xA8"), std::string::npos) << "U+2028 escaped";
  EXPECT_EQ(text.find("\xE2\x80\xA9"), std::string::npos) << "U+2029 escaped";
  EXPECT_NE(text.find("\\u003c!--\\u003cSCRIPT a\\u003e"), std::string::npos) << text;
  EXPECT_NE(text.find("\\u2028\\u2029"), std::string::npos) << text;
  EXPECT_EQ(nlohmann::json::parse(text), value) << "JSON.parse reads back the same value";
  // Other UTF-8 (an ellipsis shares the lead byte E2 80) is left as it is.
  EXPECT_EQ(json_in_script("\"\xE2\x80\xA6\""), "\"\xE2\x80\xA6\"");
}

TEST(Report, InlinedBundleHoldsNoScriptCommentOpener) {
  // The bundle is inlined with only "</" escaped: a "<!--" or "<script" in a future Plotly would
  // put the HTML tokenizer into an escaped state and swallow the page.
  const std::string bundle = lower(std::string(plotly_js()));
  EXPECT_EQ(bundle.find("<!--"), std::string::npos);
  EXPECT_EQ(bundle.find("<script"), std::string::npos);
}

TEST(ReportVerdicts, Thresholds) {
  EXPECT_EQ(quality_verdict(0.95, 0.2).level, Level::Good);
  EXPECT_EQ(quality_verdict(0.95, 0.21).level, Level::Fair);
  EXPECT_NE(quality_verdict(0.95, 0.21).text.find("changed by 0.21"), std::string::npos);
  EXPECT_EQ(quality_verdict(0.5, 0.9).level, Level::Poor);
  EXPECT_EQ(relationship_verdict(0.1).level, Level::Good);
  EXPECT_EQ(relationship_verdict(0.15).level, Level::Fair);
  EXPECT_EQ(relationship_verdict(0.2).level, Level::Fair);
  EXPECT_EQ(relationship_verdict(0.29).level, Level::Poor);
  EXPECT_EQ(relationship_verdict(0.0, false).level, Level::None);
  EXPECT_EQ(holdout_verdict(0.02, 0.02, 0.5).level, Level::Good);
  EXPECT_EQ(holdout_verdict(0.05, 0.02, 0.5).level, Level::Fair);
  EXPECT_EQ(holdout_verdict(0.02, 0.02, 0.6).level, Level::Fair);
  EXPECT_EQ(holdout_verdict(0.10, 0.02, 0.5).level, Level::Poor);
  EXPECT_EQ(holdout_verdict(0.0, 0.0, 0.9).level, Level::Poor);
  EXPECT_EQ(quality_verdict(0.95).level, Level::Good);
  EXPECT_EQ(quality_verdict(0.85).level, Level::Good);
  EXPECT_EQ(quality_verdict(0.7).level, Level::Fair);
  EXPECT_EQ(quality_verdict(0.59).level, Level::Poor);
  EXPECT_EQ(detection_verdict(0.31).text, "A classifier can barely tell synthetic from real rows.");
  EXPECT_EQ(detection_verdict(0.6).level, Level::Good);
  EXPECT_EQ(detection_verdict(0.7).level, Level::Fair);
  EXPECT_EQ(detection_verdict(0.931).text, "A classifier easily tells synthetic from real rows.");
  EXPECT_EQ(efficacy_verdict("regression", -0.667, 0.609).level, Level::Poor);
  EXPECT_NE(efficacy_verdict("regression", -0.667, 0.609).text.find("worse than its average"), std::string::npos);
  EXPECT_EQ(efficacy_verdict("regression", 0.58, 0.609).level, Level::Good);
  EXPECT_EQ(efficacy_verdict("classification", 0.7, 0.8).level, Level::Fair);
  EXPECT_EQ(efficacy_verdict("classification", 0.5, 0.8).level, Level::Poor);
  EXPECT_EQ(copies_verdict(0, 0.0).level, Level::Good);
  EXPECT_EQ(copies_verdict(3, 0.0015).level, Level::Fair);
  EXPECT_EQ(copies_verdict(300, 0.15).level, Level::Poor);
  EXPECT_EQ(dcr_verdict(0.1).level, Level::Poor);
  EXPECT_EQ(dcr_verdict(1.03).level, Level::Good);
  EXPECT_EQ(dcr_verdict(4.13).level, Level::Fair);
}

}  // namespace
}  // namespace synthtab::report
