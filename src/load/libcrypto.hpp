#pragma once

#include <openssl/evp.h>
#include <openssl/rand.h>

namespace rev::detail {

// The OpenSSL functions rev calls. libcrypto costs every process that links it about 3 ms of
// start-up (mapping and relocating 4 MB), a quarter of a `rev heads`, which hashes nothing; so
// rev loads it when it first takes a checksum or makes an id, as it loads libpq.
struct Libcrypto {
    decltype(&::EVP_Digest) digest = nullptr;
    decltype(&::RAND_bytes) rand_bytes = nullptr;
    // SHA-256, fetched from the default provider once: EVP_sha256() makes every digest fetch it
    // again, under a lock that the threads hashing a move's files took turns at.
    const EVP_MD* sha256 = nullptr;
};

// libcrypto, loaded on the first call. Throws RefusedError naming the library when it cannot be
// loaded.
const Libcrypto& libcrypto();

} // namespace rev::detail
