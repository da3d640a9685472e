// What the platform's errcodes mean for the one who sent: the same rule for the HTTP APIs and
// the long connection's acks.
#pragma once

#include <string_view>

#include "common/result.h"

namespace groupdesk::wecom {

// Unavailable: busy or a frequency limit (-1, 45009, 45011, 45033): the same call later may well
// succeed. Unauthenticated: the access token or the credentials were refused. PermissionDenied:
// the app or bot may not do this at all (48002, 60011, 60020, 82001). FailedPrecondition:
// anything else, permanent for this message.
ErrorCode errcode_class(int errcode);

// The error a platform answer with a non-zero errcode stands for: its class above, the errcode in
// Error::detail, "errcode N: errmsg" (secrets masked) as the message, a fixed public reason.
Error errcode_error(int errcode, std::string_view errmsg);

// The access token was refused (40001, 40014, 42001): a new one and one more try may help (§7,
// as WxJava and wechatpy do).
bool is_token_error(int errcode);

}  // namespace groupdesk::wecom
