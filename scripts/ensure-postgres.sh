#!/usr/bin/env bash
# Make sure two PostgreSQL clusters answer on loopback, each with a `test` database that the
# `postgres` role reaches without a password: `main` on 127.0.0.1:5432 (every store test) and
# `second` on 127.0.0.1:5433 (the sharded store's second shard, docs/scaling.md). Start what is
# down, create the second cluster if it is missing, install PostgreSQL if it is missing.
# Idempotent: run it as often as you like.
set -euo pipefail

ready() { pg_isready -h 127.0.0.1 -p "$1" -q 2>/dev/null; }

installed() { command -v pg_ctlcluster >/dev/null 2>&1 && [ -n "$(ls /etc/postgresql 2>/dev/null)" ]; }

# ensure_cluster NAME PORT: the cluster exists, trusts loopback, and answers on PORT.
ensure_cluster() {
  local name=$1 port=$2 version hba
  if ready "$port"; then
    return
  fi
  if ! installed; then
    echo "installing PostgreSQL..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
  fi
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  if [ ! -d "/etc/postgresql/$version/$name" ]; then
    echo "creating the PostgreSQL cluster $name on port $port..." >&2
    pg_createcluster "$version" "$name" --port "$port" >/dev/null
  fi
  hba="/etc/postgresql/$version/$name/pg_hba.conf"
  if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    # The tests connect over loopback only, as postgres, without a password.
    sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
  fi
  pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start || true
  for _ in $(seq 1 30); do ready "$port" && break; sleep 1; done
  ready "$port" || { echo "PostgreSQL ($name) does not answer on 127.0.0.1:$port" >&2; exit 1; }
}

# ensure_test_database PORT
ensure_test_database() {
  if ! psql -h 127.0.0.1 -p "$1" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$1" -U postgres -d postgres -qc "CREATE DATABASE test"
  fi
}

ensure_cluster main 5432
ensure_test_database 5432
ensure_cluster second 5433
ensure_test_database 5433
