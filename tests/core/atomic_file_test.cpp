#include "synthtab/core/atomic_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "support/test_paths.hpp"
#include "synthtab/core/error.hpp"

namespace synthtab {
namespace {

size_t files_in(const std::filesystem::path& dir) {
  return static_cast<size_t>(std::distance(std::filesystem::directory_iterator(dir), {}));
}

TEST(AtomicFile, TargetAppearsOnlyOnCommit) {
  const auto dir = testing::scratch_dir("atomic-commit");
  const auto target = dir / "out.csv";
  {
    AtomicFile file(target.string());
    file.write("a,b\n");
    EXPECT_FALSE(std::filesystem::exists(target));
    file.write("1,2\n");
    file.commit();
  }
  EXPECT_EQ(testing::read_text(target), "a,b\n1,2\n");
  EXPECT_EQ(files_in(dir), 1u);
}

TEST(AtomicFile, AbandonedWriteLeavesOldFileAndNoTemp) {
  const auto dir = testing::scratch_dir("atomic-abandon");
  const auto target = dir / "out.csv";
  testing::write_text(target, "old");
  {
    AtomicFile file(target.string());
    file.write("partial");
  }  // destroyed without commit, as when an exception unwinds
  EXPECT_EQ(testing::read_text(target), "old");
  EXPECT_EQ(files_in(dir), 1u);
}

TEST(AtomicFile, PendingTempFilesAreRemovedOnRequest) {
  const auto dir = testing::scratch_dir("atomic-signal");
  AtomicFile file((dir / "out.csv").string());
  file.write("x");
  EXPECT_EQ(files_in(dir), 1u);  // the temp file
  remove_pending_temp_files();   // what the SIGINT handler does
  EXPECT_EQ(files_in(dir), 0u);
}

TEST(AtomicFile, UnwritableTargetIsAnOutputError) {
  try {
    AtomicFile file("/nonexistent-dir/out.csv");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Output);
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/out.csv"), std::string::npos);
  }
}

}  // namespace
}  // namespace synthtab
