#pragma once

#include <rev/revision.hpp>

#include <filesystem>
#include <string>
#include <string_view>

namespace rev {

// The text a checksum is taken of: edits that cannot change what a script or manifest means
// do not count. A UTF-8 byte-order mark is dropped, CRLF and CR become LF, trailing spaces and
// tabs are dropped from each line, and lines left empty are dropped (docs/safety.md).
std::string normalize_for_checksum(std::string_view text);

// Lower-case hex SHA-256 of `text` (OpenSSL EVP).
std::string sha256_hex(std::string_view text);

// The checksum rev records of a revision's file: the SHA-256 of its normalised text.
std::string file_checksum(std::string_view text);

// The three checksums rev records for an applied revision, of the normalised files.
struct Checksums {
    std::string up;
    std::string down;
    std::string manifest;

    bool operator==(const Checksums&) const = default;
};

// The checksums rev records for `files` (of their normalised text).
Checksums checksums_of(const RevisionFiles& files);

} // namespace rev
