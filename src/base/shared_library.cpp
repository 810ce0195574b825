#include "base/shared_library.hpp"

#include <dlfcn.h>

namespace rev::detail {

namespace {

std::string last_dl_error() {
    const char* why = ::dlerror();
    return why != nullptr ? why : "unknown error";
}

} // namespace

SharedLibrary::SharedLibrary(const char* soname)
    : m_handle(::dlopen(soname, RTLD_NOW | RTLD_LOCAL)) {
    if (m_handle == nullptr) {
        m_error = last_dl_error();
    }
}

void* SharedLibrary::symbol(const char* name) {
    void* address = ::dlsym(m_handle, name);
    if (address == nullptr) {
        m_error = last_dl_error();
    }
    return address;
}

} // namespace rev::detail
