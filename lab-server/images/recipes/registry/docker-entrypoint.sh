#!/bin/sh
# The official registry:2 image's entrypoint: a configuration file as the first argument means
# `registry serve FILE`; `serve`, `garbage-collect` and flags run `registry` with them.
set -e

case "$1" in
    *.yaml|*.yml) set -- registry serve "$@" ;;
    serve|garbage-collect|help|-*) set -- registry "$@" ;;
esac

exec "$@"
