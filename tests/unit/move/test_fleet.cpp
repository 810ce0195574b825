// run_fleet: the thread pool behind `rev -g GROUP`, over work that needs no database.
#include <rev/error.hpp>
#include <rev/fleet.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <csignal>
#include <mutex>
#include <set>
#include <thread>

namespace {

using Status = rev::FleetOutcome::Status;

class Broken : public rev::Error {
public:
    explicit Broken(const std::string& message) : Error(message) {}
};

} // namespace

TEST_CASE("run_fleet: every database once, a failure touching no other", "[fleet]") {
    std::mutex mutex;
    std::multiset<std::size_t> ran;
    rev::FleetOptions options;
    options.jobs = 4;
    std::size_t reported = 0;
    options.on_done = [&reported](std::size_t, const rev::FleetOutcome&) { ++reported; };
    const rev::FleetResult result = rev::run_fleet(
        21,
        [&](std::size_t index) {
            {
                const std::lock_guard lock(mutex);
                ran.insert(index);
            }
            if (index == 20) {
                throw Broken("table users already exists");
            }
        },
        options);
    CHECK(ran.size() == 21);
    CHECK(std::set<std::size_t>(ran.begin(), ran.end()).size() == 21);
    CHECK(reported == 21);
    CHECK(result.count(Status::ok) == 20);
    CHECK(result.count(Status::failed) == 1);
    CHECK(result.outcomes[20].status == Status::failed);
    CHECK(result.outcomes[20].error == "table users already exists");
    CHECK_FALSE(result.interrupted);
}

TEST_CASE("run_fleet: jobs run at once, at most as many as asked", "[fleet]") {
    std::atomic<int> running{0};
    std::atomic<int> most{0};
    rev::FleetOptions options;
    options.jobs = 3;
    rev::run_fleet(
        12,
        [&](std::size_t) {
            const int now = ++running;
            int seen = most.load();
            while (now > seen && !most.compare_exchange_weak(seen, now)) {
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            --running;
        },
        options);
    CHECK(most == 3);
}

TEST_CASE("run_fleet: --fail-fast starts nothing after a failure", "[fleet]") {
    rev::FleetOptions options;
    options.jobs = 1;
    options.fail_fast = true;
    const rev::FleetResult result = rev::run_fleet(
        5,
        [](std::size_t index) {
            if (index == 1) {
                throw Broken("no");
            }
        },
        options);
    CHECK(result.outcomes[0].status == Status::ok);
    CHECK(result.outcomes[1].status == Status::failed);
    CHECK(result.count(Status::not_run) == 3);
}

TEST_CASE("run_fleet: Ctrl-C lets the running work finish and starts no more", "[fleet]") {
    rev::FleetOptions options;
    options.jobs = 2;
    std::atomic<int> finished{0};
    const rev::FleetResult result = rev::run_fleet(
        10,
        [&finished](std::size_t index) {
            if (index == 1) {
                std::raise(SIGINT);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            ++finished;
        },
        options);
    CHECK(result.interrupted);
    CHECK(result.count(Status::ok) == static_cast<std::size_t>(finished.load()));
    CHECK(result.count(Status::failed) == 0);
    CHECK(result.count(Status::not_run) >= 7);
}

TEST_CASE("run_fleet: a foreign exception is an internal error of its database", "[fleet]") {
    const rev::FleetResult result = rev::run_fleet(2,
                                                   [](std::size_t index) {
                                                       if (index == 0) {
                                                           throw std::logic_error("bug");
                                                       }
                                                   },
                                                   {});
    CHECK(result.outcomes[0].error == "internal error: bug");
    CHECK(result.outcomes[1].status == Status::ok);
    CHECK(rev::default_jobs() >= 1);
    CHECK(rev::default_jobs() <= 8);
}
