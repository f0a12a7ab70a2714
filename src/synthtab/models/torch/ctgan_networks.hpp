#pragma once
// The networks of CTGAN and TVAE (Xu et al. 2019) as the paper and its published settings give
// them, and the index that applies CTGAN's activations to every one-hot span at once. Included
// by ctgan_tvae.cpp alone: one LibTorch translation unit for both models.
#include <torch/torch.h>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "synthtab/transform/mode_specific.hpp"

namespace synthtab::ctgan {

inline constexpr int64_t kEmbedding = 128;  // noise size (CTGAN) and latent size (TVAE)
inline constexpr int64_t kPac = 10;         // PacGAN: the critic judges 10 rows at once
inline constexpr double kTau = 0.2;         // Gumbel-softmax temperature
inline constexpr double kLeaky = 0.2;
inline constexpr float kPad = -1e30f;  // logit of a padding slot: never chosen, no gradient

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

}  // namespace synthtab::ctgan
