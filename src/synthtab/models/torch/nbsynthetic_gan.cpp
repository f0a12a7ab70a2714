// The seed's neural models (nbsynthetic's WGAN and vanilla GAN) in LibTorch, and the plugin's
// entry point. Architecture, noise, optimisers and hyper-parameters follow the seed's Keras code;
// the training step follows Arjovsky et al. (see docs/models.md for every difference and why).
#include "synthtab/models/torch/nbsynthetic_gan.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <charconv>
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
#include "synthtab/models/torch/block_sampling.hpp"
#include "synthtab/models/torch/plugin.hpp"
#include "synthtab/models/torch/tensor_io.hpp"

namespace synthtab {
namespace {

static_assert(std::endian::native == std::endian::little, "the generator section stores raw little-endian floats");

// Keras layer settings the seed relies on, in PyTorch terms.
constexpr double kLeakySlope = 0.7;         // LeakyReLU(alpha=0.7)
constexpr double kBatchNormEps = 1e-3;      // Keras BatchNormalization default epsilon
constexpr double kBatchNormMomentum = 0.1;  // Keras momentum 0.9 = PyTorch momentum 0.1
constexpr double kKerasEps = 1e-7;          // Keras optimiser epsilon (PyTorch's Adam uses 1e-8)
constexpr double kWeightClip = 0.01;        // WGAN critic weight clipping (Arjovsky et al.)

// Rows are generated in fixed global blocks so that any split of the rows into calls or shards
// runs the network on identical batches and so gives bit-identical rows.

// derive_seed purposes ("noise", "data").
constexpr uint64_t kNoisePurpose = 0x6e6f697365;
constexpr uint64_t kDataPurpose = 0x64617461;

constexpr uint32_t kGeneratorFormat = 1;

enum class Variant { Wgan, Gan };

const char* variant_name(Variant v) { return v == Variant::Wgan ? "wgan" : "gan"; }

int64_t latent_for(int64_t features) { return std::max<int64_t>(1, features * 3 / 4); }

// The seed's first layers use N(0, 0.02); every other Dense layer Keras' glorot_uniform.
void init_linear(torch::nn::Linear& layer, bool seed_normal) {
  torch::NoGradGuard no_grad;
  if (seed_normal)
    torch::nn::init::normal_(layer->weight, 0.0, 0.02);
  else
    torch::nn::init::xavier_uniform_(layer->weight);
  torch::nn::init::zeros_(layer->bias);
}

struct GeneratorImpl : torch::nn::Module {
  GeneratorImpl(int64_t latent, int64_t features)
      : fc1(register_module("fc1", torch::nn::Linear(latent, 256))),
        bn1(register_module("bn1", make_bn(256))),
        fc2(register_module("fc2", torch::nn::Linear(256, 512))),
        bn2(register_module("bn2", make_bn(512))),
        fc3(register_module("fc3", torch::nn::Linear(512, 1024))),
        bn3(register_module("bn3", make_bn(1024))),
        fc4(register_module("fc4", torch::nn::Linear(1024, features))) {
    init_linear(fc1, true);
    init_linear(fc2, false);
    init_linear(fc3, false);
    init_linear(fc4, false);
  }

  static torch::nn::BatchNorm1d make_bn(int64_t width) {
    return torch::nn::BatchNorm1d(torch::nn::BatchNorm1dOptions(width).eps(kBatchNormEps).momentum(kBatchNormMomentum));
  }

  // Dense -> LeakyReLU -> BatchNorm, as the seed orders them.
  torch::Tensor forward(torch::Tensor z) {
    auto x = bn1(torch::leaky_relu(fc1(z), kLeakySlope));
    x = bn2(torch::leaky_relu(fc2(x), kLeakySlope));
    x = bn3(torch::leaky_relu(fc3(x), kLeakySlope));
    return torch::tanh(fc4(x));
  }

  torch::nn::Linear fc1;
  torch::nn::BatchNorm1d bn1;
  torch::nn::Linear fc2;
  torch::nn::BatchNorm1d bn2;
  torch::nn::Linear fc3;
  torch::nn::BatchNorm1d bn3;
  torch::nn::Linear fc4;
};
TORCH_MODULE(Generator);

// Linear output: the WGAN critic's score, or the GAN discriminator's logit (the sigmoid is
// folded into the loss, binary_cross_entropy_with_logits, which is the same function but stable).
struct CriticImpl : torch::nn::Module {
  CriticImpl(int64_t features, double dropout)
      : fc1(register_module("fc1", torch::nn::Linear(features, 512))),
        fc2(register_module("fc2", torch::nn::Linear(512, 256))),
        fc3(register_module("fc3", torch::nn::Linear(256, 256))),
        fc4(register_module("fc4", torch::nn::Linear(256, 1))),
        dropout_(dropout) {
    init_linear(fc1, true);
    init_linear(fc2, false);
    init_linear(fc3, false);
    init_linear(fc4, false);
  }

  torch::Tensor forward(torch::Tensor x) {
    x = torch::dropout(torch::leaky_relu(fc1(x), kLeakySlope), dropout_, is_training());
    x = torch::dropout(torch::leaky_relu(fc2(x), kLeakySlope), dropout_, is_training());
    x = torch::dropout(torch::leaky_relu(fc3(x), kLeakySlope), dropout_, is_training());
    return fc4(x);
  }

  torch::nn::Linear fc1, fc2, fc3, fc4;
  double dropout_;
};
TORCH_MODULE(Critic);

std::string number_text(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

std::string loss_text(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.4g", value);
  return buffer;
}

// The knobs of one training run, read once.
struct NbsyntheticSettings {
  int epochs = 10;
  int batch = 0;
  double generator_rate = 2e-4;
  double critic_rate = 1e-3;
  double dropout = 0.5;
  int critic_steps = 1;
};

// One training run of the seed's networks: the optimisers the seed gives them, its rows and the
// run's data Rng. LibTorch's and the Rng's draws come in the order epoch() makes them.
class NbsyntheticTraining {
 public:
  NbsyntheticTraining(Generator generator, Critic critic, bool wgan, const Matrix& data,
                      const NbsyntheticSettings& settings, uint64_t seed);
  // One epoch of the seed's iterations; `after_iteration(critic_loss, generator_loss)` follows
  // each. Returns the epoch's mean critic loss (NaN when no critic step ran) and generator loss.
  template <typename AfterIteration>
  std::pair<double, double> epoch(AfterIteration after_iteration);

 private:
  // One critic update on `real` and half a batch of fresh generated rows; returns its loss.
  double critic_step(const torch::Tensor& real);
  // One generator update through the frozen critic; returns its loss.
  double generator_step();
  // The real rows of critic step `step` of iteration `iteration` (undefined: none left).
  torch::Tensor real_rows(const torch::Tensor& shuffled, int64_t iteration, int step);

  Generator generator_;
  Critic critic_;
  const bool wgan_;
  const NbsyntheticSettings settings_;
  const int64_t rows_, half_, iterations_, latent_;
  std::unique_ptr<torch::optim::Optimizer> critic_optimizer_;
  torch::optim::Adam generator_optimizer_;
  const torch::Tensor real_all_;
  std::vector<int64_t> order_;  // shuffled anew each epoch, from the last epoch's order
  Rng data_rng_;
};

// The seed: critic RMSprop(0.001, rho 0.9, centered); generator Adam(beta1 0.4, amsgrad).
// The gan's discriminator keeps the seed's vgan.py optimiser, Adam(beta1 0.4, amsgrad).
std::unique_ptr<torch::optim::Optimizer> critic_optimizer(Critic& critic, bool wgan, double rate) {
  if (wgan)
    return std::make_unique<torch::optim::RMSprop>(
        critic->parameters(), torch::optim::RMSpropOptions(rate).alpha(0.9).eps(kKerasEps).centered(true));
  return std::make_unique<torch::optim::Adam>(
      critic->parameters(), torch::optim::AdamOptions(rate).betas({0.4, 0.999}).eps(kKerasEps).amsgrad(true));
}

NbsyntheticTraining::NbsyntheticTraining(Generator generator, Critic critic, bool wgan, const Matrix& data,
                                         const NbsyntheticSettings& settings, uint64_t seed)
    : generator_(std::move(generator)),
      critic_(std::move(critic)),
      wgan_(wgan),
      settings_(settings),
      rows_(data.rows),
      half_(settings.batch / 2),
      iterations_(nbsynthetic_iterations_per_epoch(data.rows, settings.batch)),
      latent_(latent_for(data.cols)),
      critic_optimizer_(critic_optimizer(critic_, wgan, settings.critic_rate)),
      generator_optimizer_(
          generator_->parameters(),
          torch::optim::AdamOptions(settings.generator_rate).betas({0.4, 0.999}).eps(kKerasEps).amsgrad(true)),
      real_all_(torch::from_blob(const_cast<float*>(data.data.data()), {data.rows, data.cols}, torch::kFloat).clone()),
      order_(static_cast<size_t>(data.rows)),
      data_rng_(derive_seed(seed, kDataPurpose)) {
  generator_->train();
  critic_->train();
  for (int64_t i = 0; i < rows_; ++i) order_[static_cast<size_t>(i)] = i;
}

double NbsyntheticTraining::critic_step(const torch::Tensor& real) {
  torch::Tensor fake;
  {
    torch::NoGradGuard no_grad;
    fake = generator_->forward(torch::rand({half_, latent_}));
  }
  const auto scores = critic_->forward(torch::cat({real, fake}, 0));
  const int64_t n_real = real.size(0);
  torch::Tensor loss;
  if (wgan_) {
    // Wasserstein estimate: the critic raises real scores and lowers generated ones.
    loss = scores.slice(0, n_real).mean() - scores.slice(0, 0, n_real).mean();
  } else {
    auto labels = torch::cat({torch::ones({n_real, 1}), torch::zeros({half_, 1})}, 0);
    loss = torch::binary_cross_entropy_with_logits(scores, labels);
  }
  critic_optimizer_->zero_grad();
  loss.backward();
  critic_optimizer_->step();
  if (wgan_) {
    // Weight clipping keeps the critic K-Lipschitz (the seed clipped gradients instead).
    torch::NoGradGuard no_grad;
    for (auto& p : critic_->parameters()) p.clamp_(-kWeightClip, kWeightClip);
  }
  return loss.item<double>();
}

double NbsyntheticTraining::generator_step() {
  // No critic gradient is accumulated.
  for (auto& p : critic_->parameters()) p.set_requires_grad(false);
  const int64_t batch = settings_.batch;
  const auto scores = critic_->forward(generator_->forward(torch::rand({batch, latent_})));
  const torch::Tensor loss =
      wgan_ ? -scores.mean() : torch::binary_cross_entropy_with_logits(scores, torch::ones({batch, 1}));
  generator_optimizer_.zero_grad();
  loss.backward();
  generator_optimizer_.step();
  for (auto& p : critic_->parameters()) p.set_requires_grad(true);
  return loss.item<double>();
}

torch::Tensor NbsyntheticTraining::real_rows(const torch::Tensor& shuffled, int64_t iteration, int step) {
  if (step == 0) {
    // The seed's slice; the last one may be short, or empty (then skipped).
    const int64_t begin = std::min(rows_, half_ * iteration);
    const int64_t end = std::min(rows_, begin + half_);
    return end == begin ? torch::Tensor() : shuffled.slice(0, begin, end);
  }
  // Extra critic steps (WGAN paper cadence) see a fresh random half-batch of real rows.
  std::vector<int64_t> pick(static_cast<size_t>(half_));
  for (auto& p : pick) p = static_cast<int64_t>(data_rng_.below(static_cast<uint64_t>(rows_)));
  return real_all_.index_select(0, torch::from_blob(pick.data(), {half_}, torch::kLong).clone());
}

template <typename AfterIteration>
std::pair<double, double> NbsyntheticTraining::epoch(AfterIteration after_iteration) {
  // Fisher–Yates with the run's own Rng: the seed shuffled the rows once per epoch.
  for (int64_t i = rows_ - 1; i > 0; --i)
    std::swap(order_[static_cast<size_t>(i)],
              order_[static_cast<size_t>(data_rng_.below(static_cast<uint64_t>(i + 1)))]);
  const torch::Tensor shuffled =
      real_all_.index_select(0, torch::from_blob(order_.data(), {rows_}, torch::kLong).clone());
  double critic_sum = 0.0, generator_sum = 0.0;
  int64_t critic_count = 0;
  for (int64_t it = 0; it < iterations_; ++it) {
    double critic_loss = std::numeric_limits<double>::quiet_NaN();
    for (int step = 0; step < settings_.critic_steps; ++step) {
      const torch::Tensor real = real_rows(shuffled, it, step);
      if (!real.defined()) continue;
      critic_loss = critic_step(real);
      critic_sum += critic_loss;
      ++critic_count;
    }
    const double generator_loss = generator_step();
    generator_sum += generator_loss;
    after_iteration(critic_loss, generator_loss);
  }
  return {critic_count > 0 ? critic_sum / static_cast<double>(critic_count) : std::numeric_limits<double>::quiet_NaN(),
          generator_sum / static_cast<double>(iterations_)};
}

class NbsyntheticGan final : public Synthesizer, public NbsyntheticGanInspector {
 public:
  explicit NbsyntheticGan(Variant variant) : variant_(variant) {}

  std::string name() const override { return variant_name(variant_); }

  FitReport do_fit(const Matrix& data, const std::vector<ModelColumn>& layout, const FitOptions& options) override;
  Matrix do_sample(int64_t first_row, int64_t count, uint64_t seed) const override;
  void do_save(ArchiveWriter& out, const std::string& prefix) const override;
  void do_load(const ArchiveReader& in, const std::string& prefix) override;

  double critic_max_abs_parameter() const override {
    if (critic_.is_empty()) return std::numeric_limits<double>::quiet_NaN();
    double m = 0.0;
    for (const auto& p : critic_->parameters()) m = std::max(m, p.abs().max().item<double>());
    return m;
  }
  int64_t latent_size() const override { return latent_; }

 private:
  Variant variant_;
  int64_t features_ = 0;
  int64_t latent_ = 0;
  Generator generator_{nullptr};
  Critic critic_{nullptr};
  FitReport report_;  // the fit being made (Synthesizer::fit times it; the engine saves it)
};

FitReport NbsyntheticGan::do_fit(const Matrix& data, const std::vector<ModelColumn>&, const FitOptions& options) {
  const std::string model = name();
  for (int64_t r = 0; r < data.rows; ++r)
    for (int64_t c = 0; c < data.cols; ++c)
      if (!std::isfinite(data(r, c)))
        throw Error(ErrorKind::Input, model + ": model-space value at row " + std::to_string(r + 1) + ", column " +
                                          std::to_string(c + 1) + " is not finite");
  // The schema (nbsynthetic_gan_traits) holds every parameter's range.
  const bool wgan = variant_ == Variant::Wgan;
  NbsyntheticSettings settings;
  settings.epochs = options.parameters.integer("epochs").value_or(settings.epochs);
  settings.batch = options.parameters.integer("batch_size").value_or(nbsynthetic_batch_size(data.rows));
  settings.generator_rate = options.parameters.number("learning_rate").value_or(settings.generator_rate);
  settings.critic_rate = options.parameters.number("critic_learning_rate").value_or(wgan ? 1e-3 : 2e-4);
  settings.dropout = options.parameters.number("dropout").value_or(settings.dropout);
  settings.critic_steps = options.parameters.integer("critic_steps").value_or(settings.critic_steps);
  const int threads = resolve_threads(options.threads);
  const int64_t iterations = nbsynthetic_iterations_per_epoch(data.rows, settings.batch);
  features_ = data.cols;
  latent_ = latent_for(features_);

  torch::set_num_threads(threads);
  torch::manual_seed(options.seed);
  generator_ = Generator(latent_, features_);
  critic_ = Critic(features_, settings.dropout);
  NbsyntheticTraining training(generator_, critic_, wgan, data, settings, options.seed);

  report_ = FitReport{};
  report_.settings = {
      {"model", model},
      {"epochs", std::to_string(settings.epochs)},
      {"batch_size", std::to_string(settings.batch)},
      {"latent", std::to_string(latent_)},
      {"learning_rate", number_text(settings.generator_rate)},
      {"critic_learning_rate", number_text(settings.critic_rate)},
      {"dropout", number_text(settings.dropout)},
      {"critic_steps", std::to_string(settings.critic_steps)},
      {"iterations_per_epoch", std::to_string(iterations)},
      {"threads", std::to_string(threads)},
      {"seed", std::to_string(options.seed)},
  };
  Progress* progress = options.progress;
  if (progress) progress->begin("training", static_cast<long long>(settings.epochs) * iterations);
  long long done = 0;
  for (int epoch = 0; epoch < settings.epochs; ++epoch) {
    const auto [critic_loss, generator_loss] = training.epoch([&](double critic, double generator) {
      ++done;
      if (progress) progress->update(done, "D " + loss_text(critic) + " G " + loss_text(generator));
    });
    report_.critic_loss.push_back(critic_loss);
    report_.generator_loss.push_back(generator_loss);
  }
  if (progress) progress->end();
  generator_->eval();  // sampling uses the BatchNorm running statistics
  critic_->eval();
  return report_;
}

Matrix NbsyntheticGan::do_sample(int64_t first_row, int64_t count, uint64_t seed) const {
  check_block_sample(name(), !generator_.is_empty(), first_row, count);
  Matrix out(count, features_);
  if (count == 0) return out;

  Generator generator = generator_;  // the holder's operator-> is const-only on a const model
  sample_in_blocks(out, first_row, [&](int64_t block_first, std::vector<float>& rows) {
    // Row r's noise depends on (seed, r) only.
    std::vector<float> noise(static_cast<size_t>(kSampleBlock * latent_));
    for (int64_t j = 0; j < kSampleBlock; ++j) {
      Rng rng(derive_seed(seed, kNoisePurpose, static_cast<uint64_t>(block_first + j)));
      float* z = noise.data() + j * latent_;
      for (int64_t k = 0; k < latent_; ++k) z[k] = static_cast<float>(rng.uniform());
    }
    const torch::Tensor y =
        generator->forward(torch::from_blob(noise.data(), {kSampleBlock, latent_}, torch::kFloat)).contiguous();
    rows.assign(y.data_ptr<float>(), y.data_ptr<float>() + kSampleBlock * features_);
  });
  return out;
}

void NbsyntheticGan::do_save(ArchiveWriter& out, const std::string& prefix) const {
  if (generator_.is_empty()) throw usage_error(name() + ": save() before fit() or load()");
  nlohmann::json meta;
  meta["model"] = name();
  meta["features"] = features_;
  meta["latent"] = latent_;
  out.put(prefix + "meta", meta.dump());

  out.put(prefix + "generator", torch_io::tensors_to_bytes(*generator_, kGeneratorFormat));
}

void NbsyntheticGan::do_load(const ArchiveReader& in, const std::string& prefix) {
  const SectionCheck check{in.source(), prefix + "meta"};
  int64_t features = 0, latent = 0;
  check.guard([&] {
    const nlohmann::json meta = check.parse_object(in.get(prefix + "meta"));
    const std::string model = check.string(meta, "model");
    if (model != name()) check.fail("holds a '" + model + "' model, not '" + name() + "'");
    features = check.integer(meta, "features", 1, 1'000'000);
    latent = check.integer(meta, "latent", 1, 100'000'000);
  });
  if (latent != latent_for(features))
    check.fail("inconsistent sizes (features " + std::to_string(features) + ", latent " + std::to_string(latent) + ")");

  // fc1 (latent x 256) and fc4 (1024 x features) alone.
  torch_io::check_holds_weights(in.get(prefix + "generator"),
                                256.0 * static_cast<double>(latent) + 1024.0 * static_cast<double>(features),
                                SectionCheck{in.source(), prefix + "generator"});
  Generator generator(latent, features);
  // A weight that is not finite would make every drawn row NaN: refused there too.
  torch_io::tensors_from_bytes(in.get(prefix + "generator"), *generator, kGeneratorFormat,
                               SectionCheck{in.source(), prefix + "generator"});

  generator->eval();
  features_ = features;
  latent_ = latent;
  generator_ = generator;
  critic_ = Critic(nullptr);
}

ModelTraits nbsynthetic_gan_traits(Variant variant) {
  ModelTraits traits;
  traits.name = variant_name(variant);
  traits.description = variant == Variant::Wgan
                           ? "the seed's unconditional Wasserstein GAN (nbsynthetic), trained as a WGAN should be"
                           : "the seed's vanilla GAN variant (sigmoid discriminator, binary cross-entropy)";
  traits.models_missing = false;  // the seed's preparation: gaps filled before the network sees them
  traits.memory.base_bytes = kTorchBaseBytes;
  // The seed's quantile count differs by model: 70 % of the rows on its WGAN path, min(100, rows)
  // (the pipeline's default) on its vanilla GAN path.
  if (variant == Variant::Wgan)
    traits.input_space = [](const FitOptions&, PipelineOptions& input) {
      if (input.n_quantiles == 0 && input.quantile_share == 0.0) input.quantile_share = 0.7;
    };
  traits.create = [variant] { return std::make_unique<NbsyntheticGan>(variant); };
  traits.parameters = {epochs_parameter("10"),
                       batch_size_parameter("the nbsynthetic rule, by the rows", 4,
                                            " (at least 4: BatchNorm needs 2 generated rows per critic step)"),
                       learning_rate_parameter("2e-4"),
                       critic_learning_rate_parameter(variant == Variant::Wgan ? "1e-3" : "2e-4"),
                       dropout_parameter(),
                       critic_steps_parameter()};
  return traits;
}

const ModelRegistration registered_wgan{nbsynthetic_gan_traits(Variant::Wgan)};
const ModelRegistration registered_gan{nbsynthetic_gan_traits(Variant::Gan)};

}  // namespace
}  // namespace synthtab
