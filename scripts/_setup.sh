# Shared by scripts/run and scripts/test: make .venv and install the pinned
# requirements, but only when they changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Buurtmakelaar needs Python 3.11 or newer (found: $("$PYTHON" --version 2>&1))." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "==> Creating the virtual environment in .venv"
  "$PYTHON" -m venv .venv
fi
want=$(cat "$@" | sha256sum | cut -d' ' -f1)
have=$(cat .venv/.requirements-hash 2>/dev/null || true)
if [ "$want" != "$have" ]; then
  echo "==> Installing Python packages ($*)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  for f in "$@"; do .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$f"; done
  echo "$want" > .venv/.requirements-hash
fi
