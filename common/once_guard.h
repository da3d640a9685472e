// OnceGuard: runs an action exactly once — at release(), or when the guard is destroyed without
// it. Settles a claim whether its write completes, fails, or is dropped without ever starting.
#pragma once

#include <atomic>
#include <functional>
#include <utility>

namespace groupdesk {

class OnceGuard {
public:
    explicit OnceGuard(std::function<void()> action) : action_(std::move(action)) {}
    OnceGuard(const OnceGuard&) = delete;
    OnceGuard& operator=(const OnceGuard&) = delete;
    ~OnceGuard() { release(); }

    // Any thread; only the first call runs the action.
    void release() {
        if (!released_.exchange(true)) action_();
    }

private:
    std::function<void()> action_;
    std::atomic<bool> released_{false};
};

}  // namespace groupdesk
