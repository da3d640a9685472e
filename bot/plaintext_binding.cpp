// PlaintextBinding: fingerprint the body, compare with the stored or in-flight binding, and hand
// out the write that makes a new binding durable.
#include "bot/plaintext_binding.h"

#include <memory>
#include <utility>

#include "common/once_guard.h"
#include "handlers/dedup.h"
#include "wecom/crypto.h"

namespace groupdesk::bot {
namespace {

constexpr std::string_view kFingerprintPrefix = "sha256:";

Error refused() {
    constexpr std::string_view kReason = "timestamp and nonce already used with another message";
    return with_public_reason(make_error(ErrorCode::Unauthenticated, std::string(kReason)),
                              kReason);
}

}  // namespace

std::string PlaintextBinding::key(std::string_view channel, std::string_view timestamp,
                                  std::string_view nonce) {
    // Dedup keys start with the channel's length ("3:app..."), so a leading letter keeps them
    // apart.
    std::string key = "p";
    handlers::append_key_field(key, channel);
    handlers::append_key_field(key, timestamp);
    handlers::append_key_field(key, nonce);
    return key;
}

Result<std::optional<handlers::DurableWrite>> PlaintextBinding::bind(
    std::string_view channel, std::string_view timestamp, std::string_view nonce,
    std::string_view body, handlers::DedupStore::time_point now) {
    std::string pair = key(channel, timestamp, nonce);
    std::string fingerprint = std::string(kFingerprintPrefix) + wecom::sha256_hex(body);
    {
        std::lock_guard lock(mutex_);
        auto [it, fresh] = in_flight_.emplace(pair, fingerprint);
        if (!fresh) {
            // Another request with this pair is being handled: the same body is a platform
            // retry (dedup takes it from here), another body is a forgery.
            if (it->second != fingerprint) return refused();
            return std::optional<handlers::DurableWrite>();
        }
    }
    auto stored = store_.find(pair);
    if (!stored.ok()) {
        release(pair);
        return make_error(ErrorCode::Unavailable,
                          "plaintext binding lookup: " + stored.error().message);
    }
    if (stored->has_value()) {
        release(pair);
        if (**stored != fingerprint) return refused();
        return std::optional<handlers::DurableWrite>();
    }
    auto guard = std::make_shared<OnceGuard>([this, pair] { release(pair); });
    handlers::DurableWrite write = [this, guard, pair = std::move(pair),
                                    fingerprint = std::move(fingerprint),
                                    now](handlers::DurableDone done) {
        store_.record(pair, fingerprint, now, [guard, done = std::move(done)](Status status) {
            guard->release();  // only now: a copy arriving after this finds the record
            done(std::move(status));
        });
    };
    return std::optional<handlers::DurableWrite>(std::move(write));
}

void PlaintextBinding::release(const std::string& key) {
    std::lock_guard lock(mutex_);
    in_flight_.erase(key);
}

}  // namespace groupdesk::bot
