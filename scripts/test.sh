#!/usr/bin/env bash
# Install everything (Debian's chromium for the browser tests, poppler-utils to read PDFs back) and run the suite.
# DATABASE_URL selects the database; without it the tests run on SQLite.
source "$(dirname "$0")/setup.sh"
apt_install chromium poppler-utils
exec uv run --frozen pytest "$@"
