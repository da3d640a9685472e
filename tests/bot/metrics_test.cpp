// Prometheus rendering of the callback metrics and the HTTP server's connection counts.
#include "bot/metrics.h"

#include <gtest/gtest.h>

namespace groupdesk::bot {
namespace {

bool has_line(const std::string& text, const std::string& line) {
    return text.find(line + "\n") != std::string::npos;
}

TEST(Metrics, CountsOutcomesPerChannel) {
    Metrics metrics({"a", "b"});
    metrics.record_callback("a", CallbackOutcome::Replied, 0.002);
    metrics.record_callback("a", CallbackOutcome::Replied, 0.002);
    metrics.record_callback("b", CallbackOutcome::BadSignature, 0.0001);
    metrics.record_callback("nope", CallbackOutcome::Replied, 0.1);  // not ours: ignored
    const std::string text = metrics.render();
    EXPECT_TRUE(has_line(text, "groupdesk_callbacks_total{channel=\"a\",outcome=\"replied\"} 2"));
    EXPECT_TRUE(
        has_line(text, "groupdesk_callbacks_total{channel=\"b\",outcome=\"bad_signature\"} 1"));
    EXPECT_TRUE(has_line(text, "groupdesk_callbacks_total{channel=\"b\",outcome=\"replied\"} 0"));
    EXPECT_EQ(text.find("nope"), std::string::npos);
}

TEST(Metrics, HistogramBucketsAreCumulative) {
    Metrics metrics({"a"});
    metrics.record_callback("a", CallbackOutcome::NoReply, 0.0002);  // ≤ 0.00025
    metrics.record_callback("a", CallbackOutcome::NoReply, 0.003);   // ≤ 0.005
    metrics.record_callback("a", CallbackOutcome::NoReply, 7.0);     // only +Inf
    const std::string text = metrics.render();
    EXPECT_TRUE(has_line(text, "groupdesk_callback_seconds_bucket{channel=\"a\",le=\"0.0001\"} 0"));
    EXPECT_TRUE(
        has_line(text, "groupdesk_callback_seconds_bucket{channel=\"a\",le=\"0.00025\"} 1"));
    EXPECT_TRUE(has_line(text, "groupdesk_callback_seconds_bucket{channel=\"a\",le=\"0.005\"} 2"));
    EXPECT_TRUE(has_line(text, "groupdesk_callback_seconds_bucket{channel=\"a\",le=\"1\"} 2"));
    EXPECT_TRUE(has_line(text, "groupdesk_callback_seconds_bucket{channel=\"a\",le=\"+Inf\"} 3"));
    EXPECT_TRUE(has_line(text, "groupdesk_callback_seconds_count{channel=\"a\"} 3"));
    EXPECT_TRUE(has_line(text, "groupdesk_callback_seconds_sum{channel=\"a\"} 7.0032"));
}

TEST(Metrics, DedupHits) {
    Metrics metrics({"a"});
    metrics.record_dedup_hit("a");
    EXPECT_TRUE(has_line(metrics.render(), "groupdesk_dedup_hits_total{channel=\"a\"} 1"));
}

TEST(Metrics, TypesAreDeclared) {
    const std::string text = Metrics({"a"}).render();
    EXPECT_TRUE(has_line(text, "# TYPE groupdesk_callbacks_total counter"));
    EXPECT_TRUE(has_line(text, "# TYPE groupdesk_callback_seconds histogram"));
    EXPECT_TRUE(has_line(text, "# TYPE groupdesk_dedup_hits_total counter"));
}

TEST(Metrics, HttpServerConnectionCounts) {
    HttpServerStats stats;
    stats.connections_open = 7;
    stats.connections_rejected = 3;
    stats.closed_slow_header = 512;
    stats.closed_idle = 2;
    stats.closed_body_shed = 4;
    stats.bodies_rejected = 1;
    stats.buffered_body_bytes = 4096;
    Metrics metrics({"a"});
    EXPECT_EQ(metrics.render().find("groupdesk_connections"), std::string::npos);
    metrics.observe(stats);
    const std::string text = metrics.render();
    EXPECT_TRUE(has_line(text, "# TYPE groupdesk_connections_open gauge"));
    EXPECT_TRUE(has_line(text, "groupdesk_connections_open 7"));
    EXPECT_TRUE(has_line(text, "# TYPE groupdesk_connections_rejected_total counter"));
    EXPECT_TRUE(has_line(text, "groupdesk_connections_rejected_total 3"));
    EXPECT_TRUE(has_line(text, "# TYPE groupdesk_connections_closed_total counter"));
    EXPECT_TRUE(has_line(text, "groupdesk_connections_closed_total{reason=\"slow_header\"} 512"));
    EXPECT_TRUE(has_line(text, "groupdesk_connections_closed_total{reason=\"idle\"} 2"));
    EXPECT_TRUE(has_line(text, "groupdesk_connections_closed_total{reason=\"body_shed\"} 4"));
    EXPECT_TRUE(has_line(text, "# TYPE groupdesk_buffered_body_bytes gauge"));
    EXPECT_TRUE(has_line(text, "groupdesk_buffered_body_bytes 4096"));
    EXPECT_TRUE(has_line(text, "groupdesk_body_budget_rejected_total 1"));
}

}  // namespace
}  // namespace groupdesk::bot
