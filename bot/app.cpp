// The wiring: database → stores → ticket service → handler order → endpoints (callbacks, REST) →
// router → server, plus the background sweep that expires old dedup records. Lifetimes are the
// order of the members.
#include "bot/app.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "api/conversations_api.h"
#include "api/keywords_api.h"
#include "api/tickets_api.h"
#include "bot/aibot_connection.h"
#include "bot/aibot_pusher.h"
#include "bot/callback_endpoint.h"
#include "bot/deadline_timer.h"
#include "bot/endpoints.h"
#include "bot/http_server.h"
#include "bot/long_connection_endpoint.h"
#include "bot/long_connection_metrics.h"
#include "bot/maintenance.h"
#include "bot/metrics.h"
#include "bot/plaintext_binding.h"
#include "bot/platform_metrics.h"
#include "bot/router.h"
#include "bot/stores.h"
#include "bot/work_queue.h"
#include "handlers/card_click_handler.h"
#include "handlers/command_handler.h"
#include "handlers/dedup.h"
#include "handlers/effects.h"
#include "handlers/help_handler.h"
#include "handlers/keyword_command_handler.h"
#include "handlers/keyword_handler.h"
#include "handlers/pipeline.h"
#include "handlers/reply_window_recorder.h"
#include "handlers/response_url_recorder.h"
#include "handlers/roles.h"
#include "keywords/keyword_service.h"
#include "storage/sqlite/database.h"
#include "storage/sqlite/memory_metrics.h"
#include "storage/sqlite/sqlite_conversation_store.h"
#include "storage/sqlite/sqlite_dedup_store.h"
#include "storage/sqlite/sqlite_keyword_store.h"
#include "storage/sqlite/sqlite_known_chat_store.h"
#include "storage/sqlite/sqlite_outbox_store.h"
#include "storage/sqlite/sqlite_response_url_store.h"
#include "storage/sqlite/sqlite_ticket_store.h"
#include "storage/sqlite/writer.h"
#include "tickets/announcer.h"
#include "tickets/outbox_worker.h"
#include "tickets/reply_window_service.h"
#include "tickets/reply_window_worker.h"
#include "tickets/ticket_service.h"
#include "wecom/curl_http_client.h"
#include "wecom/wecom_api_client.h"

namespace groupdesk::bot {
namespace {

// The pipeline's work is CPU and short reads; its durable writes complete on the writer's thread
// without holding a worker. So one worker per core: more only add context switches (measured:
// twice as many workers cost a third of the throughput on 2 cores). A stalled disk takes them
// all, which the answer deadline covers.
unsigned worker_count() { return std::max(2u, std::thread::hardware_concurrency()); }
// Callbacks waiting for a worker; beyond this they get a 503 at once.
constexpr std::size_t kMaxQueuedCallbacks = 4096;
// The REST API has threads of its own: a REST change waits for its commit on its thread, and a
// busy script must not make the platform's callbacks wait behind it (they have 5 s).
constexpr unsigned kApiThreads = 2;
constexpr std::size_t kMaxQueuedApiRequests = 256;

// An AI bot on a long connection: the socket and what its frames run through.
struct LongConnectionChannel {
    std::unique_ptr<LongConnectionEndpoint> endpoint;  // set before the connection starts
    std::unique_ptr<AiBotConnection> connection;
};

AiBotConnectionOptions connection_options(const config::Channel& channel,
                                          const config::Platform& platform) {
    return AiBotConnectionOptions{platform.aibot_ws_url,
                                  channel.bot_id,
                                  channel.secret,
                                  platform.connect_timeout,
                                  platform.aibot_ping_interval,
                                  platform.aibot_reconnect_initial,
                                  platform.aibot_reconnect_max,
                                  platform.aibot_ack_timeout};
}

// Database writes, then every long connection: one the platform took away for good (another
// instance holds the bot, or its credentials were refused) stays down until a restart, which
// an operator must see.
Status health_of(storage::sqlite::SqliteDedupStore& writes,
                 const std::vector<std::unique_ptr<LongConnectionChannel>>& connections) {
    Status status = writes.health();
    if (!status.ok()) return status;
    for (const auto& lc : connections) {
        const LinkState state = lc->connection->state();
        if (!is_down_for_good(state)) continue;
        const std::string what = state == LinkState::TakenOver ? "taken over by another instance"
                                                               : "bot_id or secret refused";
        Error error = make_error(ErrorCode::Unavailable,
                                 "long connection of " + lc->connection->channel() + ": " + what);
        error.public_reason = "long connection " + lc->connection->channel() + " down: " + what;
        return error;
    }
    return ok_status();
}

}  // namespace

struct App::Impl {
    config::Config config;
    Stores stores;
    std::unique_ptr<keywords::KeywordService> keywords;
    std::unique_ptr<AiBotPusher> pusher;
    std::vector<std::unique_ptr<LongConnectionChannel>> long_connections;
    std::unique_ptr<wecom::CurlHttpClient> http_client;
    std::unique_ptr<wecom::WecomApiClient> platform;
    std::unique_ptr<MeasuredApiClient> measured_platform;
    std::unique_ptr<tickets::Announcer> announcer;
    std::unique_ptr<tickets::ReplyWindowService> reply_window;
    std::unique_ptr<tickets::OutboxWorker> outbox_worker;
    std::unique_ptr<tickets::ReplyWindowWorker> window_worker;
    std::unique_ptr<tickets::TicketService> tickets;
    std::unique_ptr<handlers::Roles> roles;
    std::unique_ptr<api::TicketsApi> api;
    std::unique_ptr<api::KeywordsApi> keywords_api;
    std::unique_ptr<api::ConversationsApi> conversations_api;
    std::unique_ptr<PlaintextBinding> plaintext_binding;
    handlers::Pipeline pipeline;
    std::unique_ptr<Metrics> metrics;
    std::unique_ptr<DeadlineTimer> deadlines;
    std::unique_ptr<WorkQueue> workers;
    std::unique_ptr<WorkQueue> api_workers;
    std::unique_ptr<Router> router;
    std::unique_ptr<HttpServer> server;
    std::unique_ptr<DedupSweeper> sweeper;
    std::unique_ptr<SearchIndexer> indexer;
    std::unique_ptr<ResponseUrlSweeper> url_sweeper;
    std::unique_ptr<MemoryTrimmer> trimmer;

    ~Impl() {
        // Order matters: no more requests (every one answered), then the workers finish what
        // they hold (it refers to the endpoints and the pipeline), then no more sweeps, then
        // flush and close the store.
        if (server) server->stop();
        server.reset();
        // No more frames; the workers' answers to frames still in hand find the connection
        // closed (logged), as a callback's answer finds its client gone.
        for (auto& lc : long_connections) lc->connection->stop();
        workers.reset();
        api_workers.reset();
        deadlines.reset();
        // No more alerts queued; then sends in progress finish, and what is still pending goes
        // out after the next start.
        window_worker.reset();
        outbox_worker.reset();
        sweeper.reset();
        url_sweeper.reset();
        indexer.reset();
        trimmer.reset();
        stores.close();
    }
};

App::App(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
App::~App() = default;

Result<std::unique_ptr<App>> App::create(const config::Config& config, const Clock& clock) {
    auto impl = std::make_unique<Impl>();
    impl->config = config;
    const config::Config& cfg = impl->config;  // everything below refers to this copy

    auto stores = Stores::open(cfg.database);
    if (!stores.ok()) return std::move(stores).error();
    impl->stores = std::move(stores).value();
    Stores& db = impl->stores;

    // Keyword rules: all in memory, compiled into the index that matching reads.
    auto zone = keywords::TimeZone::load(cfg.keywords.time_zone);
    if (!zone.ok()) {
        return make_error(ErrorCode::InvalidArgument,
                          cfg.source + ": keywords.time_zone: " + zone.error().message);
    }
    std::vector<std::string> channel_names;
    for (const auto& channel : cfg.channels) channel_names.push_back(channel.name);
    auto keyword_service =
        keywords::KeywordService::open(*db.keywords, channel_names, std::move(zone).value());
    if (!keyword_service.ok()) return std::move(keyword_service).error();
    impl->keywords = std::move(keyword_service).value();

    // AI bots on a long connection: the connections exist (not started) before the outbox
    // worker, which may push at once; their frames' endpoint comes with the pipeline below.
    impl->pusher = std::make_unique<AiBotPusher>(*db.known_chats, cfg.platform.aibot_ack_timeout);
    for (const auto& channel : cfg.channels) {
        if (!channel.long_connection()) continue;
        auto lc = std::make_unique<LongConnectionChannel>();
        auto* endpoint_slot = &lc->endpoint;
        lc->connection = std::make_unique<AiBotConnection>(
            channel.name, connection_options(channel, cfg.platform),
            [endpoint_slot](wecom::AiBotFrame frame, FrameSender& sender) {
                (*endpoint_slot)->handle(std::move(frame), sender);
            });
        impl->pusher->add(channel.name, *lc->connection);
        impl->long_connections.push_back(std::move(lc));
    }

    // Announcements of ticket changes: rows written with each change, delivered by the outbox
    // worker's own threads through the platform client.
    impl->http_client = std::make_unique<wecom::CurlHttpClient>();
    impl->platform =
        std::make_unique<wecom::WecomApiClient>(*impl->http_client, cfg.platform, clock);
    impl->measured_platform = std::make_unique<MeasuredApiClient>(*impl->platform);
    impl->announcer = std::make_unique<tickets::Announcer>(cfg);
    // The 48-hour window of Official Account users: the gate of their sends, and the alerts.
    impl->reply_window = std::make_unique<tickets::ReplyWindowService>(
        *db.conversations, *db.tickets, *db.outbox, cfg);
    tickets::OutboxWorkerOptions outbox_options;
    if (!impl->long_connections.empty()) outbox_options.aibot_push = impl->pusher.get();
    if (cfg.reply_window.enabled) outbox_options.window_gate = impl->reply_window.get();
    outbox_options.tickets = db.tickets.get();
    impl->outbox_worker = std::make_unique<tickets::OutboxWorker>(
        *db.outbox, *db.response_urls, *impl->measured_platform, cfg, clock, outbox_options);
    impl->tickets = std::make_unique<tickets::TicketService>(*db.tickets, impl->announcer.get());
    auto* outbox_worker = impl->outbox_worker.get();
    impl->tickets->on_notifications([outbox_worker] { outbox_worker->poke(); });
    if (cfg.reply_window.enabled) {
        impl->window_worker = std::make_unique<tickets::ReplyWindowWorker>(
            *impl->reply_window, *db.conversations, clock,
            [outbox_worker] { outbox_worker->poke(); });
        const bool official_accounts =
            std::any_of(cfg.channels.begin(), cfg.channels.end(),
                        [](const auto& c) { return c.kind == config::ChannelKind::Mp; });
        if (official_accounts && !cfg.reply_window.alerts_to.configured()) {
            spdlog::info("reply_window.alerts_to is not set: agents get no alert before an "
                         "Official Account user's reply window closes");
        }
    }
    auto* window_worker = impl->window_worker.get();
    impl->roles = std::make_unique<handlers::Roles>(cfg);

    // The order of the chain is behaviour:
    // 1. dedup: a platform retry is answered from the record and nothing else runs again.
    impl->pipeline.add(std::make_unique<handlers::DedupHandler>(*db.dedup));
    // 2. reply window: an Official Account user's message, click, follow or scan opens their
    //    48-hour window, and the final answer may answer them; recorded durable with the
    //    answer whoever decides it, so it comes before every handler that may end the chain.
    impl->pipeline.add(std::make_unique<handlers::ReplyWindowRecorder>(
        *db.conversations, *impl->reply_window, [window_worker](tickets::time_point at) {
            if (window_worker != nullptr) window_worker->scheduled(at);
        }));
    // 3. response_url: each AI-bot conversation's latest one-shot URL is kept (durable with the
    //    answer), one way to announce ticket news there later; always passes.
    impl->pipeline.add(std::make_unique<handlers::ResponseUrlRecorder>(*db.response_urls));
    // 4. commands: "@assistant 工单 …", "解决 #12": a ticket command is answered here; any other
    //    message passes on.
    impl->pipeline.add(std::make_unique<handlers::CommandHandler>(*impl->tickets, *impl->roles));
    // 5. keyword commands: an admin's "关键词 添加 … => …" edits the rules; before the keyword
    //    replies, which would otherwise answer it.
    impl->pipeline.add(
        std::make_unique<handlers::KeywordCommandHandler>(*impl->keywords, *impl->roles));
    // 6. card clicks: a ticket card's button moves the ticket and updates the card; right after
    //    the commands, whose cards it answers, and before help, which must not see the event.
    impl->pipeline.add(std::make_unique<handlers::CardClickHandler>(*impl->tickets, *impl->roles));
    // 7. keywords: the admins' auto-replies, after the commands (a command is never taken for a
    //    keyword) and the card clicks; the follow reply and the default reply are theirs too.
    impl->pipeline.add(
        std::make_unique<handlers::KeywordHandler>(*impl->keywords, *db.keywords, cfg.keywords));
    // 8. help: welcome events and "help"; last, so that what answers real requests goes first.
    impl->pipeline.add(std::make_unique<handlers::HelpHandler>(handlers::default_help_texts()));

    std::vector<std::string> names;
    for (const auto& channel : cfg.channels) names.push_back(channel.name);
    impl->metrics = std::make_unique<Metrics>(names);

    impl->plaintext_binding = std::make_unique<PlaintextBinding>(*db.dedup);
    impl->deadlines = std::make_unique<DeadlineTimer>();
    impl->workers = std::make_unique<WorkQueue>(worker_count(), kMaxQueuedCallbacks);
    // A callback's writes (dedup record, ticket, conversation, keyword hit) commit as one.
    const handlers::WriteGroup write_group =
        [writer = &db.database->writer()](const std::function<void()>& start) {
            storage::sqlite::Writer::Group group(*writer);
            start();
        };
    const CallbackServices services{*impl->workers, *impl->deadlines, *impl->plaintext_binding,
                                    cfg.callbacks, write_group};

    // Health from the writer's last commit or probe: never waits on the disk.
    auto* writes = db.dedup.get();
    const auto* connections = &impl->long_connections;
    impl->router = std::make_unique<Router>();
    impl->router->add("GET", "/healthz", health_endpoint([writes, connections] {
                          return health_of(*writes, *connections);
                      }));
    impl->router->add("GET", "/metrics", metrics_endpoint(*impl->metrics));
    std::vector<std::unique_ptr<CallbackEndpoint>> callbacks;
    for (auto& lc : impl->long_connections) {
        const config::Channel& channel = *cfg.find_channel(lc->connection->channel());
        lc->endpoint = std::make_unique<LongConnectionEndpoint>(
            channel, impl->pipeline, *db.known_chats, clock, *impl->metrics, *impl->workers,
            write_group);
    }
    for (const auto& channel : cfg.channels) {
        if (channel.long_connection()) continue;  // no callback URL
        std::optional<wecom::MsgCrypt> crypt;
        if (channel.encrypted()) {
            auto made = wecom::MsgCrypt::create(channel.token, channel.encoding_aes_key,
                                                channel.receive_id);
            if (!made.ok()) {
                return make_error(made.error().code,
                                  "channel " + channel.name + ": " + made.error().message);
            }
            crypt = std::move(made).value();
        }
        if (channel.accept_plaintext) {
            spdlog::warn(
                "channel {}: accept_plaintext is on: plaintext-mode requests, whose "
                "signature does not cover the message, are accepted next to encrypted "
                "ones; turn it off once the console is in compatible or safe mode",
                channel.name);
        }
        callbacks.push_back(std::make_unique<CallbackEndpoint>(
            channel, std::move(crypt), impl->pipeline, clock, *impl->metrics, services));
    }
    impl->router->mount(std::string(kCallbackPrefix), callback_mount(std::move(callbacks)));
    // The REST API waits on the disk (reads, commits): on threads of its own, never the I/O
    // threads nor the callbacks' workers.
    impl->api_workers = std::make_unique<WorkQueue>(kApiThreads, kMaxQueuedApiRequests);
    impl->api =
        std::make_unique<api::TicketsApi>(*impl->tickets, clock, cfg.api_tokens, db.outbox.get(),
                                          [outbox_worker] { outbox_worker->poke(); });
    impl->keywords_api = std::make_unique<api::KeywordsApi>(*impl->keywords, clock,
                                                            *impl->measured_platform, cfg.channels);
    impl->api->serve_keywords(impl->keywords_api.get());
    if (cfg.reply_window.enabled) {
        impl->conversations_api = std::make_unique<api::ConversationsApi>(
            *impl->reply_window, clock, [outbox_worker] { outbox_worker->poke(); });
        impl->api->serve_conversations(impl->conversations_api.get());
    }
    auto* rest = impl->api.get();
    impl->router->mount(
        std::string(kApiMount),
        on_workers([rest](const HttpRequest& r) { return rest->handle(r); }, *impl->api_workers));

    HttpServerOptions options{cfg.listen.address, cfg.listen.port,
                              cfg.listen.threads != 0
                                  ? cfg.listen.threads
                                  : std::max(1u, std::thread::hardware_concurrency()),
                              cfg.http};
    auto* router = impl->router.get();
    impl->server =
        std::make_unique<HttpServer>(options, [router](HttpRequest request, Respond respond) {
            router->handle(std::move(request), std::move(respond));
        });
    impl->metrics->observe(impl->server->stats());  // the server outlives every request
    auto* measured = impl->measured_platform.get();
    std::vector<const AiBotConnection*> sockets;
    for (const auto& lc : impl->long_connections) sockets.push_back(lc->connection.get());
    impl->metrics->add_section([measured, outbox_worker, &clock, sockets] {
        return measured->render() + render_outbox_metrics(*outbox_worker, clock) +
               render_long_connection_metrics(sockets) + storage::sqlite::render_memory_metrics();
    });
    impl->sweeper = std::make_unique<DedupSweeper>(*db.dedup, clock, cfg.dedup);
    impl->indexer = std::make_unique<SearchIndexer>(*db.tickets, clock);
    impl->url_sweeper = std::make_unique<ResponseUrlSweeper>(*db.response_urls, clock);
    impl->trimmer = std::make_unique<MemoryTrimmer>(clock);
    return std::unique_ptr<App>(new App(std::move(impl)));
}

Status App::start() {
    auto started = impl_->server->start();
    if (!started.ok()) return started;
    std::string channels;
    for (const auto& c : impl_->config.channels) {
        const char* mode = c.long_connection() ? ", long connection"
                           : c.encrypted()     ? ""
                                               : ", plaintext";
        channels += (channels.empty() ? "" : ", ") + c.name + " (" +
                    std::string(config::to_string(c.kind)) + mode + ")";
    }
    spdlog::info("groupdesk listening on {}:{}, database {}, channels: {}",
                 impl_->config.listen.address, impl_->server->port(), impl_->config.database,
                 channels);
    for (auto& lc : impl_->long_connections) lc->connection->start();
    return ok_status();
}

std::uint16_t App::port() const { return impl_->server->port(); }
void App::run() { impl_->server->run(); }
void App::stop() { impl_->server->stop(); }

}  // namespace groupdesk::bot
