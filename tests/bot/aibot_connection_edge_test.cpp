// Unit tests of the AI bot's long connection at its edges: URL parsing; a server that stops
// answering (stop() still ends everything); and a small TLS server whose certificate must be
// verified before anything is sent.
#include "tests/bot/aibot_connection_test_support.h"

namespace groupdesk::test {
namespace {

using namespace aibot;
using bot::Ack;
using bot::AiBotConnection;
using bot::AiBotConnectionOptions;
using bot::LinkState;
using bot::LinkStats;
using Json = nlohmann::json;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

// --- parse_ws_url ---

TEST(ParseWsUrlTest, WssDefaultsToPort443AndTheRoot) {
    const auto at = bot::details::parse_ws_url("wss://openws.work.weixin.qq.com");
    ASSERT_TRUE(at.ok());
    EXPECT_TRUE(at->tls);
    EXPECT_EQ(at->host, "openws.work.weixin.qq.com");
    EXPECT_EQ(at->port, "443");
    EXPECT_EQ(at->target, "/");
}

TEST(ParseWsUrlTest, WsDefaultsToPort80) {
    const auto at = bot::details::parse_ws_url("ws://example.com/");
    ASSERT_TRUE(at.ok());
    EXPECT_FALSE(at->tls);
    EXPECT_EQ(at->host, "example.com");
    EXPECT_EQ(at->port, "80");
    EXPECT_EQ(at->target, "/");
}

TEST(ParseWsUrlTest, ExplicitPortAndPathAreKept) {
    const auto at = bot::details::parse_ws_url("wss://127.0.0.1:8443/ws/v1");
    ASSERT_TRUE(at.ok());
    EXPECT_TRUE(at->tls);
    EXPECT_EQ(at->host, "127.0.0.1");
    EXPECT_EQ(at->port, "8443");
    EXPECT_EQ(at->target, "/ws/v1");

    const auto plain = bot::details::parse_ws_url("ws://localhost:9000");
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(plain->host, "localhost");
    EXPECT_EQ(plain->port, "9000");
    EXPECT_EQ(plain->target, "/");
}

TEST(ParseWsUrlTest, NoHostIsRefused) {
    for (const char* url : {"wss://", "ws://", "wss:///path", "wss://:443/", "ws://host:/"}) {
        const auto at = bot::details::parse_ws_url(url);
        ASSERT_FALSE(at.ok()) << url;
        EXPECT_EQ(at.error().code, ErrorCode::InvalidArgument) << url;
    }
}

TEST(ParseWsUrlTest, OtherSchemesAreRefused) {
    for (const char* url : {"https://example.com", "http://example.com", "example.com",
                            "ws:/example.com", "", "wss:example.com"}) {
        const auto at = bot::details::parse_ws_url(url);
        ASSERT_FALSE(at.ok()) << url;
        EXPECT_EQ(at.error().code, ErrorCode::InvalidArgument) << url;
    }
}

// --- a server that stops answering ---

// A WebSocket server that accepts one connection, acks its subscription and then reads nothing
// more: later requests and the close handshake go unanswered, as on a connection that died
// without the client's knowing.
class MuteServer {
public:
    MuteServer() {
        acceptor_.async_accept([this](boost::system::error_code ec, asio::ip::tcp::socket s) {
            if (ec) return;
            ws_ = std::make_unique<websocket::stream<beast::tcp_stream>>(std::move(s));
            ws_->async_accept([this](beast::error_code e) {
                if (e) return;
                ws_->async_read(buffer_, [this](beast::error_code r, std::size_t) {
                    if (r) return;
                    const Json frame = Json::parse(beast::buffers_to_string(buffer_.data()));
                    ack_ = Json{{"headers", frame["headers"]}, {"errcode", 0}, {"errmsg", "ok"}}
                               .dump();
                    ws_->text(true);
                    ws_->async_write(asio::buffer(ack_), [](beast::error_code, std::size_t) {});
                });
            });
        });
        thread_ = std::thread([this] { io_.run(); });
    }
    ~MuteServer() {
        io_.stop();
        thread_.join();
    }
    std::string url() const {
        return "ws://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
    }

private:
    asio::io_context io_;
    asio::ip::tcp::acceptor acceptor_{
        io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
    std::unique_ptr<websocket::stream<beast::tcp_stream>> ws_;
    beast::flat_buffer buffer_;
    std::string ack_;
    std::thread thread_;
};

// stop() gives the close handshake a grace period; when it runs out, what was pending still
// fails (once) and the state still says stopped.
TEST(AiBotConnectionStopTest, AnUnansweredCloseStillFailsPendingRequestsAndStops) {
    MuteServer server;
    AiBotConnectionOptions o;
    o.url = server.url();
    o.bot_id = "test-bot";
    o.secret = "test-bot-secret";
    o.connect_timeout = 30s;  // also bounds the close handshake: longer than stop()'s grace
    o.ping_interval = 60s;
    o.ack_timeout = 60s;
    auto c =
        std::make_unique<AiBotConnection>("mute", o, [](wecom::AiBotFrame, bot::FrameSender&) {});
    c->start();
    ASSERT_TRUE(wait_until([&] { return c->state() == LinkState::Up; }));
    Acks acks;
    c->request("aibot_send_msg", "push-1", push_frame("push-1"), acks.done());
    ASSERT_TRUE(wait_until([&] { return out(*c, "aibot_send_msg") == 1; }));
    c->stop();
    EXPECT_EQ(c->state(), LinkState::Stopped);
    ASSERT_EQ(acks.results().size(), 1u) << "a pending request was never reported";
    EXPECT_EQ(acks.results()[0].error().code, ErrorCode::Unavailable);
    c.reset();
    EXPECT_EQ(acks.calls(), std::vector<int>{1});
}

// --- TLS ---

struct PkeyFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
    void operator()(X509* p) const { X509_free(p); }
};
struct BioFree {
    void operator()(BIO* p) const { BIO_free(p); }
};

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(size));
}

// A self-signed certificate for `cn`, valid for the subjectAltName `san` ("IP:…" / "DNS:…").
struct Certificate {
    std::string cert_pem;
    std::string key_pem;
};

Certificate self_signed(const std::string& cn, const std::string& san) {
    std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_EC_gen("P-256"));
    if (!key) throw std::runtime_error("EC key generation failed");
    std::unique_ptr<X509, X509Free> cert(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600L * 24);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, san.c_str());
    if (ext == nullptr) throw std::runtime_error("subjectAltName failed");
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
        throw std::runtime_error("signing failed");
    }

    Certificate out;
    std::unique_ptr<BIO, BioFree> cert_bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(cert_bio.get(), cert.get());
    out.cert_pem = bio_text(cert_bio.get());
    std::unique_ptr<BIO, BioFree> key_bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    out.key_pem = bio_text(key_bio.get());
    return out;
}

// A TLS server on 127.0.0.1 that counts handshakes that failed and keeps the first bytes sent
// after one that succeeded (a WebSocket upgrade request, if the client gets that far). It never
// answers them; the client's own handshake timeout ends such a connection.
class TlsServer {
public:
    explicit TlsServer(const Certificate& cert) {
        tls_.use_certificate_chain(asio::buffer(cert.cert_pem));
        tls_.use_private_key(asio::buffer(cert.key_pem), asio::ssl::context::pem);
        accept();
        thread_ = std::thread([this] { io_.run(); });
    }
    ~TlsServer() {
        io_.stop();
        thread_.join();
    }

    std::string url() const {
        return "wss://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
    }
    int failed_handshakes() const { return failed_.load(); }
    std::string request() const {
        std::lock_guard lock(mutex_);
        return request_;
    }

private:
    using Stream = asio::ssl::stream<asio::ip::tcp::socket>;
    struct Conn {
        explicit Conn(Stream s) : stream(std::move(s)) {}
        Stream stream;
        std::string data;
    };

    void accept() {
        acceptor_.async_accept([this](boost::system::error_code ec, asio::ip::tcp::socket s) {
            if (ec) return;
            auto conn = std::make_shared<Conn>(Stream(std::move(s), tls_));
            conn->stream.async_handshake(
                asio::ssl::stream_base::server, [this, conn](boost::system::error_code e) {
                    if (e) {
                        ++failed_;
                        return;
                    }
                    asio::async_read_until(conn->stream, asio::dynamic_buffer(conn->data),
                                           "\r\n\r\n",
                                           [this, conn](boost::system::error_code, std::size_t) {
                                               std::lock_guard lock(mutex_);
                                               if (request_.empty()) request_ = conn->data;
                                           });
                });
            accept();
        });
    }

    asio::io_context io_;
    asio::ssl::context tls_{asio::ssl::context::tls_server};
    asio::ip::tcp::acceptor acceptor_{
        io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
    std::atomic<int> failed_{0};
    mutable std::mutex mutex_;
    std::string request_;
    std::thread thread_;
};

// The client trusts the system's certificate store, which OpenSSL lets SSL_CERT_FILE replace:
// the way to make a test certificate trusted for the length of one connection's construction.
class TrustedFile {
public:
    explicit TrustedFile(const std::string& path) { ::setenv("SSL_CERT_FILE", path.c_str(), 1); }
    ~TrustedFile() { ::unsetenv("SSL_CERT_FILE"); }
    TrustedFile(const TrustedFile&) = delete;
    TrustedFile& operator=(const TrustedFile&) = delete;
};

class AiBotConnectionTlsTest : public ::testing::Test {
protected:
    static AiBotConnectionOptions options(const std::string& url) {
        AiBotConnectionOptions o;
        o.url = url;
        o.bot_id = "test-bot";
        o.secret = "test-bot-secret";
        o.connect_timeout = 2000ms;
        o.reconnect_initial = 60s;  // one attempt: after it, it stays Waiting
        o.reconnect_max = 60s;
        return o;
    }
    static std::unique_ptr<AiBotConnection> make(const std::string& url) {
        return std::make_unique<AiBotConnection>("tls", options(url),
                                                 [](wecom::AiBotFrame, bot::FrameSender&) {});
    }
    void write_trusted(const Certificate& cert) {
        std::ofstream(dir_.file("trusted.pem")) << cert.cert_pem;
    }

    TempDir dir_{"groupdesk-aibot-tls-"};
};

TEST_F(AiBotConnectionTlsTest, AnUntrustedCertificateEndsTheHandshakeBeforeAnyUpgrade) {
    TlsServer server(self_signed("127.0.0.1", "IP:127.0.0.1"));
    auto c = make(server.url());
    c->start();
    ASSERT_TRUE(wait_until([&] { return server.failed_handshakes() >= 1; }));
    ASSERT_TRUE(wait_until([&] { return c->state() == LinkState::Waiting; }));
    EXPECT_EQ(c->stats().connects.load(), 0u);
    EXPECT_EQ(c->stats().frames_out[LinkStats::frame_slot("aibot_subscribe")].load(), 0u);
    EXPECT_EQ(server.request(), "");
    c->stop();
    EXPECT_EQ(c->state(), LinkState::Stopped);
}

TEST_F(AiBotConnectionTlsTest, ATrustedCertificateForAnotherHostIsRefusedToo) {
    const Certificate cert = self_signed("other.example", "DNS:other.example");
    write_trusted(cert);
    TlsServer server(cert);
    std::unique_ptr<AiBotConnection> c;
    {
        TrustedFile trusted(dir_.file("trusted.pem"));
        c = make(server.url());
    }
    c->start();
    ASSERT_TRUE(wait_until([&] { return server.failed_handshakes() >= 1; }));
    ASSERT_TRUE(wait_until([&] { return c->state() == LinkState::Waiting; }));
    EXPECT_EQ(c->stats().connects.load(), 0u);
    EXPECT_EQ(server.request(), "");
}

// The control for the two above: the same server with a certificate the client trusts, for the
// host it connects to, does get the WebSocket upgrade.
TEST_F(AiBotConnectionTlsTest, ATrustedCertificateForTheHostGetsTheUpgradeRequest) {
    const Certificate cert = self_signed("127.0.0.1", "IP:127.0.0.1");
    write_trusted(cert);
    TlsServer server(cert);
    std::unique_ptr<AiBotConnection> c;
    {
        TrustedFile trusted(dir_.file("trusted.pem"));
        c = make(server.url());
    }
    c->start();
    ASSERT_TRUE(wait_until([&] { return !server.request().empty(); }));
    const std::string request = server.request();
    EXPECT_TRUE(request.starts_with("GET / HTTP/1.1\r\n")) << request;
    EXPECT_NE(request.find("Upgrade: websocket"), std::string::npos) << request;
    EXPECT_EQ(server.failed_handshakes(), 0);
}

}  // namespace
}  // namespace groupdesk::test
