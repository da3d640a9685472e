// A platform retry of the same callback gets the identical reply and runs no handler again,
// also after a restart; different messages are not confused; records past retention are swept.
#include <chrono>
#include <filesystem>
#include <string>

#include "tests/integration/server_fixture.h"
#include "tests/support/callbacks.h"
#include "tests/support/vectors.h"

namespace groupdesk::test {
namespace {

const std::string kDuplicate =
    "groupdesk_callbacks_total{channel=\"corp-app\",outcome=\"duplicate\"}";
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
    auto thanks = encrypted_callback(
        channel("corp-app"),
        "<xml><ToUserName><![CDATA[ww3f8a2b1c4d5e6f70]]></ToUserName><FromUserName><![CDATA["
        "zhangsan]]></FromUserName><CreateTime>1767225602</CreateTime><MsgType><![CDATA[text]]>"
        "</MsgType><Content><![CDATA[谢谢]]></Content><MsgId>7300000000000000098</MsgId>"
        "<AgentID>1000002</AgentID></xml>",
        "1767225602", "3948571620");
    EXPECT_EQ(post(thanks.target, thanks.body).body, "");
    EXPECT_EQ(post(thanks.target, thanks.body).body, "");
    EXPECT_EQ(metric(kHits), 1);
}

TEST_F(RetryTest, EventsAreKeyedBySenderTimeAndEvent) {
    auto event = [&](const std::string& time) {
        return encrypted_callback(
            channel("corp-app"),
            "<xml><ToUserName><![CDATA[ww3f8a2b1c4d5e6f70]]></ToUserName><FromUserName><![CDATA["
            "zhangsan]]></FromUserName><CreateTime>" +
                time +
                "</CreateTime><MsgType><![CDATA["
                "event]]></MsgType><Event><![CDATA[click]]></Event><EventKey><![CDATA[K]]></"
                "EventKey>"
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

TEST_F(RetryTest, RecordsPastRetentionAreSweptAsTheClockMoves) {
    // The same click, signed afresh at the time of each post.
    int posts = 0;
    auto click = [&] {
        const std::string now = std::to_string(to_unix_seconds(clock_.now()));
        auto c = encrypted_callback(
            channel("corp-app"),
            "<xml><ToUserName><![CDATA[ww3f8a2b1c4d5e6f70]]></ToUserName><FromUserName><![CDATA["
            "zhangsan]]></FromUserName><CreateTime>1767225601</CreateTime><MsgType><![CDATA["
            "event]]></MsgType><Event><![CDATA[click]]></Event><EventKey><![CDATA[K]]></EventKey>"
            "<AgentID>1000002</AgentID></xml>",
            now, std::to_string(++posts));
        return post(c.target, c.body).status;
    };
    ASSERT_EQ(click(), 200);
    ASSERT_EQ(click(), 200);
    ASSERT_EQ(metric(kHits), 1);

    // Past retention by the server's clock (not by real time): the sweeper's next run deletes
    // the record, and from then on the click is new again. Until it has run, it is a hit.
    clock_.advance(config_.dedup.retention + config_.dedup.sweep_interval);
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    long hits = metric(kHits);
    for (;;) {
        ASSERT_EQ(click(), 200);
        const long now_hits = metric(kHits);
        if (now_hits == hits) break;  // handled anew: the record was gone
        hits = now_hits;
        ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "the record was never swept";
    }
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
