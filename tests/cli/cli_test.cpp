// The command line as a user runs it: exit codes, messages, files written.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "support/cli_runner.hpp"
#include "support/test_paths.hpp"

namespace synthtab {
namespace {

using testing::data_path;
using testing::read_text;
using testing::scratch_dir;

using RunResult = testing::CommandResult;

RunResult run_with_prefix(const std::string& prefix, const std::string& args, const std::filesystem::path& dir) {
  return testing::run_shell(prefix + std::string(SYNTHTAB_CLI) + " " + args, dir);
}

RunResult run(const std::string& args, const std::filesystem::path& dir) { return run_with_prefix("", args, dir); }

int64_t count_lines(const std::string& text) {
  return static_cast<int64_t>(std::count(text.begin(), text.end(), '\n'));
}

bool has_temp_files(const std::filesystem::path& dir) {
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().filename().string().find(".tmp-") != std::string::npos) return true;
  return false;
}

TEST(Cli, GenerateWritesRowsAndASummary) {
  const auto dir = scratch_dir("cli-generate");
  const auto out = dir / "roi.csv";
  const auto r = run("generate " + data_path("ROI.csv") + " -n 2000 -o " + out.string(), dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string text = read_text(out);
  EXPECT_EQ(count_lines(text), 2001);
  EXPECT_EQ(text.substr(0, text.find('\n')), "Google ads,MRR (Monthly Recurring Revenue),Month,Year");
  EXPECT_NE(r.out.find("Unnamed: 0"), std::string::npos) << r.out;  // the log names the ID
  EXPECT_NE(r.out.find("2000 synthetic rows"), std::string::npos) << r.out;
  EXPECT_TRUE(r.err.empty()) << "no progress bar when stderr is not a terminal: " << r.err;
}

// validate prints the cross-fitted figures, writes them as JSON, and a report whose ML card holds
// them; the same seed writes the same JSON.
TEST(Cli, ValidateWritesItsFiguresAndAReport) {
  const auto dir = scratch_dir("cli-validate");
  const std::string args = "validate " + data_path("ROI.csv") +
                           " --target 'MRR (Monthly Recurring Revenue)' --model copula --seed 5 --json ";
  const auto r = run(args + (dir / "a.json").string() + " --report " + (dir / "r.html").string(), dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("trained on synthetic rows (TSTR)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("in-sample TSTR"), std::string::npos) << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;
  EXPECT_NE(read_text(dir / "r.html").find("ML efficacy, cross-fitted"), std::string::npos);
  ASSERT_EQ(run(args + (dir / "b.json").string() + " -q", dir).exit_code, 0);
  EXPECT_EQ(read_text(dir / "a.json"), read_text(dir / "b.json"));
  EXPECT_FALSE(has_temp_files(dir));
}

// The models' parameter flags come from their schemas: the built-in models' at once, the
// plugin's once the plugin is loaded (for help, or a flag only a plugin model has).
TEST(Cli, ModelParameterFlagsComeFromTheModelsSchemas) {
  const auto dir = scratch_dir("cli-parameters");
  const auto help = run("generate --help", dir);
  ASSERT_EQ(help.exit_code, 0) << help.err;
  for (const char* line : {"--marginals TEXT            copula: ", "--smoothing TEXT            cart: ",
                           "--epochs TEXT:INT >= 0      ctgan, gan, tvae, wgan: training epochs",
                           "(default: 300 for ctgan, tvae; 10 for gan, wgan)"})
    EXPECT_NE(help.out.find(line), std::string::npos) << line << "\n" << help.out;
  const auto models = run("models", dir);
  EXPECT_NE(
      models.out.find("--critic-steps  critic updates per generator update (default 1; a whole number from 1 to 100)"),
      std::string::npos)
      << models.out;
  const auto out = dir / "w.csv";
  const auto wgan =
      run("generate " + data_path("ROI.csv") + " -m wgan --epochs 1 --critic-steps 2 -q -n 5 -o " + out.string(), dir);
  EXPECT_EQ(wgan.exit_code, 0) << wgan.err;
  EXPECT_EQ(count_lines(read_text(out)), 6);
}

TEST(Cli, GenerateKeepsTheInputsDecimalComma) {
  const auto dir = scratch_dir("cli-decimal");
  const auto out = dir / "m.csv";
  const auto r = run("generate " + data_path("Marketing_campaigns.csv") + " -q -n 50 -o " + out.string(), dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string text = read_text(out);
  const std::string first_row =
      text.substr(text.find('\n') + 1, text.find('\n', text.find('\n') + 1) - text.find('\n') - 1);
  // Every field of the real file is a quoted decimal-comma number; so must the synthetic ones be
  // whenever they have a decimal part, and no field may use a decimal point.
  EXPECT_EQ(first_row.find('.'), std::string::npos) << first_row;
}

TEST(Cli, QuietPrintsNothing) {
  const auto dir = scratch_dir("cli-quiet");
  const auto r = run("generate " + data_path("ROI.csv") + " -n 10 -q -o " + (dir / "o.csv").string(), dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(Cli, FitThenSampleEqualsGenerate) {
  const auto dir = scratch_dir("cli-fit-sample");
  const auto model = (dir / "roi.synthtab").string();
  ASSERT_EQ(
      run("generate " + data_path("ROI.csv") + " -q -n 3000 --seed 5 -o " + (dir / "g.csv").string(), dir).exit_code,
      0);
  ASSERT_EQ(run("fit " + data_path("ROI.csv") + " -q --seed 5 -o " + model, dir).exit_code, 0);
  const auto r = run("sample " + model + " -n 3000 -o " + (dir / "s.csv").string(), dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_text(dir / "g.csv"), read_text(dir / "s.csv"));
  // Shards of the sampled run concatenate to the whole.
  std::string joined;
  for (int i = 1; i <= 4; ++i) {
    const auto part = dir / ("p" + std::to_string(i) + ".csv");
    ASSERT_EQ(
        run("sample " + model + " -q -n 3000 --shard " + std::to_string(i) + "/4 -o " + part.string(), dir).exit_code,
        0);
    std::string text = read_text(part);
    joined += i == 1 ? text : text.substr(text.find('\n') + 1);
  }
  EXPECT_EQ(joined, read_text(dir / "s.csv"));
}

TEST(Cli, ShardsOfRowsHoldingValuesJoinToTheWhole) {
  const auto dir = scratch_dir("cli-condition-shards");
  // The copula draws given the value; cart draws rows again until they hold the category.
  for (const auto& [model_name, condition] :
       std::vector<std::pair<std::string, std::string>>{{"copula", "'Google ads=9000'"}, {"cart", "Year=2022"}}) {
    const auto model = (dir / (model_name + ".synthtab")).string();
    ASSERT_EQ(run("fit " + data_path("ROI.csv") + " -q -m " + model_name + " -o " + model, dir).exit_code, 0);
    const auto whole = dir / "whole.csv";
    const auto r = run("sample " + model + " -q -n 3000 --condition " + condition + " -o " + whole.string(), dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string joined;
    for (int i = 1; i <= 3; ++i) {
      const auto part = dir / ("p" + std::to_string(i) + ".csv");
      ASSERT_EQ(run("sample " + model + " -q -n 3000 --condition " + condition + " --shard " + std::to_string(i) +
                        "/3 -o " + part.string(),
                    dir)
                    .exit_code,
                0);
      std::string text = read_text(part);
      joined += i == 1 ? text : text.substr(text.find('\n') + 1);
    }
    EXPECT_EQ(joined, read_text(whole)) << model_name;
  }
}

struct ErrorCase {
  std::string args;
  int exit_code;
  std::string message;  // a fragment the error line must contain
};

TEST(Cli, BadInputGivesOneClearLineAndADocumentedExitCode) {
  const auto dir = scratch_dir("cli-errors");
  testing::write_text(dir / "empty.csv", "");
  testing::write_text(dir / "header.csv", "a,b\n");
  testing::write_text(dir / "ragged.csv", "a,b\n1,2\n3,4,5\n");
  testing::write_text(dir / "notmodel.synthtab", "hello");
  const std::string roi = data_path("ROI.csv");
  const std::string out = (dir / "o.csv").string();
  const std::vector<ErrorCase> cases = {
      {"generate " + (dir / "missing.csv").string() + " -o " + out, 3, "missing.csv"},
      {"generate " + (dir / "empty.csv").string() + " -o " + out, 3, "empty.csv"},
      {"generate " + (dir / "header.csv").string() + " -o " + out, 3, "header.csv"},
      {"generate " + (dir / "ragged.csv").string() + " -o " + out, 3, "ragged.csv:3"},
      {"generate " + roi + " -n -5 -o " + out, 2, "-n"},
      {"generate " + roi + " --model copula -n 1000000000000 -o " + out, 6, "are free there"},  // ~23 TB of CSV
      {"generate " + roi + " --model nope -o " + out, 2, "nope"},
      {"generate " + roi + " --numeric Nope -o " + out, 2, "Nope"},
      {"generate " + roi + " --epochs 0 -o " + out, 2, "epochs"},
      {"generate " + roi + " -o " + (dir / "no/such/dir/o.csv").string(), 5, "o.csv"},
      {"sample " + (dir / "notmodel.synthtab").string() + " -o " + out, 4, "not a synthtab model"},
      {"sample " + (dir / "nothere.synthtab").string() + " -o " + out, 4, "nothere.synthtab"},
      {"frobnicate", 2, "frobnicate"},
  };
  for (const auto& c : cases) {
    const auto r = run(c.args, dir);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << "\n" << r.err;
    EXPECT_FALSE(std::filesystem::exists(out)) << c.args;
    EXPECT_FALSE(has_temp_files(dir)) << c.args;
  }
}

TEST(Cli, EvaluatePrintsScoresAndWritesJson) {
  const auto dir = scratch_dir("cli-evaluate");
  const auto synthetic = (dir / "s.csv").string();
  ASSERT_EQ(run("generate " + data_path("ROI.csv") + " -q -n 500 -o " + synthetic, dir).exit_code, 0);
  const auto json = dir / "e.json";
  const auto r = run("evaluate " + data_path("ROI.csv") + " " + synthetic +
                         " --target 'MRR (Monthly Recurring Revenue)' --permutations 20 --mmd-seed-compatible --json " +
                         json.string(),
                     dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* fragment :
       {"Quality score", "Detection AUC", "MMD^2", "the seed's formula", "ML efficacy", "exact copies", "Unnamed: 0"})
    EXPECT_NE(r.out.find(fragment), std::string::npos) << fragment << "\n" << r.out;
  const std::string text = read_text(json);
  EXPECT_NE(text.find("\"ml_efficacy\""), std::string::npos);
  EXPECT_NE(text.find("\"tstr\""), std::string::npos);
  // Same seed, same numbers.
  const auto again = dir / "e2.json";
  ASSERT_EQ(run("evaluate " + data_path("ROI.csv") + " " + synthetic +
                    " --target 'MRR (Monthly Recurring Revenue)' --permutations 20 --mmd-seed-compatible -q --json " +
                    again.string(),
                dir)
                .exit_code,
            0);
  EXPECT_EQ(read_text(again), text);
}

TEST(Cli, EvaluateGeometryAndTopologyOnBothSeedTables) {
  const auto dir = scratch_dir("cli-manifold");
  for (const std::string name : {"ROI.csv", "Marketing_campaigns.csv"}) {
    const auto synthetic = (dir / ("s-" + name)).string();
    ASSERT_EQ(run("generate " + data_path(name) + " -q -n 300 -o " + synthetic, dir).exit_code, 0);
    const auto json = dir / (name + ".json");
    const auto r = run("evaluate " + data_path(name) + " " + synthetic +
                           " --geometry --topology --permutations 10 --json " + json.string(),
                       dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("Geometry (standardised space)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Topology (Vietoris-Rips"), std::string::npos) << r.out;
    const std::string text = read_text(json);
    for (const char* key :
         {"\"geometry\"", "\"uniform_random\"", "\"vcr\"", "\"topology\"", "\"bottleneck\"", "\"real_entropy\""})
      EXPECT_NE(text.find(key), std::string::npos) << key;
  }
  // All-constant columns cannot be compared geometrically: say so.
  testing::write_text(dir / "flat.csv", "a,b\n1,2\n1,2\n1,2\n");
  const auto flat =
      run("evaluate " + (dir / "flat.csv").string() + " " + (dir / "flat.csv").string() + " --geometry", dir);
  EXPECT_EQ(flat.exit_code, 3) << flat.err;
  EXPECT_NE(flat.err.find("constant"), std::string::npos) << flat.err;
  testing::write_text(dir / "one.csv", "a,b\n1,2\n");
  const auto one =
      run("evaluate " + (dir / "one.csv").string() + " " + (dir / "flat.csv").string() + " --topology", dir);
  EXPECT_EQ(one.exit_code, 3) << one.err;
  EXPECT_NE(one.err.find("at least 2 rows"), std::string::npos) << one.err;
}

TEST(Cli, EvaluateBadInput) {
  const auto dir = scratch_dir("cli-evaluate-errors");
  const std::string roi = data_path("ROI.csv");
  testing::write_text(dir / "header.csv", "Google ads,MRR (Monthly Recurring Revenue),Month,Year\n");
  testing::write_text(dir / "other.csv", "a,b\n1,2\n3,4\n");
  testing::write_text(dir / "ok.csv",
                      "Google ads,MRR (Monthly Recurring Revenue),Month,Year\n1,2,3,2021\n4,5,6,2022\n7,8,9,2021\n");
  testing::write_text(dir / "allmissing.csv", "a,b\n1,\n2,\n3,\n");
  const std::vector<ErrorCase> cases = {
      {"evaluate " + roi + " " + (dir / "header.csv").string(), 3, "header.csv"},
      {"evaluate " + roi + " " + (dir / "other.csv").string(), 3, "other.csv"},
      {"evaluate " + roi + " " + (dir / "ok.csv").string() + " --target Revenue", 2, "Revenue"},
      {"evaluate " + roi + " " + (dir / "ok.csv").string() + " --task nonsense", 2, "task"},
      {"evaluate " + (dir / "allmissing.csv").string() + " " + (dir / "allmissing.csv").string(), 3,
       "\"b\" has no values"},
      {"evaluate " + roi + " " + (dir / "missing.csv").string(), 3, "missing.csv"},
  };
  for (const auto& c : cases) {
    const auto r = run(c.args, dir);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << "\n" << r.err;
  }
}

TEST(Cli, CurveAnswersWhereTheNextDollarGoes) {
  const auto dir = scratch_dir("cli-curve");
  const std::string roi = data_path("ROI.csv");
  const std::string columns = " --spend 'Google ads' --response 'MRR (Monthly Recurring Revenue)'";
  const auto json = dir / "curve.json";
  const auto r = run("curve " + roi + columns + " --bootstrap 50 --json " + json.string(), dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* fragment : {"return of the next 1000 at mean spend", "break-even spend", "inflection",
                               "response kind: ", "baseline terms: ", "CV error", "verdict: "})
    EXPECT_NE(r.out.find(fragment), std::string::npos) << fragment << "\n" << r.out;
  for (const char* member : {"\"break_even_spend\"", "\"candidates\"", "\"cv_rmse\"", "\"decomposition\"",
                             "\"kind_reason\"", "\"verdict_text\""})
    EXPECT_NE(read_text(json).find(member), std::string::npos) << member;
  // The options that fix the model are each honoured.
  const auto fixed = run("curve " + roi + columns +
                             " --bootstrap 0 --response-kind stock --adstock none --shape hill --trend linear "
                             "--seasonality none --payback 6 --ridge 0.01",
                         dir);
  ASSERT_EQ(fixed.exit_code, 0) << fixed.err;
  for (const char* fragment :
       {"response kind: stock", "model: hill curve; baseline terms: linear trend", "over 6 periods", "bootstrap is off",
        "ridge (small-data regularisation): strength 0.01 (as given)"})
    EXPECT_NE(fixed.out.find(fragment), std::string::npos) << fragment << "\n" << fixed.out;
  // A model file's rows at planned spends beside the curve.
  const auto model = (dir / "roi.synthtab").string();
  ASSERT_EQ(run("fit " + roi + " -q --model copula -o " + model, dir).exit_code, 0);
  // One candidate: the planned spends are what is checked here, not the choice of model.
  const std::string one_model = " --bootstrap 0 --response-kind flow --shape hill --adstock none --trend none";
  const auto planned = run("curve " + roi + columns + one_model + " --model " + model, dir);
  ASSERT_EQ(planned.exit_code, 0) << planned.err;
  EXPECT_NE(planned.out.find("Synthetic rows at planned spends (copula: 1000 rows at each"), std::string::npos)
      << planned.out;
  const auto own_plan =
      run("curve " + roi + columns + one_model + " --model " + model + " --plan 'Google ads=3000'", dir);
  ASSERT_EQ(own_plan.exit_code, 0) << own_plan.err;
  EXPECT_NE(own_plan.out.find("Google ads                           3000"), std::string::npos) << own_plan.out;
  // Real beside synthetic.
  const auto synthetic = (dir / "s.csv").string();
  ASSERT_EQ(run("generate " + roi + " -q --model copula -n 500 -o " + synthetic, dir).exit_code, 0);
  const auto both = run("curve " + roi + columns + " --bootstrap 50 --synthetic " + synthetic, dir);
  ASSERT_EQ(both.exit_code, 0) << both.err;
  EXPECT_NE(both.out.find("ynthetic"), std::string::npos) << both.out;
  // Bad input.
  testing::write_text(dir / "text.csv", "channel,revenue\na,1\nb,2\nc,3\nd,4\ne,5\nf,6\n");
  testing::write_text(dir / "flat.csv", "spend,revenue\n1,5\n2,5\n3,5\n4,5\n5,5\n6,5\n");
  const std::vector<ErrorCase> cases = {
      {"curve " + roi + " --spend Nope --response 'MRR (Monthly Recurring Revenue)'", 2, "Nope"},
      {"curve " + roi + columns + " --shape cubic", 2, "cubic"},
      {"curve " + roi + columns + " --trend quadratic", 2, "choose none, linear, log or auto"},
      {"curve " + roi + columns + " --response-kind level", 2, "choose flow, stock or auto"},
      {"curve " + roi + columns + " --ridge strong", 2, "choose auto, none or a strength"},
      {"curve " + roi + columns + " --model " + roi, 4, "not a synthtab model file"},
      {"curve " + roi + columns + " --plan 'Google ads=100'", 2, "give the model file with --model"},
      {"curve " + roi + columns + " --model " + model + " --plan 'Google ads=lots'", 2, "expected a number after '='"},
      {"curve " + roi + columns + " --seasonality fourier", 2, "--period"},
      {"curve " + roi + columns + " --control Nope", 2, "--control 'Nope': no such column"},
      {"curve " + (dir / "text.csv").string() + " --spend channel --response revenue", 3, "channel"},
      {"curve " + (dir / "flat.csv").string() + " --spend spend --response revenue", 3, "revenue"},
  };
  for (const auto& c : cases) {
    const auto e = run(c.args, dir);
    EXPECT_EQ(e.exit_code, c.exit_code) << c.args << "\n" << e.err;
    EXPECT_NE(e.err.find(c.message), std::string::npos) << c.args << "\n" << e.err;
  }
}

TEST(Cli, InterruptedRunLeavesNoPartialOutput) {
  const auto dir = scratch_dir("cli-sigint");
  const auto out = dir / "big.csv";
  // 50 M rows take far longer than the second after which SIGINT arrives.
  const auto r =
      run_with_prefix("timeout --preserve-status -s INT 1 ",
                      "generate " + data_path("ROI.csv") + " --model copula -q -n 50000000 -o " + out.string(), dir);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(has_temp_files(dir));
}

TEST(Cli, OtherTerminatingSignalsLeaveNoPartialOutput) {
  // HUP, ALRM, USR1: the handler removes the temp file and dies of the signal (128 + number).
  for (const auto& [name, code] : {std::pair{"HUP", 129}, std::pair{"ALRM", 142}, std::pair{"USR1", 138}}) {
    const auto dir = scratch_dir(std::string("cli-sig-") + name);
    const auto out = dir / "big.csv";
    const auto r =
        run_with_prefix(std::string("timeout --preserve-status -s ") + name + " 1 ",
                        "generate " + data_path("ROI.csv") + " --model copula -q -n 50000000 -o " + out.string(), dir);
    EXPECT_EQ(r.exit_code, code) << name << ": " << r.err;
    EXPECT_FALSE(std::filesystem::exists(out)) << name;
    EXPECT_FALSE(has_temp_files(dir)) << name;
  }
}

TEST(Cli, TheFileSizeLimitIsAnOutputErrorWithNothingLeft) {
  const auto dir = scratch_dir("cli-xfsz");
  const auto out = dir / "big.csv";
  // ulimit -f counts 1 KiB blocks here: 64 KiB, far below 200,000 rows.
  const auto r = run_with_prefix(
      "ulimit -f 64; ", "generate " + data_path("ROI.csv") + " --model copula -q -n 200000 -o " + out.string(), dir);
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("file-size limit"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(has_temp_files(dir));
}

TEST(Cli, StandardOutputCarriesTheCsvAloneAndIsNeverReplaced) {
  const auto dir = scratch_dir("cli-stdout");
  ino_t redirected = 0;  // the file the shell sends standard output to (run() reuses it)
  for (const std::string target : {"-", "/dev/stdout"}) {
    const auto r = run("generate " + data_path("ROI.csv") + " --model copula -n 5 -o " + target, dir);
    ASSERT_EQ(r.exit_code, 0) << target << ": " << r.err;
    EXPECT_EQ(count_lines(r.out), 6) << target << ":\n" << r.out;  // the header and 5 rows, no summary
    EXPECT_EQ(r.out.rfind("Google ads,MRR (Monthly Recurring Revenue),Month,Year\n", 0), 0u) << r.out;
    EXPECT_FALSE(has_temp_files(dir));
    struct stat info {};
    ASSERT_EQ(::stat((dir / "stdout.txt").c_str(), &info), 0);
    // Written through descriptor 1, not renamed over the file it names: the same file.
    if (redirected != 0) {
      EXPECT_EQ(info.st_ino, redirected) << target;
    }
    redirected = info.st_ino;
  }
  // Written in place: /dev/stdout is still the link it was (a renamed temp file would have
  // replaced it, as root, with a regular file).
  EXPECT_TRUE(std::filesystem::is_symlink("/dev/stdout"));
}

// generate --report: the rows and the report are both written or neither is.
TEST(Cli, GenerateReportRefusesFewerThanTwoRowsBeforeAnyWork) {
  const auto dir = scratch_dir("cli-report-rows");
  const auto out = dir / "out.csv";
  const auto html = dir / "R.html";
  for (const std::string rows : {"1", "0"}) {
    const auto r = run("generate " + data_path("ROI.csv") + " --model copula -n " + rows + " --report " +
                           html.string() + " -o " + out.string(),
                       dir);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("--report needs at least 2 synthetic rows; -n is " + rows), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("Read "), std::string::npos) << "refused before reading the input: " << r.out;
    EXPECT_FALSE(std::filesystem::exists(out)) << rows;
    EXPECT_FALSE(std::filesystem::exists(html)) << rows;
    EXPECT_FALSE(has_temp_files(dir)) << rows;
  }
}

TEST(Cli, GenerateReportWritesBothOutputsAndNoTempFiles) {
  const auto dir = scratch_dir("cli-report-both");
  const auto out = dir / "out.csv";
  const auto html = dir / "R.html";
  testing::write_text(out, "previous\n");
  const auto r = run(
      "generate " + data_path("ROI.csv") + " --model copula -n 30 --report " + html.string() + " -o " + out.string(),
      dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(count_lines(read_text(out)), 31);
  EXPECT_EQ(read_text(html).rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(r.out.find("Wrote the report to " + html.string()), std::string::npos) << r.out;
  EXPECT_FALSE(has_temp_files(dir));
  // Permissions as a plain create gives them, not the temp files' 0600.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  for (const auto& file : {out, html}) {
    struct stat info {};
    ASSERT_EQ(::stat(file.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0666 & ~mask) << file;
  }
}

// The report's model table says what each of the model's parameters is and which ones were chosen.
TEST(Cli, GenerateReportExplainsTheModelsParameters) {
  const auto dir = scratch_dir("cli-report-parameters");
  const auto html = dir / "R.html";
  const auto r = run("generate " + data_path("ROI.csv") + " --model copula --marginals parametric -n 30 -q --report " +
                         html.string() + " -o " + (dir / "out.csv").string(),
                     dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string page = read_text(html);
  EXPECT_NE(page.find("<th>what it is</th>"), std::string::npos);
  const auto row = page.find("<td>marginals</td>");
  ASSERT_NE(row, std::string::npos);
  const std::string rest = page.substr(row, page.find("</tr>", row) - row);
  EXPECT_NE(rest.find("(your choice)"), std::string::npos) << rest;
  EXPECT_NE(rest.find("(default: empirical)"), std::string::npos) << rest;
}

TEST(Cli, AFailingReportLeavesThePreviousRowsByteIdentical) {
  const auto dir = scratch_dir("cli-report-fails");
  const auto out = dir / "out.csv";
  const std::string previous = "Google ads,MRR (Monthly Recurring Revenue),Month,Year\n1,2,3,2020\n";
  // A full disk at the report step (/dev/full: every write fails with ENOSPC).
  testing::write_text(out, previous);
  auto r =
      run("generate " + data_path("ROI.csv") + " --model copula -n 30 -q --report /dev/full -o " + out.string(), dir);
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("/dev/full: cannot write"), std::string::npos) << r.err;
  EXPECT_EQ(read_text(out), previous);
  EXPECT_FALSE(has_temp_files(dir));
  // No previous file: none is created.
  std::filesystem::remove(out);
  r = run("generate " + data_path("ROI.csv") + " --model copula -n 30 -q --report /dev/full -o " + out.string(), dir);
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(has_temp_files(dir));
  // The file-size limit reached by the report (1.5 MB of Plotly), not by the 30 rows: the signal
  // handler removes both temp files.
  testing::write_text(out, previous);
  const auto html = dir / "R.html";
  r = run_with_prefix(
      "ulimit -f 256; ",
      "generate " + data_path("ROI.csv") + " --model copula -n 30 -q --report " + html.string() + " -o " + out.string(),
      dir);
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("file-size limit"), std::string::npos) << r.err;
  EXPECT_EQ(read_text(out), previous);
  EXPECT_FALSE(std::filesystem::exists(html));
  EXPECT_FALSE(has_temp_files(dir));
}

TEST(Cli, ModelsListsTheSeedModels) {
  const auto dir = scratch_dir("cli-models");
  const auto r = run("models", dir);
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("wgan"), std::string::npos);
  EXPECT_NE(r.out.find("gan"), std::string::npos);
}

}  // namespace
}  // namespace synthtab
