# Sourced by the scripts: make .venv with the project, once per pyproject change.
# VENV_EXTRAS picks the extras (default "dev", everything the checks need; the demo asks for
# none). Install output goes to .venv/install.log and is shown only when the install fails.
# uv, when present, makes the venv and installs (from the same package registry), else pip.
set -euo pipefail
PYTHON="${PYTHON:-python3}"
extras="${VENV_EXTRAS-dev}"
has_uv=""
command -v uv >/dev/null 2>&1 && has_uv=1
if [ ! -x .venv/bin/python ]; then
    rm -rf .venv  # a venv without its python is broken: start again
    if [ -n "$has_uv" ]; then
        # --seed keeps pip in the venv for whoever uses it by hand.
        uv venv --quiet --seed --python "$(command -v "$PYTHON")" .venv
    else
        "$PYTHON" -m venv .venv
    fi
fi
digest="$(sha256sum pyproject.toml | cut -c1-16)"
stamp=".venv/.installed-$digest-${extras:-base}"
# The dev extra holds the base install too, so it satisfies a script that needs less.
if [ ! -f "$stamp" ] && [ ! -f ".venv/.installed-$digest-dev" ]; then
    log=".venv/install.log"
    echo "Setting up .venv (${extras:-base}); output in $log" >&2
    target="."
    [ -n "$extras" ] && target=".[$extras]"
    if ! {
        # The distribution was called agent-tools before; two copies would register every
        # entry point twice.
        if [ -n "$has_uv" ]; then
            uv pip uninstall --python .venv/bin/python agent-tools || true
            uv pip install --python .venv/bin/python -e "$target"
        else
            .venv/bin/python -m pip uninstall --yes agent-tools || true
            .venv/bin/python -m pip install -e "$target"
        fi
    } >"$log" 2>&1; then
        cat "$log" >&2
        echo "Setting up .venv failed; the output above is in $log" >&2
        exit 1
    fi
    rm -f .venv/.installed-*
    touch "$stamp"
fi
