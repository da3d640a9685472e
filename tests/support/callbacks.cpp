// Platform-side encryption of callbacks and decryption of answers, for tests.
#include "tests/support/callbacks.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "wecom/crypto.h"

namespace groupdesk::test {
namespace {

wecom::MsgCrypt crypt_for(const config::Channel& channel) {
    auto crypt =
        wecom::MsgCrypt::create(channel.token, channel.encoding_aes_key, channel.receive_id);
    if (!crypt.ok()) throw std::runtime_error("bad test channel key: " + crypt.error().message);
    return std::move(crypt).value();
}

std::string mp_query(const config::Channel& channel, const std::string& timestamp,
                     const std::string& nonce) {
    return "signature=" + wecom::sha1_signature({channel.token, timestamp, nonce}) +
           "&timestamp=" + timestamp + "&nonce=" + nonce + "&openid=oGd8Kt2VxYq7Lm3Np0Rs5Uw9Zc1E";
}

}  // namespace

std::string between(const std::string& text, const std::string& open, const std::string& close) {
    auto start = text.find(open);
    if (start == std::string::npos) return {};
    start += open.size();
    auto end = text.find(close, start);
    return end == std::string::npos ? std::string{} : text.substr(start, end - start);
}

CallbackRequest encrypted_callback(const config::Channel& channel, const std::string& plaintext,
                                   const std::string& timestamp, const std::string& nonce) {
    const auto crypt = crypt_for(channel);
    const std::string encrypt = crypt.encrypt(plaintext);
    const std::string msg_signature = crypt.sign(timestamp, nonce, encrypt);
    CallbackRequest request;
    std::string query =
        "msg_signature=" + msg_signature + "&timestamp=" + timestamp + "&nonce=" + nonce;
    switch (channel.kind) {
        case config::ChannelKind::AiBot:
            request.body = nlohmann::json{{"encrypt", encrypt}}.dump();
            request.content_type = "application/json";
            break;
        case config::ChannelKind::Mp:
            query = mp_query(channel, timestamp, nonce) +
                    "&encrypt_type=aes&msg_signature=" + msg_signature;
            [[fallthrough]];
        case config::ChannelKind::WeCom:
            request.body = "<xml><ToUserName><![CDATA[" + channel.receive_id +
                           "]]></ToUserName><Encrypt><![CDATA[" + encrypt + "]]></Encrypt></xml>";
            request.content_type = "text/xml";
            break;
    }
    request.target = "/callback/" + channel.name + "?" + query;
    return request;
}

CallbackRequest plaintext_callback(const config::Channel& channel, const std::string& plaintext,
                                   const std::string& timestamp, const std::string& nonce) {
    return {"/callback/" + channel.name + "?" + mp_query(channel, timestamp, nonce), plaintext,
            "text/xml"};
}

std::string open_reply(const config::Channel& channel, const std::string& body) {
    std::string encrypt, signature, timestamp, nonce;
    if (channel.kind == config::ChannelKind::AiBot) {
        auto json = nlohmann::json::parse(body);
        encrypt = json.at("encrypt").get<std::string>();
        signature = json.at("msgsignature").get<std::string>();
        timestamp = json.at("timestamp").get<std::string>();
        nonce = json.at("nonce").get<std::string>();
    } else {
        encrypt = between(body, "<Encrypt><![CDATA[", "]]>");
        signature = between(body, "<MsgSignature><![CDATA[", "]]>");
        timestamp = between(body, "<TimeStamp>", "</TimeStamp>");
        nonce = between(body, "<Nonce><![CDATA[", "]]>");
    }
    auto plaintext = crypt_for(channel).verify_and_decrypt(signature, timestamp, nonce, encrypt);
    if (!plaintext.ok())
        throw std::runtime_error("reply does not open: " + plaintext.error().message);
    return std::move(plaintext).value();
}

}  // namespace groupdesk::test
