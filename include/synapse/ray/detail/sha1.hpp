// SHA-1 over OpenSSL's EVP interface, for content-addressed package names.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <openssl/evp.h>

namespace synapse::detail::packaging {

/// SHA-1 that frees its context.
class sha1 {
  public:
    sha1() : ctx_(EVP_MD_CTX_new()) {
        if (ctx_ && EVP_DigestInit_ex(ctx_, EVP_sha1(), nullptr) != 1) reset();
    }
    sha1(const sha1&) = delete;
    sha1& operator=(const sha1&) = delete;
    ~sha1() { reset(); }
    bool ok() const { return ctx_ != nullptr; }
    void update(const void* data, std::size_t n) {
        if (ctx_ && EVP_DigestUpdate(ctx_, data, n) != 1) reset();
    }
    void update(std::string_view s) { update(s.data(), s.size()); }
    /// Lowercase hex of the digest, or an empty string on failure.
    std::string hex() {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        if (!ctx_ || EVP_DigestFinal_ex(ctx_, md, &len) != 1) return {};
        static constexpr char digits[] = "0123456789abcdef";
        std::string out;
        for (unsigned int i = 0; i < len; ++i) {
            out += digits[md[i] >> 4];
            out += digits[md[i] & 0xf];
        }
        return out;
    }

  private:
    void reset() {
        if (ctx_) EVP_MD_CTX_free(ctx_);
        ctx_ = nullptr;
    }
    EVP_MD_CTX* ctx_;
};

}  // namespace synapse::detail::packaging
