#!/usr/bin/env bash
# Build "Stock Tracker.app" (icon, Info.plist with version and bundle id) into DIST.
#   packaging/build_macos.sh [DIST [WORK]]      (defaults: dist/ and build/ in the repository)
# Needs: Python 3.11 (python.org universal2 or Homebrew) with the app installed and pyinstaller 6.
# UNTESTED here (built on Linux only); signing and notarisation: see docs/packaging.md.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
DIST="${1:-$REPO/dist}"
WORK="${2:-$REPO/build}"
PYTHON="${PYTHON:-python3}"

cd "$REPO"
QT_QPA_PLATFORM=offscreen "$PYTHON" packaging/render_icons.py >/dev/null
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$DIST" --workpath "$WORK" packaging/stock_tracker.spec

APP="$DIST/Stock Tracker.app"
VERSION="$("$APP/Contents/MacOS/StockTracker" --version | awk '{print $2}')"
PLIST_VERSION="$(/usr/libexec/PlistBuddy -c 'Print :CFBundleShortVersionString' "$APP/Contents/Info.plist")"
[ "$VERSION" = "$PLIST_VERSION" ] || { echo "Info.plist says $PLIST_VERSION, the app $VERSION" >&2; exit 1; }
echo "built $APP ($VERSION, $(du -sm "$APP" | cut -f1) MB)"
