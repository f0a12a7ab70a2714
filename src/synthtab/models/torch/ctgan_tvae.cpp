// CTGAN and TVAE (Xu et al. 2019) in LibTorch, on CTGAN's data representation
// (transform/mode_specific.hpp). The algorithms follow the paper and its published settings;
// docs/models.md lists what differs and why. Written from the paper, not from its Python code.
// The networks are in ctgan_networks.hpp, the conditional vector in ctgan_conditions.hpp.
#include "synthtab/models/torch/block_sampling.hpp"
#include "synthtab/models/torch/ctgan_conditions.hpp"
#include "synthtab/models/torch/ctgan_networks.hpp"
#include "synthtab/models/torch/plugin.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "synthtab/core/error.hpp"
#include "synthtab/core/json_checks.hpp"
#include "synthtab/core/parallel.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/models/registry.hpp"
#include "synthtab/models/torch/tensor_io.hpp"
#include "synthtab/transform/mode_specific.hpp"

namespace synthtab::ctgan {
namespace {

using torch_io::check_holds_weights;
using torch_io::tensors_from_bytes;
using torch_io::tensors_to_bytes;

static_assert(std::endian::native == std::endian::little, "the weights section stores raw little-endian floats");

constexpr double kGradientPenalty = 10.0;
constexpr double kTvaeLossFactor = 2.0;
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

// ---- CTGAN's training ---------------------------------------------------------------------

torch::Tensor float_tensor(std::vector<float>& v, int64_t rows, int64_t cols) {
  return torch::from_blob(v.data(), {rows, cols}, torch::kFloat).clone();
}
torch::Tensor long_tensor(std::vector<int64_t>& v) {
  return torch::from_blob(v.data(), {static_cast<int64_t>(v.size())}, torch::kLong).clone();
}

// The knobs of one CTGAN training run, read once.
struct CtganSettings {
  double generator_rate = 2e-4;
  double critic_rate = 2e-4;
  double dropout = 0.5;
  int critic_steps = 1;
  int batch = 500;
};

// One CTGAN training run (Xu et al. 2019, algorithm 1): the critic, both optimisers, the
// conditional loss's index and the training-by-sampling buffers, reused every step (no per-row
// allocation). `rng` and LibTorch's generator are drawn in the order the steps are called.
class CtganTraining {
 public:
  CtganTraining(CtganGenerator generator, const Conditions& conditions, const Matrix& train, const SpanIndex& spans,
                const CtganSettings& settings, uint64_t seed);
  // One critic update on real rows and generated ones; returns the critic's Wasserstein loss.
  double critic_step();
  // One generator update; returns its loss (the critic's score and the conditional cross-entropy).
  double generator_step();

 private:
  // One conditional vector per row: a discrete column uniformly, then one of its categories in
  // proportion to log(count + 1).
  void draw_conditions(std::vector<float>& buffer);
  // The real rows answer a shuffled copy of the same conditions (CTGAN's permutation).
  void draw_answering_rows();
  // Cross-entropy of each row's chosen column's logits against its chosen category.
  torch::Tensor conditional_loss(const torch::Tensor& logits);

  CtganGenerator generator_;
  const Conditions& conditions_;
  const SpanIndex& spans_;
  const int64_t batch_, dim_, cond_, discrete_;
  CtganCritic critic_;
  torch::optim::Adam generator_optimizer_, critic_optimizer_;
  torch::Tensor cond_gather_, cond_pad_;  // per discrete column: its padded logit columns, pad mask
  const torch::Tensor data_;
  Rng rng_;
  std::vector<float> cond_fake_, cond_real_;
  std::vector<int64_t> col_of_, cat_of_, real_rows_, perm_;
};

CtganTraining::CtganTraining(CtganGenerator generator, const Conditions& conditions, const Matrix& train,
                             const SpanIndex& spans, const CtganSettings& settings, uint64_t seed)
    : generator_(std::move(generator)),
      conditions_(conditions),
      spans_(spans),
      batch_(settings.batch),
      dim_(train.cols),
      cond_(conditions.width),
      discrete_(static_cast<int64_t>(conditions.columns.size())),
      critic_(dim_ + cond_, settings.dropout),  // after the generator: LibTorch's draws keep their order
      generator_optimizer_(generator_->parameters(),
                           torch::optim::AdamOptions(settings.generator_rate).betas({0.5, 0.9}).weight_decay(1e-6)),
      critic_optimizer_(critic_->parameters(),
                        torch::optim::AdamOptions(settings.critic_rate).betas({0.5, 0.9}).weight_decay(1e-6)),
      data_(torch::from_blob(const_cast<float*>(train.data.data()), {train.rows, train.cols}, torch::kFloat).clone()),
      rng_(seed),
      cond_fake_(static_cast<size_t>(batch_ * cond_)),
      cond_real_(static_cast<size_t>(batch_ * cond_)),
      col_of_(static_cast<size_t>(batch_)),
      cat_of_(static_cast<size_t>(batch_)),
      real_rows_(static_cast<size_t>(batch_)),
      perm_(static_cast<size_t>(batch_)) {
  generator_->train();
  critic_->train();
  int64_t widest = 1;
  for (const auto& c : conditions_.columns) widest = std::max(widest, c.slots);
  std::vector<int64_t> gather(static_cast<size_t>(std::max<int64_t>(discrete_, 1) * widest), 0);
  std::vector<float> pad(gather.size(), kPad);
  for (int64_t d = 0; d < discrete_; ++d)
    for (int64_t j = 0; j < conditions_.columns[static_cast<size_t>(d)].slots; ++j) {
      gather[static_cast<size_t>(d * widest + j)] = conditions_.columns[static_cast<size_t>(d)].start + j;
      pad[static_cast<size_t>(d * widest + j)] = 0.0f;
    }
  cond_gather_ = torch::tensor(gather, torch::kLong).view({-1, widest});
  cond_pad_ = torch::tensor(pad).view({-1, widest});
}

void CtganTraining::draw_conditions(std::vector<float>& buffer) {
  std::fill(buffer.begin(), buffer.end(), 0.0f);
  for (int64_t b = 0; b < batch_; ++b) {
    const auto d = static_cast<int64_t>(rng_.below(static_cast<uint64_t>(discrete_)));
    const auto& c = conditions_.columns[static_cast<size_t>(d)];
    const int64_t k = Conditions::pick(c.log_cumulative, rng_.uniform());
    col_of_[static_cast<size_t>(b)] = d;
    cat_of_[static_cast<size_t>(b)] = k;
    buffer[static_cast<size_t>(b * cond_ + c.offset + k)] = 1.0f;
  }
}

void CtganTraining::draw_answering_rows() {
  for (int64_t b = 0; b < batch_; ++b) perm_[static_cast<size_t>(b)] = b;
  for (int64_t b = batch_ - 1; b > 0; --b)
    std::swap(perm_[static_cast<size_t>(b)], perm_[rng_.below(static_cast<uint64_t>(b + 1))]);
  for (int64_t b = 0; b < batch_; ++b) {
    const auto p = static_cast<size_t>(perm_[static_cast<size_t>(b)]);
    std::memcpy(&cond_real_[static_cast<size_t>(b * cond_)], &cond_fake_[p * static_cast<size_t>(cond_)],
                static_cast<size_t>(cond_) * sizeof(float));
    const auto& candidates = conditions_.columns[static_cast<size_t>(col_of_[p])].rows[static_cast<size_t>(cat_of_[p])];
    real_rows_[static_cast<size_t>(b)] = candidates[rng_.below(candidates.size())];
  }
}

double CtganTraining::critic_step() {
  torch::Tensor c_fake, c_real;
  if (discrete_ > 0) {
    draw_conditions(cond_fake_);
    draw_answering_rows();
    c_fake = float_tensor(cond_fake_, batch_, cond_);
    c_real = float_tensor(cond_real_, batch_, cond_);
  } else {
    for (auto& r : real_rows_) r = static_cast<int64_t>(rng_.below(static_cast<uint64_t>(data_.size(0))));
  }
  const torch::Tensor real = data_.index_select(0, long_tensor(real_rows_));
  torch::Tensor fake;
  {
    // The critic step needs no generator gradient: CTGAN's Python builds (and discards) it.
    torch::NoGradGuard no_grad;
    auto z = torch::randn({batch_, kEmbedding});
    if (discrete_ > 0) z = torch::cat({z, c_fake}, 1);
    fake = spans_.activate(generator_->forward(z));
  }
  const auto real_cat = discrete_ > 0 ? torch::cat({real, c_real}, 1) : real;
  const auto fake_cat = discrete_ > 0 ? torch::cat({fake, c_fake}, 1) : fake;
  // Real and generated pac groups in one forward pass (batch is a multiple of kPac).
  const auto scores = critic_->forward(torch::cat({real_cat, fake_cat}, 0));
  const int64_t groups = batch_ / kPac;
  const auto loss = scores.slice(0, groups).mean() - scores.slice(0, 0, groups).mean();
  // WGAN-GP on points between real and generated rows (one alpha per pac group).
  const int64_t width = dim_ + cond_;
  const auto alpha = torch::rand({groups, 1, 1}).expand({groups, kPac, width}).reshape({batch_, width});
  const auto mixed = (alpha * real_cat + (1 - alpha) * fake_cat).requires_grad_(true);
  const auto mixed_scores = critic_->forward(mixed);
  const auto gradients = torch::autograd::grad({mixed_scores}, {mixed}, {torch::ones_like(mixed_scores)},
                                               /*retain_graph=*/true, /*create_graph=*/true)[0];
  const auto penalty = (gradients.reshape({-1, kPac * width}).norm(2, 1) - 1).pow(2).mean() * kGradientPenalty;
  critic_optimizer_.zero_grad();
  (loss + penalty).backward();
  critic_optimizer_.step();
  return loss.item<double>();
}

torch::Tensor CtganTraining::conditional_loss(const torch::Tensor& logits) {
  const auto chosen = long_tensor(col_of_);
  const auto chosen_logits = logits.gather(1, cond_gather_.index_select(0, chosen)) + cond_pad_.index_select(0, chosen);
  return torch::nll_loss(torch::log_softmax(chosen_logits, 1), long_tensor(cat_of_));
}

double CtganTraining::generator_step() {
  // The critic's weights need no gradient here.
  for (auto& p : critic_->parameters()) p.set_requires_grad(false);
  torch::Tensor c_fake;
  auto z = torch::randn({batch_, kEmbedding});
  if (discrete_ > 0) {
    draw_conditions(cond_fake_);
    c_fake = float_tensor(cond_fake_, batch_, cond_);
    z = torch::cat({z, c_fake}, 1);
  }
  const auto logits = generator_->forward(z);
  const auto fake = spans_.activate(logits);
  const auto scores = critic_->forward(discrete_ > 0 ? torch::cat({fake, c_fake}, 1) : fake);
  auto loss = -scores.mean();
  if (discrete_ > 0) loss = loss + conditional_loss(logits);
  generator_optimizer_.zero_grad();
  loss.backward();
  generator_optimizer_.step();
  for (auto& p : critic_->parameters()) p.set_requires_grad(true);
  return loss.item<double>();
}

// ---- the model ----------------------------------------------------------------------------

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
  FitReport report_;  // the fit being made (Synthesizer::fit times it; the engine saves it)
};

FitReport CtganTvae::do_fit(const Matrix& data, const std::vector<ModelColumn>& layout, const FitOptions& options) {
  const std::string model = name();
  const bool ctgan = kind_ == Kind::Ctgan;
  const int epochs = options.parameters.integer("epochs").value_or(300);
  const int batch = options.parameters.integer("batch_size").value_or(500);
  // The schema holds the ranges; PacGAN's groups need one more rule.
  if (ctgan && batch % kPac != 0)
    throw usage_error(model + ": batch size must be a multiple of " + std::to_string(kPac) +
                      " (PacGAN groups) and at least " + std::to_string(2 * kPac) + ", got " + std::to_string(batch));
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
  CtganSettings settings;
  settings.generator_rate = options.parameters.number("learning_rate").value_or(settings.generator_rate);
  settings.critic_rate = options.parameters.number("critic_learning_rate").value_or(settings.critic_rate);
  settings.dropout = options.parameters.number("dropout").value_or(settings.dropout);
  settings.critic_steps = options.parameters.integer("critic_steps").value_or(settings.critic_steps);
  settings.batch = batch;
  report_.settings["learning_rate"] = number_text(settings.generator_rate);
  report_.settings["critic_learning_rate"] = number_text(settings.critic_rate);
  report_.settings["dropout"] = number_text(settings.dropout);
  report_.settings["critic_steps"] = std::to_string(settings.critic_steps);
  report_.settings["pac"] = std::to_string(kPac);

  build_networks();
  const SpanIndex spans(normalizer_.spans(), normalizer_.output_width());
  CtganTraining training(generator_, conditions_, train, spans, settings, derive_seed(options.seed, kBatchPurpose));
  const int64_t steps = std::max<int64_t>(train.rows / batch, 1);
  report_.settings["steps_per_epoch"] = std::to_string(steps);
  Progress* progress = options.progress;
  if (progress) progress->begin("training", epochs);
  for (int epoch = 0; epoch < epochs; ++epoch) {
    double d_sum = 0.0, g_sum = 0.0;
    for (int64_t step = 0; step < steps; ++step) {
      for (int n = 0; n < settings.critic_steps; ++n) d_sum += training.critic_step() / settings.critic_steps;
      g_sum += training.generator_step();
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
  report_.settings["learning_rate"] = number_text(lr);
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
  check_block_sample(name(), fitted(), first_row, count);
  const int64_t width = normalizer_.input_width();
  Matrix out(count, width);
  if (count == 0) return out;
  sample_in_blocks(out, first_row,
                   [&](int64_t block_first, std::vector<float>& rows) { sample_block(block_first, seed, rows); });
  return out;
}

void CtganTvae::do_save(ArchiveWriter& out, const std::string& prefix) const {
  if (!fitted()) throw usage_error(name() + ": save() before fit() or load()");
  nlohmann::json meta = {
      {"model", name()}, {"transformer", normalizer_.to_json()}, {"frequencies", frequencies_to_json(conditions_)}};
  out.put(prefix + "meta", meta.dump());
  out.put(prefix + "weights", kind_ == Kind::Ctgan ? tensors_to_bytes(*generator_, kWeightsFormat)
                                                   : tensors_to_bytes(*decoder_, kWeightsFormat));
}

void CtganTvae::do_load(const ArchiveReader& in, const std::string& prefix) {
  const SectionCheck meta_check{in.source(), prefix + "meta"};
  ModeSpecificNormalizer normalizer;
  Conditions conditions;
  meta_check.guard([&] {
    const auto meta = meta_check.parse_object(in.get(prefix + "meta"));
    const std::string model = meta_check.string(meta, "model");
    if (model != name()) meta_check.fail("holds a '" + model + "' model, not '" + name() + "'");
    normalizer.from_json(meta_check.object(meta, "transformer"), meta_check);
    conditions = make_conditions(normalizer);
    frequencies_from_json(meta_check.array(meta, "frequencies"), conditions, meta_check);
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
}

ModelTraits ctgan_tvae_traits(Kind kind) {
  ModelTraits traits;
  traits.name = kind == Kind::Ctgan ? "ctgan" : "tvae";
  traits.description =
      kind == Kind::Ctgan
          ? "CTGAN (Xu et al. 2019): conditional GAN with mode-specific normalisation, for larger tables"
          : "TVAE (Xu et al. 2019): tabular variational autoencoder with mode-specific normalisation";
  traits.memory.base_bytes = kTorchBaseBytes;
  // Each numeric column's Gaussian mixture is fitted on the column's own scale.
  traits.input_space = [](const FitOptions&, PipelineOptions& input) { input.numeric = "standard"; };
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

}  // namespace synthtab::ctgan