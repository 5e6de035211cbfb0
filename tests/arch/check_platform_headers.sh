#!/bin/sh
# Portable by construction (issue 18): only core/platform/ talks to the operating system. No other
# file of core/ or daemon/ includes a POSIX or Windows header (unistd.h, sys/*, signal.h,
# windows.h, winsock2.h ...); they call the small interfaces of core/platform instead.
# Usage: check_platform_headers.sh SOURCE_DIR
set -eu
src=${1:?usage: $0 SOURCE_DIR}
headers='unistd\.h|sys/[a-z_/]+\.h|c?signal(\.h)?|fcntl\.h|pwd\.h|grp\.h|poll\.h|dirent\.h|termios\.h|dlfcn\.h|netdb\.h|ifaddrs\.h|spawn\.h|syslog\.h|arpa/[a-z]+\.h|netinet/[a-z]+\.h|net/[a-z_]+\.h|linux/[a-z_]+\.h|mach/[a-z_]+\.h|windows\.h|winsock2?\.h|ws2tcpip\.h|ws2def\.h|iphlpapi\.h|psapi\.h|aclapi\.h|sddl\.h|winsvc\.h|shlobj\.h|io\.h|process\.h|direct\.h'
pattern="^[[:space:]]*#[[:space:]]*include[[:space:]]*<($headers)>"

# The check must be able to fail: the platform layer itself includes such headers.
if ! grep -rEq "$pattern" "$src/core/platform"; then
    echo "check_platform_headers: the pattern finds no platform header in core/platform: the check is broken" >&2
    exit 2
fi

found=$(grep -rnE "$pattern" "$src/core" "$src/daemon" --include='*.cpp' --include='*.h' \
    | grep -v -e "^$src/core/platform/" || true)
if [ -n "$found" ]; then
    echo "platform headers outside core/platform/ (put the call behind an interface there):" >&2
    echo "$found" >&2
    exit 1
fi
echo "ok: no platform header outside core/platform/"
