#!/usr/bin/env bash
# Install everything, build the demo SQLite database and serve it on 127.0.0.1.
source "$(dirname "$0")/setup.sh"
exec uv run --frozen gonghui demo "$@"
