#!/bin/sh
# Run once by the PostgreSQL container on an empty data directory: one role and database for
# the project (directory, bookings, need events) and one for conversations (Rasa's tracker
# store), so each has its own credentials, backups and retention.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v app_password="$SIGNPOST_DB_PASSWORD" \
  -v tracker_password="$SIGNPOST_TRACKER_DB_PASSWORD" <<'SQL'
CREATE ROLE signpost LOGIN PASSWORD :'app_password';
CREATE DATABASE signpost OWNER signpost;
CREATE ROLE signpost_tracker LOGIN PASSWORD :'tracker_password';
CREATE DATABASE signpost_tracker OWNER signpost_tracker;
SQL
