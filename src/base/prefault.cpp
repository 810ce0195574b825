#include "base/prefault.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

namespace rev::detail {

void prefault(void* data, std::size_t bytes) {
    // Below this, malloc takes the memory from its heap, whose pages are mostly mapped already.
    constexpr std::size_t k_worth_it = std::size_t{256} << 10;
    if (bytes < k_worth_it) {
        return;
    }
    // Only whole pages of the buffer: a page it shares with another allocation is left alone.
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    auto* start = static_cast<char*>(data);
    const std::size_t skip = (page - reinterpret_cast<std::uintptr_t>(start) % page) % page;
    if (bytes <= skip) {
        return;
    }
    const std::size_t whole = (bytes - skip) / page * page;
    if (whole > 0) {
#ifdef MADV_POPULATE_WRITE
        static_cast<void>(::madvise(start + skip, whole, MADV_POPULATE_WRITE));
#endif
    }
}

} // namespace rev::detail
