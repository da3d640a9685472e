// What Database::open refuses: a file another GroupDesk holds, and a file it cannot write.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "storage/sqlite/database.h"
#include "tests/storage/store_test_support.h"
#include "tests/support/fault_fs.h"

namespace groupdesk::storage::sqlite {
namespace {

using namespace store_test;

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(DatabaseLock, ASecondOpenOfTheSameFileIsRefusedUntilTheFirstCloses) {
    TempDir dir;
    const std::string path = dir.file("test.db");
    auto first = open_db(path);
    ASSERT_TRUE(first);

    auto second = Database::open(path);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error().code, ErrorCode::FailedPrecondition);
    EXPECT_TRUE(contains(second.error().message, "database " + path +
                                                     " is in use by another GroupDesk process "
                                                     "(lock file " +
                                                     path + ".lock)"))
        << second.error().message;

    first.reset();
    auto third = Database::open(path);
    EXPECT_TRUE(third.ok()) << third.error().message;
}

TEST(DatabaseLock, OtherDatabasesInOneDirectoryDoNotConflict) {
    TempDir dir;
    auto a = open_db(dir.file("a.db"));
    auto b = open_db(dir.file("b.db"));
    EXPECT_TRUE(a);
    EXPECT_TRUE(b);
}

TEST(DatabaseWritable, AReadOnlyFileIsRefused) {
    TempDir dir;
    const std::string path = dir.file("test.db");
    ASSERT_TRUE(open_db(path));  // created, migrated and closed again
    std::string why;
    auto read_only = test::Mount::read_only_file(path, why);
    if (!read_only) GTEST_SKIP() << "cannot make the file read-only: " << why;

    auto db = Database::open(path);
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.error().code, ErrorCode::FailedPrecondition);
    EXPECT_TRUE(contains(db.error().message, "database file is not writable"))
        << db.error().message;
    EXPECT_TRUE(contains(db.error().message, path)) << db.error().message;
}

TEST(DatabaseWritable, AFileOnAReadOnlyFilesystemIsRefused) {
    TempDir dir;
    std::string why;
    auto fs = test::Mount::tmpfs(dir.file("fs"), "4m", why);
    if (!fs) GTEST_SKIP() << why;
    const std::string path = fs->target() + "/test.db";
    ASSERT_TRUE(open_db(path));
    if (!fs->remount_read_only()) GTEST_SKIP() << "read-only remount was refused";

    auto db = Database::open(path);
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.error().code, ErrorCode::FailedPrecondition);
    EXPECT_TRUE(contains(db.error().message, "database file is not writable"))
        << db.error().message;
    EXPECT_TRUE(contains(db.error().message, path)) << db.error().message;
}

}  // namespace
}  // namespace groupdesk::storage::sqlite
