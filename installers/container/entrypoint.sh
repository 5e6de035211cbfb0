#!/bin/bash
# Keel's container entrypoint.
#   entrypoint.sh [serve]          run the server (the default)
#   entrypoint.sh healthcheck      exit 0 when GET /health on listen_addr answers 200 (HEALTHCHECK)
#   entrypoint.sh <keel command>   any other keel command (configtest, users list, ...)
# Secrets: for every KEEL_<KEY>_FILE (or HEADSCALE_<KEY>_FILE) variable, the file's content
# (trailing newline removed) becomes KEEL_<KEY>, as Docker and Kubernetes secrets are mounted.
# KEEL_BINARY overrides the binary (tests); the default is keel on PATH.
set -euo pipefail

keel="${KEEL_BINARY:-keel}"

load_secret_files() {
    local var name file
    for var in $(compgen -e); do
        case "$var" in
            KEEL_*_FILE|HEADSCALE_*_FILE) ;;
            *) continue ;;
        esac
        name="${var%_FILE}"
        file="${!var}"
        if [ -n "${!name:-}" ]; then
            echo "entrypoint: both $name and $var are set; use one" >&2
            exit 2
        fi
        if [ ! -r "$file" ]; then
            echo "entrypoint: $var names $file, which cannot be read" >&2
            exit 2
        fi
        export "$name"="$(cat "$file")"
        unset "$var"
    done
}

# The port of KEEL_LISTEN_ADDR (or the config's default, 8080).
listen_port() {
    local addr="${KEEL_LISTEN_ADDR:-${HEADSCALE_LISTEN_ADDR:-0.0.0.0:8080}}"
    echo "${addr##*:}"
}

healthcheck() {
    # bash's /dev/tcp: the slim image has no curl or wget, and needs none.
    local port reply
    port="$(listen_port)"
    exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
    printf 'GET /health HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
    reply="$(timeout 5 head -n 1 <&3 || true)"
    exec 3<&-
    case "$reply" in
        "HTTP/1."?" 200"*) return 0 ;;
        *) echo "entrypoint: /health answered: ${reply:-nothing}" >&2; return 1 ;;
    esac
}

load_secret_files

case "${1:-serve}" in
    healthcheck)
        healthcheck
        ;;
    serve)
        [ $# -gt 0 ] && shift
        # A mounted /etc/keel/config.yaml is found by keel's search path; without one the
        # embedded default runs, shaped by the KEEL_* variables the image and the operator set.
        exec "$keel" serve "$@"
        ;;
    *)
        exec "$keel" "$@"
        ;;
esac
