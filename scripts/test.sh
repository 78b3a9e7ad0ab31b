#!/usr/bin/env bash
# Install everything (including Debian's chromium for the browser tests) and run the suite.
# DATABASE_URL selects the database; without it the tests run on SQLite.
source "$(dirname "$0")/setup.sh"
if ! [ -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
exec uv run --frozen pytest "$@"
