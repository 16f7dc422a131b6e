// make_package: names, zip contents and the launcher.
#include <synapse/ray/packaging.hpp>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "../common/package_dirs.hpp"

using synapse::errc;
using synapse::make_package;
using synapse::package;
using synapse::package_options;
using test_support::temp_dir;
using namespace test_support;

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

TEST_CASE("a package asked for by name only has the zipped package's name and no bytes",
          "[ray][packaging]") {
    temp_dir dir;
    fill_plugin(dir.path());
    synapse::package_options named;
    named.zip = false;
    auto p = make_package(dir.path(), named);
    REQUIRE(p);
    CHECK(p->name == build(dir.path()).name);
    CHECK(p->file_count == 4);
    CHECK(p->bytes.empty());
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
