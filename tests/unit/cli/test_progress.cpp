// The in-place progress of a move (src/cli/progress.cpp), with a clock the test moves by hand
// and a string for the terminal, so no ticker thread and no waiting.
#include "progress.hpp"
#include "terminal.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <sstream>
#include <thread>

using namespace std::chrono_literals;
using rev::cli::StepProgress;

namespace {

struct FakeClock {
    std::chrono::steady_clock::time_point now{};
    StepProgress::Clock clock() {
        return [this] { return now; };
    }
};

} // namespace

TEST_CASE("running_text: the label and the elapsed time in tenths of a second", "[progress]") {
    CHECK(rev::cli::running_text("upgrading a1  add users", 2449ms) ==
          "  upgrading a1  add users \u2026 2.4 s");
    CHECK(rev::cli::running_text("downgrading b2  x", 61050ms) ==
          "  downgrading b2  x \u2026 61.0 s");
}

TEST_CASE("StepProgress: on a terminal, a long step's line is rewritten in place", "[progress]") {
    std::ostringstream out;
    FakeClock time;
    {
        StepProgress progress(out, {true, false}, time.clock());
        progress.started("upgrading a1  add users");
        time.now += 400ms;
        progress.tick();
        // Under half a second: nothing to watch yet.
        CHECK(out.str().empty());
        time.now += 200ms;
        progress.tick();
        time.now += 1800ms;
        progress.tick();
        CHECK(out.str() == "\r\x1b[K  upgrading a1  add users \u2026 0.6 s"
                           "\r\x1b[K  upgrading a1  add users \u2026 2.4 s");
        progress.finished("up", "a1  add users  (2400 ms)");
        progress.started("upgrading b2  quick");
        time.now += 100ms;
        progress.tick();
        progress.finished("up", "b2  quick  (100 ms)");
        progress.line("2 upgraded in 2500 ms; app.db is at b2");
    }
    CHECK(out.str() == "\r\x1b[K  upgrading a1  add users \u2026 0.6 s"
                       "\r\x1b[K  upgrading a1  add users \u2026 2.4 s"
                       "\r\x1b[K  up    a1  add users  (2400 ms)\n"
                       "  up    b2  quick  (100 ms)\n"
                       "2 upgraded in 2500 ms; app.db is at b2\n");
}

TEST_CASE("StepProgress: a failed move leaves no half line behind", "[progress]") {
    std::ostringstream out;
    FakeClock time;
    {
        StepProgress progress(out, {true, false}, time.clock());
        progress.started("downgrading a1  add users");
        time.now += 1s;
        progress.tick();
    }
    CHECK(out.str() == "\r\x1b[K  downgrading a1  add users \u2026 1.0 s\r\x1b[K");
}

TEST_CASE("StepProgress: elsewhere, plain lines only, as before", "[progress]") {
    std::ostringstream out;
    FakeClock time;
    {
        StepProgress progress(out, {false, false}, time.clock());
        progress.start_ticker(); // not on a terminal: no thread
        progress.started("upgrading a1  add users");
        time.now += 5s;
        progress.tick();
        progress.finished("up", "a1  add users  (5000 ms)");
        progress.finished("down", "a1  add users  (3 ms)");
    }
    CHECK(out.str() == "  up    a1  add users  (5000 ms)\n  down  a1  add users  (3 ms)\n");
}

TEST_CASE("StepProgress: colour marks the outcome", "[progress]") {
    std::ostringstream out;
    {
        StepProgress progress(out, {true, true});
        progress.finished("up", "a1  add users  (1 ms)");
    }
    CHECK(out.str() == "  \x1b[32mup\x1b[0m    a1  add users  (1 ms)\n");
    CHECK(rev::cli::paint("rev: error:", rev::cli::Colour::red, true) ==
          "\x1b[31mrev: error:\x1b[0m");
    CHECK(rev::cli::paint("rev: error:", rev::cli::Colour::red, false) == "rev: error:");
}

TEST_CASE("StepProgress: the ticker redraws a running step by itself", "[progress]") {
    std::ostringstream out;
    FakeClock time;
    time.now += 10s;
    {
        StepProgress progress(out, {true, false}, time.clock());
        progress.started("upgrading a1  slow");
        time.now += 3s;
        progress.start_ticker();
        std::this_thread::sleep_for(StepProgress::k_period * 3);
        progress.finished("up", "a1  slow  (3000 ms)");
    }
    CHECK(out.str().starts_with("\r\x1b[K  upgrading a1  slow \u2026 3.0 s"));
    CHECK(out.str().ends_with("\r\x1b[K  up    a1  slow  (3000 ms)\n"));
}
