// CTGAN and TVAE (Xu et al. 2019) in LibTorch, on CTGAN's data representation
// (transform/mode_specific.hpp). The algorithms follow the paper and its published settings;
// docs/models.md lists what differs and why. Written from the paper, not from its Python code.
#include "synthtab/models/torch/block_sampling.hpp"
#include "synthtab/models/torch/plugin.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "synthtab/core/error.hpp"
#include "synthtab/core/json_checks.hpp"
#include "synthtab/core/parallel.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/models/registry.hpp"
#include "synthtab/models/torch/tensor_io.hpp"
#include "synthtab/transform/mode_specific.hpp"

namespace synthtab {
namespace {

using torch_io::check_holds_weights;
using torch_io::tensors_from_bytes;
using torch_io::tensors_to_bytes;

static_assert(std::endian::native == std::endian::little, "the weights section stores raw little-endian floats");

constexpr int64_t kEmbedding = 128;  // noise size (CTGAN) and latent size (TVAE)
constexpr int64_t kPac = 10;         // PacGAN: the critic judges 10 rows at once
constexpr double kGradientPenalty = 10.0;
constexpr double kTau = 0.2;  // Gumbel-softmax temperature
constexpr double kLeaky = 0.2;
constexpr double kTvaeLossFactor = 2.0;
constexpr float kPad = -1e30f;  // logit of a padding slot: never chosen, no gradient
constexpr uint32_t kWeightsFormat = 1;

// derive_seed purposes.
constexpr uint64_t kRowPurpose = 0x726f77;        // "row": a synthetic row's draws
constexpr uint64_t kBatchPurpose = 0x6261746368;  // "batch": training-by-sampling draws
constexpr uint64_t kModesPurpose = 0x6d6f646573;  // "modes": the data transformer

enum class Kind { Ctgan, Tvae };
const char* kind_name(Kind k) { return k == Kind::Ctgan ? "ctgan" : "tvae"; }

std::string number_text(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.6g", value);
  return buffer;
}

// ---- networks -----------------------------------------------------------------------------

// CTGAN's residual block: Linear -> BatchNorm -> ReLU, concatenated with its input.
struct ResidualImpl : torch::nn::Module {
  ResidualImpl(int64_t in, int64_t out)
      : fc(register_module("fc", torch::nn::Linear(in, out))), bn(register_module("bn", torch::nn::BatchNorm1d(out))) {}
  torch::Tensor forward(const torch::Tensor& x) { return torch::cat({torch::relu(bn(fc(x))), x}, 1); }
  torch::nn::Linear fc;
  torch::nn::BatchNorm1d bn;
};
TORCH_MODULE(Residual);

struct CtganGeneratorImpl : torch::nn::Module {
  CtganGeneratorImpl(int64_t in, int64_t data_dim)
      : r1(register_module("r1", Residual(in, 256))),
        r2(register_module("r2", Residual(in + 256, 256))),
        out(register_module("out", torch::nn::Linear(in + 512, data_dim))) {}
  torch::Tensor forward(const torch::Tensor& x) { return out(r2(r1(x))); }
  Residual r1, r2;
  torch::nn::Linear out;
};
TORCH_MODULE(CtganGenerator);

// PacGAN critic: rows are grouped by kPac and judged together.
struct CtganCriticImpl : torch::nn::Module {
  CtganCriticImpl(int64_t dim, double dropout)
      : fc1(register_module("fc1", torch::nn::Linear(dim * kPac, 256))),
        fc2(register_module("fc2", torch::nn::Linear(256, 256))),
        fc3(register_module("fc3", torch::nn::Linear(256, 1))),
        pac_dim(dim * kPac),
        dropout(dropout) {}
  torch::Tensor forward(const torch::Tensor& x) {
    auto h = x.reshape({-1, pac_dim});
    h = torch::dropout(torch::leaky_relu(fc1(h), kLeaky), dropout, is_training());
    h = torch::dropout(torch::leaky_relu(fc2(h), kLeaky), dropout, is_training());
    return fc3(h);
  }
  torch::nn::Linear fc1, fc2, fc3;
  int64_t pac_dim;
  double dropout;
};
TORCH_MODULE(CtganCritic);

struct TvaeEncoderImpl : torch::nn::Module {
  explicit TvaeEncoderImpl(int64_t data_dim)
      : fc1(register_module("fc1", torch::nn::Linear(data_dim, 128))),
        fc2(register_module("fc2", torch::nn::Linear(128, 128))),
        mu(register_module("mu", torch::nn::Linear(128, kEmbedding))),
        logvar(register_module("logvar", torch::nn::Linear(128, kEmbedding))) {}
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& x) {
    auto h = torch::relu(fc2(torch::relu(fc1(x))));
    return {mu(h), logvar(h)};
  }
  torch::nn::Linear fc1, fc2, mu, logvar;
};
TORCH_MODULE(TvaeEncoder);

struct TvaeDecoderImpl : torch::nn::Module {
  explicit TvaeDecoderImpl(int64_t data_dim)
      : fc1(register_module("fc1", torch::nn::Linear(kEmbedding, 128))),
        fc2(register_module("fc2", torch::nn::Linear(128, 128))),
        fc3(register_module("fc3", torch::nn::Linear(128, data_dim))),
        sigma(register_parameter("sigma", torch::full({data_dim}, 0.1))) {}
  torch::Tensor forward(const torch::Tensor& z) { return fc3(torch::relu(fc2(torch::relu(fc1(z))))); }
  torch::nn::Linear fc1, fc2, fc3;
  torch::Tensor sigma;  // learned per output column; used by the value columns
};
TORCH_MODULE(TvaeDecoder);

// ---- weights section ----------------------------------------------------------------------

// ---- span bookkeeping ---------------------------------------------------------------------

// Index tensors that let every softmax span be handled by a few whole-batch operations: the
// spans' logits are gathered into a padded (rows, spans, widest) block.
struct SpanIndex {
  int64_t dim = 0;    // output width
  int64_t spans = 0;  // softmax spans
  int64_t widest = 0;
  torch::Tensor gather;  // (spans * widest) long: output column of each padded slot (0 for pads)
  torch::Tensor pad;     // (spans, widest) float: 0, or kPad on padding slots
  torch::Tensor back;    // (dim) long: each output column's place in cat(tanh (dim), softmax block)
  torch::Tensor values;  // (number of value columns) long

  explicit SpanIndex(const std::vector<ModeSpan>& all, int64_t width) : dim(width) {
    std::vector<ModeSpan> soft;
    std::vector<int64_t> value_columns;
    for (const auto& s : all) {
      if (s.softmax)
        soft.push_back(s);
      else
        value_columns.push_back(s.start);
    }
    spans = static_cast<int64_t>(soft.size());
    for (const auto& s : soft) widest = std::max(widest, s.width);
    std::vector<int64_t> gather_index(static_cast<size_t>(spans * widest), 0);
    std::vector<float> pad_values(static_cast<size_t>(spans * widest), kPad);
    std::vector<int64_t> back_index(static_cast<size_t>(dim));
    for (int64_t c = 0; c < dim; ++c) back_index[static_cast<size_t>(c)] = c;  // tanh part
    for (int64_t s = 0; s < spans; ++s)
      for (int64_t j = 0; j < soft[static_cast<size_t>(s)].width; ++j) {
        const int64_t column = soft[static_cast<size_t>(s)].start + j;
        gather_index[static_cast<size_t>(s * widest + j)] = column;
        pad_values[static_cast<size_t>(s * widest + j)] = 0.0f;
        back_index[static_cast<size_t>(column)] = dim + s * widest + j;
      }
    gather = torch::tensor(gather_index, torch::kLong);
    pad = torch::tensor(pad_values).view({spans, widest});
    back = torch::tensor(back_index, torch::kLong);
    values = torch::tensor(value_columns, torch::kLong);
  }

  // Padded softmax-span logits: (rows, spans, widest).
  torch::Tensor padded(const torch::Tensor& logits) const {
    return logits.index_select(1, gather).view({logits.size(0), spans, widest}) + pad;
  }

  // CTGAN's activation: tanh on value columns, Gumbel-softmax(tau) on every one-hot span.
  torch::Tensor activate(const torch::Tensor& logits) const {
    if (spans == 0) return torch::tanh(logits);
    const auto x = padded(logits);
    // Gumbel noise as torch's gumbel_softmax draws it: -log(Exp(1)).
    const auto gumbel = -torch::empty_like(x).exponential_().log();
    const auto soft = torch::softmax((x + gumbel) / kTau, 2).view({logits.size(0), spans * widest});
    return torch::cat({torch::tanh(logits), soft}, 1).index_select(1, back);
  }
};

// The discrete columns, as the conditional vector and training-by-sampling see them.
struct Conditions {
  struct Column {
    int64_t start = 0;  // first one-hot column in the data representation
    int64_t slots = 0;
    int64_t offset = 0;                      // first entry in the conditional vector
    std::vector<double> log_cumulative;      // training-by-sampling: log(count + 1), cumulative
    std::vector<double> cumulative;          // sampling: real frequencies, cumulative
    std::vector<std::vector<int64_t>> rows;  // training rows per category
  };
  std::vector<Column> columns;
  int64_t width = 0;  // conditional vector size

  static int64_t pick(const std::vector<double>& cumulative, double u) {
    const double target = u * cumulative.back();
    const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), target);
    return std::min<int64_t>(it - cumulative.begin(), static_cast<int64_t>(cumulative.size()) - 1);
  }
};

Conditions make_conditions(const ModeSpecificNormalizer& normalizer) {
  Conditions out;
  for (const auto& column : normalizer.columns()) {
    if (!column.discrete) continue;
    Conditions::Column c;
    c.start = column.start;
    c.slots = column.slots();
    c.offset = out.width;
    out.width += c.slots;
    out.columns.push_back(std::move(c));
  }
  return out;
}

void count_conditions(Conditions& conditions, const Matrix& data) {
  for (auto& c : conditions.columns) {
    c.rows.assign(static_cast<size_t>(c.slots), {});
    for (int64_t r = 0; r < data.rows; ++r) {
      const float* row = data.row(r) + c.start;
      const auto k = std::max_element(row, row + c.slots) - row;
      c.rows[static_cast<size_t>(k)].push_back(r);
    }
    double log_total = 0.0, total = 0.0;
    for (const auto& rows : c.rows) {
      log_total += std::log(static_cast<double>(rows.size()) + 1.0);
      total += static_cast<double>(rows.size());
      c.log_cumulative.push_back(log_total);
      c.cumulative.push_back(total);
    }
    for (auto& v : c.cumulative) v /= total;
  }
}

// ---- the model ----------------------------------------------------------------------------

class CtganTvae final : public Synthesizer {
 public:
  explicit CtganTvae(Kind kind) : kind_(kind) {}
  std::string name() const override { return kind_name(kind_); }
  FitReport do_fit(const Matrix& data, const std::vector<ModelColumn>& layout, const FitOptions& options) override;
  Matrix do_sample(int64_t first_row, int64_t count, uint64_t seed) const override;
  void do_save(ArchiveWriter& out, const std::string& prefix) const override;
  void do_load(const ArchiveReader& in, const std::string& prefix) override;

 private:
  void fit_ctgan(const Matrix& train, const FitOptions& options, int epochs, int batch);
  void fit_tvae(const Matrix& train, const FitOptions& options, int epochs, int batch);
  void build_networks();
  bool fitted() const { return kind_ == Kind::Ctgan ? !generator_.is_empty() : !decoder_.is_empty(); }
  // Writes the decoded rows of one block (kSampleBlock rows from block_first) into `rows`.
  void sample_block(int64_t block_first, uint64_t seed, std::vector<float>& rows) const;

  Kind kind_;
  ModeSpecificNormalizer normalizer_;
  Conditions conditions_;
  CtganGenerator generator_{nullptr};
  TvaeDecoder decoder_{nullptr};
  FitReport report_;
};

FitReport CtganTvae::do_fit(const Matrix& data, const std::vector<ModelColumn>& layout, const FitOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const std::string model = name();
  if (data.rows < 2 || data.cols < 1)
    throw Error(ErrorKind::Input, model + ": needs at least 2 rows and 1 column, got " + std::to_string(data.rows) +
                                      " x " + std::to_string(data.cols));
  if (static_cast<int64_t>(layout.size()) != data.cols)
    throw usage_error(model + ": the layout describes " + std::to_string(layout.size()) +
                      " columns but the matrix has " + std::to_string(data.cols));
  const bool ctgan = kind_ == Kind::Ctgan;
  const int epochs = options.parameters.integer("epochs").value_or(300);
  const int batch = options.parameters.integer("batch_size").value_or(500);
  if (epochs < 0) throw usage_error(model + ": epochs must be >= 0, got " + std::to_string(epochs));
  if (ctgan && (batch < 2 * kPac || batch % kPac != 0))
    throw usage_error(model + ": batch size must be a multiple of " + std::to_string(kPac) +
                      " (PacGAN groups) and at least " + std::to_string(2 * kPac) + ", got " + std::to_string(batch));
  if (!ctgan && batch < 2) throw usage_error(model + ": batch size must be >= 2, got " + std::to_string(batch));
  const int threads = resolve_threads(options.threads);
  torch::set_num_threads(threads);
  ModeSpecificOptions normalizer_options;
  normalizer_options.seed = derive_seed(options.seed, kModesPurpose);
  const Matrix train = normalizer_.fit(data, layout, normalizer_options);
  conditions_ = make_conditions(normalizer_);
  count_conditions(conditions_, train);

  report_ = FitReport{};
  report_.settings = {{"model", model},
                      {"epochs", std::to_string(epochs)},
                      {"batch_size", std::to_string(batch)},
                      {"threads", std::to_string(threads)},
                      {"seed", std::to_string(options.seed)},
                      {"data_width", std::to_string(normalizer_.output_width())},
                      {"condition_width", std::to_string(conditions_.width)}};
  torch::manual_seed(options.seed);
  const auto train_start = std::chrono::steady_clock::now();
  if (ctgan)
    fit_ctgan(train, options, epochs, batch);
  else
    fit_tvae(train, options, epochs, batch);
  const double train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - train_start).count();
  report_.settings["seconds_per_epoch"] = number_text(epochs > 0 ? train_seconds / epochs : 0.0);
  report_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report_;
}

void CtganTvae::build_networks() {
  if (kind_ == Kind::Ctgan) {
    generator_ = CtganGenerator(kEmbedding + conditions_.width, normalizer_.output_width());
    decoder_ = TvaeDecoder(nullptr);
  } else {
    decoder_ = TvaeDecoder(normalizer_.output_width());
    generator_ = CtganGenerator(nullptr);
  }
}

void CtganTvae::fit_ctgan(const Matrix& train, const FitOptions& options, int epochs, int batch) {
  const double lr_g = options.parameters.number("learning_rate").value_or(2e-4);
  const double lr_d = options.parameters.number("critic_learning_rate").value_or(2e-4);
  const double dropout = options.parameters.number("dropout").value_or(0.5);
  const int critic_steps = options.parameters.integer("critic_steps").value_or(1);
  if (!(lr_g > 0.0) || !(lr_d > 0.0) || !std::isfinite(lr_g) || !std::isfinite(lr_d))
    throw usage_error("ctgan: learning rates must be > 0");
  if (!(dropout >= 0.0 && dropout < 1.0)) throw usage_error("ctgan: dropout must be in [0, 1)");
  if (critic_steps < 1) throw usage_error("ctgan: critic steps must be >= 1");
  report_.settings["lr_g"] = number_text(lr_g);
  report_.settings["lr_d"] = number_text(lr_d);
  report_.settings["dropout"] = number_text(dropout);
  report_.settings["critic_steps"] = std::to_string(critic_steps);
  report_.settings["pac"] = std::to_string(kPac);

  build_networks();
  const int64_t dim = normalizer_.output_width();
  const int64_t cond = conditions_.width;
  CtganCritic critic(dim + cond, dropout);
  generator_->train();
  critic->train();
  torch::optim::Adam opt_g(generator_->parameters(),
                           torch::optim::AdamOptions(lr_g).betas({0.5, 0.9}).weight_decay(1e-6));
  torch::optim::Adam opt_d(critic->parameters(), torch::optim::AdamOptions(lr_d).betas({0.5, 0.9}).weight_decay(1e-6));
  const SpanIndex spans(normalizer_.spans(), dim);
  // Per discrete column, its padded logit columns and pad mask, for the conditional loss.
  const int64_t n_discrete = static_cast<int64_t>(conditions_.columns.size());
  int64_t widest = 1;
  for (const auto& c : conditions_.columns) widest = std::max(widest, c.slots);
  std::vector<int64_t> cond_gather(static_cast<size_t>(std::max<int64_t>(n_discrete, 1) * widest), 0);
  std::vector<float> cond_pad(cond_gather.size(), kPad);
  for (int64_t d = 0; d < n_discrete; ++d)
    for (int64_t j = 0; j < conditions_.columns[static_cast<size_t>(d)].slots; ++j) {
      cond_gather[static_cast<size_t>(d * widest + j)] = conditions_.columns[static_cast<size_t>(d)].start + j;
      cond_pad[static_cast<size_t>(d * widest + j)] = 0.0f;
    }
  const auto cond_gather_t = torch::tensor(cond_gather, torch::kLong).view({-1, widest});
  const auto cond_pad_t = torch::tensor(cond_pad).view({-1, widest});

  const int64_t rows = train.rows;
  const torch::Tensor data =
      torch::from_blob(const_cast<float*>(train.data.data()), {rows, dim}, torch::kFloat).clone();
  Rng rng(derive_seed(options.seed, kBatchPurpose));

  // Training-by-sampling buffers, reused every step (no per-row allocation).
  std::vector<float> cond_fake(static_cast<size_t>(batch * cond));
  std::vector<float> cond_real(static_cast<size_t>(batch * cond));
  std::vector<int64_t> col_of(static_cast<size_t>(batch)), cat_of(static_cast<size_t>(batch));
  std::vector<int64_t> real_rows(static_cast<size_t>(batch)), perm(static_cast<size_t>(batch));
  // One conditional vector per row: a discrete column uniformly, then one of its categories in
  // proportion to log(count + 1).
  auto draw_conditions = [&](std::vector<float>& buffer) {
    std::fill(buffer.begin(), buffer.end(), 0.0f);
    for (int64_t b = 0; b < batch; ++b) {
      const auto d = static_cast<int64_t>(rng.below(static_cast<uint64_t>(n_discrete)));
      const auto& c = conditions_.columns[static_cast<size_t>(d)];
      const int64_t k = Conditions::pick(c.log_cumulative, rng.uniform());
      col_of[static_cast<size_t>(b)] = d;
      cat_of[static_cast<size_t>(b)] = k;
      buffer[static_cast<size_t>(b * cond + c.offset + k)] = 1.0f;
    }
  };
  auto as_tensor = [](std::vector<float>& v, int64_t r, int64_t c) {
    return torch::from_blob(v.data(), {r, c}, torch::kFloat).clone();
  };
  auto as_long = [](std::vector<int64_t>& v) {
    return torch::from_blob(v.data(), {static_cast<int64_t>(v.size())}, torch::kLong).clone();
  };

  const int64_t steps = std::max<int64_t>(rows / batch, 1);
  report_.settings["steps_per_epoch"] = std::to_string(steps);
  Progress* progress = options.progress;
  if (progress) progress->begin("training", epochs);
  for (int epoch = 0; epoch < epochs; ++epoch) {
    double d_sum = 0.0, g_sum = 0.0;
    for (int64_t step = 0; step < steps; ++step) {
      for (int n = 0; n < critic_steps; ++n) {
        torch::Tensor c_fake, c_real, real;
        if (n_discrete > 0) {
          draw_conditions(cond_fake);
          // The real rows answer a shuffled copy of the same conditions (CTGAN's permutation).
          for (int64_t b = 0; b < batch; ++b) perm[static_cast<size_t>(b)] = b;
          for (int64_t b = batch - 1; b > 0; --b)
            std::swap(perm[static_cast<size_t>(b)], perm[rng.below(static_cast<uint64_t>(b + 1))]);
          for (int64_t b = 0; b < batch; ++b) {
            const auto p = static_cast<size_t>(perm[static_cast<size_t>(b)]);
            std::memcpy(&cond_real[static_cast<size_t>(b * cond)], &cond_fake[p * static_cast<size_t>(cond)],
                        static_cast<size_t>(cond) * sizeof(float));
            const auto& candidates =
                conditions_.columns[static_cast<size_t>(col_of[p])].rows[static_cast<size_t>(cat_of[p])];
            real_rows[static_cast<size_t>(b)] = candidates[rng.below(candidates.size())];
          }
          c_fake = as_tensor(cond_fake, batch, cond);
          c_real = as_tensor(cond_real, batch, cond);
        } else {
          for (auto& r : real_rows) r = static_cast<int64_t>(rng.below(static_cast<uint64_t>(rows)));
        }
        real = data.index_select(0, as_long(real_rows));
        torch::Tensor fake;
        {
          // The critic step needs no generator gradient: CTGAN's Python builds (and discards) it.
          torch::NoGradGuard no_grad;
          auto z = torch::randn({batch, kEmbedding});
          if (n_discrete > 0) z = torch::cat({z, c_fake}, 1);
          fake = spans.activate(generator_->forward(z));
        }
        const auto real_cat = n_discrete > 0 ? torch::cat({real, c_real}, 1) : real;
        const auto fake_cat = n_discrete > 0 ? torch::cat({fake, c_fake}, 1) : fake;
        // Real and generated pac groups in one forward pass (batch is a multiple of kPac).
        const auto scores = critic->forward(torch::cat({real_cat, fake_cat}, 0));
        const int64_t groups = batch / kPac;
        const auto loss_d = scores.slice(0, groups).mean() - scores.slice(0, 0, groups).mean();
        // WGAN-GP on points between real and generated rows (one alpha per pac group).
        const int64_t width = dim + cond;
        const auto alpha = torch::rand({groups, 1, 1}).expand({groups, kPac, width}).reshape({batch, width});
        const auto mixed = (alpha * real_cat + (1 - alpha) * fake_cat).requires_grad_(true);
        const auto mixed_scores = critic->forward(mixed);
        const auto gradients = torch::autograd::grad({mixed_scores}, {mixed}, {torch::ones_like(mixed_scores)},
                                                     /*retain_graph=*/true, /*create_graph=*/true)[0];
        const auto penalty = (gradients.reshape({-1, kPac * width}).norm(2, 1) - 1).pow(2).mean() * kGradientPenalty;
        opt_d.zero_grad();
        (loss_d + penalty).backward();
        opt_d.step();
        d_sum += loss_d.item<double>() / critic_steps;
      }

      // Generator step; the critic's weights need no gradient here.
      for (auto& p : critic->parameters()) p.set_requires_grad(false);
      torch::Tensor c_fake;
      auto z = torch::randn({batch, kEmbedding});
      if (n_discrete > 0) {
        draw_conditions(cond_fake);
        c_fake = as_tensor(cond_fake, batch, cond);
        z = torch::cat({z, c_fake}, 1);
      }
      const auto logits = generator_->forward(z);
      const auto fake = spans.activate(logits);
      const auto scores = critic->forward(n_discrete > 0 ? torch::cat({fake, c_fake}, 1) : fake);
      auto loss_g = -scores.mean();
      if (n_discrete > 0) {
        // Cross-entropy of the chosen column's logits against the chosen category.
        const auto chosen = as_long(col_of);
        const auto chosen_logits =
            logits.gather(1, cond_gather_t.index_select(0, chosen)) + cond_pad_t.index_select(0, chosen);
        loss_g = loss_g + torch::nll_loss(torch::log_softmax(chosen_logits, 1), as_long(cat_of));
      }
      opt_g.zero_grad();
      loss_g.backward();
      opt_g.step();
      for (auto& p : critic->parameters()) p.set_requires_grad(true);
      g_sum += loss_g.item<double>();
    }
    const double d_mean = d_sum / static_cast<double>(steps);
    const double g_mean = g_sum / static_cast<double>(steps);
    report_.critic_loss.push_back(d_mean);
    report_.generator_loss.push_back(g_mean);
    if (progress) progress->update(epoch + 1, "D " + number_text(d_mean) + " G " + number_text(g_mean));
  }
  if (progress) progress->end();
  generator_->eval();  // sampling uses the BatchNorm running statistics
}

void CtganTvae::fit_tvae(const Matrix& train, const FitOptions& options, int epochs, int batch) {
  const double lr = options.parameters.number("learning_rate").value_or(1e-3);
  if (!(lr > 0.0) || !std::isfinite(lr)) throw usage_error("tvae: learning rate must be > 0");
  report_.settings["lr"] = number_text(lr);
  report_.settings["loss_factor"] = number_text(kTvaeLossFactor);
  build_networks();
  const int64_t dim = normalizer_.output_width();
  TvaeEncoder encoder(dim);
  std::vector<torch::Tensor> parameters = encoder->parameters();
  for (const auto& p : decoder_->parameters()) parameters.push_back(p);
  torch::optim::Adam opt(parameters, torch::optim::AdamOptions(lr).weight_decay(1e-5));
  const SpanIndex spans(normalizer_.spans(), dim);

  const int64_t rows = train.rows;
  const torch::Tensor data =
      torch::from_blob(const_cast<float*>(train.data.data()), {rows, dim}, torch::kFloat).clone();
  Rng rng(derive_seed(options.seed, kBatchPurpose));
  std::vector<int64_t> order(static_cast<size_t>(rows));
  for (int64_t i = 0; i < rows; ++i) order[static_cast<size_t>(i)] = i;
  const int64_t steps = (rows + batch - 1) / batch;  // the last batch may be short
  report_.settings["steps_per_epoch"] = std::to_string(steps);
  Progress* progress = options.progress;
  if (progress) progress->begin("training", epochs);
  for (int epoch = 0; epoch < epochs; ++epoch) {
    for (int64_t i = rows - 1; i > 0; --i)
      std::swap(order[static_cast<size_t>(i)], order[rng.below(static_cast<uint64_t>(i + 1))]);
    double loss_sum = 0.0;
    for (int64_t step = 0; step < steps; ++step) {
      const int64_t from = step * batch;
      const int64_t n = std::min<int64_t>(batch, rows - from);
      const auto index = torch::from_blob(order.data() + from, {n}, torch::kLong).clone();
      const auto x = data.index_select(0, index);
      const auto [mu, logvar] = encoder->forward(x);
      const auto z = torch::randn_like(mu) * torch::exp(0.5 * logvar) + mu;
      const auto recon = decoder_->forward(z);
      const auto& sigma = decoder_->sigma;
      // Value columns: Gaussian log-likelihood with the learned sigma (up to a constant).
      torch::Tensor reconstruction = torch::zeros({});
      if (spans.values.numel() > 0) {
        const auto s = sigma.index_select(0, spans.values);
        const auto diff = x.index_select(1, spans.values) - torch::tanh(recon.index_select(1, spans.values));
        reconstruction = (diff.pow(2) / 2 / s.pow(2)).sum() + torch::log(s).sum() * static_cast<double>(n);
      }
      // One-hot spans: cross-entropy against the true slot.
      if (spans.spans > 0) {
        const auto target = spans.padded(x).argmax(2);  // pads hold kPad: never the maximum
        const auto log_p = torch::log_softmax(spans.padded(recon), 2);
        reconstruction = reconstruction - log_p.gather(2, target.unsqueeze(2)).sum();
      }
      const auto kld = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum();
      const auto loss = (kTvaeLossFactor * reconstruction + kld) / static_cast<double>(n);
      opt.zero_grad();
      loss.backward();
      opt.step();
      {
        torch::NoGradGuard no_grad;
        decoder_->sigma.clamp_(0.01, 1.0);
      }
      loss_sum += loss.item<double>();
    }
    report_.generator_loss.push_back(loss_sum / static_cast<double>(steps));
    if (progress) progress->update(epoch + 1, "loss " + number_text(report_.generator_loss.back()));
  }
  if (progress) progress->end();
  decoder_->eval();
}

// Uniform in (0, 1): never 0, so log(-log(u)) is finite.
double open_uniform(Rng& rng) { return (static_cast<double>(rng.next() >> 11) + 0.5) * 0x1.0p-53; }

void CtganTvae::sample_block(int64_t block_first, uint64_t seed, std::vector<float>& rows) const {
  const int64_t dim = normalizer_.output_width();
  const int64_t cond = conditions_.width;
  const bool ctgan = kind_ == Kind::Ctgan;
  const int64_t in_width = kEmbedding + (ctgan ? cond : 0);
  std::vector<float> input(static_cast<size_t>(kSampleBlock * in_width), 0.0f);
  std::vector<float> noise(static_cast<size_t>(kSampleBlock * dim));  // gumbel / value noise
  const auto spans = normalizer_.spans();
  for (int64_t j = 0; j < kSampleBlock; ++j) {
    // Every draw of row r comes from (seed, r) alone.
    Rng rng(derive_seed(seed, kRowPurpose, static_cast<uint64_t>(block_first + j)));
    float* z = input.data() + j * in_width;
    for (int64_t k = 0; k < kEmbedding; ++k) z[k] = static_cast<float>(rng.normal());
    if (ctgan && !conditions_.columns.empty()) {
      // A discrete column uniformly, a category by its real frequency: over the columns this
      // gives each row its real marginal (see docs/models.md).
      const auto d = rng.below(conditions_.columns.size());
      const auto& c = conditions_.columns[d];
      z[kEmbedding + c.offset + Conditions::pick(c.cumulative, rng.uniform())] = 1.0f;
    }
    float* e = noise.data() + j * dim;
    for (const auto& s : spans)
      for (int64_t k = 0; k < s.width; ++k)
        e[s.start + k] = s.softmax ? (ctgan ? static_cast<float>(-std::log(-std::log(open_uniform(rng)))) : 0.0f)
                                   : (ctgan ? 0.0f : static_cast<float>(rng.normal()));
  }
  const auto x = torch::from_blob(input.data(), {kSampleBlock, in_width}, torch::kFloat);
  torch::Tensor logits;
  if (ctgan) {
    CtganGenerator generator = generator_;  // the holder's operator-> is const-only
    logits = generator->forward(x).contiguous();
  } else {
    TvaeDecoder decoder = decoder_;
    logits = decoder->forward(x).contiguous();
  }
  std::vector<float> sigma;
  if (!ctgan) {
    const auto s = decoder_->sigma.detach().contiguous();
    sigma.assign(s.data_ptr<float>(), s.data_ptr<float>() + dim);
  }
  std::vector<float> activated(static_cast<size_t>(kSampleBlock * dim));
  const float* y = logits.data_ptr<float>();
  for (int64_t j = 0; j < kSampleBlock; ++j) {
    const float* in = y + j * dim;
    const float* e = noise.data() + j * dim;
    float* out = activated.data() + j * dim;
    for (const auto& s : spans) {
      for (int64_t k = s.start; k < s.start + s.width; ++k) {
        if (s.softmax) {
          // argmax of Gumbel-perturbed logits = a draw from softmax(logits) (ctgan); tvae keeps
          // the most likely slot, as its decoder output is used.
          out[k] = in[k] + e[k];
        } else {
          // tanh value; tvae adds its learned noise N(0, sigma).
          out[k] = std::tanh(in[k]) + (ctgan ? 0.0f : e[k] * sigma[static_cast<size_t>(k)]);
        }
      }
    }
  }
  rows.resize(static_cast<size_t>(kSampleBlock * normalizer_.input_width()));
  normalizer_.inverse(activated.data(), kSampleBlock, rows.data());
}

Matrix CtganTvae::do_sample(int64_t first_row, int64_t count, uint64_t seed) const {
  if (!fitted()) throw usage_error(name() + ": sample() before fit() or load()");
  if (first_row < 0 || count < 0)
    throw usage_error(name() + ": rows to sample must be non-negative (first " + std::to_string(first_row) +
                      ", count " + std::to_string(count) + ")");
  if (count > std::numeric_limits<int64_t>::max() - kSampleBlock - first_row)
    throw usage_error(name() + ": rows to sample run past the end of the row numbers");
  const int64_t width = normalizer_.input_width();
  Matrix out(count, width);
  if (count == 0) return out;
  sample_in_blocks(out, first_row,
                   [&](int64_t block_first, std::vector<float>& rows) { sample_block(block_first, seed, rows); });
  return out;
}

void CtganTvae::do_save(ArchiveWriter& out, const std::string& prefix) const {
  if (!fitted()) throw usage_error(name() + ": save() before fit() or load()");
  nlohmann::json frequencies = nlohmann::json::array();
  for (const auto& c : conditions_.columns) {
    std::vector<double> p(c.cumulative.size());
    for (size_t k = 0; k < p.size(); ++k) p[k] = c.cumulative[k] - (k > 0 ? c.cumulative[k - 1] : 0.0);
    frequencies.push_back(p);
  }
  nlohmann::json meta = {{"model", name()},
                         {"transformer", normalizer_.to_json()},
                         {"frequencies", frequencies},
                         {"settings", report_.settings},
                         {"critic_loss", report_.critic_loss},
                         {"generator_loss", report_.generator_loss},
                         {"seconds", report_.seconds}};
  out.put(prefix + "meta", meta.dump());
  out.put(prefix + "weights", kind_ == Kind::Ctgan ? tensors_to_bytes(*generator_, kWeightsFormat)
                                                   : tensors_to_bytes(*decoder_, kWeightsFormat));
}

void CtganTvae::do_load(const ArchiveReader& in, const std::string& prefix) {
  const SectionCheck meta_check{in.source(), prefix + "meta"};
  ModeSpecificNormalizer normalizer;
  Conditions conditions;
  FitReport report;
  meta_check.guard([&] {
    const auto meta = meta_check.parse_object(in.get(prefix + "meta"));
    const std::string model = meta_check.string(meta, "model");
    if (model != name()) meta_check.fail("holds a '" + model + "' model, not '" + name() + "'");
    normalizer.from_json(meta_check.object(meta, "transformer"), meta_check);
    conditions = make_conditions(normalizer);
    const auto& frequencies = meta_check.array(meta, "frequencies");
    if (frequencies.size() != conditions.columns.size())
      meta_check.fail("'frequencies' has " + std::to_string(frequencies.size()) +
                      " entries, expected one per categorical column (" + std::to_string(conditions.columns.size()) +
                      ")");
    for (size_t d = 0; d < frequencies.size(); ++d) {
      auto& c = conditions.columns[d];
      const std::string what = "'frequencies' entry " + std::to_string(d);
      const auto p = meta_check.finite_list<double>(frequencies[d], what, c.slots);
      meta_check.probabilities(p, what);
      double total = 0.0;
      for (double v : p) c.cumulative.push_back(total += v);
    }
    for (const auto& [key, value] : meta_check.object(meta, "settings").items()) {
      if (!value.is_string()) meta_check.fail("setting '" + key + "' is not text");
      report.settings[key] = value.get<std::string>();
    }
    for (const auto& v : meta_check.array(meta, "critic_loss"))
      report.critic_loss.push_back(v.is_number() ? v.get<double>() : std::nan(""));
    for (const auto& v : meta_check.array(meta, "generator_loss"))
      report.generator_loss.push_back(v.is_number() ? v.get<double>() : std::nan(""));
    report.seconds = meta_check.finite(meta, "seconds");
  });

  // Everything is read into locals first: a refused file leaves the model as it was.
  CtganGenerator generator{nullptr};
  TvaeDecoder decoder{nullptr};
  const SectionCheck weights_check{in.source(), prefix + "weights"};
  weights_check.guard([&] {
    const auto in_width = static_cast<double>(kEmbedding + conditions.width);
    const auto out_width = static_cast<double>(normalizer.output_width());
    // The largest layers alone: r1 (in x 256) and out ((in + 512) x data), or fc3 and sigma.
    check_holds_weights(in.get(prefix + "weights"),
                        kind_ == Kind::Ctgan ? 256.0 * in_width + (in_width + 512.0) * out_width : 129.0 * out_width,
                        weights_check);
    if (kind_ == Kind::Ctgan) {
      generator = CtganGenerator(kEmbedding + conditions.width, normalizer.output_width());
      tensors_from_bytes(in.get(prefix + "weights"), *generator, kWeightsFormat, weights_check);
      generator->eval();
    } else {
      decoder = TvaeDecoder(normalizer.output_width());
      tensors_from_bytes(in.get(prefix + "weights"), *decoder, kWeightsFormat, weights_check);
      decoder->eval();
    }
  });
  normalizer_ = std::move(normalizer);
  conditions_ = std::move(conditions);
  generator_ = generator;
  decoder_ = decoder;
  report_ = std::move(report);
}

}  // namespace

namespace {

ModelTraits ctgan_tvae_traits(Kind kind) {
  ModelTraits traits;
  traits.name = kind == Kind::Ctgan ? "ctgan" : "tvae";
  traits.description =
      kind == Kind::Ctgan
          ? "CTGAN (Xu et al. 2019): conditional GAN with mode-specific normalisation, for larger tables"
          : "TVAE (Xu et al. 2019): tabular variational autoencoder with mode-specific normalisation";
  traits.memory.base_bytes = kTorchBaseBytes;
  // Each numeric column's Gaussian mixture is fitted on the column's own scale.
  traits.input_space = [](const FitOptions&, PipelineOptions& input) { input.standardize_numeric = true; };
  traits.create = [kind] { return std::make_unique<CtganTvae>(kind); };
  if (kind == Kind::Ctgan)
    traits.parameters = {epochs_parameter("300"),
                         batch_size_parameter("500", static_cast<int>(2 * kPac), " (a multiple of 10: PacGAN groups)"),
                         learning_rate_parameter("2e-4"),
                         critic_learning_rate_parameter("2e-4"),
                         dropout_parameter(),
                         critic_steps_parameter()};
  else
    traits.parameters = {epochs_parameter("300"), batch_size_parameter("500", 2, ""), learning_rate_parameter("1e-3")};
  return traits;
}

const ModelRegistration registered_ctgan{ctgan_tvae_traits(Kind::Ctgan)};
const ModelRegistration registered_tvae{ctgan_tvae_traits(Kind::Tvae)};

}  // namespace

}  // namespace synthtab
