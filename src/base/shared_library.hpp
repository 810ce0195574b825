#pragma once

#include <string>

namespace rev::detail {

// A library loaded at run time by its soname (dlopen, RTLD_NOW | RTLD_LOCAL) and never closed:
// rev loads libpq and libcrypto this way, so that a command that needs neither does not pay
// for mapping and relocating them at start-up. The callers turn a failure into their own error.
class SharedLibrary {
public:
    // Loads `soname`; on failure, ok() is false and error() says why.
    explicit SharedLibrary(const char* soname);

    bool ok() const noexcept { return m_handle != nullptr; }
    const std::string& error() const noexcept { return m_error; }

    // Points `function` at the symbol `name`; false (and error() says why) if there is none.
    template <class Function>
    bool bind(const char* name, Function& function) {
        // POSIX guarantees that a data pointer from dlsym converts to a function pointer.
        function = reinterpret_cast<Function>(symbol(name));
        return function != nullptr;
    }

private:
    void* symbol(const char* name);

    void* m_handle = nullptr;
    std::string m_error;
};

} // namespace rev::detail
