# Sourced by demo.sh and test.sh: installs what a bare Debian lacks, then the pinned
# dependencies. Needs only Debian's own python3; apt runs as root, or through sudo.
# Each step prints one line: what it does, then how long it took.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

UV_VERSION=0.13.8
TOOLS_BIN="$PWD/.tools/bin"
export PATH="$TOOLS_BIN:$PATH"
# The system's Python runs the project; uv never downloads one behind the user's back.
export UV_PYTHON_DOWNLOADS=never

step() {  # step "what it does" command [args...]
    local what=$1 started
    shift
    started=$(date +%s%N)
    printf 'setup: %s … ' "$what"
    "$@"
    printf 'done in %s s\n' "$(awk "BEGIN {printf \"%.1f\", ($(date +%s%N) - $started) / 1e9}")"
}

quietly() {  # quietly command... — its output only when it fails
    local output
    if ! output=$("$@" 2>&1); then
        printf '\n%s\n' "$output" >&2
        return 1
    fi
}

apt_install() {  # apt_install package... — only those missing; root, or sudo
    local missing=() package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" \
            || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=()
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null || {
            echo "setup: 需要以 root 身份或通过 sudo 安装 ${missing[*]}" >&2
            exit 1
        }
        sudo=(sudo)
    fi
    step "apt-get update" "${sudo[@]}" apt-get update -qq
    step "apt-get install ${missing[*]} (Debian packages, may download 100+ MB)" \
        quietly "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        "${missing[@]}"
}

if ! [ -x "$TOOLS_BIN/uv" ] || [ "$("$TOOLS_BIN/uv" --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
    step "downloading uv $UV_VERSION (17 MB) into .tools/bin" \
        python3 scripts/fetch_uv.py "$TOOLS_BIN/uv"
fi
if [ -d .venv ]; then
    step "uv sync --frozen (Python packages pinned in uv.lock)" uv sync --frozen --quiet
else
    step "uv sync --frozen into a new .venv (first run: about 130 MB of Python packages)" \
        uv sync --frozen --quiet
fi
# The PDF report card: WeasyPrint lays text out with Pango, in Noto Sans CJK.
apt_install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk
# ECharts for the console's charts, from the npm registry as package-lock.json pins it.
command -v npm >/dev/null || apt_install nodejs npm
if ! cmp -s package-lock.json node_modules/.gonghui-installed; then
    step "npm ci (ECharts and the province map for the console's charts, pinned in package-lock.json)" \
        quietly npm ci --no-audit --no-fund --ignore-scripts
    cp package-lock.json node_modules/.gonghui-installed
fi
