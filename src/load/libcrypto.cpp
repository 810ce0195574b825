#include "load/libcrypto.hpp"

#include <rev/error.hpp>

#include <openssl/opensslv.h>

#include <dlfcn.h>

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

std::string last_dl_error() {
    const char* why = ::dlerror();
    return why != nullptr ? why : "unknown error";
}

template <class Function>
void bind(void* library, const char* name, Function& function) {
    // POSIX guarantees that a data pointer from dlsym converts to a function pointer.
    function = reinterpret_cast<Function>(::dlsym(library, name));
    if (function == nullptr) {
        throw RefusedError(std::string("cannot use ") + k_library + ": " + last_dl_error());
    }
}

Libcrypto load() {
    // Never closed: OpenSSL registers its clean-up to run at exit.
    void* library = ::dlopen(k_library, RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
        throw RefusedError(
            std::string("cannot load ") + k_library +
            " (OpenSSL's crypto library, Debian package libssl3): " + last_dl_error());
    }
    Libcrypto functions;
    bind(library, "EVP_Digest", functions.digest);
    bind(library, "RAND_bytes", functions.rand_bytes);
    decltype(&::EVP_MD_fetch) fetch = nullptr;
    bind(library, "EVP_MD_fetch", fetch);
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
