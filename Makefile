# The two commands of the README. Both install what they need (Debian packages) first.
#   make run    set up, build, and start `keel serve` on the embedded default (SQLite, loopback)
#   make test   set up, build, and run the whole test suite (SQLite and a private PostgreSQL)
BUILD ?= build
PRESET ?= default
JOBS ?= $(shell nproc)

.PHONY: setup configure build run test

setup:
	@scripts/setup.sh

configure: setup
	@test -f $(BUILD)/build.ninja || cmake --preset $(PRESET) -B $(BUILD)

build: configure
	cmake --build $(BUILD) -j $(JOBS)

# Only what the server needs: the test suites are built by `make test`.
run: configure
	cmake --build $(BUILD) -j $(JOBS) --target keel
	$(BUILD)/daemon/keel serve

test:
	@scripts/run-tests.sh
