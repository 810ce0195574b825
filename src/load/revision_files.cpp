#include "base/text_file.hpp"

#include <rev/error.hpp>
#include <rev/loader.hpp>

#include <string>

namespace rev {

RevisionFiles read_revision_files(const Revision& revision, FileSystem& files) {
    const auto read = [&files](const std::filesystem::path& path) {
        std::string text;
        if (files.read_file(path, text)) {
            throw RefusedError(display_path(path) + ": cannot read the file");
        }
        // Refused before it runs: a database would fail half-way, store mangled text, or stop
        // reading at a NUL byte without a word.
        detail::require_text(text, path);
        // PostgreSQL takes a byte-order mark for part of the first word; checksums skip it too.
        if (text.starts_with(detail::k_byte_order_mark)) {
            text.erase(0, detail::k_byte_order_mark.size());
        }
        return text;
    };
    return {read(revision.up_path()), read(revision.down_path()), read(revision.manifest_path())};
}

} // namespace rev
