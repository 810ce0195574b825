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
    const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto start = reinterpret_cast<std::uintptr_t>(data);
    const std::uintptr_t first = (start + page - 1) & ~(page - 1);
    const std::uintptr_t end = (start + bytes) & ~(page - 1);
    if (end > first) {
#ifdef MADV_POPULATE_WRITE
        static_cast<void>(
            ::madvise(reinterpret_cast<void*>(first), end - first, MADV_POPULATE_WRITE));
#endif
    }
}

} // namespace rev::detail
