// Fit time of 100 trees on 2,000 x 20 (regression and 3-class classification) with 1 and 2
// threads, next to scikit-learn's RandomForestRegressor / Classifier (n_jobs = 1 and 2) fitted
// on the very same rows, timed by Debian's python3 in a child process (fit only, median of 3).
// Prints the times and ours / sklearn ratios. Usage: random_forest_bench [python]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <numbers>
#include <string>
#include <vector>

#include "synthtab/core/rng.hpp"
#include "synthtab/models/random_forest.hpp"

using namespace synthtab;

namespace {

constexpr int kRows = 2000, kCols = 20, kRepeats = 3;

double median_fit_seconds(const FeatureMatrix& x, const std::vector<double>& y, Task task, int threads) {
  std::vector<double> times;
  for (int i = 0; i < kRepeats; ++i) {
    ForestOptions o;
    o.threads = threads;
    o.seed = static_cast<uint64_t>(i);
    RandomForest forest(o);
    const auto start = std::chrono::steady_clock::now();
    forest.fit(x, y, task);
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[kRepeats / 2];
}

const char* kSklearnScript = R"(
import sys, time
import numpy as np
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
d = np.loadtxt(sys.argv[1], delimiter=",")
x, yr, yc = d[:, :-2], d[:, -2], d[:, -1]
for name, model, y in (("regression", RandomForestRegressor, yr), ("classification", RandomForestClassifier, yc)):
    for jobs in (1, 2):
        t = []
        for seed in range(3):
            m = model(n_estimators=100, n_jobs=jobs, random_state=seed)
            s = time.perf_counter(); m.fit(x, y); t.append(time.perf_counter() - s)
        print(name, jobs, sorted(t)[1])
)";

}  // namespace

int main(int argc, char** argv) {
  const std::string python = argc > 1 ? argv[1] : "/usr/bin/python3";
  // Friedman #1 on the first 5 of 20 uniform features; classes from its terciles.
  Rng rng(2024);
  FeatureMatrix x(kRows, kCols);
  for (double& v : x.data) v = rng.uniform();
  std::vector<double> yr(kRows), yc(kRows);
  for (int r = 0; r < kRows; ++r) {
    const double* f = x.row(r);
    yr[r] = 10 * std::sin(std::numbers::pi * f[0] * f[1]) + 20 * (f[2] - 0.5) * (f[2] - 0.5) + 10 * f[3] + 5 * f[4] +
            rng.normal();
  }
  std::vector<double> sorted = yr;
  std::sort(sorted.begin(), sorted.end());
  for (int r = 0; r < kRows; ++r) yc[r] = yr[r] < sorted[kRows / 3] ? 0.0 : (yr[r] < sorted[2 * kRows / 3] ? 1.0 : 2.0);

  const auto dir = std::filesystem::temp_directory_path();
  const auto csv = dir / "synthtab_rf_bench.csv", script = dir / "synthtab_rf_bench.py",
             result = dir / "synthtab_rf_bench.out";
  {
    std::ofstream out(csv);
    out.precision(17);
    for (int r = 0; r < kRows; ++r) {
      for (int c = 0; c < kCols; ++c) out << x(r, c) << ",";
      out << yr[r] << "," << yc[r] << "\n";
    }
    std::ofstream(script) << kSklearnScript;
  }

  std::map<std::string, double> ours, theirs;
  for (int threads : {1, 2}) {
    ours["regression " + std::to_string(threads)] = median_fit_seconds(x, yr, Task::Regression, threads);
    ours["classification " + std::to_string(threads)] = median_fit_seconds(x, yc, Task::Classification, threads);
  }
  const std::string command = python + " " + script.string() + " " + csv.string() + " > " + result.string();
  if (std::system(command.c_str()) != 0) {
    std::fprintf(stderr, "could not run scikit-learn with %s\n", python.c_str());
    return 1;
  }
  std::ifstream in(result);
  std::string name;
  int jobs = 0;
  double seconds = 0;
  while (in >> name >> jobs >> seconds) theirs[name + " " + std::to_string(jobs)] = seconds;

  std::printf("100 trees on %d x %d, fit time (median of %d)\n", kRows, kCols, kRepeats);
  std::printf("%-18s %8s %10s %10s %14s\n", "task", "threads", "ours [s]", "sklearn [s]", "ours/sklearn");
  for (const char* task : {"regression", "classification"})
    for (int threads : {1, 2}) {
      const std::string key = std::string(task) + " " + std::to_string(threads);
      std::printf("%-18s %8d %10.3f %10.3f %14.2f\n", task, threads, ours[key], theirs[key], ours[key] / theirs[key]);
    }
  std::filesystem::remove(csv);
  std::filesystem::remove(script);
  std::filesystem::remove(result);
  return 0;
}
