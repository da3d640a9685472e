// Abseil's time zones (a Debian package) read the system's zoneinfo: libstdc++ 12 has no
// std::chrono time-zone database, and a zoneinfo parser of our own would be one more thing to
// keep right through daylight-saving changes.
#include "keywords/local_time.h"

#include <absl/time/time.h>

namespace groupdesk::keywords {

struct TimeZone::Impl {
    absl::TimeZone zone;
};

TimeZone::TimeZone(std::string name, std::shared_ptr<const Impl> impl)
    : name_(std::move(name)), impl_(std::move(impl)) {}

Result<TimeZone> TimeZone::load(const std::string& name) {
    auto impl = std::make_shared<Impl>();
    // LoadTimeZone answers UTC for an empty name; a configured zone is never empty.
    if (name.empty() || !absl::LoadTimeZone(name, &impl->zone)) {
        return make_error(ErrorCode::NotFound, "no time zone named \"" + name + "\"");
    }
    return TimeZone(name, std::move(impl));
}

int TimeZone::minute_of_day(std::chrono::system_clock::time_point at) const {
    const absl::CivilMinute local = absl::ToCivilMinute(absl::FromChrono(at), impl_->zone);
    return local.hour() * 60 + local.minute();
}

}  // namespace groupdesk::keywords
