#!/usr/bin/env bash
# Install anywhere: build the wheel (from an sdist, so nothing of the checkout's
# layout leaks in), install it into a fresh venv, and use it from a temporary
# folder outside the repository: load the bundled table, then `policystats
# init`, add every file of ../shared/corpus in one batch, build, and run one
# report that shows those cities (.ci/wheel_check.py). Without ../shared/corpus
# the corpus part is skipped with a message.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

log="$work/install.log"
quiet() { "$@" >>"$log" 2>&1 || { tail -n 40 "$log"; echo "wheel check FAILED: $*"; exit 1; }; }

quiet python3 -m venv "$work/tools"
quiet "$work/tools/bin/pip" install build
quiet "$work/tools/bin/python" -m build --outdir "$work/dist" "$repo"
echo "ok    built $(cd "$work/dist" && ls *.whl) from its sdist"

quiet python3 -m venv "$work/venv"
quiet "$work/venv/bin/pip" install "$work"/dist/policystats-*.whl
echo "ok    installed the wheel into a fresh venv"

mkdir "$work/outside"
cd "$work/outside"
env -u POLICYSTATS_ROOT PATH="$work/venv/bin:$PATH" \
    "$work/venv/bin/python" "$repo/.ci/wheel_check.py" --repo "$repo" --corpus "$repo/../shared/corpus"
