# Sourced by the scripts: make .venv with the project and its dev extra, once per pyproject change.
set -euo pipefail
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip >/dev/null
    # The distribution was called agent-tools before; two copies would register every entry point twice.
    .venv/bin/python -m pip uninstall --quiet --yes agent-tools >/dev/null 2>&1 || true
    .venv/bin/python -m pip install --quiet -e ".[dev]"
    rm -f .venv/.installed-*
    touch "$stamp"
fi
