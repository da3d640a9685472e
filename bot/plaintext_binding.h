// PlaintextBinding: in an Official Account's plaintext mode the signature covers token, timestamp
// and nonce but not the body, so one query string seen once (an access log) could carry any
// message. Each (timestamp, nonce) pair is bound to the first body it came with; the same pair
// with another body is refused. Bindings are kept in the dedup store, as long as its records.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/result.h"
#include "handlers/dedup_store.h"

namespace groupdesk::bot {

class PlaintextBinding {
public:
    explicit PlaintextBinding(handlers::DedupStore& store) : store_(store) {}

    // Checks the pair against the body. Unauthenticated when it is bound to another body (now or
    // by a request still in flight), Unavailable when the store fails. Otherwise, for a pair seen
    // for the first time, the write that binds it: put it before the answer. May read the disk:
    // never call it on an I/O thread.
    [[nodiscard]] Result<std::optional<handlers::DurableWrite>> bind(
        std::string_view channel, std::string_view timestamp, std::string_view nonce,
        std::string_view body, handlers::DedupStore::time_point now);

    // The dedup-store key of a pair; never equal to a dedup key of a message.
    static std::string key(std::string_view channel, std::string_view timestamp,
                           std::string_view nonce);

private:
    void release(const std::string& key);

    handlers::DedupStore& store_;
    std::mutex mutex_;
    // Pairs whose binding is not yet durable → the fingerprint of their body.
    std::unordered_map<std::string, std::string> in_flight_;
};

}  // namespace groupdesk::bot
