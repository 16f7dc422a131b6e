// The web page at `/`, in headless Chromium (Debian's `chromium`), driven over the DevTools
// protocol on a pipe (--remote-debugging-pipe: fd 3 in, fd 4 out, NUL-separated JSON): the page
// shows a run's bar advance as progress is posted, live over SSE, and shows the run's error.
#include <chrono>
#include <csignal>
#include <optional>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include "service_process.hpp"

using synapse::json;
using test_support::api;
using test_support::eventually;
using test_support::service_process;
using test_support::temp_dir;

namespace {

std::string find_chromium() {
    for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
        if (access(p, X_OK) == 0) return p;
    return {};
}

/// Headless Chromium with a DevTools pipe, showing one URL.
class browser {
  public:
    browser(const std::string& exe, const std::string& url, const std::filesystem::path& profile) {
        int to_chrome[2], from_chrome[2];
        REQUIRE(pipe(to_chrome) == 0);
        REQUIRE(pipe(from_chrome) == 0);
        pid_ = fork();
        if (pid_ == 0) {
            // The child reads commands on fd 3 and writes answers on fd 4.
            int in = dup(to_chrome[0]), out = dup(from_chrome[1]);
            dup2(in, 3);
            dup2(out, 4);
            int devnull = open("/dev/null", O_WRONLY);
            dup2(devnull, 1);
            dup2(devnull, 2);
            for (int fd = 5; fd < 1024; ++fd) close(fd);
            std::vector<std::string> args = {exe,
                                             "--headless",
                                             "--no-sandbox",
                                             "--disable-gpu",
                                             "--disable-dev-shm-usage",
                                             "--no-first-run",
                                             "--remote-debugging-pipe",
                                             "--user-data-dir=" + profile.string(),
                                             url};
            std::vector<char*> argv;
            for (auto& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            execv(argv[0], argv.data());
            _exit(127);
        }
        close(to_chrome[0]);
        close(from_chrome[1]);
        in_ = to_chrome[1];
        out_ = from_chrome[0];
    }
    ~browser() {
        if (in_ >= 0) close(in_);
        if (out_ >= 0) close(out_);
        if (pid_ > 0) {
            kill(pid_, SIGTERM);
            int status = 0;
            if (!eventually([&] { return waitpid(pid_, &status, WNOHANG) == pid_; },
                            std::chrono::seconds(5))) {
                kill(pid_, SIGKILL);
                waitpid(pid_, &status, 0);
            }
        }
    }

    /// Sends a DevTools command and returns its result (or nullopt on timeout/error).
    std::optional<json> call(const std::string& method, json params = json::object(),
                             const std::string& session = {}) {
        json msg = {{"id", ++next_id_}, {"method", method}, {"params", std::move(params)}};
        if (!session.empty()) msg["sessionId"] = session;
        std::string text = msg.dump();
        text.push_back('\0');
        if (write(in_, text.data(), text.size()) != static_cast<ssize_t>(text.size()))
            return std::nullopt;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        for (;;) {
            auto end = buffer_.find('\0');
            while (end != std::string::npos) {
                auto reply = json::parse(buffer_.substr(0, end), nullptr, false);
                buffer_.erase(0, end + 1);
                if (reply.is_object() && reply.contains("id") && reply["id"] == next_id_) {
                    if (reply.contains("error")) return std::nullopt;
                    return reply["result"];
                }
                end = buffer_.find('\0');
            }
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            pollfd p{out_, POLLIN, 0};
            if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0)
                return std::nullopt;
            char buf[65536];
            auto n = read(out_, buf, sizeof buf);
            if (n <= 0) return std::nullopt;
            buffer_.append(buf, static_cast<std::size_t>(n));
        }
    }

    /// Attaches to the page target; the session id for Runtime.evaluate.
    std::string attach_page() {
        std::string session;
        eventually(
            [&] {
                auto targets = call("Target.getTargets");
                if (!targets) return false;
                for (const auto& t : (*targets)["targetInfos"]) {
                    if (t["type"] != "page") continue;
                    auto attached = call("Target.attachToTarget",
                                         {{"targetId", t["targetId"]}, {"flatten", true}});
                    if (attached) session = (*attached)["sessionId"].get<std::string>();
                    return attached.has_value();
                }
                return false;
            },
            std::chrono::seconds(30));
        return session;
    }

    /// Evaluates a JavaScript expression in the page; its value (null when it threw).
    json eval(const std::string& session, const std::string& expression) {
        auto r = call("Runtime.evaluate", {{"expression", expression}, {"returnByValue", true}},
                      session);
        if (!r || r->contains("exceptionDetails")) return nullptr;
        return (*r)["result"].value("value", json(nullptr));
    }

  private:
    pid_t pid_ = -1;
    int in_ = -1, out_ = -1;
    int next_id_ = 0;
    std::string buffer_;
};

}  // namespace

TEST_CASE("the web page shows a run's bar advance as progress is posted, and its error",
          "[service][browser]") {
    const auto chromium = find_chromium();
    if (chromium.empty()) FAIL("chromium is not installed (scripts/bootstrap installs it)");
    temp_dir dir;
    service_process svc(dir / "p.db");
    api a(svc.port());
    auto p = a.post("/api/v1/pipelines/", {{"name", "browser demo"},
                                           {"actions",
                                            {{{"name", "download"}, {"entrypoint", "m.Download"}},
                                             {{"name", "train"}, {"entrypoint", "m.Train"}}}}});
    REQUIRE(p.status == 201);
    auto r =
        a.post("/api/v1/pipelines/" + p.body["id"].get<std::string>() + "/runs/", json::object());
    REQUIRE(r.status == 201);
    const auto run = r.body["id"].get<std::string>();
    const std::string progress = "/api/v1/runs/" + run + "/progress";
    REQUIRE(a.post(progress, {{"status", "running"}}).status == 200);

    browser b(chromium, "http://127.0.0.1:" + std::to_string(svc.port()) + "/", dir / "profile");
    const auto session = b.attach_page();
    REQUIRE_FALSE(session.empty());
    const std::string bar = "document.querySelector('#run-" + run + " .action:nth-child(2) .bar')";
    // The page rendered the run and opened its stream.
    REQUIRE(
        eventually([&] { return b.eval(session, bar + "?.dataset.progress ?? null") == json("0"); },
                   std::chrono::seconds(30)));
    REQUIRE(eventually(
        [&] { return svc.log().find("progress stream opened: run " + run) != std::string::npos; },
        std::chrono::seconds(30)));

    for (double value : {0.25, 0.5, 0.75}) {
        REQUIRE(a.post(progress, {{"current_action", "train"},
                                  {"current_action_index", 1},
                                  {"action_progress",
                                   {{"name", "train"},
                                    {"status", "running"},
                                    {"progress", value},
                                    {"message", "step"}}}})
                    .status == 200);
        const std::string width = std::to_string(static_cast<int>(value * 100)) + "%";
        INFO("waiting for the bar at " << width);
        CHECK(eventually(
            [&] {
                return b.eval(session, bar + ".querySelector('.fill').style.width") == json(width);
            },
            std::chrono::seconds(10)));
    }
    // Every value was shown in turn, without a reload.
    CHECK(b.eval(session, bar + ".dataset.history") == json("0,0.25,0.5,0.75"));

    REQUIRE(a.post(progress, {{"status", "failed"}, {"error", "out of memory in train"}}).status ==
            200);
    const std::string card = "document.querySelector('#run-" + run + "')";
    json status, error;
    CHECK(eventually(
        [&] {
            status = b.eval(session, card + ".querySelector('.status').textContent");
            error = b.eval(session, card + ".querySelector(':scope > .error').textContent");
            return status == json("failed") && error == json("Error: out of memory in train");
        },
        std::chrono::seconds(10)));
    CHECK(status == "failed");
    CHECK(error.dump() == "\"Error: out of memory in train\"");
}
