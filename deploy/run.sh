#!/usr/bin/env bash
# N Streamlit processes of the app behind nginx; Ctrl-C stops them all.
#   deploy/run.sh 4 [--port 8500] [--listen 0.0.0.0] [--db /data/clv.duckdb]
# (python -m deploy.cluster --help lists every option; README: "Many users".)
set -euo pipefail
cd "$(dirname "$0")/.."
exec python -m deploy.cluster "$@"
