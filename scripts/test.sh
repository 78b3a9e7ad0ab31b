#!/usr/bin/env bash
# Install everything (including Debian's chromium for the browser tests) and run the suite.
# DATABASE_URL selects the database; without it the tests run on SQLite.
source "$(dirname "$0")/setup.sh"
apt_install chromium fonts-noto-cjk
exec uv run --frozen pytest "$@"
