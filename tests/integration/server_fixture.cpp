// The server fixture: config from the demo channels, App on port 0, a thread running it.
#include "tests/integration/server_fixture.h"

#include <spdlog/spdlog.h>

#include "tests/support/callbacks.h"
#include "tests/support/vectors.h"

namespace groupdesk::test {
namespace {

config::Channel demo_channel(const std::string& name, config::ChannelKind kind,
                             const std::string& section) {
    const auto& c = vectors().at("channels").at(section);
    return config::Channel{name,
                           kind,
                           c.at("token").get<std::string>(),
                           c.at("encoding_aes_key").get<std::string>(),
                           c.at("receive_id").get<std::string>(),
                           ""};
}

}  // namespace

void ServerTest::SetUp() {
    spdlog::set_level(spdlog::level::warn);
    config_.source = "<test>";
    config_.listen.port = 0;
    config_.listen.threads = 2;
    config_.database = dir_.file("groupdesk.db");
    config_.http.max_body_bytes = std::size_t{64} * 1024;
    config_.channels.push_back(demo_channel("corp-app", config::ChannelKind::WeCom, "wecom"));
    config_.channels.push_back(demo_channel("service-account", config::ChannelKind::Mp, "mp"));
    config_.channels.push_back(demo_channel("group-bot", config::ChannelKind::AiBot, "aibot"));
    auto plain = demo_channel("plain-account", config::ChannelKind::Mp, "mp");
    plain.encoding_aes_key.clear();  // an Official Account in plaintext mode
    plain.receive_id.clear();
    config_.channels.push_back(plain);
    configure(config_);
    start();
}

void ServerTest::TearDown() { stop(); }

void ServerTest::start() {
    auto app = bot::App::create(config_, clock_);
    ASSERT_TRUE(app.ok()) << app.error().message;
    app_ = std::move(app).value();
    auto started = app_->start();
    ASSERT_TRUE(started.ok()) << started.error().message;
    port_ = app_->port();
    runner_ = std::thread([this] { app_->run(); });
}

void ServerTest::stop() {
    if (!app_) return;
    app_->stop();
    runner_.join();
    app_.reset();
}

long ServerTest::metric(const std::string& sample) {
    const std::string text = get("/metrics").body;
    auto at = text.find(sample + " ");
    if (at == std::string::npos) return -1;
    return std::stol(text.substr(at + sample.size() + 1));
}

std::string ServerTest::to_account(const std::string& inner) {
    return to_account_at(to_unix_seconds(clock_.now()), inner);
}

std::string ServerTest::to_account_at(std::int64_t create_time, const std::string& inner) {
    const std::string xml =
        "<xml><ToUserName><![CDATA[gh_groupdesk]]></ToUserName><FromUserName><![CDATA["
        "oFollower1]]></FromUserName><CreateTime>" +
        std::to_string(create_time) + "</CreateTime>" + inner + "</xml>";
    const auto request = encrypted_callback(channel("service-account"), xml, timestamp(),
                                            "acct" + std::to_string(++account_sequence_));
    const auto response = post(request.target, request.body);
    EXPECT_EQ(response.status, 200) << response.body;
    if (response.body == "success" || response.body.empty()) return "";
    return open_reply(channel("service-account"), response.body);
}

std::string ServerTest::account_text(const std::string& text, std::optional<std::int64_t> at) {
    return to_account_at(
        at.value_or(to_unix_seconds(clock_.now())),
        "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[" + text + "]]></Content><MsgId>" +
            std::to_string(7600000000000000000 + ++account_sequence_) + "</MsgId>");
}

}  // namespace groupdesk::test
