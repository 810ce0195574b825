#include "progress.hpp"

#include "terminal.hpp"

#include <cstdio>
#include <ostream>

namespace rev::cli {

namespace {

// Back to the start of the line, and clear it (ANSI "erase in line").
constexpr const char* k_clear_line = "\r\x1b[K";

} // namespace

std::string running_text(std::string_view label, std::chrono::milliseconds elapsed) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.1f s", static_cast<double>(elapsed.count()) / 1000.0);
    return "  " + std::string(label) + " \u2026 " + seconds;
}

StepProgress::StepProgress(std::ostream& out, Style style, Clock clock)
    : m_out(out), m_style(style), m_clock(std::move(clock)) {}

StepProgress::~StepProgress() {
    {
        const std::lock_guard lock(m_mutex);
        m_stopping = true;
        // A move that failed leaves no half line before its error.
        clear_locked();
        m_out.flush();
    }
    m_wake.notify_all();
    if (m_ticker.joinable()) {
        m_ticker.join();
    }
}

void StepProgress::start_ticker() {
    if (!m_style.in_place || m_ticker.joinable()) {
        return;
    }
    m_ticker = std::thread([this] {
        std::unique_lock lock(m_mutex);
        while (!m_wake.wait_for(lock, k_period, [this] { return m_stopping; })) {
            lock.unlock();
            tick();
            lock.lock();
        }
    });
}

void StepProgress::started(std::string label) {
    const std::lock_guard lock(m_mutex);
    clear_locked();
    m_running = std::move(label);
    m_since = m_clock();
}

void StepProgress::finished(std::string_view word, std::string_view rest) {
    const std::lock_guard lock(m_mutex);
    clear_locked();
    // With --transaction all, steps are reported after the commit, when none is running.
    m_running.reset();
    const std::string padding(word.size() < 6 ? 6 - word.size() : 1, ' ');
    m_out << "  " << paint(word, Colour::green, m_style.colour) << padding << rest << "\n";
    m_out.flush();
}

void StepProgress::line(std::string_view text) {
    const std::lock_guard lock(m_mutex);
    clear_locked();
    m_running.reset();
    m_out << text << "\n";
    m_out.flush();
}

void StepProgress::tick() {
    const std::lock_guard lock(m_mutex);
    if (!m_style.in_place || !m_running) {
        return;
    }
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(m_clock() - m_since);
    if (elapsed < k_quiet_for) {
        return;
    }
    m_out << k_clear_line << running_text(*m_running, elapsed);
    m_out.flush();
    m_drawn = true;
}

void StepProgress::clear_locked() {
    if (m_drawn) {
        m_out << k_clear_line;
        m_drawn = false;
    }
}

} // namespace rev::cli
