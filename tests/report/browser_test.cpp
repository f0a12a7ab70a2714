// The report as a user gets it: made by the CLI, opened in a real headless Chromium (Debian's
// `chromium`, installed by scripts/install-deps.sh). The page's own script writes
// "charts=N drawn=M errors=K" into #render-status once every Plotly.newPlot has finished, and the
// text of any script error or console.error into #render-errors.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <regex>
#include <string>
#include <utility>

#include "report/hostile_names.hpp"
#include "support/cli_runner.hpp"
#include "support/test_paths.hpp"

namespace synthtab {
namespace {

using testing::data_path;
using testing::read_text;
using testing::scratch_dir;
using testing::write_text;

namespace fs = std::filesystem;

const std::string kTarget = "\"MRR (Monthly Recurring Revenue)\"";

using RunResult = testing::CommandResult;

RunResult shell(const std::string& command, const fs::path& dir) { return testing::run_shell(command, dir); }
RunResult cli(const std::string& args, const fs::path& dir) { return testing::run_cli(args, dir); }

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// Where the artefacts a person may want to look at go: the build tree.
fs::path artefacts() {
  const fs::path dir = fs::path(SYNTHTAB_BINARY_DIR) / "report_artifacts";
  fs::create_directories(dir);
  return dir;
}

std::string chromium_command(const fs::path& profile) {
  // Root needs --no-sandbox; a fresh profile keeps runs independent; the virtual time budget lets
  // the page's scripts finish before the DOM is dumped or the screenshot taken; no host name
  // resolves, so the page must draw without a network.
  return "timeout 120 chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --no-first-run "
         "--host-resolver-rules=\"MAP * ~NOTFOUND\" "
         "--enable-logging=stderr --v=0 --virtual-time-budget=30000 --user-data-dir=" +
         profile.string() + " ";
}

struct Rendered {
  int charts = -1, drawn = -1, errors = -1;
  std::string error_text;
  std::string console;  // Chromium's "CONSOLE" log lines
  std::string dom;      // the page's DOM after its scripts ran
};

// Opens `html` in Chromium and reads what the page reported about its charts.
Rendered render(const fs::path& html, const fs::path& dir) {
  const RunResult r =
      shell(chromium_command(dir / "profile-dom") + "--dump-dom file://" + fs::absolute(html).string(), dir);
  EXPECT_EQ(r.exit_code, 0) << "chromium failed (run scripts/install-deps.sh to install it): " << r.err.substr(0, 2000);
  Rendered out;
  out.dom = r.out;
  std::smatch m;
  static const std::regex status("<pre id=\"render-status\">charts=(\\d+) drawn=(\\d+) errors=(\\d+)</pre>");
  if (std::regex_search(r.out, m, status)) {
    out.charts = std::stoi(m[1]);
    out.drawn = std::stoi(m[2]);
    out.errors = std::stoi(m[3]);
  }
  static const std::regex errors("<pre id=\"render-errors\">([^<]*)</pre>");
  if (std::regex_search(r.out, m, errors)) out.error_text = m[1];
  std::stringstream lines(r.err);
  for (std::string line; std::getline(lines, line);)
    if (line.find("CONSOLE") != std::string::npos) out.console += line + "\n";
  return out;
}

Rendered expect_drawn(const fs::path& html, const fs::path& dir) {
  const std::string source = read_text(html);
  const auto containers = static_cast<int>(count(source, "<div class=\"chart"));
  EXPECT_GT(containers, 0);
  Rendered r = render(html, dir);
  EXPECT_EQ(r.charts, containers) << "the page's script ran and found every chart container";
  EXPECT_EQ(r.drawn, containers) << "every container holds a drawn plot (.main-svg)";
  EXPECT_EQ(r.errors, 0) << r.error_text;
  EXPECT_EQ(r.console.find("Uncaught"), std::string::npos) << r.console;
  EXPECT_EQ(r.console.find("rror"), std::string::npos) << r.console;
  return r;
}

TEST(ReportBrowser, RoiReportRendersWithoutErrors) {
  const auto dir = scratch_dir("report-browser-roi");
  const auto synthetic = dir / "roi_synthetic.csv";
  ASSERT_EQ(cli("generate " + data_path("ROI.csv") + " -n 2000 -o " + synthetic.string() + " --seed 7 --quiet", dir)
                .exit_code,
            0);
  const fs::path html = artefacts() / "ROI_report.html";
  const RunResult r =
      cli("report " + data_path("ROI.csv") + " " + synthetic.string() + " -o " + html.string() + " --target " + kTarget,
          dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Wrote the report to"), std::string::npos) << r.out;
  const auto size = fs::file_size(html);
  EXPECT_LT(size, 5u * 1024 * 1024) << "a single file under 5 MB";
  expect_drawn(html, dir);
  EXPECT_EQ(count(read_text(html), "<div class=\"chart"), 14u) << "every section drawn for ROI with a target";

  const fs::path png = artefacts() / "report_screenshot.png";
  fs::remove(png);
  const RunResult shot = shell(chromium_command(dir / "profile-shot") + "--screenshot=" + png.string() +
                                   " --window-size=1280,4000 file://" + html.string(),
                               dir);
  ASSERT_EQ(shot.exit_code, 0) << shot.err.substr(0, 2000);
  ASSERT_TRUE(fs::exists(png));
  EXPECT_GT(fs::file_size(png), 100u * 1024) << "a real page, not a blank one";
  EXPECT_EQ(read_text(png).substr(1, 3), "PNG");
}

// The S-curve page of `curve --report`: every chart drawn, the verdict and the figures on it; with
// synthetic rows from a flow model, their chart too; and a stock's page as well.
TEST(ReportBrowser, CurveReportDrawsTheSCurveSection) {
  const auto dir = scratch_dir("report-browser-curve");
  const std::string columns = " --spend 'Google ads' --response " + kTarget;
  const fs::path html = artefacts() / "ROI_curve.html";
  const fs::path json = dir / "curve.json";
  const fs::path copula = dir / "roi_copula.synthtab", cart = dir / "roi_cart.synthtab";
  for (const auto& [model, path] : {std::pair{"copula", copula}, std::pair{"cart", cart}})
    ASSERT_EQ(cli("fit " + data_path("ROI.csv") + " --model " + model + " -o " + path.string() + " -q", dir).exit_code,
              0);
  const RunResult r = cli("curve " + data_path("ROI.csv") + columns + " --bootstrap 20 --report " + html.string() +
                              " --json " + json.string() + " --model " + copula.string(),
                          dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Wrote the report to"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(json));
  expect_drawn(html, dir);
  const std::string page = read_text(html);
  EXPECT_EQ(count(page, "<div class=\"chart"), 4u)
      << "curve, return of the next unit, the model's rows at planned spends, decomposition";
  EXPECT_EQ(count(page, "\"type\":\"box\""), 1u);
  for (const char* text : {"Where the next dollar goes", "Verdict for Google ads:", "Every candidate compared",
                           "--time column", "Every estimate with its interval", "The model's rows at planned spends",
                           "Each box is 1000 rows the copula model draws"})
    EXPECT_NE(page.find(text), std::string::npos) << text;

  const auto synthetic = dir / "roi_synthetic.csv";
  ASSERT_EQ(
      cli("generate " + data_path("ROI.csv") + " -n 500 -o " + synthetic.string() + " --seed 7 --quiet", dir).exit_code,
      0);
  const fs::path with_synthetic = artefacts() / "ROI_curve_synthetic.html";
  ASSERT_EQ(cli("curve " + data_path("ROI.csv") + columns +
                    " --bootstrap 20 --adstock none --trend none "
                    "--response-kind flow --synthetic " +
                    synthetic.string() + " --report " + with_synthetic.string() + " -q",
                dir)
                .exit_code,
            0);
  expect_drawn(with_synthetic, dir);
  EXPECT_EQ(count(read_text(with_synthetic), "<div class=\"chart"), 4u) << "and the synthetic rows' chart";

  const fs::path stock = artefacts() / "ROI_curve_stock.html";
  ASSERT_EQ(cli("curve " + data_path("ROI.csv") + columns +
                    " --bootstrap 20 --response-kind stock --shape hill --adstock none --synthetic " +
                    synthetic.string() + " --report " + stock.string() + " --model " + cart.string() + " -q",
                dir)
                .exit_code,
            0);
  expect_drawn(stock, dir);
  const std::string stock_page = read_text(stock);
  EXPECT_NE(stock_page.find("Synthetic rows are not drawn here"), std::string::npos);
  EXPECT_NE(stock_page.find("over 12 periods"), std::string::npos);
  EXPECT_NE(stock_page.find("Rows at planned spends are not drawn: the cart model cannot hold"), std::string::npos);

  // generate --report with --spend and --response: the same section in the synthetic-data report.
  const fs::path generated = artefacts() / "ROI_generate_curve.html";
  const RunResult g = cli("generate " + data_path("ROI.csv") + " -n 300 -o " + (dir / "g.csv").string() + " --report " +
                              generated.string() + columns + " -q",
                          dir);
  ASSERT_EQ(g.exit_code, 0) << g.err;
  expect_drawn(generated, dir);
  const std::string report = read_text(generated);
  EXPECT_NE(report.find("<section id=\"curve\">"), std::string::npos);
  EXPECT_NE(report.find("href=\"#curve\""), std::string::npos);
  const RunResult no_report =
      cli("generate " + data_path("ROI.csv") + " -n 30 -o " + (dir / "h.csv").string() + columns, dir);
  EXPECT_EQ(no_report.exit_code, 2);
  EXPECT_NE(no_report.err.find("give --report"), std::string::npos) << no_report.err;
}

TEST(ReportBrowser, AllCategoricalReportRenders) {
  const auto dir = scratch_dir("report-browser-categorical");
  std::string real = "channel,region\n", synthetic = "channel,region\n";
  const char* channels[] = {"search", "social", "email", "tv"};
  const char* regions[] = {"north", "south"};
  for (int i = 0; i < 40; ++i) real += std::string(channels[i % 4]) + "," + regions[(i / 3) % 2] + "\n";
  for (int i = 0; i < 80; ++i) synthetic += std::string(channels[(i * 3) % 4]) + "," + regions[(i / 5) % 2] + "\n";
  write_text(dir / "real.csv", real);
  write_text(dir / "synthetic.csv", synthetic);
  const fs::path html = artefacts() / "categorical_report.html";
  const RunResult r = cli("report " + (dir / "real.csv").string() + " " + (dir / "synthetic.csv").string() + " -o " +
                              html.string() + " --quiet",
                          dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  const std::string text = read_text(html);
  EXPECT_NE(text.find("ML efficacy left out: no --target column was given. Set --target to a column."),
            std::string::npos);
  EXPECT_NE(text.find("Correlation maps left out"), std::string::npos);
  expect_drawn(html, dir);
}

TEST(ReportBrowser, HostileNamesDrawEveryChartAndMakeNoLinks) {
  // "<!--<script" in the data block would swallow the renderer (no chart drawn); "<a href>" in a
  // Plotly title, tick label or legend would become a live link in the chart's SVG.
  const auto dir = scratch_dir("report-browser-hostile");
  const auto [real, synthetic] = testing::hostile_tables();
  write_text(dir / "real.csv", real);
  write_text(dir / "synthetic.csv", synthetic);
  const fs::path html = artefacts() / "hostile_names_report.html";
  const RunResult r = cli("report " + (dir / "real.csv").string() + " " + (dir / "synthetic.csv").string() + " -o " +
                              html.string() + " --color '" + testing::kHostileChannel + "' --no-topology --quiet",
                          dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Rendered page = expect_drawn(html, dir);
  EXPECT_EQ(page.error_text, "");
  // Serialised, a name that Plotly took as markup is an <a> element in the chart's SVG; shown as
  // text it comes out as "&lt;a". The page's only links are its own navigation (#section).
  std::string markup = page.dom;  // the DOM without the scripts' text (the bundle holds "<a")
  for (size_t a = markup.find("<script"); a != std::string::npos; a = markup.find("<script", a))
    markup.erase(a, markup.find("</script>", a) + 9 - a);
  static const std::regex anchor("<a\\b[^>]*>");
  int anchors = 0;
  for (auto it = std::sregex_iterator(markup.begin(), markup.end(), anchor); it != std::sregex_iterator();
       ++it, ++anchors)
    EXPECT_EQ(it->str().rfind("<a href=\"#", 0), 0u) << "a name became markup: " << it->str();
  EXPECT_EQ(anchors, 8) << "the navigation's links";
  EXPECT_NE(markup.find(">channel &lt;a href=\"x\"&gt;y&lt;/a&gt;</text>"), std::string::npos)
      << "the axis title shows the name as text";
}

TEST(ReportBrowser, GenerateWritesAReportWithTheRun) {
  const auto dir = scratch_dir("report-browser-generate");
  const auto out = dir / "roi.csv";
  const auto html = dir / "roi.html";
  const RunResult r =
      cli("generate " + data_path("ROI.csv") + " -n 500 -o " + out.string() + " --model copula --report " +
              html.string() + " --target " + kTarget + " --x Month --y \"Google ads\" --color Year",
          dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Wrote the report to " + html.string()), std::string::npos) << r.out;
  const std::string text = read_text(html);
  EXPECT_EQ(text.find("Not known: this report compares two files"), std::string::npos);
  EXPECT_NE(text.find("<strong>copula</strong>"), std::string::npos) << "the model is named";
  EXPECT_NE(text.find("Unnamed: 0"), std::string::npos) << "the preparation log and column types are shown";
  EXPECT_NE(text.find("time to fit"), std::string::npos);
  EXPECT_NE(text.find("<h3>Google ads against Month</h3>"), std::string::npos);
  EXPECT_NE(text.find("Predicted vs actual"), std::string::npos);
}

TEST(ReportBrowser, UnknownColumnsAreUsageErrors) {
  const auto dir = scratch_dir("report-browser-usage");
  const auto html = dir / "r.html";
  RunResult r = cli(
      "report " + data_path("ROI.csv") + " " + data_path("ROI.csv") + " -o " + html.string() + " --x Spend --y Month",
      dir);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--x names no column: \"Spend\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\"Google ads\""), std::string::npos) << "the columns are listed: " << r.err;
  EXPECT_FALSE(fs::exists(html));
  r = cli("report " + data_path("ROI.csv") + " " + data_path("ROI.csv") + " -o " + html.string() + " --target Revenue",
          dir);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("Revenue"), std::string::npos) << r.err;
  // generate refuses before fitting.
  r = cli("generate " + data_path("ROI.csv") + " -o " + (dir / "s.csv").string() + " --report " + html.string() +
              " --color Colour",
          dir);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--color names no column: \"Colour\""), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "s.csv"));
  EXPECT_FALSE(fs::exists(html));
}

}  // namespace
}  // namespace synthtab
