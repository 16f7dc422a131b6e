// Test helper: plugin directories to package, and reading the zips back.
#pragma once

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <synapse/ray/packaging.hpp>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "temp_dir.hpp"

namespace fs = std::filesystem;

namespace test_support {

inline void write_file(const fs::path& path, const std::string& content) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
}

inline void make_executable(const fs::path& path) {
    fs::permissions(path, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                              fs::perms::others_read | fs::perms::others_exec);
}

/// A small plugin directory.
inline void fill_plugin(const fs::path& dir) {
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
inline std::map<std::string, zip_entry> read_zip(const std::vector<std::uint8_t>& bytes) {
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

inline std::vector<std::string> names_of(const std::map<std::string, zip_entry>& entries) {
    std::vector<std::string> names;
    for (const auto& [name, e] : entries) names.push_back(name);
    return names;
}

inline synapse::package build(const fs::path& dir, const synapse::package_options& options = {}) {
    auto p = make_package(dir, options);
    if (!p) FAIL(synapse::to_string(p.error()));
    return std::move(*p);
}

}  // namespace test_support
