#pragma once
// The weights section shared by the plugin's models: a module's float tensors as raw bytes,
// read back only when every name, rank and size matches the module built from the metadata.
#include <torch/torch.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "synthtab/core/json_checks.hpp"

namespace synthtab::torch_io {

// A module's float tensors (parameters, then BatchNorm running statistics) in a fixed order.
inline std::vector<std::pair<std::string, torch::Tensor>> module_tensors(const torch::nn::Module& m) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& item : m.named_parameters(true)) out.emplace_back(item.key(), item.value());
  for (const auto& item : m.named_buffers(true))
    if (item.value().scalar_type() == torch::kFloat) out.emplace_back(item.key(), item.value());
  return out;
}

template <typename T>
inline void put_raw(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

// u32 format, u32 count, then per tensor: u32 name size, name, u32 rank, i64 dims, floats.
inline std::string tensors_to_bytes(const torch::nn::Module& m, uint32_t format) {
  std::string bytes;
  const auto tensors = module_tensors(m);
  put_raw<uint32_t>(bytes, format);
  put_raw<uint32_t>(bytes, static_cast<uint32_t>(tensors.size()));
  for (const auto& [key, tensor] : tensors) {
    put_raw<uint32_t>(bytes, static_cast<uint32_t>(key.size()));
    bytes += key;
    put_raw<uint32_t>(bytes, static_cast<uint32_t>(tensor.dim()));
    for (int64_t d : tensor.sizes()) put_raw<int64_t>(bytes, d);
    const torch::Tensor flat = tensor.detach().contiguous();
    bytes.append(reinterpret_cast<const char*>(flat.data_ptr<float>()),
                 static_cast<size_t>(flat.numel()) * sizeof(float));
  }
  return bytes;
}

// Fills `m`'s tensors from `bytes`, refusing anything that does not match exactly.
// A network is built from the sizes its model file declares, and the file must then hold every
// weight: a section shorter than `min_weights` floats is refused before the network is built
// (a 3.5 KB wgan file declaring a million features asked for 4.9 GB).
inline void check_holds_weights(const std::string& bytes, double min_weights, const SectionCheck& check) {
  if (static_cast<double>(bytes.size()) < 4.0 * min_weights)
    check.fail("holds " + std::to_string(bytes.size()) + " bytes, fewer than the " +
               std::to_string(static_cast<unsigned long long>(std::min(min_weights, 1e18))) +
               " weights of the network its sizes declare (4 bytes each)");
}

inline void tensors_from_bytes(const std::string& bytes, torch::nn::Module& m, uint32_t format,
                               const SectionCheck& check) {
  size_t pos = 0;
  auto take = [&](size_t n) {
    if (n > bytes.size() - pos) check.fail("ends early");
    const char* p = bytes.data() + pos;
    pos += n;
    return p;
  };
  auto get = [&]<typename T>(T) {
    T value;
    std::memcpy(&value, take(sizeof(T)), sizeof(T));
    return value;
  };
  if (get(uint32_t{}) != format) check.fail("unknown weights format");
  const auto tensors = module_tensors(m);
  if (get(uint32_t{}) != tensors.size()) check.fail("wrong number of tensors");
  torch::NoGradGuard no_grad;
  for (const auto& [key, tensor] : tensors) {
    const uint32_t name_size = get(uint32_t{});
    if (std::string(take(name_size), name_size) != key) check.fail("expected tensor '" + key + "'");
    if (get(uint32_t{}) != static_cast<uint32_t>(tensor.dim())) check.fail("tensor '" + key + "' has the wrong rank");
    for (int64_t d : tensor.sizes())
      if (get(int64_t{}) != d) check.fail("tensor '" + key + "' does not match the column layout");
    const size_t n = static_cast<size_t>(tensor.numel());
    const char* raw = take(n * sizeof(float));
    float* dst = tensor.data_ptr<float>();
    std::memcpy(dst, raw, n * sizeof(float));
    for (size_t i = 0; i < n; ++i)
      if (!std::isfinite(dst[i])) check.fail("tensor '" + key + "' holds a value that is not finite");
  }
  if (pos != bytes.size()) check.fail("has trailing bytes");
}

}  // namespace synthtab::torch_io
