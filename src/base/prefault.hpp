#pragma once

#include <cstddef>
#include <vector>

namespace rev::detail {

// Maps in the pages of a large buffer that is about to be filled, in one system call. The
// kernel otherwise maps each page at its first write, one fault at a time, and in a virtual
// machine a fault costs several microseconds: the revisions of a warm load of 10,000 took 700
// of them. Small buffers are left alone. Failing (a kernel before 5.14) only leaves the faults
// to happen as before.
void prefault(void* data, std::size_t bytes);

// Reserves room for `count` elements and maps it in.
template <class T>
void reserve_prefaulted(std::vector<T>& values, std::size_t count) {
    values.reserve(count);
    prefault(values.data(), values.capacity() * sizeof(T));
}

} // namespace rev::detail
