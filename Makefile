# The two commands of the README. Both install what they need (Debian packages) first.
#   make run    set up, build, and start `keel serve` on the embedded default (SQLite, loopback)
#   make test   set up, build, and run the whole test suite (SQLite and a private PostgreSQL)
#   make manager  set up, build, and start Keel Manager (the GUI) in this desktop session
# `make run`, `make manager` and `make install` build into build/ with the release preset
# (RelWithDebInfo, warnings are errors). `make test` builds its own tree, build-ci/, with the ci
# preset (what CI runs): AddressSanitizer + UndefinedBehaviorSanitizer + LeakSanitizer, so every
# suite runs sanitized; `KEEL_SANITIZE=0 make test` builds build-fast/ without them. The server is build/daemon/keel; `make install`
# copies just that binary to /usr/local/bin (set PREFIX to choose); the .deb (cpack -G DEB in
# build/) also installs the systemd unit.
BUILD ?= build
PRESET ?= release
TEST_BUILD ?= build-ci
JOBS ?= $(shell nproc)
PREFIX ?= /usr/local

.PHONY: setup configure build run manager test install

setup:
	@scripts/setup.sh

# Reconfigures a tree that was set up without warnings-as-errors (e.g. `cmake --preset default`).
configure: setup
	@if [ ! -f $(BUILD)/build.ninja ] || ! grep -q '^KEEL_WERROR:BOOL=ON' $(BUILD)/CMakeCache.txt; then \
	    cmake --preset $(PRESET) -B $(BUILD); fi

build: configure
	cmake --build $(BUILD) -j $(JOBS)

# Only what the server needs: the test suites are built by `make test`.
run: configure
	cmake --build $(BUILD) -j $(JOBS) --target keel
	$(BUILD)/daemon/keel serve

# Keel Manager, the GUI (needs a desktop session): hosts the server or connects to one.
manager: configure
	cmake --build $(BUILD) -j $(JOBS) --target keel-manager
	$(BUILD)/gui/keel-manager

test:
	@BUILD=$(TEST_BUILD) scripts/run-tests.sh

install: configure
	cmake --build $(BUILD) -j $(JOBS) --target keel
	install -D -m 0755 $(BUILD)/daemon/keel $(DESTDIR)$(PREFIX)/bin/keel
