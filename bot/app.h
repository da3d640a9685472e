// App: the wiring of GroupDesk. It opens the database, builds each channel's crypto once, puts
// the handlers in their order, and owns the server and the background sweep.
#pragma once

#include <cstdint>
#include <memory>

#include "common/clock.h"
#include "common/result.h"
#include "config/config.h"

namespace groupdesk::bot {

class App {
public:
    // Fails when the database cannot be opened or a channel's key is unusable.
    static Result<std::unique_ptr<App>> create(const config::Config& config, const Clock& clock);
    ~App();  // stops, waits for pending durable writes, closes the database

    Status start();  // binds the listen address; refuses to start when it cannot
    std::uint16_t port() const;
    void run();   // serves until stop()
    void stop();  // graceful: stop accepting, finish in-flight requests

private:
    struct Impl;
    explicit App(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace groupdesk::bot
