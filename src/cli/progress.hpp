#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <iosfwd>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace rev::cli {

// "  upgrading a1  add users … 2.4 s": the line of a step still running, `elapsed` in tenths of
// a second.
std::string running_text(std::string_view label, std::chrono::milliseconds elapsed);

// The progress of a move's steps, written to one stream. A finished step is one plain line, as
// on any stream. On a terminal (in_place), the step that is running also shows its elapsed
// time, rewritten in place ("\r", clear the line) by a ticker thread, once it has run long
// enough to be worth watching; the line is cleared before anything else is written, and when
// the move ends or fails. Colour marks a step's outcome.
class StepProgress {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    struct Style {
        bool in_place = false;
        bool colour = false;
    };
    // A step that ends sooner than this never shows a running line.
    static constexpr std::chrono::milliseconds k_quiet_for{500};
    static constexpr std::chrono::milliseconds k_period{150};

    StepProgress(std::ostream& out, Style style, Clock clock = std::chrono::steady_clock::now);
    ~StepProgress();
    StepProgress(const StepProgress&) = delete;
    StepProgress& operator=(const StepProgress&) = delete;

    // Redraws the running step every k_period until destruction; only for in_place.
    void start_ticker();
    // A step begins; `label` is what shows while it runs, e.g. "upgrading a1  add users".
    void started(std::string label);
    // A step ended: "  WORD  REST", WORD ("up", "down") padded to 6 and green with colour.
    void finished(std::string_view word, std::string_view rest);
    // Any other whole line, such as the summary.
    void line(std::string_view text);
    // Draws the running step's line if it has run k_quiet_for; the ticker calls it.
    void tick();

private:
    void clear_locked();

    std::ostream& m_out;
    Style m_style;
    Clock m_clock;
    std::mutex m_mutex;
    std::optional<std::string> m_running;
    std::chrono::steady_clock::time_point m_since;
    bool m_drawn = false;
    bool m_stopping = false;
    std::condition_variable m_wake;
    std::thread m_ticker;
};

} // namespace rev::cli
