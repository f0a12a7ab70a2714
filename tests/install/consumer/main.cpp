// Fits a model on a small table, draws rows and prints them as CSV; then says whether the
// registry found the LibTorch plugin beside the installed library.
#include <cmath>
#include <cstdio>
#include <exception>
#include <string>

#include "synthtab/engine/synthesis.hpp"
#include "synthtab/models/registry.hpp"
#include "synthtab/table/csv_writer.hpp"

int main() {
  try {
    synthtab::Column spend, revenue;
    spend.name = "spend", revenue.name = "revenue";
    for (int month = 0; month < 24; ++month) {
      spend.values.push_back(100.0 + 10.0 * month);
      revenue.values.push_back(3.0 * spend.values.back() + 25.0 * std::sin(month));
    }
    synthtab::Table table;
    table.columns = {spend, revenue};
    synthtab::SynthesisOptions options;
    options.model = "copula";
    const synthtab::FittedModel model = synthtab::FittedModel::fit_table(table, options);
    const synthtab::Table rows = model.sample(0, 5, 7);
    std::string csv;
    synthtab::append_csv_header(rows, {}, csv);
    synthtab::append_csv_rows(rows, 0, rows.rows(), {}, csv);
    std::fputs(csv.c_str(), stdout);
    const std::string problem = synthtab::ModelRegistry::instance().plugin_problem();
    std::printf("plugin: %s\n", problem.empty() ? "loaded" : problem.c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "consumer: %s\n", e.what());
    return 1;
  }
}
