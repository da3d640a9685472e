// update_and_wait(): ConversationStore::update() for a caller that may block.
#include "tickets/conversation_store.h"

#include <future>
#include <utility>

namespace groupdesk::tickets {

Status update_and_wait(ConversationStore& store, std::vector<ConversationUpdate> updates,
                       std::vector<Notification> notifications, time_point at) {
    std::promise<Status> promise;
    auto result = promise.get_future();
    store.update(std::move(updates), std::move(notifications), at,
                 [&promise](Status status) { promise.set_value(std::move(status)); });
    return result.get();  // `done` runs exactly once, so this frame outlives its use of promise
}

}  // namespace groupdesk::tickets
