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
# The same stories through the server's launcher, with the speed fixes comparing each of their
# answers with Rasa's own (components/speedups.py): same predictions, no difference raised.
SIGNPOST_CHECK_SPEEDUPS=1 .venv/bin/python -m components.rasa_server test core --model "$model" \
  --stories tests/stories --fail-on-prediction-errors --out var/results/core-speedups
.venv/bin/python -m pytest "$@"
