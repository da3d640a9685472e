// Tests for the channel rules of the config loader: names, kinds, secrets and receive ids.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config_loader.h"
#include "tests/config/config_test_support.h"

namespace groupdesk::config {
namespace {

using test::expect_single_errors;
using test::key_of;
using test::load;
using test::with_channels;
using ::testing::IsEmpty;

TEST(ConfigLoader, PlaintextMpChannelNeedsNoKeyNorReceiveId) {
    const LoadResult result = load(with_channels(
        R"({"name": "oa", "kind": "mp", "token": "t"},
           {"name": "oa2", "kind": "mp", "token": "t", "encoding_aes_key": "", "receive_id": "wx1"},
           {"name": "bot", "kind": "aibot", "token": "t", "receive_id": "",
            "encoding_aes_key": ")" +
        key_of('b') + R"("},
           {"name": "a_b-9", "kind": "wecom", "token": "t", "receive_id": "ww1", "secret": "s",
            "encoding_aes_key": ")" +
        key_of('c') + R"("})"));
    ASSERT_THAT(result.errors, IsEmpty());
    const Config& c = *result.config;
    EXPECT_FALSE(c.channels[0].encrypted());
    EXPECT_FALSE(c.channels[1].encrypted());
    EXPECT_EQ(c.channels[1].receive_id, "wx1");
    EXPECT_TRUE(c.channels[2].encrypted());
    EXPECT_EQ(c.channels[3].secret, "s");
}

// Plaintext on a keyed Official Account is a downgrade the operator has to ask for.
TEST(ConfigLoader, AcceptPlaintextOnlyOnAKeyedMpChannel) {
    const std::string key = key_of('k');
    const LoadResult result = load(with_channels(
        R"({"name": "oa", "kind": "mp", "token": "t", "receive_id": "wx1",
            "encoding_aes_key": ")" +
        key + R"(", "accept_plaintext": true},
           {"name": "oa2", "kind": "mp", "token": "t", "receive_id": "wx1",
            "encoding_aes_key": ")" +
        key + R"(", "accept_plaintext": false})"));
    ASSERT_THAT(result.errors, IsEmpty());
    EXPECT_TRUE(result.config->channels[0].accept_plaintext);
    EXPECT_FALSE(result.config->channels[1].accept_plaintext);

    expect_single_errors({
        {with_channels(R"({"name": "oa", "kind": "mp", "token": "t", "accept_plaintext": true})"),
         "channels[0].accept_plaintext: is only for an mp channel with an encoding_aes_key"},
        {with_channels(R"({"name": "w", "kind": "wecom", "token": "t", "receive_id": "ww1",
                           "encoding_aes_key": ")" +
                       key + R"(", "accept_plaintext": true})"),
         "channels[0].accept_plaintext: is only for an mp channel with an encoding_aes_key"},
        {with_channels(R"({"name": "oa", "kind": "mp", "token": "t", "accept_plaintext": "yes"})"),
         "channels[0].accept_plaintext: must be true or false"},
    });
}

// Cards are an AI bot feature: on by default there, and a mistake to ask of any other kind.
TEST(ConfigLoader, TicketCardsOnlyOnAnAiBotChannel) {
    const std::string key = key_of('k');
    const LoadResult result = load(with_channels(
        R"({"name": "bot", "kind": "aibot", "token": "t", "encoding_aes_key": ")" + key +
        R"("},
           {"name": "bot2", "kind": "aibot", "token": "t", "ticket_cards": false,
            "encoding_aes_key": ")" +
        key + R"("},
           {"name": "oa", "kind": "mp", "token": "t"})"));
    ASSERT_THAT(result.errors, IsEmpty());
    EXPECT_TRUE(result.config->channels[0].ticket_cards);
    EXPECT_FALSE(result.config->channels[1].ticket_cards);
    EXPECT_FALSE(result.config->channels[2].ticket_cards);

    expect_single_errors({
        {with_channels(R"({"name": "oa", "kind": "mp", "token": "t", "ticket_cards": true})"),
         "channels[0].ticket_cards: is only for an aibot channel (other kinds cannot show cards)"},
        {with_channels(R"({"name": "b", "kind": "aibot", "token": "t", "ticket_cards": 1,
                           "encoding_aes_key": ")" +
                       key + R"("})"),
         "channels[0].ticket_cards: must be true or false"},
    });
}

TEST(ConfigLoader, ChannelRules) {
    const std::string key = key_of('k');
    auto ch = [](const std::string& members) {
        return with_channels(R"({"token": "t", )" + members + "}");
    };
    const std::string wecom = R"("name": "w", "kind": "wecom", )";
    const std::string with_key = R"("encoding_aes_key": ")" + key + R"(", )";
    expect_single_errors({
        {ch(R"("name": "b", "kind": "aibot", )" + with_key + R"("name2": "x")"),
         "channels[0].name2: unknown key"},
        {ch(R"("kind": "mp")"), "channels[0].name: is required"},
        {ch(R"("name": 7, "kind": "mp")"), "channels[0].name: must be a string"},
        {ch(R"("name": "Corp", "kind": "mp")"),
         "channels[0].name: must match ^[a-z0-9][a-z0-9_-]{0,62}$, got \"Corp\""},
        {ch(R"("name": "-a", "kind": "mp")"),
         "channels[0].name: must match ^[a-z0-9][a-z0-9_-]{0,62}$, got \"-a\""},
        {ch(R"("name": "a/b", "kind": "mp")"),
         "channels[0].name: must match ^[a-z0-9][a-z0-9_-]{0,62}$, got \"a/b\""},
        {ch(R"("name": ")" + std::string(64, 'a') + R"(", "kind": "mp")"),
         "channels[0].name: must match ^[a-z0-9][a-z0-9_-]{0,62}$, got \"" + std::string(64, 'a') +
             "\""},
        {with_channels(R"({"name": "a-b", "kind": "mp", "token": "t"},
                          {"name": "a-b", "kind": "mp", "token": "t"})"),
         "channels[1].name: \"a-b\" is already used by channels[0]"},
        {with_channels(R"({"name": "a-b", "kind": "mp", "token": "t"},
                          {"name": "a_b", "kind": "mp", "token": "t"})"),
         "channels[1].name: \"a_b\" has the same environment prefix GROUPDESK_A_B_ as channels[0]"},
        {ch(R"("name": "m")"), "channels[0].kind: is required"},
        {ch(R"("name": "m", "kind": "wxwork")"),
         "channels[0].kind: must be one of wecom, mp, aibot, got \"wxwork\""},
        {with_channels(R"({"name": "m", "kind": "mp"})"),
         "channels[0].token: is required (in the file or as GROUPDESK_M_TOKEN)"},
        {with_channels(R"({"name": "m", "kind": "mp", "token": 5})"),
         "channels[0].token: must be a string"},
        {with_channels(R"({"name": "m", "kind": "mp", "token": ""})"),
         "channels[0].token: must be 1 to 128 characters, got 0"},
        {with_channels(R"({"name": "m", "kind": "mp", "token": ")" + std::string(129, 't') + "\"}"),
         "channels[0].token: must be 1 to 128 characters, got 129"},
        {with_channels(R"({"name": "m", "kind": "mp", "token": "a b"})"),
         "channels[0].token: must be printable ASCII without whitespace"},
        {with_channels(R"({"name": "m", "kind": "mp", "token": "tök"})"),
         "channels[0].token: must be printable ASCII without whitespace"},
        {ch(wecom + R"("receive_id": "ww1")"),
         "channels[0].encoding_aes_key: is required for kind wecom (in the file or as "
         "GROUPDESK_W_ENCODING_AES_KEY)"},
        {ch(R"("name": "b", "kind": "aibot")"),
         "channels[0].encoding_aes_key: is required for kind aibot (in the file or as "
         "GROUPDESK_B_ENCODING_AES_KEY)"},
        {ch(wecom + R"("receive_id": "ww1", "encoding_aes_key": ")" + key_of('k', 42) + "\""),
         "channels[0].encoding_aes_key: must be 43 characters, got 42"},
        {ch(wecom + R"("receive_id": "ww1", "encoding_aes_key": "")"),
         "channels[0].encoding_aes_key: must be 43 characters, got 0"},
        {ch(wecom + R"("receive_id": "ww1", "encoding_aes_key": ")" + key_of('k', 42) + "+\""),
         "channels[0].encoding_aes_key: must contain only A-Z, a-z and 0-9"},
        {ch(R"("name": "m", "kind": "mp", "encoding_aes_key": 43)"),
         "channels[0].encoding_aes_key: must be a string"},
        {ch(wecom + with_key + R"("secret": "s")"),
         "channels[0].receive_id: is required for kind wecom"},
        {ch(wecom + with_key + R"("receive_id": "")"),
         "channels[0].receive_id: must not be empty for kind wecom"},
        {ch(wecom + with_key + R"("receive_id": "ww 1")"),
         "channels[0].receive_id: must be printable ASCII without whitespace"},
        {ch(wecom + with_key + R"("receive_id": 1)"), "channels[0].receive_id: must be a string"},
        {ch(R"("name": "m", "kind": "mp", )" + with_key + R"("secret": "s")"),
         "channels[0].receive_id: is required when encoding_aes_key is set"},
        {ch(R"("name": "m", "kind": "mp", )" + with_key + R"("receive_id": "")"),
         "channels[0].receive_id: must not be empty when encoding_aes_key is set"},
        {ch(R"("name": "b", "kind": "aibot", )" + with_key + R"("receive_id": "ww1")"),
         "channels[0].receive_id: must be absent or \"\": the AI bot's receive id is always "
         "empty"},
        {ch(R"("name": "m", "kind": "mp", "secret": 1)"), "channels[0].secret: must be a string"},
        {ch(R"("name": "m", "kind": "mp", "token": "u")"), "channels[0].token: duplicate key"},
    });
}

}  // namespace
}  // namespace groupdesk::config
