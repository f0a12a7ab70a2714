// Times `synthtab evaluate` (eval::evaluate) end to end on a 2,000-row real table against a
// 20,000-row synthetic table (20 columns: 14 correlated numeric, 6 categorical with 3-8 labels;
// the synthetic rows come from the same generator with another seed), with 1 and 2 threads, and
// each of its parts through the public functions: MMD with its permutation test, the quality
// score, privacy, detection and the per-column two-sample tests. Then MMD alone on 5,000 x 5,000
// rows, without and with 200 permutations.
//
// The reference, measured in the same process: one naive pass over the 2,000 x 20,000 Euclidean
// distance matrix (a plain triple loop, one thread) in the standardised one-hot feature space
// that MMD and privacy use. Every time is also printed as a multiple of that pass.
//
// Each measurement runs in a forked child, so "peak RSS" is that measurement's own peak
// (getrusage in the child: the pages the child touches, its share of the parent's tables included)
// and "cpu" its own CPU time: cpu / seconds is the parallelism actually obtained (with 2 threads on
// a machine whose other core is busy it stays near 1).
// Usage: evaluate_bench [--quick]   (--quick: 1 thread only, no 5,000 x 5,000 MMD)
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "synthtab/core/rng.hpp"
#include "synthtab/eval/evaluate.hpp"
#include "synthtab/eval/feature_space.hpp"
#include "synthtab/eval/ml_metrics.hpp"
#include "synthtab/eval/mmd.hpp"
#include "synthtab/eval/privacy.hpp"
#include "synthtab/eval/quality.hpp"
#include "synthtab/eval/two_sample_tests.hpp"
#include "synthtab/models/random_forest.hpp"

using namespace synthtab;
using namespace synthtab::eval;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// CPU seconds (user + system) of this process; in a forked child, of the child alone.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

constexpr int kNumeric = 14;
constexpr int kCategorical = 6;

// 14 numeric columns driven by 3 latent normal factors (some log-normal "spend" in thousands,
// some integers), 6 categorical columns with 3..8 labels whose frequencies follow the factors.
Table make_table(int64_t rows, uint64_t seed) {
  Rng rng(seed);
  Table t;
  for (int c = 0; c < kNumeric; ++c) {
    Column col;
    col.name = std::string("x").append(std::to_string(c));
    col.type = c % 5 == 4 ? ColumnType::Integer : ColumnType::Float;
    col.values.reserve(static_cast<size_t>(rows));
    t.columns.push_back(std::move(col));
  }
  for (int c = 0; c < kCategorical; ++c) {
    Column col;
    col.name = std::string("cat").append(std::to_string(c));
    col.type = ColumnType::Categorical;
    for (int l = 0; l < 3 + c; ++l) col.categories.push_back("label_" + std::to_string(c) + "_" + std::to_string(l));
    col.codes.reserve(static_cast<size_t>(rows));
    t.columns.push_back(std::move(col));
  }
  for (int64_t r = 0; r < rows; ++r) {
    const double z[3] = {rng.normal(), rng.normal(), rng.normal()};
    for (int c = 0; c < kNumeric; ++c) {
      const double latent = z[c % 3] + 0.5 * z[(c + 1) % 3];
      const double noise = 0.6 * rng.normal();
      double v = 0.0;
      switch (c % 5) {
        case 0:
          v = 1000.0 * std::exp(0.5 * latent + 0.3 * noise);
          break;  // spend, thousands
        case 1:
          v = 3.0 * latent + noise;
          break;
        case 2:
          v = 50.0 + 10.0 * latent + 5.0 * noise;
          break;
        case 3:
          v = latent * latent + noise;
          break;
        default:
          v = std::floor(100.0 + 20.0 * latent + 10.0 * noise);
          break;  // integer
      }
      t.columns[static_cast<size_t>(c)].values.push_back(v);
    }
    for (int c = 0; c < kCategorical; ++c) {
      const int labels = 3 + c;
      const double u = 0.5 * (1.0 + std::erf((z[c % 3] + 0.7 * rng.normal()) / std::sqrt(2.0 * 1.49)));
      const int code = std::min(labels - 1, static_cast<int>(u * labels));
      t.columns[static_cast<size_t>(kNumeric + c)].codes.push_back(code);
    }
  }
  return t;
}

// The reference: every entry of the |query| x |reference| distance matrix, one row at a time
// (the row is folded into a checksum so it is computed but not kept: 320 MB otherwise).
double naive_distance_pass(const RowMatrix& query, const RowMatrix& reference) {
  const int64_t n = query.rows(), m = reference.rows(), d = query.cols();
  std::vector<double> row(static_cast<size_t>(m));
  double checksum = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < m; ++j) {
      double s = 0.0;
      for (int64_t k = 0; k < d; ++k) {
        const double diff = query(i, k) - reference(j, k);
        s += diff * diff;
      }
      row[static_cast<size_t>(j)] = std::sqrt(s);
    }
    checksum += *std::min_element(row.begin(), row.end());
  }
  return checksum;
}

double g_reference_seconds = 0.0;

// Runs `work` in a forked child; the child prints the line (time, ratio, its own peak RSS).
void measure(const std::string& label, int threads, const std::function<std::string()>& work) {
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid < 0) {
    std::perror("fork");
    return;
  }
  if (pid == 0) {
    const auto start = Clock::now();
    const std::string detail = work();
    const double seconds = seconds_since(start);
    std::printf("%-44s threads %d  %8.3f s  = %6.2fx naive pass  cpu %8.3f s  peak RSS %4.0f MB  %s\n", label.c_str(),
                threads, seconds, seconds / g_reference_seconds, cpu_seconds(), peak_rss_mb(), detail.c_str());
    std::fflush(stdout);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) std::printf("%-44s threads %d  FAILED\n", label.c_str(), threads);
}

std::vector<double> present(const Column& c) {
  std::vector<double> out;
  for (double v : c.values)
    if (!std::isnan(v)) out.push_back(v);
  return out;
}

// All per-column tests of evaluate(): KS, Welch, Mann-Whitney, the seed's Wilcoxon on a
// synthetic subsample of the real size (here simply the first rows), chi-square for categories.
std::string all_column_tests(const Table& real, const Table& synthetic) {
  double sink = 0.0;
  for (size_t c = 0; c < real.columns.size(); ++c) {
    const Column& r = real.columns[c];
    const Column& s = synthetic.columns[c];
    if (r.is_categorical()) {
      std::vector<double> a(r.categories.size()), b(r.categories.size());
      for (int32_t code : r.codes) a[static_cast<size_t>(code)] += 1;
      for (int32_t code : s.codes) b[static_cast<size_t>(code)] += 1;
      sink += chi_square_homogeneity(a, b).pvalue;
      continue;
    }
    const auto a = present(r), b = present(s);
    sink += ks_2samp(a, b).pvalue + welch_ttest(a, b).pvalue + mann_whitney_u(a, b).pvalue;
    sink += wilcoxon_signed_rank(a, std::vector<double>(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(a.size())))
                .pvalue;
  }
  char out[64];
  std::snprintf(out, sizeof out, "(sum of p %.3g)", sink);
  return out;
}

// evaluate()'s detection step rebuilt from public parts (it is internal to evaluate.cpp): up to
// 5,000 rows per side, a 100-tree forest per fold of 5-fold stratified CV, out-of-fold AUC.
std::string detection(const Table& real, const Table& synthetic, int threads) {
  const TreeFeatures f = tree_features(real, synthetic, "");
  const int64_t per_side = std::min<int64_t>({f.real.rows, f.synthetic.rows, 5000});
  FeatureMatrix x(2 * per_side, f.real.cols);
  std::copy(f.real.data.begin(), f.real.data.begin() + per_side * f.real.cols, x.data.begin());
  std::copy(f.synthetic.data.begin(), f.synthetic.data.begin() + per_side * f.real.cols,
            x.data.begin() + per_side * f.real.cols);
  std::vector<double> y(static_cast<size_t>(2 * per_side), 0.0);
  std::fill(y.begin(), y.begin() + per_side, 1.0);
  std::vector<double> scores(y.size(), 0.5);
  auto take = [&](const std::vector<int64_t>& rows) {
    FeatureMatrix out(static_cast<int64_t>(rows.size()), x.cols);
    for (size_t i = 0; i < rows.size(); ++i)
      std::copy(x.row(rows[i]), x.row(rows[i]) + x.cols,
                out.data.begin() + static_cast<std::ptrdiff_t>(i * static_cast<size_t>(x.cols)));
    return out;
  };
  for (const Fold& fold : stratified_kfold(y, 5, 7)) {
    ForestOptions o;
    o.threads = threads;
    o.seed = 11;
    RandomForest model(o);
    std::vector<double> yt;
    for (int64_t r : fold.train) yt.push_back(y[static_cast<size_t>(r)]);
    model.fit(take(fold.train), yt, Task::Classification);
    const FeatureMatrix p = model.predict_proba(take(fold.test));
    for (size_t i = 0; i < fold.test.size(); ++i)
      scores[static_cast<size_t>(fold.test[i])] = p(static_cast<int64_t>(i), 1);
  }
  char out[64];
  std::snprintf(out, sizeof out, "(AUC %.3f, %lld rows per side)", roc_auc(y, scores),
                static_cast<long long>(per_side));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::string(argv[1]) == "--quick";
  const Table real = make_table(2000, 1);
  const Table synthetic = make_table(20000, 2);

  {
    const FeatureSpace space = encode_pair(real, synthetic);
    const auto start = Clock::now();
    const double checksum = naive_distance_pass(space.real, space.synthetic);
    g_reference_seconds = seconds_since(start);
    std::printf(
        "Real 2,000 x 20 vs synthetic 20,000 x 20 (14 numeric, 6 categorical with 3..8 labels); "
        "feature space %lld columns\n",
        static_cast<long long>(space.real.cols()));
    std::printf("Reference: naive 2,000 x 20,000 Euclidean distance pass, 1 thread: %.3f s (checksum %.6g)\n",
                g_reference_seconds, checksum);
    std::printf("Peak RSS of the parent after building the tables: %.0f MB\n\n", peak_rss_mb());
  }

  const std::vector<int> thread_counts = quick ? std::vector<int>{1} : std::vector<int>{1, 2};
  for (int threads : thread_counts) {
    measure("evaluate (no target), 200 permutations", threads, [&] {
      EvaluateOptions o;
      o.threads = threads;
      const Evaluation e = evaluate(real, synthetic, o);
      char out[96];
      std::snprintf(out, sizeof out, "(quality %.3f, AUC %.3f, MMD p %.3g)", e.quality.overall,
                    e.detection ? e.detection->auc : -1.0, e.mmd.pvalue);
      return std::string(out);
    });
    measure("evaluate + --mmd-seed-compatible", threads, [&] {
      EvaluateOptions o;
      o.threads = threads;
      o.mmd_seed_compatible = true;
      const Evaluation e = evaluate(real, synthetic, o);
      char out[64];
      std::snprintf(out, sizeof out, "(seed MMD %.4g)", e.mmd_seed->mmd2);
      return std::string(out);
    });
    measure("  mmd, 200 permutations", threads, [&] {
      MmdOptions o;
      o.threads = threads;
      const MmdResult m = mmd(real, synthetic, o);
      char out[64];
      std::snprintf(out, sizeof out, "(MMD^2 %.3g, p %.3g)", m.mmd2, m.pvalue);
      return std::string(out);
    });
    measure("  mmd, no permutations", threads, [&] {
      MmdOptions o;
      o.threads = threads;
      o.permutations = 0;
      char out[64];
      std::snprintf(out, sizeof out, "(MMD^2 %.3g)", mmd(real, synthetic, o).mmd2);
      return std::string(out);
    });
    measure("  mmd, seed-compatible", threads, [&] {
      MmdOptions o;
      o.threads = threads;
      o.seed_compatible = true;
      char out[64];
      std::snprintf(out, sizeof out, "(MMD %.4g)", mmd(real, synthetic, o).mmd2);
      return std::string(out);
    });
    measure("  quality (no threads option)", threads, [&] {
      char out[64];
      std::snprintf(out, sizeof out, "(overall %.3f)", quality(real, synthetic).overall);
      return std::string(out);
    });
    measure("  privacy", threads, [&] {
      const PrivacyReport p = privacy(real, synthetic, {42, threads});
      char out[96];
      std::snprintf(out, sizeof out, "(DCR ratio %.3f, baseline protection %.3f)", p.dcr_ratio, p.baseline_protection);
      return std::string(out);
    });
    measure("    privacy: DCR (nearest_distances x2)", threads, [&] {
      const FeatureSpace space = encode_pair(real, synthetic);
      const auto a = nearest_distances(space.synthetic, space.real, false, threads);
      const auto b = nearest_distances(space.real, space.real, true, threads);
      char out[64];
      std::snprintf(out, sizeof out, "(%zu + %zu distances)", a.size(), b.size());
      return std::string(out);
    });
    measure("    privacy: exact copies", threads, [&] {
      char out[64];
      std::snprintf(out, sizeof out, "(%lld copies)", static_cast<long long>(count_exact_copies(real, synthetic)));
      return std::string(out);
    });
    measure("  detection (rebuilt from public parts)", threads, [&] { return detection(real, synthetic, threads); });
    measure("  two-sample tests, all columns", threads, [&] { return all_column_tests(real, synthetic); });
  }
  if (quick) return 0;

  std::printf("\nMMD alone, 5,000 x 5,000 rows, 20 columns\n");
  const Table real5 = make_table(5000, 3), synthetic5 = make_table(5000, 4);
  for (int permutations : {0, 200})
    for (int threads : {1, 2})
      measure("mmd 5,000 x 5,000, " + std::to_string(permutations) + " permutations", threads, [&] {
        MmdOptions o;
        o.threads = threads;
        o.permutations = permutations;
        const MmdResult m = mmd(real5, synthetic5, o);
        char out[64];
        std::snprintf(out, sizeof out, "(MMD^2 %.3g, p %.3g)", m.mmd2, m.pvalue);
        return std::string(out);
      });
  return 0;
}
