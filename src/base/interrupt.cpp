#include <rev/interrupt.hpp>

#include <atomic>
#include <csignal>
#include <mutex>

namespace rev {

namespace {

// Touched by the handler: lock-free atomics only.
std::atomic<bool> g_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);

std::mutex g_guard_mutex;
int g_guards = 0;
struct sigaction g_previous_int {};
struct sigaction g_previous_term {};

extern "C" void on_signal(int signal) {
    if (g_requested.exchange(true)) {
        // A second one: the user insists. signal() and raise() are async-signal-safe.
        std::signal(signal, SIG_DFL);
        std::raise(signal);
    }
}

} // namespace

CancelOnInterrupt::CancelOnInterrupt() {
    const std::lock_guard lock(g_guard_mutex);
    if (g_guards++ > 0) {
        return;
    }
    g_requested.store(false);
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    // The code between checks (libpq, SQLite, file I/O) need not expect EINTR.
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, &g_previous_int);
    sigaction(SIGTERM, &action, &g_previous_term);
}

CancelOnInterrupt::~CancelOnInterrupt() {
    const std::lock_guard lock(g_guard_mutex);
    if (--g_guards > 0) {
        return;
    }
    sigaction(SIGINT, &g_previous_int, nullptr);
    sigaction(SIGTERM, &g_previous_term, nullptr);
    g_requested.store(false);
}

bool interrupt_requested() noexcept {
    return g_requested.load();
}

void throw_if_interrupted() {
    if (g_requested.exchange(false)) {
        throw InterruptedError();
    }
}

} // namespace rev
