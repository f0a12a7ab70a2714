#pragma once
// A structure-aware mutator for model files (libFuzzer's LLVMFuzzerCustomMutator).
//
// Byte-level mutation of a model file almost always breaks its checksum, so the loaders behind
// it are rarely reached. This mutator parses the bytes as an archive (magic "SYNTHTAB", u32
// version, u64 payload size, payload of (name, bytes) sections, u64 FNV-1a checksum), changes it
// as a hostile or careless editor would, and writes it back WITH a correct checksum:
//
//   JSON sections  deeper nesting (1 to 100,000 levels of [ ] or {"k": }), numbers replaced by
//                  huge, negative and boundary values (2^31, 2^62, 2^63-1, 2^64, -1, 0, 1e308,
//                  ...), arrays emptied, truncated, grown or with duplicated entries, types
//                  swapped (number, string, array, object, literal), members deleted, duplicated,
//                  renamed or copied from elsewhere, subtrees transplanted, strings with NULs;
//   binary         (real_rows fingerprints, weights) bytes flipped, 8-byte words set to boundary
//                  values, lengths changed (cut to a non-multiple of 8, grown, emptied);
//   the frame      sections deleted, duplicated, renamed, swapped or added; the version; and in
//                  the serialised bytes the section count, name sizes, section sizes and the
//                  payload size set to wrong values (the checksum then still matches).
//
// The JSON edits work on the text with a linear, non-recursive scanner, so they are robust when
// a section is not valid JSON (or nests 100,000 levels): then they still edit what looks like
// values, and byte-level edits of the section are used as well. Inputs that are not archives,
// and a share of the others, go to libFuzzer's own mutator.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "synthtab/core/hash.hpp"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace synthtab_fuzz {

// ---------------------------------------------------------------------------------------------
// Randomness: splitmix64, seeded by libFuzzer's seed (so a mutation is reproducible).

class Rand {
 public:
  explicit Rand(uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); 0 when n is 0.
  size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }
  bool chance(unsigned percent) { return below(100) < percent; }
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[below(v.size())];
  }

 private:
  uint64_t state_;
};

// ---------------------------------------------------------------------------------------------
// The archive frame.

inline constexpr std::string_view kMagic = "SYNTHTAB";
inline constexpr size_t kHeaderSize = 8 + 4 + 8;       // magic, version, payload size
inline constexpr size_t kFrameSize = kHeaderSize + 8;  // and the checksum after the payload

struct Section {
  std::string name;
  std::string data;
};

struct Archive {
  uint32_t version = 1;
  std::vector<Section> sections;
};

inline uint64_t get_le(std::string_view b, size_t at, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(b[at + i])) << (8 * i);
  return v;
}

inline void put_le(std::string& out, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

inline void set_le(std::string& out, size_t at, uint64_t v, size_t n) {
  for (size_t i = 0; i < n && at + i < out.size(); ++i) out[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

// The bytes as an archive, whatever their payload size field and checksum say (the payload is
// everything between the header and the last 8 bytes); nullopt when the sections do not parse.
inline std::optional<Archive> parse_archive(std::string_view bytes) {
  if (bytes.size() < kFrameSize + 4 || bytes.substr(0, kMagic.size()) != kMagic) return std::nullopt;
  Archive archive;
  archive.version = static_cast<uint32_t>(get_le(bytes, 8, 4));
  const std::string_view payload = bytes.substr(kHeaderSize, bytes.size() - kFrameSize);
  size_t pos = 0;
  auto need = [&](uint64_t n) { return n <= payload.size() - pos; };
  if (!need(4)) return std::nullopt;
  const uint64_t count = get_le(payload, pos, 4);
  pos += 4;
  for (uint64_t i = 0; i < count; ++i) {
    if (!need(4)) return std::nullopt;
    const uint64_t name_size = get_le(payload, pos, 4);
    pos += 4;
    if (!need(name_size)) return std::nullopt;
    Section s;
    s.name = std::string(payload.substr(pos, name_size));
    pos += name_size;
    if (!need(8)) return std::nullopt;
    const uint64_t data_size = get_le(payload, pos, 8);
    pos += 8;
    if (!need(data_size)) return std::nullopt;
    s.data = std::string(payload.substr(pos, data_size));
    pos += data_size;
    archive.sections.push_back(std::move(s));
  }
  if (pos != payload.size()) return std::nullopt;
  return archive;
}

inline size_t serialized_size(const Archive& a) {
  size_t n = kFrameSize + 4;
  for (const auto& s : a.sections) n += 4 + s.name.size() + 8 + s.data.size();
  return n;
}

// Recomputes the checksum (the last 8 bytes) over everything between the header and it, leaving
// the payload size field as it is.
inline void fix_checksum(std::string& bytes) {
  if (bytes.size() < kFrameSize) return;
  const size_t payload = bytes.size() - kFrameSize;
  set_le(bytes, kHeaderSize + payload, synthtab::fnv1a64(std::string_view(bytes).substr(kHeaderSize, payload)), 8);
}

inline std::string serialize(const Archive& a) {
  std::string payload;
  put_le(payload, a.sections.size(), 4);
  for (const auto& s : a.sections) {
    put_le(payload, s.name.size(), 4);
    payload += s.name;
    put_le(payload, s.data.size(), 8);
    payload += s.data;
  }
  std::string out(kMagic);
  put_le(out, a.version, 4);
  put_le(out, payload.size(), 8);
  out += payload;
  put_le(out, synthtab::fnv1a64(payload), 8);
  return out;
}

// ---------------------------------------------------------------------------------------------
// JSON text, scanned without recursion into value spans.

inline constexpr size_t kNone = static_cast<size_t>(-1);

struct JsonNode {
  size_t begin = 0;
  size_t end = kNone;        // one past the value; kNone for a container that never closes
  size_t key_begin = kNone;  // where its key starts, when it is an object member
  int64_t parent = -1;
  char kind = 0;  // '[' '{' '"' 'n' (number) 'l' (true, false, null, other word)
};

// The values of `t` in document order. Scalars beyond `max_nodes` are left out (containers are
// still tracked, so that every recorded span is right).
inline std::vector<JsonNode> scan_json(std::string_view t, size_t max_nodes = 50000) {
  std::vector<JsonNode> nodes;
  std::vector<int64_t> stack;
  std::vector<char> expect_key;
  size_t pending_key = kNone;
  const size_t n = t.size();
  auto add = [&](size_t b, size_t e, char kind) {
    JsonNode node;
    node.begin = b;
    node.end = e;
    node.key_begin = pending_key;
    node.parent = stack.empty() ? -1 : stack.back();
    node.kind = kind;
    nodes.push_back(node);
    pending_key = kNone;
    return static_cast<int64_t>(nodes.size() - 1);
  };
  auto in_object = [&] { return !stack.empty() && nodes[static_cast<size_t>(stack.back())].kind == '{'; };
  size_t i = 0;
  while (i < n) {
    const char c = t[i];
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == ':') {
      ++i;
    } else if (c == ',') {
      if (in_object()) expect_key.back() = 1;
      pending_key = kNone;
      ++i;
    } else if (c == '"') {
      size_t j = i + 1;
      while (j < n && t[j] != '"') j += t[j] == '\\' ? 2 : 1;
      const size_t e = std::min(j + 1, n);
      if (in_object() && expect_key.back()) {
        pending_key = i;
        expect_key.back() = 0;
      } else if (nodes.size() < max_nodes) {
        add(i, e, '"');
      } else {
        pending_key = kNone;
      }
      i = e;
    } else if (c == '[' || c == '{') {
      stack.push_back(add(i, kNone, c));
      expect_key.push_back(c == '{');
      ++i;
    } else if (c == ']' || c == '}') {
      if (!stack.empty()) {
        nodes[static_cast<size_t>(stack.back())].end = i + 1;
        stack.pop_back();
        expect_key.pop_back();
      }
      ++i;
    } else if (c == '-' || c == '+' || c == '.' || std::isdigit(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < n && std::strchr("0123456789+-.eE", t[j]) != nullptr && t[j] != '\0') ++j;
      if (nodes.size() < max_nodes)
        add(i, j, 'n');
      else
        pending_key = kNone;
      i = j;
    } else if (std::isalpha(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < n && std::isalnum(static_cast<unsigned char>(t[j]))) ++j;
      if (nodes.size() < max_nodes)
        add(i, j, 'l');
      else
        pending_key = kNone;
      i = j;
    } else {
      ++i;  // a byte that is no JSON: left alone
    }
  }
  // Containers still open at the end, and their members, cannot be cut cleanly: drop them.
  std::vector<char> open(nodes.size(), 0);
  for (size_t k = 0; k < nodes.size(); ++k)
    if (nodes[k].end == kNone || (nodes[k].parent >= 0 && open[static_cast<size_t>(nodes[k].parent)])) open[k] = 1;
  std::vector<JsonNode> closed;
  std::vector<int64_t> renumber(nodes.size(), -1);
  for (size_t k = 0; k < nodes.size(); ++k) {
    if (open[k]) continue;
    renumber[k] = static_cast<int64_t>(closed.size());
    JsonNode node = nodes[k];
    node.parent = node.parent >= 0 ? renumber[static_cast<size_t>(node.parent)] : -1;
    closed.push_back(node);
  }
  return closed;
}

inline bool looks_like_json(std::string_view data) {
  for (char c : data) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    return c == '{' || c == '[' || c == '"' || c == '-' || std::isdigit(static_cast<unsigned char>(c)) || c == 't' ||
           c == 'f' || c == 'n';
  }
  return false;
}

// Numbers a hostile file would write: around the int32, int64, uint64 and double limits, and the
// bounds that synthtab's loaders check (2048 columns for mrf, 1,000,000 for cart, 2^24 ...).
inline const std::vector<std::string>& boundary_numbers() {
  static const std::vector<std::string> v = {"0",
                                             "1",
                                             "-1",
                                             "2",
                                             "3",
                                             "-2",
                                             "-0",
                                             "0.0",
                                             "0.5",
                                             "-0.5",
                                             "1.0000001",
                                             "0.9999999",
                                             "7",
                                             "8",
                                             "63",
                                             "64",
                                             "65",
                                             "255",
                                             "256",
                                             "1023",
                                             "1024",
                                             "2047",
                                             "2048",
                                             "2049",
                                             "4096",
                                             "65535",
                                             "65536",
                                             "1000000",
                                             "1000001",
                                             "16777216",
                                             "16777217",
                                             "100000000",
                                             "2147483647",
                                             "2147483648",
                                             "-2147483648",
                                             "-2147483649",
                                             "4294967295",
                                             "4294967296",
                                             "4611686018427387904",
                                             "4611686018427387903",
                                             "-4611686018427387904",
                                             "9223372036854775807",
                                             "9223372036854775808",
                                             "-9223372036854775808",
                                             "-9223372036854775809",
                                             "18446744073709551615",
                                             "18446744073709551616",
                                             "1e18",
                                             "1e19",
                                             "1e20",
                                             "-1e19",
                                             "1e308",
                                             "-1e308",
                                             "1.7976931348623157e308",
                                             "1e309",
                                             "-1e309",
                                             "4.9e-324",
                                             "1e-320",
                                             "2.2250738585072014e-308",
                                             "3.4028235e38",
                                             "3.5e38",
                                             "-3.5e38",
                                             "1e39",
                                             "1.17549435e-38",
                                             "1e-45",
                                             "0.1",
                                             "1e10",
                                             "123456789012345678901234567890"};
  return v;
}

// Keys whose values are sizes, counts or versions somewhere in a model file.
inline bool size_like_key(std::string_view key) {
  static const char* const keys[] = {
      "rows",      "cols",        "columns",       "rank",    "features", "version", "max_parents",
      "sweeps",    "min_leaf",    "training_rows", "partner", "a",        "b",       "seed",
      "fit_seed",  "n",           "count",         "size",    "states",   "levels",  "components",
      "quantiles", "n_quantiles", "width",         "dim",     "hidden",   "epochs",  "batch_size",
      "pac",       "embedding",   "layers",        "index",   "parents"};
  for (const char* k : keys)
    if (key == k) return true;
  return false;
}

inline std::string key_of(std::string_view t, const JsonNode& node) {
  if (node.key_begin == kNone) return {};
  size_t j = node.key_begin + 1;
  while (j < t.size() && t[j] != '"') j += t[j] == '\\' ? 2 : 1;
  return std::string(t.substr(node.key_begin + 1, std::min(j, t.size()) - node.key_begin - 1));
}

// [begin, end) of a node together with its key and one neighbouring comma, to delete it cleanly.
inline std::pair<size_t, size_t> span_with_comma(std::string_view t, const JsonNode& node) {
  size_t b = node.key_begin != kNone ? node.key_begin : node.begin;
  size_t e = node.end;
  size_t j = e;
  while (j < t.size() && std::isspace(static_cast<unsigned char>(t[j]))) ++j;
  if (j < t.size() && t[j] == ',') return {b, j + 1};
  size_t k = b;
  while (k > 0 && std::isspace(static_cast<unsigned char>(t[k - 1]))) --k;
  if (k > 0 && t[k - 1] == ',') return {k - 1, e};
  return {b, e};
}

inline std::string member_text(std::string_view t, const JsonNode& node) {
  const size_t b = node.key_begin != kNone ? node.key_begin : node.begin;
  return std::string(t.substr(b, node.end - b));
}

// One structural edit of JSON text; false when none applied (e.g. no values found). The result
// stays under `budget` bytes.
inline bool mutate_json(std::string& t, Rand& rng, size_t budget) {
  const std::vector<JsonNode> nodes = scan_json(t);
  if (nodes.empty()) return false;
  auto pick_kind = [&](auto pred) -> int64_t {
    std::vector<int64_t> candidates;
    for (size_t k = 0; k < nodes.size(); ++k)
      if (pred(nodes[k])) candidates.push_back(static_cast<int64_t>(k));
    return candidates.empty() ? -1 : rng.pick(candidates);
  };
  auto replace = [&](size_t b, size_t e, const std::string& with) {
    if (t.size() - (e - b) + with.size() > budget) return false;
    t.replace(b, e - b, with);
    return true;
  };
  const JsonNode& any = nodes[rng.below(nodes.size())];
  switch (rng.below(12)) {
    case 0: {  // nest a value in many levels of arrays or objects
      static const std::vector<size_t> depths = {1, 2, 3, 8, 62, 63, 64, 65, 66, 100, 1000, 5000, 30000, 100000};
      size_t depth = rng.pick(depths);
      const bool objects = rng.chance(30);
      const size_t per_level = objects ? 7 : 2;
      if (t.size() + depth * per_level > budget) depth = (budget - std::min(budget, t.size())) / per_level;
      if (depth == 0) return false;
      std::string open, close;
      open.reserve(depth * per_level);
      for (size_t d = 0; d < depth; ++d) open += objects ? "{\"k\":" : "[", close += objects ? '}' : ']';
      const std::string inner = t.substr(any.begin, any.end - any.begin);
      return replace(any.begin, any.end, open + inner + close);
    }
    case 1:
    case 2: {  // a number becomes a boundary value, or moves a little
      const int64_t k = pick_kind([](const JsonNode& n) { return n.kind == 'n'; });
      if (k < 0) return false;
      const JsonNode& node = nodes[static_cast<size_t>(k)];
      std::string with = rng.pick(boundary_numbers());
      if (rng.chance(25)) {
        const std::string old = t.substr(node.begin, node.end - node.begin);
        char* end = nullptr;
        // Wrapping arithmetic: 2^63 - 1 plus one is meant to become -2^63 here.
        const auto v = static_cast<uint64_t>(std::strtoll(old.c_str(), &end, 10));
        static const uint64_t deltas[] = {1, ~uint64_t{0}, 2, ~uint64_t{1}, 1000, ~uint64_t{999}};
        with = std::to_string(
            static_cast<int64_t>(rng.chance(50) ? v + deltas[rng.below(6)] : (rng.chance(50) ? 0 - v : v * 2)));
      }
      return replace(node.begin, node.end, with);
    }
    case 3: {  // a size, count or version field gets a boundary value or an array's length
      const int64_t k =
          pick_kind([&](const JsonNode& n) { return n.key_begin != kNone && size_like_key(key_of(t, n)); });
      if (k < 0) return false;
      const JsonNode& node = nodes[static_cast<size_t>(k)];
      std::string with = rng.pick(boundary_numbers());
      if (rng.chance(30)) {
        // the length of some array in the document, +-1: consistent-looking but wrong
        const int64_t a = pick_kind([](const JsonNode& n) { return n.kind == '['; });
        if (a >= 0) {
          size_t len = 0;
          for (const auto& n : nodes) len += n.parent == a;
          with = std::to_string(static_cast<int64_t>(len) + static_cast<int64_t>(rng.below(3)) - 1);
        }
      }
      return replace(node.begin, node.end, with);
    }
    case 4: {  // resize an array: empty, truncate, duplicate an entry, grow by repeating one
      const int64_t a = pick_kind([](const JsonNode& n) { return n.kind == '['; });
      if (a < 0) return false;
      const JsonNode& arr = nodes[static_cast<size_t>(a)];
      std::vector<size_t> children;
      for (size_t k = static_cast<size_t>(a) + 1; k < nodes.size(); ++k)
        if (nodes[k].parent == a) children.push_back(k);
      const size_t op = rng.below(5);
      if (op == 0 || children.empty()) return replace(arr.begin + 1, arr.end - 1, "");
      if (op == 1) {  // keep the first m
        const size_t m = rng.below(children.size());
        if (m == 0) return replace(arr.begin + 1, arr.end - 1, "");
        return replace(nodes[children[m - 1]].end, arr.end - 1, "");
      }
      const JsonNode& child = nodes[rng.pick(children)];
      const std::string text = t.substr(child.begin, child.end - child.begin);
      if (op == 2) return replace(child.end, child.end, "," + text);  // duplicate one entry
      if (op == 3) {                                                  // drop one entry
        const auto [b, e] = span_with_comma(t, child);
        return replace(b, e, "");
      }
      static const std::vector<size_t> counts = {2, 10, 100, 1000, 10000, 100000};
      size_t times = rng.pick(counts);
      times = std::min(times, (budget - std::min(budget, t.size())) / (text.size() + 1));
      if (times == 0) return false;
      std::string more;
      for (size_t r = 0; r < times; ++r) more += "," + text;
      return replace(child.end, child.end, more);
    }
    case 5: {  // swap a value's type
      const std::string old = t.substr(any.begin, any.end - any.begin);
      std::string with;
      switch (any.kind) {
        case 'n':
          with = rng.chance(50) ? "\"" + old + "\"" : "[" + old + "]";
          break;
        case '"':
          with = rng.chance(50) ? old.substr(std::min<size_t>(1, old.size()), old.size() >= 2 ? old.size() - 2 : 0)
                                : "{" + old + ":" + old + "}";
          if (with.empty()) with = "0";
          break;
        case '[':
          with = "{\"0\":" + old + "}";
          if (rng.chance(50)) with = "{" + old.substr(1, old.size() - 2) + "}";
          break;
        case '{':
          with = "[" + old.substr(1, old.size() - 2) + "]";
          break;
        default:
          with = rng.chance(50) ? "\"" + old + "\"" : "0";
          break;
      }
      return replace(any.begin, any.end, with);
    }
    case 6: {  // replace a value by a literal of another kind
      static const std::vector<std::string> literals = {"null",
                                                        "true",
                                                        "false",
                                                        "[]",
                                                        "{}",
                                                        "\"\"",
                                                        "[[]]",
                                                        "[{}]",
                                                        "[null]",
                                                        "{\"\":null}",
                                                        "\"\\u0000\"",
                                                        "\"a\\u0000b\"",
                                                        "\"\\ud800\"",
                                                        "\"NaN\"",
                                                        "\"inf\"",
                                                        "[1,2,3]",
                                                        "[-1]",
                                                        "[0,0]",
                                                        "\"" + std::string(1000, 'x') + "\"",
                                                        "[1e308,-1e308]",
                                                        "\"</script><!--\""};
      return replace(any.begin, any.end, rng.pick(literals));
    }
    case 7: {  // delete an object member or array entry
      if (any.parent < 0) return false;
      const auto [b, e] = span_with_comma(t, any);
      return replace(b, e, "");
    }
    case 8: {  // duplicate an object member (a repeated key) or array entry
      if (any.parent < 0) return false;
      return replace(any.end, any.end, "," + member_text(t, any));
    }
    case 9: {  // rename a key: to another key of the document, empty, or garbage
      const int64_t k = pick_kind([](const JsonNode& n) { return n.key_begin != kNone; });
      if (k < 0) return false;
      const JsonNode& node = nodes[static_cast<size_t>(k)];
      const int64_t other = pick_kind([](const JsonNode& n) { return n.key_begin != kNone; });
      static const std::vector<std::string> names = {"\"\"",      "\"factor\"", "\"rank\"",    "\"bins\"", "\"values\"",
                                                     "\"state\"", "\"column\"", "\"\\u0000\"", "\"data\""};
      std::string with =
          rng.chance(50) && other >= 0 ? "\"" + key_of(t, nodes[static_cast<size_t>(other)]) + "\"" : rng.pick(names);
      size_t key_end = node.key_begin + 1;
      while (key_end < t.size() && t[key_end] != '"') key_end += t[key_end] == '\\' ? 2 : 1;
      return replace(node.key_begin, std::min(key_end + 1, t.size()), with);
    }
    case 10: {  // transplant: a value replaced by another value of the document
      const JsonNode& from = nodes[rng.below(nodes.size())];
      const std::string text = t.substr(from.begin, from.end - from.begin);
      return replace(any.begin, any.end, text);
    }
    default: {  // copy a member into another object (e.g. 'factor' where no factor was)
      const int64_t m = pick_kind([](const JsonNode& n) { return n.key_begin != kNone; });
      const int64_t o = pick_kind([](const JsonNode& n) { return n.kind == '{'; });
      if (m < 0 || o < 0) return false;
      const JsonNode& obj = nodes[static_cast<size_t>(o)];
      const bool empty = obj.end - obj.begin <= 2;
      return replace(obj.begin + 1, obj.begin + 1, member_text(t, nodes[static_cast<size_t>(m)]) + (empty ? "" : ","));
    }
  }
}

// One edit of binary section data (fingerprints, weights).
inline void mutate_binary(std::string& d, Rand& rng, size_t budget) {
  static const uint64_t words[] = {0,
                                   1,
                                   ~uint64_t{0},
                                   uint64_t{1} << 63,
                                   (uint64_t{1} << 63) - 1,
                                   uint64_t{1} << 31,
                                   uint64_t{1} << 32,
                                   uint64_t{1} << 62,
                                   0x7f800000ULL /* float inf */,
                                   0x7fc00000ULL /* float NaN */,
                                   0x7ff8000000000000ULL /* double NaN */};
  switch (rng.below(8)) {
    case 0:
      if (!d.empty()) d[rng.below(d.size())] ^= static_cast<char>(1u << rng.below(8));
      break;
    case 1:  // an 8-byte word (a fingerprint) set to a boundary value
      if (d.size() >= 8) set_le(d, rng.below(d.size() / 8) * 8, words[rng.below(std::size(words))], 8);
      break;
    case 2:  // a 4-byte word (a float weight) set to a boundary value
      if (d.size() >= 4) set_le(d, rng.below(d.size() / 4) * 4, words[rng.below(std::size(words))], 4);
      break;
    case 3:  // cut, maybe to a length that is no multiple of 8
      d.resize(rng.below(d.size() + 1));
      break;
    case 4:  // grow by a few bytes
      for (size_t k = 1 + rng.below(15); k > 0 && d.size() < budget; --k) d.push_back(static_cast<char>(rng.next()));
      break;
    case 5:  // duplicate a block (a repeated fingerprint, an unsorted list)
      if (!d.empty() && d.size() * 2 <= budget) {
        const size_t at = rng.below(d.size() / 8 + 1) * 8;
        const std::string block = d.substr(std::min(at, d.size()), 8);
        d.insert(0, block);
      }
      break;
    case 6:
      d.clear();
      break;
    default: {  // libFuzzer's byte-level mutator on this section alone
      if (d.empty()) {
        d.push_back(static_cast<char>(rng.next()));
        break;
      }
      const size_t cap = std::min(budget, d.size() + 64);
      std::string buf = d;
      buf.resize(std::max(cap, size_t{1}));
      const size_t n = LLVMFuzzerMutate(reinterpret_cast<uint8_t*>(buf.data()), d.size(), buf.size());
      buf.resize(n);
      d = std::move(buf);
    }
  }
}

inline const std::vector<std::string>& section_names() {
  static const std::vector<std::string> v = {"meta",
                                             "schema",
                                             "preparation_log",
                                             "pipeline",
                                             "fit_report",
                                             "real_rows",
                                             "repeated_rows",
                                             "copy_allowance",
                                             "model/copula",
                                             "model/cart",
                                             "model/bayesnet",
                                             "model/mrf",
                                             "model/auto",
                                             "model/wgan",
                                             "model/gan",
                                             "model/ctgan",
                                             "model/tvae",
                                             "model/",
                                             "",
                                             "meta\0x"};
  return v;
}

// One edit of the archive's sections (not of the bytes around them).
inline bool mutate_sections(Archive& a, Rand& rng, size_t budget) {
  if (a.sections.empty()) {
    a.sections.push_back({rng.pick(section_names()), "{}"});
    return true;
  }
  // The model's and the pipeline's sections have the most to check: picked more often.
  size_t chosen = rng.below(a.sections.size());
  if (rng.chance(40)) {
    std::vector<size_t> rich;
    for (size_t k = 0; k < a.sections.size(); ++k)
      if (a.sections[k].name.rfind("model/", 0) == 0 || a.sections[k].name == "pipeline") rich.push_back(k);
    if (!rich.empty()) chosen = rng.pick(rich);
  }
  Section& s = a.sections[chosen];
  const size_t others = serialized_size(a) - s.data.size();
  const size_t room = budget > others ? budget - others : 0;
  // Edits of the frame are rejected by the archive reader itself: a sixth of them, the rest
  // inside a section, where the loaders are.
  switch (rng.below(36)) {
    case 0:
      a.sections.erase(a.sections.begin() + static_cast<std::ptrdiff_t>(rng.below(a.sections.size())));
      return true;
    case 1: {  // the same name twice
      Section copy = s;
      if (rng.chance(50)) copy.data = a.sections[rng.below(a.sections.size())].data;
      a.sections.push_back(std::move(copy));
      return true;
    }
    case 2:
      s.name = rng.pick(section_names());
      return true;
    case 3: {  // one section's bytes under another's name (a cart model in the copula's place)
      const Section& from = a.sections[rng.below(a.sections.size())];
      if (from.data.size() > room) return false;
      s.data = from.data;
      return true;
    }
    case 4:
      a.sections.push_back({rng.pick(section_names()), rng.chance(50) ? "{}" : std::string(8, '\xff')});
      return true;
    case 5: {
      static const uint32_t versions[] = {0, 1, 2, 0xffffffffu, 0x80000000u};
      a.version = versions[rng.below(std::size(versions))];
      return true;
    }
    default:
      break;
  }
  // An edit inside the section: structural when it looks like JSON, byte-level otherwise (and
  // sometimes anyway, so that broken JSON is tried too).
  if (looks_like_json(s.data) && rng.chance(85)) {
    std::string edited = s.data;
    const size_t rounds = 1 + rng.below(3);
    bool any = false;
    for (size_t r = 0; r < rounds; ++r) any |= mutate_json(edited, rng, room);
    if (any) {
      s.data = std::move(edited);
      return true;
    }
  }
  mutate_binary(s.data, rng, room);
  return true;
}

// Edits of the serialised bytes' size fields; the checksum is recomputed afterwards.
inline void mutate_frame(std::string& bytes, const Archive& a, Rand& rng) {
  const uint64_t payload = bytes.size() - kFrameSize;
  auto wrong = [&](uint64_t right, uint64_t bits) {
    const uint64_t choices[] = {0,
                                right + 1,
                                right - 1,
                                right + 8,
                                right * 2,
                                payload,
                                payload + 1,
                                uint64_t{1} << 31,
                                (uint64_t{1} << 32) - 1,
                                uint64_t{1} << 63,
                                ~uint64_t{0},
                                (uint64_t{1} << 62) + right};
    uint64_t v = choices[rng.below(std::size(choices))];
    if (bits < 64) v &= (uint64_t{1} << bits) - 1;
    return v;
  };
  // Offsets of each section's name size and data size fields.
  std::vector<std::pair<size_t, uint64_t>> name_fields, size_fields;
  size_t pos = kHeaderSize + 4;
  for (const auto& s : a.sections) {
    name_fields.push_back({pos, s.name.size()});
    pos += 4 + s.name.size();
    size_fields.push_back({pos, s.data.size()});
    pos += 8 + s.data.size();
  }
  switch (rng.below(6)) {
    case 0:
      if (!size_fields.empty()) {
        const auto [at, right] = size_fields[rng.below(size_fields.size())];
        set_le(bytes, at, wrong(right, 64), 8);
      }
      break;
    case 1:
      if (!name_fields.empty()) {
        const auto [at, right] = name_fields[rng.below(name_fields.size())];
        set_le(bytes, at, wrong(right, 32), 4);
      }
      break;
    case 2:
      set_le(bytes, kHeaderSize, wrong(a.sections.size(), 32), 4);
      break;
    case 3:
      set_le(bytes, 12, wrong(payload, 64), 8);
      break;
    case 4:  // bytes after the checksum, or a cut file
      if (rng.chance(50))
        bytes.append(1 + rng.below(16), '\0');
      else
        bytes.resize(kFrameSize + rng.below(payload));
      break;
    default: {  // trailing bytes after the last section, inside the payload
      const std::string extra(1 + rng.below(16), static_cast<char>(rng.next()));
      bytes.insert(bytes.size() - 8, extra);
      break;
    }
  }
  if (bytes.size() >= kFrameSize) fix_checksum(bytes);
}

// Archives that loaded and sampled (the target reports them): a mutation of an input whose early
// sections are already broken never reaches the loaders after them (meta, schema, ... are read
// first, the model last), so a share of the mutations first restores some sections from a good
// archive of the same model, or starts from one.
struct GoodArchives {
  std::vector<std::pair<std::string, Archive>> pool;  // (model name, archive)
  size_t seen = 0;
};

inline GoodArchives& good_archives() {
  static GoodArchives g;
  return g;
}

// The model name in a "meta" section's text ("model":"NAME"); empty when there is none.
inline std::string model_of(const Archive& a) {
  for (const auto& s : a.sections) {
    if (s.name != "meta") continue;
    const size_t at = s.data.find("\"model\":\"");
    if (at == std::string::npos) return {};
    const size_t from = at + 9, to = s.data.find('"', from);
    return to == std::string::npos ? std::string() : s.data.substr(from, to - from);
  }
  return {};
}

inline void remember_good(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return;  // the seeds are 4 to 30 KB; 256 large ones would fill the RSS
  auto archive = parse_archive(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!archive) return;
  GoodArchives& g = good_archives();
  constexpr size_t kPool = 256;
  ++g.seen;
  if (g.pool.size() < kPool) {
    g.pool.push_back({model_of(*archive), std::move(*archive)});
  } else {  // reservoir sampling: every good archive seen has the same chance to be kept
    Rand rng(g.seen);
    const size_t k = rng.below(g.seen);
    if (k < kPool) g.pool[k] = {model_of(*archive), std::move(*archive)};
  }
}

inline void restore_from_good(Archive& a, Rand& rng) {
  const GoodArchives& g = good_archives();
  if (g.pool.empty()) return;
  const std::string model = model_of(a);
  std::vector<size_t> same;
  for (size_t k = 0; k < g.pool.size(); ++k)
    if (g.pool[k].first == model) same.push_back(k);
  const Archive& good = g.pool[same.empty() ? rng.below(g.pool.size()) : rng.pick(same)].second;
  if (same.empty() || rng.chance(30)) {  // start again from a good archive
    a = good;
    return;
  }
  for (auto& s : a.sections) {
    if (!rng.chance(70)) continue;
    for (const auto& from : good.sections)
      if (from.name == s.name) s.data = from.data;
  }
}

// libFuzzer's entry: the mutated input in `data`, its new size returned.
inline size_t mutate(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  Rand rng(seed);
  std::optional<Archive> archive = parse_archive(std::string_view(reinterpret_cast<const char*>(data), size));
  if (rng.chance(10)) return LLVMFuzzerMutate(data, size, max_size);
  if (!archive) {
    if (good_archives().pool.empty() || !rng.chance(20)) return LLVMFuzzerMutate(data, size, max_size);
    archive = Archive{};
  }
  if (rng.chance(20)) restore_from_good(*archive, rng);
  const size_t edits = 1 + rng.below(rng.chance(20) ? 4 : 1);
  for (size_t e = 0; e < edits; ++e) mutate_sections(*archive, rng, max_size);
  std::string out = serialize(*archive);
  if (rng.chance(12)) mutate_frame(out, *archive, rng);
  if (out.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, out.data(), out.size());
  return out.size();
}

// Two archives: the first with some of its sections taken from the second (a pipeline from one
// model, weights from another). Otherwise a plain splice.
inline size_t cross_over(const uint8_t* d1, size_t s1, const uint8_t* d2, size_t s2, uint8_t* out, size_t max_out,
                         unsigned int seed) {
  Rand rng(seed);
  auto a = parse_archive(std::string_view(reinterpret_cast<const char*>(d1), s1));
  auto b = parse_archive(std::string_view(reinterpret_cast<const char*>(d2), s2));
  if (a && b && !b->sections.empty()) {
    const size_t takes = 1 + rng.below(3);
    for (size_t k = 0; k < takes; ++k) {
      const Section& from = b->sections[rng.below(b->sections.size())];
      auto it =
          std::find_if(a->sections.begin(), a->sections.end(), [&](const Section& s) { return s.name == from.name; });
      if (it != a->sections.end() && rng.chance(80))
        it->data = from.data;
      else
        a->sections.push_back(from);
    }
    const std::string bytes = serialize(*a);
    if (bytes.size() <= max_out) {
      std::memcpy(out, bytes.data(), bytes.size());
      return bytes.size();
    }
  }
  const size_t head = std::min(rng.below(s1 + 1), max_out);
  const size_t tail = std::min(s2 - std::min(s2, rng.below(s2 + 1)), max_out - head);
  std::memcpy(out, d1, head);
  std::memcpy(out + head, d2 + (s2 - tail), tail);
  return head + tail;
}

}  // namespace synthtab_fuzz
