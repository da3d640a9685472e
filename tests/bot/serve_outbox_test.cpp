// The outbox across a crash of the real executable: a notification that failed before SIGKILL is
// delivered after the restart exactly once more, and a send the platform took just before the kill
// is the only one that may go twice (at-least-once, docs/durability.md).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/fake_platform.h"
#include "tests/support/http_client.h"
#include "tests/support/temp_dir.h"

namespace {

using namespace std::chrono_literals;
using groupdesk::test::Failure;
using groupdesk::test::FakePlatform;
using groupdesk::test::RecordedRequest;
using Json = nlohmann::json;
using Requests = std::vector<RecordedRequest>;

constexpr auto kBound = std::chrono::seconds(20);  // only a bound against a hung test
constexpr const char* kToken = "outbox-kill-test-token-0123456789abcdef";
constexpr const char* kWebhookPath = "/cgi-bin/webhook/send";

// The executable, its output in a file (never a pipe that could fill up while nobody reads).
class Server {
public:
    Server(const std::string& config, const std::string& log_path) : log_path_(log_path) {
        pid_ = ::fork();
        if (pid_ == 0) {
            const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
            ::dup2(fd, STDOUT_FILENO);
            ::dup2(fd, STDERR_FILENO);
            ::execl(GROUPDESK_BINARY, GROUPDESK_BINARY, "serve", "--config", config.c_str(),
                    static_cast<char*>(nullptr));
            ::_exit(127);
        }
    }
    ~Server() { kill(); }
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // The port from the log line that says it listens; 0 when it never says so.
    std::uint16_t wait_listening() {
        // The log file is shared by every run: only a line after this run's start counts.
        const auto deadline = std::chrono::steady_clock::now() + kBound;
        const std::string marker = "groupdesk listening on 127.0.0.1:";
        while (std::chrono::steady_clock::now() < deadline) {
            const std::string text = output();
            const auto at = text.rfind(marker);
            if (at != std::string::npos && at >= start_offset_) {
                return static_cast<std::uint16_t>(std::stoi(text.substr(at + marker.size())));
            }
            std::this_thread::sleep_for(20ms);
        }
        return 0;
    }
    std::string output() const {
        std::ifstream in(log_path_);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
    void mark_start() { start_offset_ = output().size(); }
    // SIGKILL and reap: nothing of the process runs after this returns.
    void kill() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }
    // SIGTERM, reaped; the exit status.
    int stop() {
        ::kill(pid_, SIGTERM);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        return status;
    }

private:
    std::string log_path_;
    std::size_t start_offset_ = 0;
    pid_t pid_ = -1;
};

class ServeOutboxTest : public ::testing::Test {
protected:
    ServeOutboxTest() : dir_("groupdesk-outbox-kill-") {
        Json webhooks = Json::object();
        for (const char* chat : {"chat-a", "chat-b", "chat-c"}) {
            webhooks[chat] = std::string("key-") + chat;
        }
        const Json config = {
            {"listen", {{"address", "127.0.0.1"}, {"port", 0}}},
            {"database", dir_.file("test.db")},
            {"api_tokens", {{{"name", "ops"}, {"role", "admin"}, {"token", kToken}}}},
            {"platform",
             {{"wecom_api_base", fake_.base_url()},
              {"mp_api_base", fake_.base_url()},
              {"request_timeout_ms", 60000}}},
            {"outbox", {{"retry_initial_ms", 100}, {"retry_max_ms", 200}, {"rate_limits", false}}},
            {"channels",
             {{{"name", "group-bot"},
               {"kind", "aibot"},
               {"token", "GroupDeskBotToken2026"},
               {"encoding_aes_key", "NNjFicuyDfOU7ZsVwORSCvVE3KuLtbAbzG71yDjDFKM"},
               {"group_webhooks", webhooks}}}}};
        config_ = dir_.file("groupdesk.json");
        std::ofstream(config_) << config.dump(2);
    }

    std::unique_ptr<Server> start() {
        auto server = std::make_unique<Server>(config_, dir_.file("server.log"));
        server->mark_start();
        port_ = server->wait_listening();
        return server;
    }

    groupdesk::test::ClientResponse call(const std::string& method, const std::string& target,
                                         const Json& body = nullptr) {
        return groupdesk::test::http_request(port_, method, target,
                                             body.is_null() ? "" : body.dump(), "application/json",
                                             {{"Authorization", std::string("Bearer ") + kToken}});
    }

    // A ticket made over REST in `chat`: one notification, announcing it there.
    std::int64_t ticket_with_notification(const std::string& chat) {
        auto created = call("POST", "/api/v1/tickets",
                            {{"title", "printer in " + chat + " is on fire"},
                             {"channel", "group-bot"},
                             {"group", chat},
                             {"group_kind", "chat"}});
        EXPECT_EQ(created.status, 201) << created.body;
        return Json::parse(created.body, nullptr, false).value("number", 0LL);
    }

    Json notifications(const std::string& query) {
        auto r = call("GET", "/api/v1/notifications?" + query);
        EXPECT_EQ(r.status, 200) << r.body;
        return Json::parse(r.body, nullptr, false).value("notifications", Json::array());
    }

    // Polls the REST API until `count` notifications are `state`.
    bool wait_for_state(const std::string& state, std::size_t count) {
        const auto deadline = std::chrono::steady_clock::now() + kBound;
        while (std::chrono::steady_clock::now() < deadline) {
            if (notifications("state=" + state).size() == count) return true;
            std::this_thread::sleep_for(20ms);
        }
        return false;
    }

    static std::size_t sent_to(const Requests& requests, const std::string& chat) {
        std::size_t n = 0;
        for (const auto& r : requests) n += r.param("key") == "key-" + chat ? 1 : 0;
        return n;
    }

    FakePlatform fake_;
    groupdesk::test::TempDir dir_;
    std::string config_;
    std::uint16_t port_ = 0;
};

TEST_F(ServeOutboxTest, AFailingNotificationIsDeliveredOnceAfterAKillAndARestart) {
    fake_.fail_next(kWebhookPath, Failure::http(500), FakePlatform::kForever);
    auto first = start();
    ASSERT_NE(port_, 0) << first->output();
    const auto number = ticket_with_notification("chat-a");
    const std::string path = "/api/v1/tickets/" + std::to_string(number);
    // Killed once a failed attempt is on record (it may be in the middle of the next one).
    const auto deadline = std::chrono::steady_clock::now() + kBound;
    Json rows;
    while (std::chrono::steady_clock::now() < deadline) {
        rows = Json::parse(call("GET", path).body, nullptr, false).value("notifications", Json());
        if (rows.size() == 1 && rows[0].value("attempts", 0) >= 1) break;
        std::this_thread::sleep_for(10ms);
    }
    ASSERT_EQ(rows.size(), 1u) << first->output();
    ASSERT_EQ(rows[0].at("state"), "pending") << rows.dump();
    ASSERT_GE(rows[0].at("attempts").get<int>(), 1) << rows.dump();
    first->kill();

    // Every request from here on comes from the second process.
    const std::size_t failed = fake_.requests(kWebhookPath).size();
    fake_.clear_failures();
    auto second = start();
    ASSERT_NE(port_, 0) << second->output();
    ASSERT_TRUE(wait_for_state("sent", 1)) << second->output();

    auto ticket = call("GET", path);
    ASSERT_EQ(ticket.status, 200);
    rows = Json::parse(ticket.body).at("notifications");
    ASSERT_EQ(rows.size(), 1u) << ticket.body;
    EXPECT_EQ(rows[0].at("state"), "sent");
    // Each failure before the kill counted, except perhaps one the kill cut short.
    EXPECT_GE(rows[0].at("attempts").get<int>(), 2) << ticket.body;
    EXPECT_LE(rows[0].at("attempts").get<int>(), static_cast<int>(failed) + 1) << ticket.body;
    // Stopped cleanly: a second send, were there one, would have happened by now.
    EXPECT_TRUE(WIFEXITED(second->stop()));

    const auto requests = fake_.requests(kWebhookPath);
    ASSERT_EQ(requests.size(), failed + 1) << "sent again after it was delivered";
    EXPECT_EQ(sent_to(requests, "chat-a"), failed + 1);
    EXPECT_NE(requests.back().body.find("is on fire"), std::string::npos) << requests.back().body;
}

// The platform has the request but the answer never comes (a hang), and the process dies there:
// that row is not marked sent, so it goes again after the restart. It is the only one.
TEST_F(ServeOutboxTest, OnlyTheSendInFlightAtTheKillIsDeliveredTwice) {
    auto first = start();
    ASSERT_NE(port_, 0) << first->output();
    // The first send hangs after the fake recorded it; the other two are answered at once.
    fake_.fail_next(kWebhookPath, Failure::hang_for(std::chrono::seconds(60)), 1);
    for (const char* chat : {"chat-a", "chat-b", "chat-c"}) ticket_with_notification(chat);
    ASSERT_TRUE(fake_.wait_for([](const Requests& r) { return r.size() == 3; }, kBound));
    ASSERT_TRUE(wait_for_state("sent", 2)) << first->output();
    const auto before = fake_.requests(kWebhookPath);
    const std::string hung = before.front().param("key").value_or("");
    first->kill();

    auto second = start();
    ASSERT_NE(port_, 0) << second->output();
    ASSERT_TRUE(wait_for_state("sent", 3)) << second->output();
    EXPECT_TRUE(WIFEXITED(second->stop()));

    const auto requests = fake_.requests(kWebhookPath);
    ASSERT_EQ(requests.size(), 4u);
    EXPECT_EQ(requests.back().param("key").value_or(""), hung);
    for (const char* chat : {"chat-a", "chat-b", "chat-c"}) {
        const std::size_t expected = hung == std::string("key-") + chat ? 2 : 1;
        EXPECT_EQ(sent_to(requests, chat), expected) << chat;
    }
}

}  // namespace
