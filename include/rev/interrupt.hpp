#pragma once

#include <rev/error.hpp>

// Ctrl-C as an exception. A run that makes things it must undo (a ScratchDatabase, which drops
// its database in its destructor) holds a CancelOnInterrupt for its length and calls
// throw_if_interrupted() between its steps. SIGINT and SIGTERM then only set a flag; the next
// check throws InterruptedError, and the destructors run while it unwinds, as they do for any
// other error. A statement already running is not cut short: the check after it throws.
// A second signal, while the first is still pending, ends the process at once (the signal's
// default action), for a user who would rather not wait.
namespace rev {

// The run was interrupted (SIGINT or SIGTERM): "interrupted".
class InterruptedError : public Error {
public:
    InterruptedError() : Error("interrupted") {}
};

// Installs the handlers for SIGINT and SIGTERM while it lives, and clears any earlier request.
// Guards nest: the outermost one installs them and, when destroyed, puts back what it found.
class CancelOnInterrupt {
public:
    CancelOnInterrupt();
    ~CancelOnInterrupt();
    CancelOnInterrupt(const CancelOnInterrupt&) = delete;
    CancelOnInterrupt& operator=(const CancelOnInterrupt&) = delete;
};

// Whether a signal arrived under a CancelOnInterrupt and was not yet thrown.
bool interrupt_requested() noexcept;

// Throws InterruptedError, once per signal, when one arrived.
void throw_if_interrupted();

} // namespace rev
