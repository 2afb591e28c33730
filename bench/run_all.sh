#!/usr/bin/env bash
# Every benchmark, one after the other, each printing its table (about 25 minutes on two
# cores; --quick about 10). Options go to `python -m bench` (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
export SQLALCHEMY_SILENCE_UBER_WARNING=1 RASA_TELEMETRY_ENABLED=false
exec .venv/bin/python -m bench "$@"
