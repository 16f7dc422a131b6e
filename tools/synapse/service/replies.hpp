// Answers of the pipeline service: JSON bodies, `{"detail": ...}` errors, and store results.
// Every body is written with invalid UTF-8 replaced (synapse::dump), so no answer can throw.
#pragma once

#include <type_traits>
#include <utility>

#include <httplib.h>
#include <synapse/core/expected.hpp>

#include "wire.hpp"

namespace synapse_service {

inline void reply(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(synapse::dump(body), "application/json");
}

inline void reply_detail(httplib::Response& res, int status, const json& detail) {
    reply(res, status, json{{"detail", detail}});
}

/// 422 with one FastAPI detail item.
inline void reply_unprocessable(httplib::Response& res, std::string type, json loc,
                                std::string msg) {
    reply_detail(
        res, 422,
        json::array(
            {json{{"type", std::move(type)}, {"loc", std::move(loc)}, {"msg", std::move(msg)}}}));
}

inline void reply_error(httplib::Response& res, const synapse::error& e) {
    reply_detail(res, e.http_status.value_or(500), e.message);
}

/// A store result: its JSON with `status`, or its error.
template <class T>
void answer(httplib::Response& res, synapse::expected<T>&& r, int status = 200) {
    if (!r) return reply_error(res, r.error());
    if constexpr (std::is_void_v<T>) {
        res.status = status;
    } else {
        reply(res, status, *r);
    }
}

}  // namespace synapse_service
