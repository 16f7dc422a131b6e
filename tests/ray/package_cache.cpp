// package_cache: which packages this process uploaded.
#include <synapse/ray/package_cache.hpp>

#include <catch2/catch.hpp>

TEST_CASE("the package cache remembers uploaded names", "[ray][package_cache]") {
    synapse::package_cache cache;
    CHECK_FALSE(cache.uploaded("_ray_pkg_0123456789abcdef.zip"));
    cache.mark_uploaded("_ray_pkg_0123456789abcdef.zip");
    CHECK(cache.uploaded("_ray_pkg_0123456789abcdef.zip"));
    CHECK_FALSE(cache.uploaded("_ray_pkg_fedcba9876543210.zip"));
    cache.forget("_ray_pkg_0123456789abcdef.zip");
    CHECK_FALSE(cache.uploaded("_ray_pkg_0123456789abcdef.zip"));
}
