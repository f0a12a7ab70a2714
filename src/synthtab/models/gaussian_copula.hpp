#pragma once
// Gaussian copula on the model matrix: each model column's distribution (the training values
// smoothly interpolated, or a fitted parametric family; exact frequencies for categorical
// ones) joined by the correlation of their normal scores. Missing-value indicator columns
// (ModelColumn::missing_indicator) join the copula like any binary column, so missing values
// come out at the real rate and with the real co-missingness. No network, no LibTorch: fits in
// milliseconds and, on small tables, keeps marginals and pairwise dependence far better than
// the seed's GAN.
#include <string>
#include <vector>

#include <Eigen/Core>

#include "synthtab/models/copula_dependence_sums.hpp"
#include "synthtab/models/copula_marginals.hpp"
#include "synthtab/models/synthesizer.hpp"

namespace synthtab {

class GaussianCopula final : public Synthesizer {
 public:
  std::string name() const override { return "copula"; }
  FitReport do_fit(const Matrix& data, const std::vector<ModelColumn>& layout, const FitOptions& options) override;
  Matrix do_sample(int64_t first_row, int64_t count, uint64_t seed) const override;
  // Exact: the latent normals given the held columns' scores (a discrete value's interval, drawn
  // from the truncated conditional), the rest from the conditional normal (copula_conditional.cpp).
  bool can_condition() const override { return true; }
  Matrix do_sample_given(int64_t first_row, int64_t count, uint64_t seed,
                         const std::vector<GivenValue>& given) const override;
  void do_save(ArchiveWriter& out, const std::string& prefix) const override;
  void do_load(const ArchiveReader& in, const std::string& prefix) override;

  // `data`'s sums against this model's marginals: its values' normal scores (positions among the
  // training values, interpolated; a value equal to training values at a random place among
  // them, as the fit breaks ties, drawn from `seed`; a discrete value's interval mean) and the
  // counts the corrections for discreteness need. `data` is in the model's space (the pipeline's
  // output).
  DependenceSums dependence_sums(const Matrix& data, const std::vector<ModelColumn>& layout, uint64_t seed) const;
  // The dependence fitted again from sums (added up over any rows), the marginals kept. Throws
  // Error(Usage) for a low-rank model (more columns than training rows).
  void refit_dependence(const DependenceSums& sums, const std::vector<ModelColumn>& layout);

  // The fitted correlation of the latent normals (row-major, cols x cols), for tests.
  std::vector<double> correlation() const;
  const std::vector<Marginal>& marginals() const { return marginals_; }
  bool low_rank() const { return !factor_.empty(); }

 private:
  // Column c's value at the share u of its distribution (its marginal's quantile).
  double value_at(size_t c, double u) const;
  // Replaces a discrete column's scores by each value's interval mean (see the .cpp).
  void interval_mean_scores(const Matrix& data, Eigen::MatrixXd& scores) const;
  void order_categories(const Matrix& data, const std::vector<ModelColumn>& layout, uint64_t seed,
                        Eigen::MatrixXd& scores);

  int64_t cols_ = 0;
  std::vector<std::vector<float>> sorted_;  // per column: the training values present, sorted
  std::vector<char> discrete_;              // per column: draw training values, don't interpolate
  std::vector<Marginal> marginals_;         // per column
  // Dependence, one of two forms. Full: the lower-triangular Cholesky factor of the
  // correlation (cols x cols, row-major). Low rank (tables with more columns than rows): the
  // correlation is (1 - shrinkage) F'F + shrinkage I with F = factor_ (rank x cols, row-major),
  // so memory and time grow with cols x rows instead of cols^2 or cols^3.
  std::vector<double> cholesky_;
  std::vector<double> factor_;
  int64_t rank_ = 0;
};

}  // namespace synthtab
