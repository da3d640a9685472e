// The local time of day in a named time zone (IANA, "Asia/Shanghai"), for rules with active
// hours. Loaded once from the system's zone database; daylight saving is followed.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "common/result.h"

namespace groupdesk::keywords {

class TimeZone {
public:
    // NotFound when the system has no such zone.
    [[nodiscard]] static Result<TimeZone> load(const std::string& name);

    // Minutes after local midnight at `at`, 0..1439.
    int minute_of_day(std::chrono::system_clock::time_point at) const;
    const std::string& name() const { return name_; }

private:
    struct Impl;
    TimeZone(std::string name, std::shared_ptr<const Impl> impl);
    std::string name_;
    std::shared_ptr<const Impl> impl_;
};

}  // namespace groupdesk::keywords
