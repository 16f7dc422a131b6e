// Request bodies as the service wants them, older synapse-sdk's step field, and JSON text that
// cannot throw.
#include <synapse/pipeline/models.hpp>

#include <catch2/catch.hpp>
#include <string>

namespace ps = synapse::pipeline_service;
using synapse::json;

TEST_CASE("request bodies leave out the fields that are not set", "[pipeline][models]") {
    ps::run_update u;
    u.status = ps::run_status::cancelled;
    CHECK(ps::to_request_json(u) == json{{"status", "cancelled"}});

    ps::progress_update p;
    p.current_action_index = 1;
    p.action_progress = ps::action_progress{.name = "train", .progress = 0.5};
    // The nested action progress is complete, as synapse-sdk's ActionProgress.to_dict sends it.
    CHECK(ps::to_request_json(p).dump() ==
          R"({"current_action_index":1,"action_progress":{"name":"train","status":"pending",)"
          R"("progress":0.5,"progress_step":null,"message":null,"metrics":{},"started_at":null,)"
          R"("completed_at":null,"error":null}})");

    ps::checkpoint_create c{.action_name = "download", .action_index = 0};
    CHECK(ps::to_request_json(c) ==
          json{{"action_name", "download"}, {"action_index", 0}, {"status", "completed"}});

    ps::log_entry_create l{.message = "hello"};
    CHECK(ps::to_request_json(l) == json{{"level", "info"}, {"message", "hello"}});
}

TEST_CASE("an older copy's progress_category is read as progress_step", "[pipeline][models]") {
    json run = json::parse(R"({"progress": [
        {"name": "a", "progress_category": "epoch"},
        {"name": "b", "progress_step": null, "progress_category": "batch"},
        {"name": "c", "progress_step": "step", "progress_category": "ignored"},
        {"name": "d"}, 5]})");
    ps::normalize_legacy_fields(run);
    const auto& list = run["progress"];
    CHECK(list[0] == json{{"name", "a"}, {"progress_step", "epoch"}});
    CHECK(list[1] == json{{"name", "b"}, {"progress_step", "batch"}});
    CHECK(list[2] == json{{"name", "c"}, {"progress_step", "step"}});
    CHECK(list[3] == json{{"name", "d"}});
    CHECK(list[4] == 5);

    json update = json::parse(R"([{"action_progress": {"name": "a", "progress_category": "x"}}])");
    ps::normalize_legacy_fields(update);
    CHECK(update[0]["action_progress"] == json{{"name", "a"}, {"progress_step", "x"}});

    json other = "text";
    ps::normalize_legacy_fields(other);  // not an object: left as it is
    CHECK(other == "text");
}

TEST_CASE("safe_dump writes bytes that are not UTF-8 as U+FFFD instead of throwing",
          "[pipeline][models]") {
    const json j = {{"name", std::string("caf\xC3\xA9 \xFF\xFE")}};
    CHECK_THROWS(j.dump());
    CHECK(synapse::dump(j) == "{\"name\":\"caf\xC3\xA9 \xEF\xBF\xBD\xEF\xBF\xBD\"}");
}

TEST_CASE("the nesting depth of JSON text counts brackets outside strings", "[pipeline][models]") {
    CHECK(ps::json_nesting_depth("") == 0);
    CHECK(ps::json_nesting_depth("5") == 0);
    CHECK(ps::json_nesting_depth(R"({"a": [1, {"b": []}], "c": {}})") == 4);
    CHECK(ps::json_nesting_depth(R"(["[[[[", "\"[{"])") == 1);
    CHECK(ps::json_nesting_depth("]]]][[") == 2);
}
