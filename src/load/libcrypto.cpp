#include "load/libcrypto.hpp"

#include "base/shared_library.hpp"

#include <rev/error.hpp>

#include <openssl/opensslv.h>

#include <mutex>
#include <string>

namespace rev::detail {

namespace {

#define REV_STRINGIFY_VALUE(x) #x
#define REV_STRINGIFY(x) REV_STRINGIFY_VALUE(x)
// The soname of the OpenSSL rev was built against: its ABI is the one the headers describe.
constexpr const char* k_library = "libcrypto.so." REV_STRINGIFY(OPENSSL_SHLIB_VERSION);
#undef REV_STRINGIFY
#undef REV_STRINGIFY_VALUE

Libcrypto load() {
    // Never closed: OpenSSL registers its clean-up to run at exit.
    SharedLibrary library(k_library);
    if (!library.ok()) {
        throw RefusedError(
            std::string("cannot load ") + k_library +
            " (OpenSSL's crypto library, Debian package libssl3): " + library.error());
    }
    Libcrypto functions;
    decltype(&::EVP_MD_fetch) fetch = nullptr;
    if (!library.bind("EVP_Digest", functions.digest) ||
        !library.bind("RAND_bytes", functions.rand_bytes) || !library.bind("EVP_MD_fetch", fetch)) {
        throw RefusedError(std::string("cannot use ") + k_library + ": " + library.error());
    }
    // Never freed, like the library.
    functions.sha256 = fetch(nullptr, "SHA256", nullptr);
    if (functions.sha256 == nullptr) {
        throw RefusedError(std::string(k_library) + " has no SHA-256");
    }
    return functions;
}

} // namespace

const Libcrypto& libcrypto() {
    // A failed load throws out of call_once, which leaves it to be tried again.
    static std::once_flag once;
    static Libcrypto functions;
    std::call_once(once, [] { functions = load(); });
    return functions;
}

} // namespace rev::detail
