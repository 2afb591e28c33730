#!/usr/bin/env bash
# Create .venv with Python 3.10 and install the pinned dependencies (quick when up to date).
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
  if [ -n "${SIGNPOST_PYTHON:-}" ]; then echo "$SIGNPOST_PYTHON"; return; fi
  if command -v pyenv >/dev/null 2>&1; then
    local candidate
    candidate="$(pyenv root)/versions/3.10.13/bin/python3.10"
    if [ -x "$candidate" ]; then echo "$candidate"; return; fi
  fi
  if command -v python3.10 >/dev/null 2>&1; then command -v python3.10; return; fi
  echo "Python 3.10 not found (Rasa 3.6 needs Python < 3.11). Set SIGNPOST_PYTHON." >&2
  exit 1
}

if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $(find_python)"
  "$(find_python)" -m venv .venv
fi

stamp=.venv/.signpost-installed
want="$(cat requirements.lock pyproject.toml | sha256sum | cut -c1-16)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "Installing pinned dependencies (the first time takes a few minutes)..."
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "pip==24.2"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
  echo "$want" > "$stamp"
fi

# Browser tests: Debian's Chromium (never a downloaded browser) and axe-core from npm.
if ! command -v chromium >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
if [ ! -d tests/browser/node_modules/axe-core ]; then
  npm ci --prefix tests/browser --no-audit --no-fund --silent
fi
