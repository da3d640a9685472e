#include "keywords/local_time.h"

#include <gtest/gtest.h>

namespace groupdesk::keywords {
namespace {

std::chrono::system_clock::time_point utc(int days_since_epoch, int hour, int minute) {
    return std::chrono::system_clock::time_point{} + std::chrono::days{days_since_epoch} +
           std::chrono::hours{hour} + std::chrono::minutes{minute};
}

// 2026-01-01 is day 20454 after 1970-01-01.
constexpr int kNewYear2026 = 20454;

TEST(TimeZoneTest, ShanghaiIsEightHoursAhead) {
    auto zone = TimeZone::load("Asia/Shanghai");
    ASSERT_TRUE(zone.ok()) << zone.error().message;
    EXPECT_EQ(zone->name(), "Asia/Shanghai");
    EXPECT_EQ(zone->minute_of_day(utc(kNewYear2026, 0, 0)), 8 * 60);
    EXPECT_EQ(zone->minute_of_day(utc(kNewYear2026, 15, 59)), 23 * 60 + 59);
    EXPECT_EQ(zone->minute_of_day(utc(kNewYear2026, 16, 0)), 0);
}

TEST(TimeZoneTest, FollowsDaylightSaving) {
    auto zone = TimeZone::load("Europe/Berlin");
    ASSERT_TRUE(zone.ok());
    EXPECT_EQ(zone->minute_of_day(utc(kNewYear2026, 12, 0)), 13 * 60);        // CET
    EXPECT_EQ(zone->minute_of_day(utc(kNewYear2026 + 181, 12, 0)), 14 * 60);  // CEST, July
}

TEST(TimeZoneTest, UnknownZoneIsNotFound) {
    for (const char* name : {"Mars/Olympus_Mons", ""}) {
        auto zone = TimeZone::load(name);
        ASSERT_FALSE(zone.ok()) << name;
        EXPECT_EQ(zone.error().code, ErrorCode::NotFound);
    }
}

}  // namespace
}  // namespace groupdesk::keywords
