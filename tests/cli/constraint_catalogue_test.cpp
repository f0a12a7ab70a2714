// The catalogue of business-rule cases (tests/constraints/cases.txt): each case runs through the
// synthtab binary with every model, and the synthetic rows are read back and checked against
// the rules the case names.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "support/cli_runner.hpp"
#include "support/test_paths.hpp"
#include "synthtab/constraints/rule_set.hpp"
#include "synthtab/engine/synthesis.hpp"
#include "synthtab/models/registry.hpp"

namespace synthtab {
namespace {

namespace fs = std::filesystem;
using testing::read_text;
using testing::run_cli;
using testing::scratch_dir;

const fs::path kRuleCases = fs::path(SYNTHTAB_SOURCE_DIR) / "tests" / "constraints";

std::string trimmed_text(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(" \t\r") - begin + 1);
}

std::string with_case_paths(std::string text) {
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"{dir}", kRuleCases.string()},
                                 std::pair<std::string, std::string>{"{data}", SYNTHTAB_TEST_DATA}})
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
  return text;
}

std::vector<std::string> split_on(const std::string& text, const std::string& separator) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t at = text.find(separator); at != std::string::npos; at = text.find(separator, start)) {
    out.push_back(trimmed_text(text.substr(start, at - start)));
    start = at + separator.size();
  }
  out.push_back(trimmed_text(text.substr(start)));
  return out;
}

struct RuleCase {
  int line = 0;
  std::string name, table, flags;
  std::vector<std::string> expectations;
};

std::vector<RuleCase> read_rule_cases() {
  std::istringstream lines(read_text(kRuleCases / "cases.txt"));
  std::vector<RuleCase> cases;
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    if (trimmed_text(line).empty() || trimmed_text(line)[0] == '#') continue;
    const auto fields = split_on(line, " | ");
    if (fields.size() != 4) {
      ADD_FAILURE() << "cases.txt:" << number << ": expected 'name | table | flags | expectations': " << line;
      continue;
    }
    const std::string flags = fields[2] == "-" ? "" : with_case_paths(fields[2]);
    cases.push_back({number, fields[0], with_case_paths(fields[1]), flags, split_on(fields[3], " ; ")});
  }
  return cases;
}

// The share of `table`'s rows that keep the rule `formula` (its tolerance from the table's own units).
double share_keeping(const std::string& formula, const Table& table) {
  RuleOptions options;
  options.find = false;
  options.declared = {formula};
  const RuleSet rules = RuleSet::build(table, options);
  return rule_adherence(rules.rules(), table).at(0);
}

std::string flags_for(const ModelTraits& model) { return model.needs_torch ? "--epochs 2" : ""; }

// Every model in a release build. Under the sanitizers (five times slower) the ones whose code
// differs most, so the suite stays within its time: the rules' code is the same for all models.
bool runs_here(const ModelTraits& model) {
#if defined(__SANITIZE_ADDRESS__)
  return model.name == "copula" || model.name == "cart" || model.name == "wgan";
#else
  (void)model;
  return true;
#endif
}

class ConstraintCatalogue : public ::testing::TestWithParam<RuleCase> {};

TEST_P(ConstraintCatalogue, EveryModelKeepsTheRules) {
  const RuleCase& c = GetParam();
  SCOPED_TRACE(fmt::format("cases.txt:{}: {}", c.line, c.name));
  const fs::path dir = scratch_dir("constraints-" + std::to_string(c.line));
  const auto listing = run_cli(fmt::format("rules '{}' {}", c.table, c.flags), dir);
  std::vector<std::string> keeps;
  std::string given_flags;  // generate only: `rules` draws no rows
  std::vector<std::pair<std::string, std::string>> given;
  for (const auto& expectation : c.expectations) {
    if (expectation.rfind("given ", 0) == 0) {
      const auto equals = expectation.find('=');
      given.emplace_back(expectation.substr(6, equals - 6), expectation.substr(equals + 1));
      given_flags += fmt::format(" --condition '{}'", expectation.substr(6));
      continue;
    }
    if (expectation.rfind("error ", 0) == 0) {
      const auto space = expectation.find(' ', 6);
      const int code = std::stoi(expectation.substr(6, space - 6));
      const std::string fragment = expectation.substr(space + 1);
      EXPECT_EQ(listing.exit_code, code) << listing.err;
      EXPECT_NE(listing.err.find(fragment), std::string::npos) << listing.err;
      const auto run = run_cli(
          fmt::format("generate '{}' {} -m copula -n 50 -q -o '{}'", c.table, c.flags, (dir / "out.csv").string()),
          dir);
      EXPECT_EQ(run.exit_code, code) << run.err;
      EXPECT_NE(run.err.find(fragment), std::string::npos) << run.err;
      EXPECT_FALSE(fs::exists(dir / "out.csv"));
      return;
    }
    if (expectation.rfind("listed ", 0) == 0)
      EXPECT_NE(listing.out.find(expectation.substr(7)), std::string::npos) << listing.out;
    else if (expectation.rfind("not listed ", 0) == 0)
      EXPECT_EQ(listing.out.find(expectation.substr(11)), std::string::npos) << listing.out;
    else
      keeps.push_back(expectation);
  }
  ASSERT_EQ(listing.exit_code, 0) << listing.err;
  // The synthetic rows are read with the real table's types (few distinct totals would else read as labels).
  const Schema schema = prepare_csv(c.table, {}).schema;
  int models_run = 0;
  int models_here = 0;
  for (const ModelTraits& model : ModelRegistry::instance().list()) {
    if (!runs_here(model)) continue;
    ++models_here;
    SCOPED_TRACE("model " + model.name);
    const fs::path out = dir / (model.name + ".csv");
    const std::string generate = fmt::format("generate '{}' {}{} -m {} {} -n 300 --seed 7 -q -o '{}'", c.table,
                                             c.flags, given_flags, model.name, flags_for(model), out.string());
    const auto run = run_cli(generate, dir);
    if (run.exit_code != 0 && run_cli(generate + " --no-constraints", dir).exit_code == run.exit_code) {
      // A model that cannot take this table at all (mrf refuses wide tables): nothing of the rules.
      EXPECT_EQ(run.exit_code, 3) << run.err;
      continue;
    }
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const Table synthetic = to_table(read_csv(out.string(), {}), schema);
    ASSERT_EQ(synthetic.rows(), 300);
    ++models_run;
    for (const auto& [column, value] : given) {
      const Column& held = synthetic.column(column);
      for (int64_t r = 0; r < synthetic.rows(); ++r)
        ASSERT_EQ(held.categories[static_cast<size_t>(held.codes[static_cast<size_t>(r)])], value) << column;
    }
    for (const auto& expectation : keeps) {
      if (expectation.rfind("keeps ", 0) == 0) {
        EXPECT_EQ(share_keeping(expectation.substr(6), synthetic), 1.0) << expectation;
      } else if (expectation.rfind("at least ", 0) == 0) {
        const auto space = expectation.find(' ', 9);
        const double least = std::stod(expectation.substr(9, space - 9));
        EXPECT_GE(share_keeping(expectation.substr(space + 1), synthetic), least) << expectation;
      } else {
        ADD_FAILURE() << "unknown expectation: " << expectation;
      }
    }
  }
  EXPECT_GE(models_run, models_here - 1);  // all but one that refuses the table (mrf: wide tables)
}

INSTANTIATE_TEST_SUITE_P(Cases, ConstraintCatalogue, ::testing::ValuesIn(read_rule_cases()),
                         [](const ::testing::TestParamInfo<RuleCase>& info) {
                           return "line" + std::to_string(info.param.line);
                         });

}  // namespace
}  // namespace synthtab
