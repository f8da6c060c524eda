#!/usr/bin/env bash
# Build the Linux one-folder bundle: DIST/StockTracker/StockTracker plus a .desktop file.
#
#   packaging/build_linux.sh [DIST [WORK]]      (defaults: dist/ and build/ in the repository)
#   PREFIX=/opt/StockTracker                    where the bundle will be installed (.desktop paths)
#
# Needs: Python 3.11 with the app installed (pip install -e .) and pyinstaller 6.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
DIST="$(realpath -m "${1:-$REPO/dist}")"
WORK="$(realpath -m "${2:-$REPO/build}")"
PREFIX="${PREFIX:-/opt/StockTracker}"
PYTHON="${PYTHON:-python3}"

cd "$REPO"
# The icons are rendered from the SVG at every build, so the bundle always matches the source.
QT_QPA_PLATFORM=offscreen "$PYTHON" packaging/render_icons.py >/dev/null
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$DIST" --workpath "$WORK" packaging/stock_tracker.spec

BUNDLE="$DIST/StockTracker"
cp stock_tracker_desktop/resources/icons/app-256.png "$BUNDLE/stock-tracker.png"
VERSION="$("$BUNDLE/StockTracker" --version | awk '{print $2}')"
cat >"$BUNDLE/stock-tracker.desktop" <<EOF
[Desktop Entry]
Type=Application
Version=1.5
Name=Stock Tracker
Comment=Stock, orders and days of stock for Wildberries and Ozon sellers
Exec=$PREFIX/StockTracker
Icon=$PREFIX/stock-tracker.png
Terminal=false
Categories=Office;Finance;
StartupWMClass=StockTrackerDesktop
X-AppVersion=$VERSION
EOF
echo "built $BUNDLE ($VERSION, $(du -sm "$BUNDLE" | cut -f1) MB)"
