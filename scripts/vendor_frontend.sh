#!/usr/bin/env bash
# Refresh the front-end files the book serves itself (assets/vendor/), from the
# npm registry at the exact versions below. The built site must fetch nothing
# from another host, so these files are committed with their licences and the
# book builds with Python alone; run this script only to change a version.
#
#   bash scripts/vendor_frontend.sh
set -euo pipefail

AXE_VERSION=4.14.1                    # axe-core: accessibility audit in the browser tests only
VNU_VERSION=26.9.27                   # vnu-jar: the Nu Html Checker, HTML check in the tests only

root=$(cd "$(dirname "$0")/.." && pwd)
vendor="$root/assets/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$work"
npm init -y >/dev/null
# --ignore-scripts also stops vnu-jar's install script, which would download a Java runtime.
npm install --save-exact --no-audit --no-fund --ignore-scripts \
  "axe-core@$AXE_VERSION" "vnu-jar@$VNU_VERSION" >/dev/null

# No MathJax: formulas are MathML, written when the book builds (_ext/mathml.py).
rm -rf "$vendor/mathjax" "$vendor/html-manager"

# No ipywidgets widget manager either: explorers are static HTML on the site (their
# results in files of their own, drawn by assets/explorer/explorer.js), and no page carries
# widget state; _config.yml sets nb_ipywidgets_js to nothing, so myst-nb adds no script
# (its default would load require.js and the manager from CDNs).

# axe-core is not served by the book: the browser tests inject it into pages.
tests_vendor="$root/tests/vendor/axe-core"
rm -rf "$tests_vendor"
mkdir -p "$tests_vendor"
cp "$work/node_modules/axe-core/axe.min.js" "$work/node_modules/axe-core/LICENSE" \
  "$work/node_modules/axe-core/LICENSE-3RD-PARTY.txt" "$tests_vendor/"
echo "axe-core $AXE_VERSION (MPL-2.0)" > "$tests_vendor/VERSION.txt"

# Nor is the Nu Html Checker (the W3C validator's engine): tests/test_html_valid.py runs the
# jar with the machine's Java (17 or newer, as vnu asks) over every built page. The npm
# package's LICENSE is vnu's (MIT); the libraries bundled in the jar keep their own licence
# files inside it.
vnu_vendor="$root/tests/vendor/vnu"
rm -rf "$vnu_vendor"
mkdir -p "$vnu_vendor"
cp "$work/node_modules/vnu-jar/build/dist/vnu.jar" "$work/node_modules/vnu-jar/LICENSE" \
  "$vnu_vendor/"
echo "vnu-jar $VNU_VERSION (MIT)" > "$vnu_vendor/VERSION.txt"

# jupyterquiz comes from PyPI, not npm: widgets/selfcheck.py writes its JavaScript
# and CSS inline into each page from the installed, pinned package (see
# requirements.txt), so only its licence is kept here, beside the others.
JUPYTERQUIZ_VERSION=$(sed -n 's/^jupyterquiz==//p' "$root/requirements.txt")
installed=$(python -c 'import jupyterquiz; print(jupyterquiz.__version__)')
if [ "$installed" != "$JUPYTERQUIZ_VERSION" ]; then
  echo "jupyterquiz $installed is installed but requirements.txt pins $JUPYTERQUIZ_VERSION" >&2
  exit 1
fi
mkdir -p "$vendor/jupyterquiz"
python - "$vendor/jupyterquiz/LICENSE" <<'PY'
import sys
from importlib.metadata import distribution
licence = next(f for f in distribution("jupyterquiz").files if f.name == "LICENSE")
open(sys.argv[1], "w").write(licence.read_text())
PY

cat > "$vendor/VERSIONS.txt" <<VERSIONS
# Written by scripts/vendor_frontend.sh; each folder holds its package's licence.
jupyterquiz $JUPYTERQUIZ_VERSION (MIT; PyPI; its JavaScript is inlined by widgets/selfcheck.py)
VERSIONS
echo "vendored into $vendor:"
du -sh "$vendor"/*
