// The server with its database on a filesystem that stops answering (frozen, as during a
// snapshot): callbacks still get an answer in time (503, so the platform retries), /healthz and
// /metrics answer and say what is wrong, and once the disk is back the retry gets the reply of
// the work that went on meanwhile. Needs root and loop mounts; skips with the reason otherwise.
#include <chrono>
#include <future>
#include <thread>

#include "tests/integration/server_fixture.h"
#include "tests/support/callbacks.h"
#include "tests/support/fault_fs.h"

namespace groupdesk::test {
namespace {

constexpr auto kBound = std::chrono::seconds(20);

class StalledDiskTest : public ServerTest {
protected:
    void SetUp() override {
        std::string why;
        mount_ = Mount::ext4_image(dir_.file("disk.img"), dir_.file("disk"), 16, why);
        if (!mount_) GTEST_SKIP() << why;
        ServerTest::SetUp();
    }
    void configure(config::Config& config) override {
        config.database = dir_.file("disk") + "/groupdesk.db";
        config.callbacks.answer_deadline = std::chrono::milliseconds(500);
    }
    void TearDown() override {
        ServerTest::TearDown();  // before the filesystem goes away
        mount_.reset();
    }

    test::CallbackRequest help(int msg_id) {
        return encrypted_callback(
            channel("corp-app"),
            "<xml><ToUserName><![CDATA[ww3f8a2b1c4d5e6f70]]></ToUserName><FromUserName>"
            "<![CDATA[zhangsan]]></FromUserName><CreateTime>1767225601</CreateTime><MsgType>"
            "<![CDATA[text]]></MsgType><Content><![CDATA[help]]></Content><MsgId>" +
                std::to_string(msg_id) + "</MsgId><AgentID>1000002</AgentID></xml>",
            "1767225601", std::to_string(msg_id));
    }

    std::unique_ptr<Mount> mount_;
};

TEST_F(StalledDiskTest, AFrozenDiskGets503InTimeAndHealthzSaysWhy) {
    auto before = help(1);
    ASSERT_EQ(post(before.target, before.body).status, 200);

    std::string why;
    Freeze freeze(dir_.file("disk"), why);
    if (!freeze.frozen()) GTEST_SKIP() << why;

    // The HTTP threads never wait on the disk: the answer comes by the deadline.
    auto stuck = help(2);
    auto answer = std::async(std::launch::async, [&] { return post(stuck.target, stuck.body); });
    ASSERT_EQ(answer.wait_for(kBound), std::future_status::ready);
    const auto first = answer.get();
    EXPECT_EQ(first.status, 503);
    EXPECT_EQ(first.body, "not answered in time, retry\n");

    // /healthz answers throughout and turns unhealthy once the write has stalled long enough.
    ClientResponse health;
    const auto give_up = std::chrono::steady_clock::now() + kBound;
    do {
        health = get("/healthz");
        ASSERT_NE(health.status, 0) << "/healthz did not answer";
        if (health.status == 503) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    } while (std::chrono::steady_clock::now() < give_up);
    EXPECT_EQ(health.status, 503);
    EXPECT_NE(health.body.find("stalled"), std::string::npos) << health.body;
    EXPECT_EQ(get("/metrics").status, 200);

    // A retry while the first delivery is still stuck does not run the handlers again.
    EXPECT_EQ(post(stuck.target, stuck.body).status, 503);

    freeze.thaw();
    // The work went on: once it is durable the retry gets its reply, and health recovers.
    ClientResponse retry;
    do {
        retry = post(stuck.target, stuck.body);
        if (retry.status == 200) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    } while (std::chrono::steady_clock::now() < give_up);
    ASSERT_EQ(retry.status, 200);
    EXPECT_NE(open_reply(channel("corp-app"), retry.body).find("<Content>"), std::string::npos);
    EXPECT_EQ(metric("groupdesk_callbacks_total{channel=\"corp-app\",outcome=\"duplicate\"}"), 1);
    EXPECT_EQ(get("/healthz").status, 200);
}

}  // namespace
}  // namespace groupdesk::test
