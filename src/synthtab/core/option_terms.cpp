#include "synthtab/core/option_terms.hpp"

namespace synthtab {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

std::string rename_options(std::string_view text, const std::function<std::string(std::string_view name)>& rename) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const size_t open = text.find('`', i);
    if (open == std::string_view::npos) break;
    size_t end = open + 1;
    while (end < text.size() && is_name_char(text[end])) ++end;
    out.append(text.substr(i, open - i));
    if (end < text.size() && text[end] == '`' && end > open + 1) {
      const std::string_view name = text.substr(open + 1, end - open - 1);
      const std::string renamed = rename(name);
      out.append(renamed.empty() ? text.substr(open, end + 1 - open) : std::string_view(renamed));
      i = end + 1;
    } else {
      out += '`';  // not a name: the backtick is text
      i = open + 1;
    }
  }
  out.append(text.substr(i));
  return out;
}

}  // namespace synthtab
