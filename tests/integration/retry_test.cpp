// A platform retry of the same callback gets the identical reply and runs no handler again,
// also after a restart; different messages are not confused.
#include <filesystem>

#include "tests/integration/server_fixture.h"
#include "tests/support/callbacks.h"
#include "tests/support/vectors.h"

namespace groupdesk::test {
namespace {

const std::string kDuplicate = "groupdesk_callbacks_total{channel=\"corp-app\",outcome=\"duplicate\"}";
const std::string kReplied = "groupdesk_callbacks_total{channel=\"corp-app\",outcome=\"replied\"}";
const std::string kHits = "groupdesk_dedup_hits_total{channel=\"corp-app\"}";

class RetryTest : public ServerTest {
protected:
    ClientResponse send_help() {
        const auto& v = vector_by_id("wecom-text-ascii");
        return post("/callback/corp-app?" + v.at("http").at("query_string").get<std::string>(),
                    v.at("http").at("body"));
    }
};

TEST_F(RetryTest, RetryGetsTheIdenticalReplyFromTheRecord) {
    auto first = send_help();
    auto second = send_help();
    ASSERT_EQ(first.status, 200);
    ASSERT_EQ(second.status, 200);
    EXPECT_EQ(open_reply(channel("corp-app"), first.body),
              open_reply(channel("corp-app"), second.body));
    EXPECT_EQ(metric(kReplied), 1);    // the handlers ran once
    EXPECT_EQ(metric(kDuplicate), 1);  // the retry came from the record
    EXPECT_EQ(metric(kHits), 1);
}

TEST_F(RetryTest, RetryAfterARestartStillComesFromTheRecord) {
    auto first = send_help();
    ASSERT_EQ(first.status, 200);
    restart();
    auto second = send_help();
    ASSERT_EQ(second.status, 200);
    EXPECT_EQ(open_reply(channel("corp-app"), first.body),
              open_reply(channel("corp-app"), second.body));
    EXPECT_EQ(metric(kReplied), 0);  // counters are per process: nothing ran after the restart
    EXPECT_EQ(metric(kHits), 1);
}

TEST_F(RetryTest, SilentAnswersAreRecordedToo) {
    const auto& v = vector_by_id("wecom-text-chinese");
    const std::string target =
        "/callback/corp-app?" + v.at("http").at("query_string").get<std::string>();
    EXPECT_EQ(post(target, v.at("http").at("body")).body, "");
    EXPECT_EQ(post(target, v.at("http").at("body")).body, "");
    EXPECT_EQ(metric(kHits), 1);
}

TEST_F(RetryTest, EventsAreKeyedBySenderTimeAndEvent) {
    auto event = [&](const std::string& time) {
        return encrypted_callback(
            channel("corp-app"),
            "<xml><ToUserName><![CDATA[ww3f8a2b1c4d5e6f70]]></ToUserName><FromUserName><![CDATA["
            "zhangsan]]></FromUserName><CreateTime>" + time + "</CreateTime><MsgType><![CDATA["
            "event]]></MsgType><Event><![CDATA[click]]></Event><EventKey><![CDATA[K]]></EventKey>"
            "<AgentID>1000002</AgentID></xml>",
            time, "5");
    };
    auto a = event("1767226000");
    auto b = event("1767226001");  // another click: a new event, not a retry
    EXPECT_EQ(post(a.target, a.body).status, 200);
    EXPECT_EQ(post(b.target, b.body).status, 200);
    EXPECT_EQ(post(a.target, a.body).status, 200);
    EXPECT_EQ(metric(kHits), 1);
}

TEST_F(RetryTest, ADeletedDatabaseFileGets503AndHealthzSaysWhy) {
    // A first callback leaves an idle lookup connection (on the file as opened) in the pool.
    const auto& v = vector_by_id("wecom-text-chinese");
    ASSERT_EQ(post("/callback/corp-app?" + v.at("http").at("query_string").get<std::string>(),
                   v.at("http").at("body"))
                  .status,
              200);
    ASSERT_EQ(get("/healthz").status, 200);
    std::filesystem::remove(config_.database);
    // The record cannot be made durable, so the platform is not answered and will retry.
    EXPECT_EQ(send_help().status, 503);
    auto health = get("/healthz");
    EXPECT_EQ(health.status, 503);
    EXPECT_NE(health.body.find("unhealthy: database file was deleted or replaced"),
              std::string::npos)
        << health.body;
}

}  // namespace
}  // namespace groupdesk::test
