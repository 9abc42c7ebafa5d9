#!/bin/sh
# Render an HTML report in headless Chromium and save a PNG, to see what editors receive.
#
#   docs/tools/screenshot_report.sh [REPORT.html] [OUT.png] [WIDTH]
#
# Called by docs/tools/make_example_report.py. Defaults: docs/example-report.html ->
# docs/example-report.png at 760 px wide and
# HEIGHT (env, default 1850) px tall; headless Chromium cannot size the window to the
# page, so raise HEIGHT for a longer report. Chromium gets no network (a dead proxy):
# a report must render without any.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
report=${1:-$here/example-report.html}
out=${2:-$here/example-report.png}
width=${3:-760}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
    echo "no Chromium found (Debian: apt-get install chromium)" >&2
    exit 1
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
report_url="file://$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"

shoot() {  # $1: height
    "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --hide-scrollbars --proxy-server="127.0.0.1:9" --user-data-dir="$profile" \
        --screenshot="$out" --window-size="$width,$1" "$report_url" >/dev/null 2>&1
}

shoot "${HEIGHT:-1850}"
echo "wrote $out"
