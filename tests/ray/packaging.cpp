#include <synapse/ray/packaging.hpp>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "../common/temp_dir.hpp"

namespace fs = std::filesystem;
using synapse::errc;
using synapse::make_package;
using synapse::package;
using synapse::package_options;
using test_support::temp_dir;

namespace {

void write_file(const fs::path& path, const std::string& content) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
}

void make_executable(const fs::path& path) {
    fs::permissions(path, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                              fs::perms::others_read | fs::perms::others_exec);
}

/// A small plugin directory.
void fill_plugin(const fs::path& dir) {
    write_file(dir / "config.yaml", "name: demo\ncode: demo\n");
    write_file(dir / "main.py", "print('hi')\n");
    write_file(dir / "pkg/mod.py", "x = 1\n");
    write_file(dir / "bin/plugin", "#!/bin/sh\necho plugin\n");
    make_executable(dir / "bin/plugin");
}

struct zip_entry {
    std::string content;
    std::uint32_t mode = 0;
    std::uint8_t opsys = 0;
    std::time_t mtime = 0;
};

/// Every entry of a zip held in memory, read back with libzip.
std::map<std::string, zip_entry> read_zip(const std::vector<std::uint8_t>& bytes) {
    std::map<std::string, zip_entry> out;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &ze);
    REQUIRE(src != nullptr);
    zip_t* za = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (!za) zip_source_free(src);
    zip_error_fini(&ze);
    REQUIRE(za != nullptr);
    auto n = zip_get_num_entries(za, 0);
    for (zip_int64_t i = 0; i < n; ++i) {
        auto u = static_cast<zip_uint64_t>(i);
        zip_stat_t st;
        zip_stat_init(&st);
        REQUIRE(zip_stat_index(za, u, 0, &st) == 0);
        zip_entry e;
        e.mtime = st.mtime;
        zip_uint32_t attributes = 0;
        REQUIRE(zip_file_get_external_attributes(za, u, 0, &e.opsys, &attributes) == 0);
        e.mode = (attributes >> 16) & 07777;
        e.content.resize(static_cast<std::size_t>(st.size));
        zip_file_t* f = zip_fopen_index(za, u, 0);
        REQUIRE(f != nullptr);
        REQUIRE(zip_fread(f, e.content.data(), st.size) == static_cast<zip_int64_t>(st.size));
        zip_fclose(f);
        out[st.name] = e;
    }
    zip_close(za);
    return out;
}

std::vector<std::string> names_of(const std::map<std::string, zip_entry>& entries) {
    std::vector<std::string> names;
    for (const auto& [name, e] : entries) names.push_back(name);
    return names;
}

package build(const fs::path& dir, const package_options& options = {}) {
    auto p = make_package(dir, options);
    if (!p) FAIL(synapse::to_string(p.error()));
    return std::move(*p);
}

}  // namespace

TEST_CASE("a package is named _ray_pkg_<16 hex>.zip with a gcs:// uri", "[ray][packaging]") {
    temp_dir dir;
    fill_plugin(dir.path());
    auto p = build(dir.path());
    REQUIRE(p.name.size() == std::string("_ray_pkg_.zip").size() + 16);
    CHECK(p.name.starts_with("_ray_pkg_"));
    CHECK(p.name.ends_with(".zip"));
    CHECK(p.name.substr(9, 16).find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(p.uri == "gcs://" + p.name);
    CHECK(p.file_count == 4);
    CHECK_FALSE(p.bytes.empty());
}

TEST_CASE("the same files in two directories made at different times give the same package",
          "[ray][packaging]") {
    temp_dir a, b;
    fill_plugin(a.path());
    fill_plugin(b.path());
    auto old_time = fs::file_time_type::clock::now() - std::chrono::hours(24 * 400);
    for (const auto& e : fs::recursive_directory_iterator(b.path()))
        fs::last_write_time(e.path(), old_time);
    auto pa = build(a.path());
    auto pb = build(b.path());
    CHECK(pa.name == pb.name);
    CHECK(pa.bytes == pb.bytes);

    // Touching a file changes nothing either.
    fs::last_write_time(a.path() / "main.py", fs::file_time_type::clock::now());
    CHECK(build(a.path()).name == pa.name);
}

TEST_CASE("changing one byte of a file changes the package name", "[ray][packaging]") {
    temp_dir dir;
    fill_plugin(dir.path());
    auto before = build(dir.path()).name;
    write_file(dir.path() / "pkg/mod.py", "x = 2\n");
    CHECK(build(dir.path()).name != before);
}

TEST_CASE("renaming a file changes the package name", "[ray][packaging]") {
    temp_dir dir;
    fill_plugin(dir.path());
    auto before = build(dir.path()).name;
    fs::rename(dir.path() / "pkg/mod.py", dir.path() / "pkg/other.py");
    CHECK(build(dir.path()).name != before);
}

TEST_CASE("moving content between files changes the package name", "[ray][packaging]") {
    temp_dir a, b;
    write_file(a.path() / "a", "xy");
    write_file(a.path() / "b", "");
    write_file(b.path() / "a", "x");
    write_file(b.path() / "b", "y");
    CHECK(build(a.path()).name != build(b.path()).name);
}

TEST_CASE("the zip lists exactly the files, sorted, with fixed timestamps and unix modes",
          "[ray][packaging]") {
    temp_dir dir;
    fill_plugin(dir.path());
    auto p = build(dir.path());
    auto entries = read_zip(p.bytes);
    CHECK(names_of(entries) ==
          std::vector<std::string>{"bin/plugin", "config.yaml", "main.py", "pkg/mod.py"});
    CHECK(entries["main.py"].content == "print('hi')\n");
    CHECK(entries["bin/plugin"].content == "#!/bin/sh\necho plugin\n");
    CHECK(entries["bin/plugin"].mode == 0755);
    CHECK(entries["bin/plugin"].opsys == ZIP_OPSYS_UNIX);
    CHECK(entries["main.py"].mode == 0644);
    std::time_t first = entries["main.py"].mtime;
    for (const auto& [name, e] : entries) CHECK(e.mtime == first);
    std::tm tm{};
    localtime_r(&first, &tm);  // DOS times are local times
    CHECK(tm.tm_year == 80);
    CHECK(tm.tm_mon == 0);
    CHECK(tm.tm_mday == 1);
}

TEST_CASE("synapse-sdk's default excludes leave out caches, VCS and build directories",
          "[ray][packaging]") {
    temp_dir dir;
    fill_plugin(dir.path());
    write_file(dir.path() / "__pycache__/main.cpython-312.pyc", "x");
    write_file(dir.path() / "pkg/__pycache__/mod.pyc", "x");
    write_file(dir.path() / "pkg/stale.pyc", "x");
    write_file(dir.path() / ".git/HEAD", "ref: refs/heads/main\n");
    write_file(dir.path() / "build/out.o", "x");
    write_file(dir.path() / "sub/build/deep.txt", "x");
    write_file(dir.path() / ".venv/bin/python", "x");
    write_file(dir.path() / "node_modules/x/index.js", "x");
    write_file(dir.path() / "run.log", "x");
    write_file(dir.path() / "demo.egg-info/PKG-INFO", "x");
    auto p = build(dir.path());
    CHECK(names_of(read_zip(p.bytes)) ==
          std::vector<std::string>{"bin/plugin", "config.yaml", "main.py", "pkg/mod.py"});
    CHECK(p.file_count == 4);
}

TEST_CASE("extra excludes are applied like the default ones", "[ray][packaging]") {
    temp_dir dir;
    fill_plugin(dir.path());
    write_file(dir.path() / "data/big.bin", "x");
    package_options options;
    options.extra_excludes = {"data", "*.yaml"};
    CHECK(names_of(read_zip(build(dir.path(), options).bytes)) ==
          std::vector<std::string>{"bin/plugin", "main.py", "pkg/mod.py"});
}

TEST_CASE("patterns of the top-level .gitignore are excluded", "[ray][packaging]") {
    temp_dir dir;
    fill_plugin(dir.path());
    write_file(dir.path() / ".gitignore",
               "# a comment\n"
               "\n"
               "*.tmp\n"
               "secrets/\n"
               "/top-only.txt\n"
               "docs/*.html\n"
               "!keep.tmp\n"
               "notes.md  \n");
    write_file(dir.path() / "a.tmp", "x");
    write_file(dir.path() / "pkg/b.tmp", "x");
    write_file(dir.path() / "keep.tmp", "x");  // negation is not supported: still excluded
    write_file(dir.path() / "secrets/key", "x");
    write_file(dir.path() / "pkg/secrets/key", "x");
    write_file(dir.path() / "secrets.txt", "kept: the pattern names a directory");
    write_file(dir.path() / "top-only.txt", "x");
    write_file(dir.path() / "pkg/top-only.txt", "kept: the pattern is anchored");
    write_file(dir.path() / "docs/index.html", "x");
    write_file(dir.path() / "docs/guide.md", "kept");
    write_file(dir.path() / "notes.md", "x");
    CHECK(names_of(read_zip(build(dir.path()).bytes)) ==
          std::vector<std::string>{"bin/plugin", "config.yaml", "docs/guide.md", "main.py",
                                   "pkg/mod.py", "pkg/top-only.txt", "secrets.txt"});
}

TEST_CASE("a kept binary inside an excluded directory is packaged", "[ray][packaging]") {
    temp_dir dir;
    fill_plugin(dir.path());
    write_file(dir.path() / "build/release/my_plugin",
               "\x7f"
               "ELF binary");
    make_executable(dir.path() / "build/release/my_plugin");
    write_file(dir.path() / "build/release/other.o", "x");
    write_file(dir.path() / ".gitignore", "*.bin\n");
    write_file(dir.path() / "tool.bin", "binary");
    package_options options;
    options.keep = {"build/release/my_plugin", "./tool.bin"};
    auto p = build(dir.path(), options);
    auto entries = read_zip(p.bytes);
    CHECK(names_of(entries) == std::vector<std::string>{"bin/plugin", "build/release/my_plugin",
                                                        "config.yaml", "main.py", "pkg/mod.py",
                                                        "tool.bin"});
    CHECK(entries["build/release/my_plugin"].mode == 0755);
    CHECK(entries["tool.bin"].content == "binary");
}

TEST_CASE("extra files appear only inside the zip and count in the name", "[ray][packaging]") {
    temp_dir dir;
    fill_plugin(dir.path());
    auto plain = build(dir.path());
    package_options options;
    options.extra_files = {{"params.json", "{\"a\":1}"}, {"main.py", "print('replaced')\n"}};
    auto p = build(dir.path(), options);
    auto entries = read_zip(p.bytes);
    CHECK(names_of(entries) == std::vector<std::string>{"bin/plugin", "config.yaml", "main.py",
                                                        "params.json", "pkg/mod.py"});
    CHECK(entries["params.json"].content == "{\"a\":1}");
    CHECK(entries["main.py"].content == "print('replaced')\n");
    CHECK(p.file_count == 5);
    CHECK(p.name != plain.name);
    CHECK_FALSE(fs::exists(dir.path() / "params.json"));
}

TEST_CASE("an extra file outside the package is refused", "[ray][packaging]") {
    temp_dir dir;
    fill_plugin(dir.path());
    package_options options;
    options.extra_files = {{"../escape.txt", "x"}};
    auto p = make_package(dir.path(), options);
    REQUIRE_FALSE(p);
    CHECK(p.error().code == errc::invalid_argument);
}

TEST_CASE("a package over the limit is refused with its largest files named", "[ray][packaging]") {
    temp_dir dir;
    fill_plugin(dir.path());
    write_file(dir.path() / "model/weights.bin", std::string(5000, 'w'));
    write_file(dir.path() / "model/vocab.txt", std::string(3000, 'v'));
    package_options options;
    options.max_bytes = 4096;
    auto p = make_package(dir.path(), options);
    REQUIRE_FALSE(p);
    CHECK(p.error().code == errc::too_large);
    const auto& msg = p.error().message;
    CHECK_THAT(msg, Catch::Contains("4096"));
    CHECK_THAT(msg, Catch::Contains("model/weights.bin (5000 bytes)"));
    CHECK_THAT(msg, Catch::Contains("model/vocab.txt (3000 bytes)"));
    CHECK(msg.find("model/weights.bin") < msg.find("model/vocab.txt"));
    auto total = 5000 + 3000 + fs::file_size(dir.path() / "config.yaml") +
                 fs::file_size(dir.path() / "main.py") + fs::file_size(dir.path() / "pkg/mod.py") +
                 fs::file_size(dir.path() / "bin/plugin");
    CHECK_THAT(msg, Catch::Contains(std::to_string(total)));
}

TEST_CASE("the size message names at most five files", "[ray][packaging]") {
    temp_dir dir;
    for (std::size_t i = 0; i < 8; ++i)
        write_file(dir.path() / ("f" + std::to_string(i)), std::string(100 + i, 'x'));
    package_options options;
    options.max_bytes = 10;
    auto p = make_package(dir.path(), options);
    REQUIRE_FALSE(p);
    const auto& msg = p.error().message;
    CHECK_THAT(msg, Catch::Contains("f7 (107 bytes)"));
    CHECK_THAT(msg, Catch::Contains("f3 (103 bytes)"));
    CHECK_FALSE(msg.find("f2 (") != std::string::npos);
}

TEST_CASE("a missing directory is an io_error", "[ray][packaging]") {
    temp_dir dir;
    auto p = make_package(dir.path() / "absent");
    REQUIRE_FALSE(p);
    CHECK(p.error().code == errc::io_error);
    CHECK_THAT(p.error().message, Catch::Contains("absent"));
}

TEST_CASE("an unreadable directory is an io_error", "[ray][packaging]") {
    if (geteuid() == 0) return;  // root reads everything
    temp_dir dir;
    fill_plugin(dir.path());
    write_file(dir.path() / "locked/file.txt", "x");
    fs::permissions(dir.path() / "locked", fs::perms::none);
    auto p = make_package(dir.path());
    fs::permissions(dir.path() / "locked", fs::perms::owner_all);
    REQUIRE_FALSE(p);
    CHECK(p.error().code == errc::io_error);
}

TEST_CASE("an empty directory gives a valid empty zip", "[ray][packaging]") {
    temp_dir dir;
    auto p = build(dir.path());
    CHECK(p.file_count == 0);
    CHECK(read_zip(p.bytes).empty());
}

TEST_CASE("the launcher restores the executable bit and quotes the path", "[ray][packaging]") {
    CHECK(synapse::executable_launcher("bin/plugin") ==
          "chmod +x './bin/plugin' 2>/dev/null; exec './bin/plugin'");
    CHECK(synapse::executable_launcher("./my plugin") ==
          "chmod +x './my plugin' 2>/dev/null; exec './my plugin'");
    CHECK(synapse::executable_launcher("it's") ==
          "chmod +x './it'\\''s' 2>/dev/null; exec './it'\\''s'");
}

TEST_CASE("the launcher starts a binary whose mode was dropped", "[ray][packaging]") {
    temp_dir dir;
    write_file(dir.path() / "bin/run me", "#!/bin/sh\necho started\n");
    fs::permissions(dir.path() / "bin/run me", fs::perms::owner_read | fs::perms::owner_write);
    std::string command = "cd '" + dir.path().string() + "' && (" +
                          synapse::executable_launcher("bin/run me") + ") > out.txt";
    REQUIRE(std::system(command.c_str()) == 0);
    std::ifstream in(dir.path() / "out.txt");
    std::string line;
    std::getline(in, line);
    CHECK(line == "started");
}

TEST_CASE("the package cache remembers uploaded names", "[ray][packaging]") {
    synapse::package_cache cache;
    CHECK_FALSE(cache.uploaded("_ray_pkg_0123456789abcdef.zip"));
    cache.mark_uploaded("_ray_pkg_0123456789abcdef.zip");
    CHECK(cache.uploaded("_ray_pkg_0123456789abcdef.zip"));
    CHECK_FALSE(cache.uploaded("_ray_pkg_fedcba9876543210.zip"));
    cache.forget("_ray_pkg_0123456789abcdef.zip");
    CHECK_FALSE(cache.uploaded("_ray_pkg_0123456789abcdef.zip"));
}
