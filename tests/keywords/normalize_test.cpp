#include "keywords/normalize.h"

#include <gtest/gtest.h>

namespace groupdesk::keywords {
namespace {

TEST(NormalizeTest, LeavesChineseAlone) { EXPECT_EQ(normalize("怎么退款"), "怎么退款"); }

TEST(NormalizeTest, FoldsAsciiCase) { EXPECT_EQ(normalize("Hello WORLD"), "hello world"); }

TEST(NormalizeTest, MakesFullWidthAsciiHalfWidth) {
    EXPECT_EQ(normalize("Ａｂｃ１２３！"), "abc123!");
    EXPECT_EQ(normalize("～（）"), "~()");  // the ends of the range, U+FF5E and around
}

TEST(NormalizeTest, IdeographicSpaceIsASpace) { EXPECT_EQ(normalize("退款　发票"), "退款 发票"); }

TEST(NormalizeTest, CollapsesAndTrimsWhiteSpace) {
    EXPECT_EQ(normalize("  a \t\n b　　c\r\n "), "a b c");
    EXPECT_EQ(normalize(" \t　 "), "");
    EXPECT_EQ(normalize(""), "");
}

TEST(NormalizeTest, KeepsInvalidUtf8ByteForByte) {
    EXPECT_EQ(normalize("a\xff"
                        "B"),
              "a\xff"
              "b");
    // A lead byte cut short keeps its byte and does not swallow the next character.
    EXPECT_EQ(normalize("\xe9\x80"
                        "X"),
              "\xe9\x80"
              "x");
    EXPECT_EQ(normalize("退\xe6"), "退\xe6");
}

TEST(NormalizeTest, NeverTouchesBytesInsideOtherCharacters) {
    // U+FF5F (outside the full-width ASCII range) and a four-byte emoji stay as they are.
    EXPECT_EQ(normalize("｟😀"), "｟😀");
}

}  // namespace
}  // namespace groupdesk::keywords
