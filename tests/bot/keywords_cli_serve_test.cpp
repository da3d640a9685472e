// `groupdesk keywords` end to end: the real executable serves a temporary config, and the same
// executable's CLI adds, lists, tests and removes a rule over its REST API.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr const char* kToken = "keywords-cli-test-token-0123456789abcdef";
// Only a bound against a hung test; no test depends on it elapsing.
constexpr auto kBound = std::chrono::seconds(20);

// `groupdesk serve`, its stdout and stderr on one pipe, killed if the test ends early.
class Server {
public:
    explicit Server(const std::string& config) {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) return;
        pid_ = ::fork();
        if (pid_ == 0) {
            ::dup2(fds[1], STDOUT_FILENO);
            ::dup2(fds[1], STDERR_FILENO);
            ::execl(GROUPDESK_BINARY, GROUPDESK_BINARY, "serve", "--config", config.c_str(),
                    static_cast<char*>(nullptr));
            ::_exit(127);
        }
        ::close(fds[1]);
        fd_ = fds[0];
    }
    ~Server() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        if (fd_ >= 0) ::close(fd_);
    }

    // The port from "groupdesk listening on 127.0.0.1:PORT", or 0.
    int wait_listening() {
        const std::string marker = "groupdesk listening on 127.0.0.1:";
        const auto deadline = Clock::now() + kBound;
        while (output_.find(marker) == std::string::npos ||
               output_.find(',', output_.find(marker)) == std::string::npos) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            pollfd p{fd_, POLLIN, 0};
            if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return 0;
            char buf[4096];
            const ssize_t n = ::read(fd_, buf, sizeof buf);
            if (n <= 0) return 0;
            output_.append(buf, static_cast<std::size_t>(n));
        }
        return std::stoi(output_.substr(output_.find(marker) + marker.size()));
    }

    int stop() {
        ::kill(pid_, SIGTERM);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        return status;
    }

    const std::string& output() const { return output_; }

private:
    pid_t pid_ = -1;
    int fd_ = -1;
    std::string output_;
};

struct CliRun {
    int code = -1;
    std::string out;
    std::string err;
};

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), {}};
}

// `groupdesk keywords ARGS` with the token in its environment; stdout and stderr kept apart.
CliRun keywords(const groupdesk::test::TempDir& dir, const std::vector<std::string>& args) {
    const std::string out = dir.file("cli.out");
    const std::string err = dir.file("cli.err");
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600), STDOUT_FILENO);
        ::dup2(::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600), STDERR_FILENO);
        ::setenv("GROUPDESK_API_TOKEN", kToken, 1);
        std::vector<char*> argv = {const_cast<char*>(GROUPDESK_BINARY),
                                   const_cast<char*>("keywords")};
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    CliRun run;
    run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = slurp(out);
    run.err = slurp(err);
    return run;
}

TEST(KeywordsCliServe, AddListTestAndRemoveARuleOnARunningServer) {
    groupdesk::test::TempDir dir("groupdesk-kwcli-serve-");
    const Json config = {{"listen", {{"address", "127.0.0.1"}, {"port", 0}}},
                         {"database", dir.file("test.db")},
                         {"api_tokens", {{{"name", "ops"}, {"role", "admin"}, {"token", kToken}}}},
                         {"channels",
                          {{{"name", "corp-app"},
                            {"kind", "wecom"},
                            {"token", "GroupDeskWeComToken2026"},
                            {"encoding_aes_key", "lKRAqMwOrg1RbhWggwIFK0PAQ479hMozW3haoCZqB8E"},
                            {"receive_id", "ww3f8a2b1c4d5e6f70"}}}}};
    const std::string config_path = dir.file("groupdesk.json");
    std::ofstream(config_path) << config.dump(2);
    Server server(config_path);
    const int port = server.wait_listening();
    ASSERT_GT(port, 0) << server.output();
    const std::string url = "http://127.0.0.1:" + std::to_string(port);

    CliRun run = keywords(dir, {"add", "--server", url, "--keyword", "退款", "--reply",
                                "请提供订单号", "--channel", "corp-app", "--priority", "5"});
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_EQ(run.out.rfind("added rule 1 (version 1)\n", 0), 0u) << run.out;

    run = keywords(dir, {"list", "--json", "--server", url});
    ASSERT_EQ(run.code, 0) << run.err;
    const Json listed = Json::parse(run.out);
    ASSERT_EQ(listed["rules"].size(), 1u) << run.out;
    EXPECT_EQ(listed["rules"][0]["keywords"], Json({"退款"}));
    EXPECT_EQ(listed["rules"][0]["reply"], "请提供订单号");
    EXPECT_EQ(listed["rules"][0]["scope"]["channels"], Json({"corp-app"}));
    EXPECT_EQ(listed["rules"][0]["created_by"], "api:ops");

    run = keywords(dir, {"test", "我想退款", "--channel", "corp-app", "--server", url});
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_NE(run.out.find("answered by rule 1 (keyword, contains, priority 5)\n"
                           "reply: 请提供订单号\n"),
              std::string::npos)
        << run.out;

    // A bad pattern is the server's refusal (1), naming the field.
    run = keywords(dir, {"add", "--server", url, "--keyword", "(unclosed", "--match", "regex",
                         "--reply", "x"});
    EXPECT_EQ(run.code, 1) << run.out;
    EXPECT_NE(run.err.find("  keywords: regex does not compile"), std::string::npos) << run.err;

    run = keywords(dir, {"rm", "1", "--server", url});
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_NE(run.out.find("deleted rule 1"), std::string::npos) << run.out;

    run = keywords(dir, {"test", "我想退款", "--server", url});
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_NE(run.out.find("no answer"), std::string::npos) << run.out;

    const int status = server.stop();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << server.output();
    run = keywords(dir, {"list", "--server", url});
    EXPECT_EQ(run.code, 3) << run.out << run.err;
    EXPECT_NE(run.err.find("cannot reach the server at " + url), std::string::npos) << run.err;
    EXPECT_EQ(run.err.find(kToken), std::string::npos) << "the token is never printed";
}

}  // namespace
