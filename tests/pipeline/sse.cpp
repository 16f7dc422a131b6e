// The SSE parser against the event-stream format: chunks split anywhere, every line ending,
// multi-line data, ids, retry, comments, and its memory bound.
#include <synapse/pipeline/sse.hpp>

#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <vector>

using synapse::errc;
using synapse::sse_event;
using synapse::sse_parser;

namespace {

struct collected {
    std::vector<sse_event> events;
    bool operator()(const sse_event& e) {
        events.push_back(e);
        return true;
    }
};

std::vector<sse_event> parse_in_pieces(std::string_view text, std::size_t piece) {
    sse_parser parser;
    collected out;
    for (std::size_t i = 0; i < text.size(); i += piece) {
        auto ok = parser.feed(text.substr(i, piece), out);
        REQUIRE(ok);
        REQUIRE(*ok);
    }
    return out.events;
}

// Two frames exactly as dev-api writes them.
const std::string dev_api_frames =
    "event: progress\ndata: {\"run_id\": \"r\", \"status\": \"running\"}\n\n"
    "event: completed\ndata: {\"run_id\": \"r\", \"status\": \"completed\"}\n\n";

}  // namespace

TEST_CASE("dev-api's frames parse into named events with their data", "[pipeline][sse]") {
    auto events = parse_in_pieces(dev_api_frames, dev_api_frames.size());
    REQUIRE(events.size() == 2);
    CHECK(events[0].event == "progress");
    CHECK(events[0].data == R"({"run_id": "r", "status": "running"})");
    CHECK(events[1].event == "completed");
    CHECK(events[1].id.empty());
}

TEST_CASE("the same events come out whatever the chunk size", "[pipeline][sse]") {
    const std::string text =
        ": heartbeat\r\n\r\nid: 1\r\nevent: progress\r\ndata: a\r\ndata: b\r\n\r\n"
        "id: 2\rdata:c\r\rretry: 1500\nevent: completed\ndata: {}\n\n";
    const auto whole = parse_in_pieces(text, text.size());
    REQUIRE(whole.size() == 3);
    CHECK(whole[0].event == "progress");
    CHECK(whole[0].data == "a\nb");
    CHECK(whole[0].id == "1");
    CHECK(whole[1].event == "message");
    CHECK(whole[1].data == "c");
    CHECK(whole[1].id == "2");
    CHECK(whole[2].event == "completed");
    CHECK(whole[2].id == "2");
    for (std::size_t piece = 1; piece < text.size(); ++piece) {
        INFO("piece size " << piece);
        const auto events = parse_in_pieces(text, piece);
        REQUIRE(events.size() == whole.size());
        for (std::size_t i = 0; i < events.size(); ++i) {
            CHECK(events[i].event == whole[i].event);
            CHECK(events[i].data == whole[i].data);
            CHECK(events[i].id == whole[i].id);
        }
    }
}

TEST_CASE("a CR at the end of a chunk and an LF at the start of the next end one line",
          "[pipeline][sse]") {
    sse_parser parser;
    collected out;
    REQUIRE(parser.feed("data: x\r", out));
    REQUIRE(parser.feed("\n\r", out));
    REQUIRE(parser.feed("\n", out));
    REQUIRE(out.events.size() == 1);
    CHECK(out.events[0].data == "x");
}

TEST_CASE("field parsing follows the standard", "[pipeline][sse]") {
    sse_parser parser;
    collected out;
    // No space after the colon, two spaces (one kept), a field without a colon, unknown
    // fields, an invalid retry, an empty data line.
    auto ok = parser.feed(
        "data:a\ndata:  b\ndata\nfoo: bar\nretry: 12x\n\n"
        "event: named\n\n"  // no data: nothing dispatched, and the name is forgotten
        "data: after\n\n",
        out);
    REQUIRE(ok);
    REQUIRE(out.events.size() == 2);
    CHECK(out.events[0].data == "a\n b\n");
    CHECK(out.events[1].event == "message");
    CHECK(out.events[1].data == "after");
    CHECK_FALSE(parser.retry());
    REQUIRE(parser.feed("retry: 2500\n", out));
    CHECK(parser.retry() == std::chrono::milliseconds(2500));
}

TEST_CASE("the last event id is that of the last complete event and outlives a reset",
          "[pipeline][sse]") {
    sse_parser parser;
    collected out;
    REQUIRE(parser.feed("id: 41\ndata: one\n\nid: 42\ndata: half", out));
    CHECK(parser.last_event_id() == "41");  // event 42 is not complete: ask for it again
    CHECK(parser.buffered() > 0);
    parser.reset();  // the connection broke mid-event
    CHECK(parser.buffered() == 0);
    CHECK(parser.last_event_id() == "41");
    REQUIRE(parser.feed("\ndata: two\n\n", out));  // the new stream starts with a blank line
    REQUIRE(out.events.size() == 2);
    CHECK(out.events[1].data == "two");
    CHECK(out.events[1].id == "41");
    REQUIRE(parser.feed("id: 43\n\n", out));  // an id alone moves the last event id
    CHECK(parser.last_event_id() == "43");
    CHECK(out.events.size() == 2);
}

TEST_CASE("an id with a NUL is ignored and a byte order mark is skipped", "[pipeline][sse]") {
    sse_parser parser;
    collected out;
    static constexpr char text[] = "\xEF\xBB\xBFid: 7\nid: a\0b\ndata: x\n\n";
    REQUIRE(parser.feed(std::string_view(text, sizeof text - 1), out));
    REQUIRE(out.events.size() == 1);
    CHECK(out.events[0].id == "7");
}

TEST_CASE("returning false stops the parser at that event", "[pipeline][sse]") {
    sse_parser parser;
    int calls = 0;
    auto ok = parser.feed(dev_api_frames, [&](const sse_event&) {
        ++calls;
        return false;
    });
    REQUIRE(ok);
    CHECK_FALSE(*ok);
    CHECK(calls == 1);
}

TEST_CASE("an event over the size limit is too_large, without growing further", "[pipeline][sse]") {
    sse_parser parser(synapse::sse_limits{.max_event_size = 64});
    collected out;
    REQUIRE(parser.feed("data: " + std::string(40, 'a') + "\n", out));
    auto big = parser.feed("data: " + std::string(40, 'b') + "\n\n", out);
    REQUIRE_FALSE(big);
    CHECK(big.error().code == errc::too_large);
    CHECK(out.events.empty());

    sse_parser endless(synapse::sse_limits{.max_event_size = 64});
    bool failed = false;
    for (int i = 0; i < 100 && !failed; ++i) {
        auto r = endless.feed(std::string(10, 'x'), out);  // one line that never ends
        failed = !r;
        if (failed) CHECK(r.error().code == errc::too_large);
    }
    CHECK(failed);
    CHECK(endless.buffered() <= 64);
}

TEST_CASE("an event handler that throws makes feed fail, the exception stays inside",
          "[pipeline][sse]") {
    sse_parser parser;
    synapse::expected<bool> fed = true;
    REQUIRE_NOTHROW(fed = parser.feed(dev_api_frames, [](const sse_event&) -> bool {
        throw std::runtime_error("handler broke");
    }));
    REQUIRE_FALSE(fed);
    CHECK(fed.error().code == errc::invalid_argument);
    CHECK(fed.error().message == "the event handler threw: handler broke");
}
