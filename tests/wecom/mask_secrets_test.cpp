// Tests for mask_secrets: credentials in query strings and response_urls never reach a log.
#include "wecom/mask_secrets.h"

#include <gtest/gtest.h>

namespace groupdesk::wecom {
namespace {

TEST(MaskSecrets, MasksCredentialParameters) {
    EXPECT_EQ(mask_secrets("https://q/cgi-bin/message/send?access_token=tok-1"),
              "https://q/cgi-bin/message/send?access_token=***");
    EXPECT_EQ(mask_secrets("https://q/cgi-bin/webhook/send?key=693a-91f6&debug=1"),
              "https://q/cgi-bin/webhook/send?key=***&debug=1");
    EXPECT_EQ(mask_secrets("/cgi-bin/gettoken?corpid=ww1&corpsecret=s3cr3t"),
              "/cgi-bin/gettoken?corpid=ww1&corpsecret=***");
    EXPECT_EQ(mask_secrets("/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=abc"),
              "/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=***");
}

TEST(MaskSecrets, MasksEveryOccurrenceInFreeText) {
    EXPECT_EQ(mask_secrets("errcode 40014: invalid access_token=abc, hint: key=def more"),
              "errcode 40014: invalid access_token=***, hint: key=*** more");
    EXPECT_EQ(mask_secrets("\"key=abc\""), "\"key=***\"");
}

TEST(MaskSecrets, LeavesOtherParametersAndWordsAlone) {
    EXPECT_EQ(mask_secrets("webhook_key=abc&monkey=1&keys=2"), "webhook_key=abc&monkey=1&keys=2");
    EXPECT_EQ(mask_secrets("access_token missing"), "access_token missing");
    EXPECT_EQ(mask_secrets(""), "");
}

TEST(MaskSecrets, MasksTheWholeQueryOfAResponseUrl) {
    EXPECT_EQ(
        mask_secrets("https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=x&y=z"),
        "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?***");
    EXPECT_EQ(mask_secrets("posting to /cgi-bin/aibot/response?code=abc failed"),
              "posting to /cgi-bin/aibot/response?*** failed");
    EXPECT_EQ(mask_secrets("/cgi-bin/aibot/response without query"),
              "/cgi-bin/aibot/response without query");
}

TEST(MaskSecrets, AValueEndsAtTheParameterEnd) {
    EXPECT_EQ(mask_secrets("key=a#frag"), "key=***#frag");
    EXPECT_EQ(mask_secrets("key=a<b>"), "key=***<b>");
    EXPECT_EQ(mask_secrets("key="), "key=***");
}

}  // namespace
}  // namespace groupdesk::wecom
