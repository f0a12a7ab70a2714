// Times Vietoris–Rips persistence (H0 + H1) of 1,000 Gaussian points in 10 dimensions
// (eval::rips_persistence), with 1 and 2 threads, and the reference on the same cloud: Debian's
// /usr/bin/ripser (`--format point-cloud --dim 1`, single precision), when installed. Then the
// bottleneck distances between two such clouds' diagrams, compare_topology on 1,000 vs 1,000
// rows, and geometry on 5,000 x 20 (exact pairs) and 50,000 x 20 (2 M sampled pairs).
//
// Each measurement runs in a forked child; "peak RSS" is that child's own peak (for ripser, the
// ripser process's), so the numbers do not include one another.
// Usage: topology_bench [points] [dims]   (default 1000 10)
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>

#include "synthtab/core/rng.hpp"
#include "synthtab/eval/geometry.hpp"
#include "synthtab/eval/topology.hpp"

using namespace synthtab;
using namespace synthtab::eval;

namespace {

using Clock = std::chrono::steady_clock;

RowMatrix gaussian(int64_t n, int64_t d, uint64_t seed) {
  Rng rng(seed);
  RowMatrix m(n, d);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < d; ++j) m(i, j) = rng.normal();
  return m;
}

double peak_rss_mb(const rusage& usage) { return static_cast<double>(usage.ru_maxrss) / 1024.0; }

// Runs f in a forked child; prints wall seconds and the child's peak RSS.
void measure(const std::string& name, const std::function<std::string()>& f) {
  std::fflush(stdout);
  int fd[2];
  if (pipe(fd) != 0) return;
  const pid_t pid = fork();
  if (pid == 0) {
    close(fd[0]);
    const auto start = Clock::now();
    const std::string detail = f();
    const double s = std::chrono::duration<double>(Clock::now() - start).count();
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    char line[512];
    const int len = std::snprintf(line, sizeof line, "%-44s %8.3f s  peak RSS %7.1f MB  %s\n", name.c_str(), s,
                                  peak_rss_mb(usage), detail.c_str());
    if (write(fd[1], line, static_cast<size_t>(len)) < 0) _exit(1);
    _exit(0);
  }
  close(fd[1]);
  char buffer[512];
  ssize_t got;
  while ((got = read(fd[0], buffer, sizeof buffer)) > 0) fwrite(buffer, 1, static_cast<size_t>(got), stdout);
  close(fd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
}

void measure_ripser(const RowMatrix& x) {
  if (access("/usr/bin/ripser", X_OK) != 0) {
    std::printf("/usr/bin/ripser not installed (apt-get install ripser): no reference time\n");
    return;
  }
  char path[] = "/tmp/topology_bench_XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return;
  close(fd);
  {
    std::ofstream out(path);
    out.precision(17);
    for (int64_t i = 0; i < x.rows(); ++i) {
      for (int64_t j = 0; j < x.cols(); ++j) out << (j ? "," : "") << x(i, j);
      out << '\n';
    }
  }
  std::fflush(stdout);
  const auto start = Clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    if (!std::freopen("/dev/null", "w", stdout)) _exit(1);
    if (!std::freopen("/dev/null", "w", stderr)) _exit(1);
    execl("/usr/bin/ripser", "ripser", "--format", "point-cloud", "--dim", "1", path, static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  const double s = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("%-44s %8.3f s  peak RSS %7.1f MB  (reference, 1 thread, float)\n",
              "/usr/bin/ripser --dim 1 (same cloud)", s, peak_rss_mb(usage));
  std::remove(path);
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t n = argc > 1 ? std::atoll(argv[1]) : 1000;
  const int64_t d = argc > 2 ? std::atoll(argv[2]) : 10;
  const RowMatrix x = gaussian(n, d, 1), y = gaussian(n, d, 2);
  std::printf("Vietoris-Rips H0 + H1 of %lld Gaussian points in %lld dimensions\n", static_cast<long long>(n),
              static_cast<long long>(d));
  measure("baseline (nothing: the process's own pages)", [] { return std::string(); });
  for (int threads : {1, 2}) {
    measure("rips_persistence, " + std::to_string(threads) + " thread(s)", [&] {
      RipsOptions o;
      o.threads = threads;
      const auto p = rips_persistence(x, o);
      return std::to_string(p.h0.size()) + " H0 bars, " + std::to_string(p.h1.size()) + " H1 bars";
    });
  }
  measure_ripser(x);
  const auto px = rips_persistence(x), py = rips_persistence(y);
  measure("bottleneck H0 (" + std::to_string(px.h0.size()) + " vs " + std::to_string(py.h0.size()) + " bars)",
          [&] { return "= " + std::to_string(bottleneck_distance(px.h0, py.h0)); });
  measure("bottleneck H1 (" + std::to_string(px.h1.size()) + " vs " + std::to_string(py.h1.size()) + " bars)",
          [&] { return "= " + std::to_string(bottleneck_distance(px.h1, py.h1)); });
  measure("compare_topology, 2 threads", [&] {
    TopologyOptions o;
    o.threads = 2;
    const auto c = compare_topology(x, y, o);
    return "points " + std::to_string(c.points);
  });
  const RowMatrix g = gaussian(5000, 20, 3), big = gaussian(50000, 20, 4);
  measure("geometry 5,000 x 20 (exact), 2 threads", [&] {
    GeometryOptions o;
    o.threads = 2;
    return geometry(g, o).pairs_method;
  });
  measure("geometry 50,000 x 20 (sampled), 2 threads", [&] {
    GeometryOptions o;
    o.threads = 2;
    return geometry(big, o).pairs_method;
  });
  return 0;
}
