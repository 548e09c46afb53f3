#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Talentmatch needs, only those that are missing.
#   python3-venv     virtual environments      tesseract-ocr   OCR for scans and photos
#   redis-server     the production broker (tests run tasks through it)
#   chromium         browser tests (Playwright drives /usr/bin/chromium)
#   poppler-utils    pdftoppm (rasterise scanned PDFs for OCR)
#   nodejs/npm       fetch front-end assets (htmx) from the npm registry
#   fonts-liberation Liberation Sans: the layout tests measure text in it (Helvetica's metrics)
set -euo pipefail

need=()
command -v tesseract >/dev/null || need+=(tesseract-ocr tesseract-ocr-eng)
command -v redis-server >/dev/null || need+=(redis-server)
command -v chromium >/dev/null || need+=(chromium)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
command -v npm >/dev/null || need+=(npm)
[ -f /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf ] || need+=(fonts-liberation)
python3 -c "import ensurepip, venv" 2>/dev/null || need+=(python3-venv)
[ ${#need[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "Installing system packages: ${need[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
