#include "synthtab/core/archive.hpp"

#include <gtest/gtest.h>

#include "support/test_paths.hpp"
#include "synthtab/core/error.hpp"

namespace synthtab {
namespace {

std::string message_of(const std::string& bytes) {
  try {
    ArchiveReader::parse(bytes, "m.synthtab");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::ModelFile);
    return e.what();
  }
  return "";
}

TEST(Archive, RoundTripsSectionsWithBinaryData) {
  ArchiveWriter writer;
  std::string binary(300, '\0');
  for (size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<char>(i * 7);
  writer.put("a", "hello");
  writer.put("model/weights", binary);
  writer.put("empty", "");
  const auto reader = ArchiveReader::parse(writer.serialize(), "m");
  EXPECT_EQ(reader.get("a"), "hello");
  EXPECT_EQ(reader.get("model/weights"), binary);
  EXPECT_EQ(reader.get("empty"), "");
  EXPECT_EQ(reader.version(), kModelFormatVersion);
  EXPECT_FALSE(reader.has("b"));
  EXPECT_THROW(reader.get("b"), Error);
}

TEST(Archive, FnvMatchesPublishedTestVectors) {
  // FNV-1a 64-bit reference values (Fowler/Noll/Vo test suite).
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

TEST(Archive, RefusesEveryTruncationFlipAndNewerVersion) {
  ArchiveWriter writer;
  writer.put("meta", "{\"model\":\"x\"}");
  writer.put("weights", std::string(100, 'w'));
  const std::string bytes = writer.serialize();
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    const std::string message = message_of(bytes.substr(0, cut));
    EXPECT_FALSE(message.empty()) << cut;
    EXPECT_NE(message.find("m.synthtab"), std::string::npos) << message;
  }
  for (size_t at = 12; at < bytes.size(); ++at) {
    std::string flipped = bytes;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x01);
    EXPECT_FALSE(message_of(flipped).empty()) << "flip at " << at;
  }
  std::string newer = bytes;
  newer[8] = static_cast<char>(kModelFormatVersion + 1);
  EXPECT_NE(message_of(newer).find("newer"), std::string::npos);
  EXPECT_NE(message_of("PK\x03\x04 a zip file").find("not a synthtab model file"), std::string::npos);
  EXPECT_NE(message_of(bytes + "x").find("unexpected bytes"), std::string::npos);
}

}  // namespace
}  // namespace synthtab
