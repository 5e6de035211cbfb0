#!/bin/sh
# The layering rule of issue 11: State is the only writer of the tailnet. No production code
# outside core/state/ (and the store itself, and the backup/import paths: core/store/, core/backup/,
# the offline `keel import` in daemon/MigrateCommand.cpp) calls a Store method that writes.
# Usage: check_store_writes.sh SOURCE_DIR
set -eu
src=${1:?usage: $0 SOURCE_DIR}
writes='createUser|renameUser|updateUser|deleteUser|createNode|updateNode|saveNodeSpendingKey|deleteNode|setNodeExpiry|renameNode|setNodeTags|setApprovedRoutes|touchLastSeen|createPreAuthKey|importPreAuthKey|expirePreAuthKey|deletePreAuthKey|markPreAuthKeyUsed|usePreAuthKey|createApiKey|importApiKey|expireApiKey|deleteApiKey|touchApiKey|setPolicy|setStateValue|appendAudit|pruneAudit|createOAuthClient|deleteOAuthClient|touchOAuthClient'
# A call on anything named like a store: store.x(, m_store->x(, store().x(, m_context.store.x(
pattern="[Ss]tore(\(\))?[[:space:]]*(\.|->)[[:space:]]*($writes)[[:space:]]*\("

# The check must be able to fail: State itself writes through the store, so it must be found there.
if ! grep -rEq "$pattern" "$src/core/state"; then
    echo "check_store_writes: the pattern finds no store write in core/state: the check is broken" >&2
    exit 2
fi

found=$(grep -rnE "$pattern" "$src/core" "$src/daemon" --include='*.cpp' --include='*.h' \
    | grep -v -e "^$src/core/state/" -e "^$src/core/store/" -e "^$src/core/backup/" -e "^$src/daemon/MigrateCommand.cpp:" || true)
if [ -n "$found" ]; then
    echo "store writes outside core/state/ (every tailnet change must be a State operation):" >&2
    echo "$found" >&2
    exit 1
fi
echo "ok: no store write outside core/state/ and the backup paths"
