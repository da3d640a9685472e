// log_text: what a crafted request path becomes in the log.
#include "common/log_text.h"

#include <gtest/gtest.h>

namespace groupdesk {
namespace {

TEST(LogText, PrintableAsciiAndUtf8StayAsTheyAre) {
    EXPECT_EQ(log_text("/callback/corp-app?x=1"), "/callback/corp-app?x=1");
    EXPECT_EQ(log_text("/工单/😀"), "/工单/😀");
}

TEST(LogText, ControlCharactersCannotForgeALine) {
    EXPECT_EQ(log_text("/a\nrequest GET / status=200\r\x1b[31m"),
              "/a\\x0arequest GET / status=200\\x0d\\x1b[31m");
    EXPECT_EQ(log_text(std::string_view("a\0b\x7f", 4)), "a\\x00b\\x7f");
    EXPECT_EQ(log_text("C:\\x0a"), "C:\\\\x0a");  // an escape in the input stays visible as one
}

TEST(LogText, MalformedUtf8IsEscapedByteByByte) {
    EXPECT_EQ(log_text("\xff\xfe"), "\\xff\\xfe");
    EXPECT_EQ(log_text("\xc0\xaf"), "\\xc0\\xaf");                    // overlong "/"
    EXPECT_EQ(log_text("\xed\xa0\x80"), "\\xed\\xa0\\x80");           // a surrogate
    EXPECT_EQ(log_text("\xe5\xb7"), "\\xe5\\xb7");                    // cut short
    EXPECT_EQ(log_text("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // above U+10FFFF
}

TEST(LogText, LongInputIsCut) {
    EXPECT_EQ(log_text(std::string(300, 'a'), 4), "aaaa...");
    EXPECT_EQ(log_text("abcd", 4), "abcd");
}

}  // namespace
}  // namespace groupdesk
