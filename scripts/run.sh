#!/usr/bin/env bash
# One command from a fresh clone to a running assistant:
# install, train if the data changed, load the directory, start both servers, chat.
set -euo pipefail
cd "$(dirname "$0")/.."
export SQLALCHEMY_SILENCE_UBER_WARNING=1
scripts/setup.sh
.venv/bin/signpost train
.venv/bin/signpost load-directory
.venv/bin/signpost advisors load
exec .venv/bin/signpost up "$@"
