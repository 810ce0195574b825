#include "cli.hpp"

int main(int argc, char** argv) {
    return rev::cli::run(argc, argv);
}
