// Which files go into a package: excludes, .gitignore, kept paths, extra files, the size limit.
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
