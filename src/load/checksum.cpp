#include "base/text_file.hpp"
#include "load/libcrypto.hpp"

#include <rev/checksum.hpp>
#include <rev/error.hpp>
#include <rev/metrics.hpp>

#include <array>
#include <memory>

namespace rev {

std::string normalize_for_checksum(std::string_view text) {
    if (text.starts_with(detail::k_byte_order_mark)) {
        text.remove_prefix(detail::k_byte_order_mark.size());
    }
    std::string result;
    result.reserve(text.size());
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find_first_of("\r\n", start);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        std::string_view line = text.substr(start, end - start);
        while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
            line.remove_suffix(1);
        }
        if (!line.empty()) {
            result.append(line).push_back('\n');
        }
        start = end + (text.compare(end, 2, "\r\n") == 0 ? 2 : 1);
    }
    return result;
}

std::string sha256_hex(std::string_view text) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    const detail::Libcrypto& crypto = detail::libcrypto();
    if (crypto.digest(text.data(), text.size(), digest.data(), &length, crypto.sha256, nullptr) !=
        1) {
        throw RefusedError("SHA-256 failed (OpenSSL EVP_Digest)");
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string result;
    for (unsigned int i = 0; i < length; ++i) {
        result += hex[digest[i] >> 4];
        result += hex[digest[i] & 0x0f];
    }
    return result;
}

std::string file_checksum(std::string_view text) {
    static Metric hashes("checksums: hash a file");
    const MetricTimer timer(hashes);
    return sha256_hex(normalize_for_checksum(text));
}

Checksums checksums_of(const RevisionFiles& files) {
    return {file_checksum(files.up), file_checksum(files.down), file_checksum(files.manifest)};
}

} // namespace rev
