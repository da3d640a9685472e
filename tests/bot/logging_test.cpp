// The buffered logger: info lines wait for a trigger; warnings, a full buffer and flush_logging()
// write everything, in order.
#include "bot/logging.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <string>

namespace groupdesk::bot {
namespace {

class LoggingTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(::pipe2(fds_, O_NONBLOCK), 0);
        setup_logging("info", LogOutput{fds_[1], 1024, std::chrono::seconds{0}});
    }
    void TearDown() override {
        // Back to a logger that does not write into the closed pipe.
        setup_logging("off", LogOutput{STDOUT_FILENO, 1024, std::chrono::seconds{0}});
        ::close(fds_[0]);
        ::close(fds_[1]);
    }

    // Everything written to the pipe so far.
    std::string written() {
        std::string out;
        char buf[4096];
        for (;;) {
            const ssize_t n = ::read(fds_[0], buf, sizeof buf);
            if (n <= 0) break;
            out.append(buf, static_cast<std::size_t>(n));
        }
        return out;
    }

    int fds_[2] = {-1, -1};
};

TEST_F(LoggingTest, InfoLinesWaitInTheBuffer) {
    spdlog::info("request one");
    spdlog::info("request two");
    EXPECT_EQ(written(), "");
    flush_logging();
    const std::string out = written();
    const auto one = out.find("info request one\n");
    const auto two = out.find("info request two\n");
    ASSERT_NE(one, std::string::npos) << out;
    ASSERT_NE(two, std::string::npos) << out;
    EXPECT_LT(one, two);
}

TEST_F(LoggingTest, AWarningWritesItselfAndEverythingBeforeIt) {
    spdlog::info("before");
    spdlog::warn("database slow");
    const std::string out = written();
    const auto before = out.find("info before\n");
    const auto warning = out.find("warning database slow\n");
    ASSERT_NE(before, std::string::npos) << out;
    ASSERT_NE(warning, std::string::npos) << out;
    EXPECT_LT(before, warning);
    spdlog::error("gone");
    EXPECT_NE(written().find("error gone\n"), std::string::npos);
}

TEST_F(LoggingTest, AFullBufferIsWrittenOut) {
    const std::string filler(200, 'x');
    std::size_t lines = 0;
    while (written().empty()) {
        ASSERT_LT(lines, 10u) << "a 1024-byte buffer should have been written by now";
        spdlog::info("{} {}", lines++, filler);
    }
    EXPECT_GE(lines, 4u);  // nothing was written before the buffer filled
}

TEST_F(LoggingTest, LinesBelowTheLevelAreDropped) {
    spdlog::debug("noise");
    spdlog::info("kept");
    flush_logging();
    const std::string out = written();
    EXPECT_EQ(out.find("noise"), std::string::npos);
    EXPECT_NE(out.find("info kept"), std::string::npos);
}

TEST_F(LoggingTest, LinesCarryATimestampAndLevel) {
    spdlog::info("shape");
    flush_logging();
    const std::string out = written();
    // 2026-11-23T16:58:31.849+00:00 info shape
    ASSERT_GE(out.size(), 30u);
    EXPECT_EQ(out[4], '-');
    EXPECT_EQ(out[10], 'T');
    EXPECT_EQ(out[19], '.');
    EXPECT_NE(out.find(" info shape\n"), std::string::npos) << out;
}

}  // namespace
}  // namespace groupdesk::bot
