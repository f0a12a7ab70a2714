#pragma once
// Model-space values the model tests build their matrices from.
#include <string>

#include "synthtab/transform/column_transformer.hpp"

namespace synthtab::testing {

// A categorical code k of K categories in model space (the categorical transformer's scaling).
inline float code(int k, int categories) {
  return categories < 2 ? -1.0f : static_cast<float>(2.0 * k / (categories - 1) - 1.0);
}

inline ModelColumn categorical(int categories, const std::string& name) {
  return {ModelColumnKind::Categorical, categories, name};
}

}  // namespace synthtab::testing
