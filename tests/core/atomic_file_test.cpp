#include "synthtab/core/atomic_file.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

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

TEST(AtomicFile, TempNamesAreRandomAndExclusiveAndAPlantedLinkIsNotFollowed) {
  const auto dir = testing::scratch_dir("atomic-temp-names");
  const auto target = dir / "out.csv";
  // The old predictable name, planted as a link to a victim file: it must not be written.
  testing::write_text(dir / "victim.txt", "keep me");
  std::filesystem::create_symlink(dir / "victim.txt", dir / ("out.csv.tmp-" + std::to_string(::getpid())));
  {
    AtomicFile a(target.string()), b(target.string());
    a.write("a\n");
    b.write("b\n");
    EXPECT_EQ(files_in(dir), 4u);  // two distinct temp files beside the victim and the link
    a.commit();
    b.commit();
  }
  EXPECT_EQ(testing::read_text(target), "b\n");
  EXPECT_EQ(testing::read_text(dir / "victim.txt"), "keep me");
  EXPECT_EQ(files_in(dir), 3u);  // out.csv, the victim, the planted link
}

TEST(AtomicFile, AFifoIsWrittenInPlaceAndStaysAFifo) {
  const auto dir = testing::scratch_dir("atomic-fifo");
  const auto fifo = dir / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] {
    std::ifstream in(fifo);
    std::stringstream all;
    all << in.rdbuf();
    received = all.str();
  });
  EXPECT_TRUE(is_stream_target(fifo.string()));
  {
    AtomicFile file(fifo.string());
    EXPECT_TRUE(file.in_place());
    file.write("x,y\n1,2\n");
    file.commit();
  }
  reader.join();
  EXPECT_EQ(received, "x,y\n1,2\n");
  struct stat info {};
  ASSERT_EQ(::lstat(fifo.c_str(), &info), 0);
  EXPECT_TRUE(S_ISFIFO(info.st_mode));
  EXPECT_EQ(files_in(dir), 1u);
}

TEST(AtomicFile, ADeviceIsWrittenInPlaceAndNeverReplaced) {
  struct stat before {};
  ASSERT_EQ(::stat("/dev/null", &before), 0);
  {
    AtomicFile file("/dev/null");
    EXPECT_TRUE(file.in_place());
    file.write("anything");
    file.commit();
  }
  struct stat after {};
  ASSERT_EQ(::stat("/dev/null", &after), 0);
  EXPECT_TRUE(S_ISCHR(after.st_mode));
  EXPECT_EQ(after.st_rdev, before.st_rdev);
  EXPECT_NO_THROW(check_writable("/dev/null"));
  EXPECT_NO_THROW(check_writable("-"));
}

TEST(AtomicFile, ALinkToARegularFileIsWrittenThroughAndKept) {
  const auto dir = testing::scratch_dir("atomic-link");
  testing::write_text(dir / "real.csv", "old");
  std::filesystem::create_symlink("real.csv", dir / "link.csv");
  write_file_atomically((dir / "link.csv").string(), "new");
  EXPECT_TRUE(std::filesystem::is_symlink(dir / "link.csv"));
  EXPECT_EQ(testing::read_text(dir / "real.csv"), "new");
  EXPECT_EQ(files_in(dir), 2u);
}

TEST(AtomicFile, ATargetThatStopsBeingARegularFileIsNotReplaced) {
  const auto dir = testing::scratch_dir("atomic-swap");
  const auto target = dir / "out.csv";
  AtomicFile file(target.string());
  file.write("rows");
  ASSERT_EQ(::mkfifo(target.c_str(), 0600), 0);  // put there while the rows were written
  EXPECT_THROW(file.commit(), Error);
  struct stat info {};
  ASSERT_EQ(::lstat(target.c_str(), &info), 0);
  EXPECT_TRUE(S_ISFIFO(info.st_mode));
  EXPECT_EQ(files_in(dir), 1u);  // no temp file left
}

// Several outputs that appear together or not at all (generate's rows and --report).
TEST(StagedFile, BothTargetsAppearOnlyWhenCommittedTogether) {
  const auto dir = testing::scratch_dir("staged-both");
  const auto csv = dir / "out.csv", html = dir / "out.html";
  testing::write_text(csv, "old rows");
  {
    StagedFile a(csv.string()), b(html.string());
    EXPECT_FALSE(a.in_place());
    EXPECT_NE(a.path(), csv.string());
    EXPECT_EQ(std::filesystem::path(a.path()).parent_path(), dir) << "beside its target";
    a.write_with([](const std::string& path) { write_file_atomically(path, "new rows"); });
    b.write_with([](const std::string& path) { write_file_atomically(path, "<html>"); });
    EXPECT_EQ(testing::read_text(csv), "old rows");
    EXPECT_FALSE(std::filesystem::exists(html));
    commit_together({&a, &b});
  }
  EXPECT_EQ(testing::read_text(csv), "new rows");
  EXPECT_EQ(testing::read_text(html), "<html>");
  EXPECT_EQ(files_in(dir), 2u);
}

TEST(StagedFile, AFailedSecondOutputLeavesTheFirstTargetAsItWas) {
  const auto dir = testing::scratch_dir("staged-fail");
  const auto csv = dir / "out.csv", html = dir / "out.html";
  testing::write_text(csv, "old rows");
  try {
    StagedFile a(csv.string()), b(html.string());
    a.write_with([](const std::string& path) { write_file_atomically(path, "new rows"); });
    b.write_with([](const std::string& path) {
      AtomicFile file(path);
      file.write("<html>");
      throw Error(ErrorKind::Output, path + ": cannot write: No space left on device");
    });
    commit_together({&a, &b});
    ADD_FAILURE() << "the error propagates";
  } catch (const Error& e) {
    // The message names the target the user gave, not the temp file.
    EXPECT_EQ(std::string(e.what()), html.string() + ": cannot write: No space left on device");
    EXPECT_EQ(e.kind(), ErrorKind::Output);
  }
  EXPECT_EQ(testing::read_text(csv), "old rows");
  EXPECT_FALSE(std::filesystem::exists(html));
  EXPECT_EQ(files_in(dir), 1u) << "no temp file left";
}

TEST(StagedFile, ATargetThatStopsBeingARegularFileBlocksBothRenames) {
  const auto dir = testing::scratch_dir("staged-swap");
  const auto csv = dir / "out.csv", html = dir / "out.html";
  testing::write_text(csv, "old rows");
  {
    StagedFile a(csv.string()), b(html.string());
    a.write_with([](const std::string& path) { write_file_atomically(path, "new rows"); });
    b.write_with([](const std::string& path) { write_file_atomically(path, "<html>"); });
    ASSERT_EQ(::mkfifo(html.c_str(), 0600), 0);  // put there while the outputs were written
    EXPECT_THROW(commit_together({&a, &b}), Error);
  }
  EXPECT_EQ(testing::read_text(csv), "old rows") << "checked before either rename";
  struct stat info {};
  ASSERT_EQ(::lstat(html.c_str(), &info), 0);
  EXPECT_TRUE(S_ISFIFO(info.st_mode));
  EXPECT_EQ(files_in(dir), 2u);
}

TEST(StagedFile, PendingTempFilesAreRemovedOnRequestAndStreamsAreWrittenInPlace) {
  const auto dir = testing::scratch_dir("staged-signal");
  StagedFile a((dir / "out.csv").string());
  EXPECT_EQ(files_in(dir), 1u);  // the reserved temp file
  remove_pending_temp_files();   // what the signal handlers do
  EXPECT_EQ(files_in(dir), 0u);
  StagedFile device("/dev/null");
  EXPECT_TRUE(device.in_place());
  EXPECT_EQ(device.path(), "/dev/null");
  EXPECT_TRUE(StagedFile("-").in_place());
}

}  // namespace
}  // namespace synthtab
