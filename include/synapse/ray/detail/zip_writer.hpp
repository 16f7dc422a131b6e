// Writing a zip archive in memory with libzip.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <zip.h>

#include "synapse/core/expected.hpp"

namespace synapse::detail::packaging {

/// Closes (discarding) an archive that was not finished.
struct zip_guard {
    zip_t* za = nullptr;
    ~zip_guard() {
        if (za) zip_discard(za);
    }
};

struct source_guard {
    zip_source_t* src = nullptr;
    ~source_guard() {
        if (src) zip_source_free(src);
    }
};

inline unexpected_type<error> zip_failure(std::string_view what, zip_error_t* ze) {
    std::string msg = "cannot build the package zip: " + std::string(what);
    if (ze) msg += ": " + std::string(zip_error_strerror(ze));
    return fail(errc::io_error, std::move(msg));
}

/// The zip of `files` (paths in the archive) with `contents`, in memory: deflate level 6, unix
/// modes kept, every entry dated 1980-01-01 so the bytes depend on names and contents only.
inline expected<std::vector<std::uint8_t>> write_zip(const std::vector<std::string>& paths,
                                                     const std::vector<std::uint32_t>& modes,
                                                     const std::vector<std::string>& contents) {
    if (paths.empty()) {
        // libzip writes nothing for an empty archive; Ray still needs a zip: the bare end record.
        std::vector<std::uint8_t> empty = {'P', 'K', 5, 6};
        empty.resize(22, 0);
        return empty;
    }
    zip_error_t ze;
    zip_error_init(&ze);
    source_guard buffer{zip_source_buffer_create(nullptr, 0, 0, &ze)};
    if (!buffer.src) {
        auto e = zip_failure("buffer", &ze);
        zip_error_fini(&ze);
        return e;
    }
    zip_guard archive{zip_open_from_source(buffer.src, ZIP_TRUNCATE, &ze)};
    if (!archive.za) {
        auto e = zip_failure("open", &ze);
        zip_error_fini(&ze);
        return e;
    }
    zip_error_fini(&ze);
    zip_source_keep(buffer.src);  // the archive owns a reference; keep ours to read the bytes
    for (std::size_t i = 0; i < paths.size(); ++i) {
        const auto& c = contents[i];
        zip_source_t* s = zip_source_buffer(archive.za, c.data(), c.size(), 0);
        if (!s) return zip_failure(paths[i], zip_get_error(archive.za));
        zip_int64_t idx = zip_file_add(archive.za, paths[i].c_str(), s, ZIP_FL_ENC_UTF_8);
        if (idx < 0) {
            zip_source_free(s);
            return zip_failure(paths[i], zip_get_error(archive.za));
        }
        auto u = static_cast<zip_uint64_t>(idx);
        // 1980-01-01 00:00:00 (DOS date: day 1 | month 1 << 5 | (1980 - 1980) << 9).
        if (zip_file_set_dostime(archive.za, u, 0, (1 << 5) | 1, 0) < 0 ||
            zip_file_set_external_attributes(archive.za, u, 0, ZIP_OPSYS_UNIX,
                                             static_cast<zip_uint32_t>(0100000u | modes[i]) << 16) <
                0 ||
            zip_set_file_compression(archive.za, u, ZIP_CM_DEFLATE, 6) < 0)
            return zip_failure(paths[i], zip_get_error(archive.za));
    }
    if (zip_close(archive.za) < 0) return zip_failure("close", zip_get_error(archive.za));
    archive.za = nullptr;

    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_source_stat(buffer.src, &st) < 0 || zip_source_open(buffer.src) < 0)
        return zip_failure("read", zip_source_error(buffer.src));
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(st.size));
    zip_int64_t got = zip_source_read(buffer.src, bytes.data(), st.size);
    zip_source_close(buffer.src);
    if (got < 0 || static_cast<zip_uint64_t>(got) != st.size)
        return zip_failure("read", zip_source_error(buffer.src));
    return bytes;
}

}  // namespace synapse::detail::packaging
