// Every bad input gets its status and a short reason, and the server keeps serving.
#include "tests/integration/server_fixture.h"
#include "tests/support/callbacks.h"
#include "tests/support/vectors.h"

namespace groupdesk::test {
namespace {

std::string signed_query(const nlohmann::json& v) {
    return "msg_signature=" + v.at("msg_signature").get<std::string>() +
           "&timestamp=" + v.at("timestamp").get<std::string>() +
           "&nonce=" + v.at("nonce").get<std::string>();
}

std::string envelope(const nlohmann::json& v) {
    if (v.contains("body")) return v.at("body");
    return "<xml><ToUserName><![CDATA[ww3f8a2b1c4d5e6f70]]></ToUserName><Encrypt><![CDATA[" +
           v.at("encrypt").get<std::string>() + "]]></Encrypt></xml>";
}

class BadInputTest : public ServerTest {
protected:
    void TearDown() override {
        // Whatever came before, the server still answers.
        EXPECT_EQ(get("/healthz").status, 200);
        ServerTest::TearDown();
    }
};

TEST_F(BadInputTest, NegativeVectorsGetTheirStatus) {
    // Signature failures are 403; malformed envelope, ciphertext or receive id are 400.
    for (const auto& v : vectors().at("negative")) {
        if (v.at("kind") != "wecom" || v.at("id") == "neg-bad-encoding-aes-key") continue;
        const int expected = v.at("expected_error") == -40001 ? 403 : 400;
        auto response = post("/callback/corp-app?" + signed_query(v), envelope(v));
        EXPECT_EQ(response.status, expected) << v.at("id");
        EXPECT_FALSE(response.body.empty()) << v.at("id");
    }
}

TEST_F(BadInputTest, AiBotNegativeVectors) {
    for (const char* id : {"neg-malformed-json", "neg-aibot-nonempty-receive-id"}) {
        const auto& v = vector_by_id(id);
        std::string body = v.contains("body")
                               ? v.at("body").get<std::string>()
                               : R"({"encrypt":")" + v.at("encrypt").get<std::string>() + R"("})";
        auto response = post("/callback/group-bot?" + signed_query(v), body, "application/json");
        EXPECT_EQ(response.status, 400) << id;
    }
}

TEST_F(BadInputTest, MissingSignatureIs403) {
    const auto& v = vector_by_id("wecom-text-ascii");
    EXPECT_EQ(post("/callback/corp-app?timestamp=1&nonce=2", v.at("http").at("body")).status, 403);
    EXPECT_EQ(get("/callback/corp-app?echostr=abc").status, 403);
    EXPECT_EQ(post("/callback/plain-account", "<xml/>").status, 403);
}

TEST_F(BadInputTest, WrongOfficialAccountSignatureIs403) {
    const auto& v = vector_by_id("neg-mp-plain-signature");
    auto target = "/callback/plain-account?signature=" + v.at("signature").get<std::string>() +
                  "&timestamp=" + v.at("timestamp").get<std::string>() +
                  "&nonce=" + v.at("nonce").get<std::string>() + "&echostr=1";
    EXPECT_EQ(get(target).status, 403);
}

TEST_F(BadInputTest, MalformedQueryIs400) {
    EXPECT_EQ(get("/callback/corp-app?msg_signature=%zz&timestamp=1&nonce=2&echostr=x").status,
              400);
}

TEST_F(BadInputTest, EncryptedRequestToAPlaintextChannelIs400) {
    auto request = encrypted_callback(channel("service-account"), "<xml/>", "1767225900", "1");
    request.target.replace(request.target.find("service-account"), 15, "plain-account");
    EXPECT_EQ(post(request.target, request.body).status, 400);
}

TEST_F(BadInputTest, VerifiedButUndecodableMessageIs400) {
    auto request = encrypted_callback(channel("corp-app"), "not xml at all", "1767225901", "2");
    EXPECT_EQ(post(request.target, request.body).status, 400);
}

TEST_F(BadInputTest, BodyOverTheLimitIs413) {
    const auto& v = vector_by_id("wecom-text-ascii");
    std::string huge(config_.http.max_body_bytes + 1, 'x');
    EXPECT_EQ(post("/callback/corp-app?" + v.at("http").at("query_string").get<std::string>(), huge)
                  .status,
              413);
}

TEST_F(BadInputTest, UnknownChannelIs404AndWrongMethodIs405) {
    EXPECT_EQ(get("/callback/nope?x=1").status, 404);
    EXPECT_EQ(get("/elsewhere").status, 404);
    auto put = http_request(port_, "PUT", "/callback/corp-app", "x");
    EXPECT_EQ(put.status, 405);
    EXPECT_EQ(put.header("Allow"), "GET, POST");
    auto post_health = http_request(port_, "POST", "/healthz", "x");
    EXPECT_EQ(post_health.status, 405);
    EXPECT_EQ(post_health.header("Allow"), "GET");
    EXPECT_EQ(get("/callback/nope").body, "unknown channel\n");
    EXPECT_EQ(get("/callbackx").body, "not found\n");
    EXPECT_EQ(get("/callback").status, 404);
    EXPECT_EQ(http_request(port_, "DELETE", "/metrics", "").header("Allow"), "GET");
}

}  // namespace
}  // namespace groupdesk::test
