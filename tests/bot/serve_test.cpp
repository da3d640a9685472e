// The groupdesk executable as an operator runs it: `serve` starts on the given config, SIGTERM and
// SIGINT stop it cleanly (exit 0, the last log lines written), `check-config` names bad fields.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace {

using Clock = std::chrono::steady_clock;

// Only a bound against a hung test; no test depends on it elapsing.
constexpr auto kBound = std::chrono::seconds(20);

class TempDir : public groupdesk::test::TempDir {
public:
    TempDir() : groupdesk::test::TempDir("groupdesk-serve-") {}
};

std::string write_config(const TempDir& dir, const std::string& text) {
    std::string path = dir.file("groupdesk.json");
    std::ofstream(path) << text;
    return path;
}

std::string valid_config(const TempDir& dir) {
    return write_config(dir, R"({"listen": {"address": "127.0.0.1", "port": 0},
      "database": ")" + dir.file("test.db") +
                                 R"(",
      "channels": [{"name": "corp-app", "kind": "wecom", "token": "GroupDeskWeComToken2026",
                    "encoding_aes_key": "lKRAqMwOrg1RbhWggwIFK0PAQ479hMozW3haoCZqB8E",
                    "receive_id": "ww3f8a2b1c4d5e6f70"}]})");
}

// The executable with stdout and stderr on one pipe; `runner` (e.g. setpriv and its options)
// goes before it on the command line.
class Process {
public:
    explicit Process(const std::vector<std::string>& args,
                     const std::vector<std::string>& runner = {}) {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) return;
        pid_ = ::fork();
        if (pid_ == 0) {
            ::dup2(fds[1], STDOUT_FILENO);
            ::dup2(fds[1], STDERR_FILENO);
            std::vector<char*> argv;
            argv.reserve(runner.size() + 1 + args.size() + 1);
            for (const auto& r : runner) argv.push_back(const_cast<char*>(r.c_str()));
            argv.push_back(const_cast<char*>(GROUPDESK_BINARY));
            for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(fds[1]);
        out_fd_ = fds[0];
    }
    ~Process() {
        if (pid_ > 0 && !reaped_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        if (out_fd_ >= 0) ::close(out_fd_);
    }

    bool started() const { return pid_ > 0 && out_fd_ >= 0; }
    void signal(int sig) const { ::kill(pid_, sig); }

    // Reads output until it contains `text` or the pipe closes; true when found.
    bool wait_for_output(const std::string& text) {
        const auto deadline = Clock::now() + kBound;
        while (output_.find(text) == std::string::npos) {
            if (!read_some(deadline)) return false;
        }
        return true;
    }

    // Reads everything up to the end of the output, then the exit status.
    int wait_exit() {
        const auto deadline = Clock::now() + kBound;
        while (read_some(deadline)) {
        }
        int status = 0;
        if (::waitpid(pid_, &status, 0) != pid_) return -1;
        reaped_ = true;
        return status;
    }

    const std::string& output() const { return output_; }

private:
    bool read_some(Clock::time_point deadline) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) return false;
        pollfd p{out_fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
        char buf[4096];
        const ssize_t n = ::read(out_fd_, buf, sizeof buf);
        if (n <= 0) return false;
        output_.append(buf, static_cast<std::size_t>(n));
        return true;
    }

    pid_t pid_ = -1;
    int out_fd_ = -1;
    bool reaped_ = false;
    std::string output_;
};

class ServeSignalTest : public ::testing::TestWithParam<int> {};

TEST_P(ServeSignalTest, StopsCleanlyAndWritesItsLastLines) {
    TempDir dir;
    Process server({"serve", "--config", valid_config(dir)});
    ASSERT_TRUE(server.started());
    ASSERT_TRUE(server.wait_for_output("groupdesk listening on")) << server.output();
    server.signal(GetParam());
    const int status = server.wait_exit();
    ASSERT_TRUE(WIFEXITED(status)) << "ended by signal " << WTERMSIG(status) << "\n"
                                   << server.output();
    EXPECT_EQ(WEXITSTATUS(status), 0) << server.output();
    EXPECT_NE(server.output().find("stopping; in-flight requests finish first"), std::string::npos)
        << server.output();
    EXPECT_NE(server.output().find(" info stopped\n"), std::string::npos) << server.output();
}

INSTANTIATE_TEST_SUITE_P(Signals, ServeSignalTest, ::testing::Values(SIGTERM, SIGINT),
                         [](const ::testing::TestParamInfo<int>& info) {
                             return info.param == SIGTERM ? "sigterm" : "sigint";
                         });

TEST(CheckConfig, NamesTheFileAndTheFieldAndFails) {
    TempDir dir;
    const std::string path = write_config(dir, R"({"channels": [{"name": "corp-app",
      "kind": "wecom", "token": "t", "encoding_aes_key": "short", "receive_id": "ww1"}]})");
    Process check({"check-config", path});
    ASSERT_TRUE(check.started());
    const int status = check.wait_exit();
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_NE(WEXITSTATUS(status), 0);
    EXPECT_NE(check.output().find("channels[0].encoding_aes_key: must be 43 characters, got 5"),
              std::string::npos)
        << check.output();
    EXPECT_NE(check.output().find(path), std::string::npos) << check.output();
}

TEST(CheckConfig, AcceptsAValidFile) {
    TempDir dir;
    Process check({"check-config", valid_config(dir)});
    ASSERT_TRUE(check.started());
    const int status = check.wait_exit();
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << check.output();
    EXPECT_NE(check.output().find("ok (1 channels)"), std::string::npos) << check.output();
}

TEST(ServeDatabase, ASecondServerOnTheSameDatabaseExitsAndNamesTheLockFile) {
    TempDir dir;
    const std::string config = valid_config(dir);
    Process first({"serve", "--config", config});
    ASSERT_TRUE(first.started());
    ASSERT_TRUE(first.wait_for_output("groupdesk listening on")) << first.output();

    Process second({"serve", "--config", config});
    ASSERT_TRUE(second.started());
    const int status = second.wait_exit();
    ASSERT_TRUE(WIFEXITED(status)) << second.output();
    EXPECT_EQ(WEXITSTATUS(status), 1) << second.output();
    const std::string db = dir.file("test.db");
    EXPECT_NE(
        second.output().find("database " + db +
                             " is in use by another GroupDesk process (lock file " + db + ".lock)"),
        std::string::npos)
        << second.output();

    first.signal(SIGTERM);
    const int first_status = first.wait_exit();
    ASSERT_TRUE(WIFEXITED(first_status)) << first.output();
    EXPECT_EQ(WEXITSTATUS(first_status), 0) << first.output();
}

TEST(ServeDatabase, AnUnwritableDatabaseIsRefusedAtStartUp) {
    // Root writes any file, so the server runs as an unprivileged user on a root-owned file.
    constexpr const char* kSetpriv = "/usr/bin/setpriv";
    if (::geteuid() != 0 || ::access(kSetpriv, X_OK) != 0) {
        GTEST_SKIP() << "needs root and " << kSetpriv << " to run the server as another user";
    }
    const std::vector<std::string> as_nobody = {kSetpriv, "--reuid=65534", "--regid=65534",
                                                "--clear-groups"};
    {
        Process probe({"--version"}, as_nobody);
        const int status = probe.wait_exit();
        if (!probe.started() || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            GTEST_SKIP() << "user 65534 cannot run the executable here: " << probe.output();
        }
    }
    TempDir dir;
    const std::string config = valid_config(dir);
    const std::string db = dir.file("test.db");
    std::ofstream{db}.close();  // an empty file is an empty SQLite database
    namespace fs = std::filesystem;
    // The directory is writable (the lock file can be made); the database file is not.
    fs::permissions(dir.path(), fs::perms::all);
    fs::permissions(db, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                            fs::perms::others_read);
    fs::permissions(config, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                fs::perms::others_read);

    Process server({"serve", "--config", config}, as_nobody);
    ASSERT_TRUE(server.started());
    const int status = server.wait_exit();
    ASSERT_TRUE(WIFEXITED(status)) << server.output();
    EXPECT_EQ(WEXITSTATUS(status), 1) << server.output();
    EXPECT_NE(server.output().find("database file is not writable"), std::string::npos)
        << server.output();
    EXPECT_NE(server.output().find(db), std::string::npos) << server.output();
}

// The downgrade switch is an operator's deliberate, temporary choice: the log says so at start.
TEST(ServeConfig, AcceptPlaintextIsWarnedAboutAtStart) {
    TempDir dir;
    const std::string config = write_config(dir, R"({"listen": {"address": "127.0.0.1", "port": 0},
      "database": ")" + dir.file("test.db") + R"(",
      "channels": [{"name": "service-account", "kind": "mp", "token": "GroupDeskMpToken2026",
                    "encoding_aes_key": "3nVrx2zzilnhlUG6WX3yAQeuVrTJTdSZaDMfgq9gOOk",
                    "receive_id": "wx8b2c4d6e8f0a1b3c", "accept_plaintext": true}]})");
    Process server({"serve", "--config", config});
    ASSERT_TRUE(server.started());
    ASSERT_TRUE(server.wait_for_output("groupdesk listening on")) << server.output();
    EXPECT_NE(server.output().find(
                  "warning channel service-account: accept_plaintext is on: plaintext-mode "
                  "requests"),
              std::string::npos)
        << server.output();
    server.signal(SIGTERM);
    EXPECT_EQ(server.wait_exit(), 0) << server.output();
}

}  // namespace
