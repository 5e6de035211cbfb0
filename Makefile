# The two commands of the README. Both install what they need (Debian packages) first.
#   make run    set up, build, and start `keel serve` on the embedded default (SQLite, loopback)
#   make test   set up, build, and run the whole test suite (SQLite and a private PostgreSQL)
BUILD ?= build
PRESET ?= default
JOBS ?= $(shell nproc)

.PHONY: setup build run test clean

setup:
	@scripts/setup.sh

build: setup
	@test -f $(BUILD)/build.ninja || cmake --preset $(PRESET) -B $(BUILD)
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/daemon/keel serve

test:
	@scripts/run-tests.sh
