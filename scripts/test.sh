#!/usr/bin/env bash
# Every check: lint, data validation, dialogue test stories, and pytest (unit + end-to-end).
set -euo pipefail
cd "$(dirname "$0")/.."
export SQLALCHEMY_SILENCE_UBER_WARNING=1
scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/rasa data validate --fail-on-warnings
.venv/bin/signpost train
model="$(.venv/bin/signpost model-path)"
.venv/bin/rasa test core --model "$model" --stories tests/stories \
  --fail-on-prediction-errors --out var/results/core
.venv/bin/python -m pytest "$@"
