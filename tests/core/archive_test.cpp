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

namespace synthtab {
namespace {

void put_le(std::string& out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

// A file around `payload` with a matching checksum: only the section parser can object.
std::string file_with_payload(const std::string& payload) {
  std::string out = "SYNTHTAB";
  put_le(out, kModelFormatVersion, 4);
  put_le(out, payload.size(), 8);
  out += payload;
  put_le(out, fnv1a64(payload), 8);
  return out;
}

std::string model_error(const std::string& bytes) {
  try {
    ArchiveReader::parse(bytes, "m.synthtab");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::ModelFile);
    return e.what();
  }
  ADD_FAILURE() << "parsed";
  return "";
}

TEST(Archive, TruncationOffsetsCountFromTheStartOfTheFile) {
  // Header: magic 0..8, version 8..12, payload size 12..20; the payload starts at byte 20.
  EXPECT_EQ(model_error(std::string("SYNTHTAB\x01\x00", 10)),
            "m.synthtab: model file is truncated (ends inside the format version at byte 8 of the file)");
  std::string payload;
  put_le(payload, 1, 4);   // one section: count at 20..24
  put_le(payload, 2, 4);   // name size at 24..28
  payload += "ab";         // name at 28..30
  put_le(payload, 10, 8);  // data size at 30..38, claiming 10 bytes where 3 follow
  payload += "xyz";
  EXPECT_EQ(model_error(file_with_payload(payload)),
            "m.synthtab: model file is truncated (ends inside the section data at byte 38 of the file)");
  EXPECT_EQ(model_error(file_with_payload(payload.substr(0, 6))),
            "m.synthtab: model file is truncated (ends inside the section name size at byte 24 of the file)");
}

TEST(Archive, RefusesRepeatedSectionsAndBytesAfterTheLastSection) {
  std::string section;
  put_le(section, 1, 4);
  section += "a";
  put_le(section, 1, 8);
  section += "z";
  std::string twice;
  put_le(twice, 2, 4);
  twice += section + section;
  EXPECT_EQ(model_error(file_with_payload(twice)), "m.synthtab: model file has two sections named 'a'");
  std::string once;
  put_le(once, 1, 4);
  once += section + "??";
  EXPECT_EQ(model_error(file_with_payload(once)),
            "m.synthtab: model file has 2 unexpected bytes after its last section");
}

}  // namespace
}  // namespace synthtab
