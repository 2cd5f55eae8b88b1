#!/usr/bin/env bash
# Refresh the front-end files the book serves itself (assets/vendor/), from the
# npm registry at the exact versions below. The built site must fetch nothing
# from another host, so these files are committed with their licences and the
# book builds with Python alone; run this script only to change a version.
#
#   bash scripts/vendor_frontend.sh
set -euo pipefail

HTML_MANAGER_VERSION=1.0.15           # @jupyter-widgets/html-manager for ipywidgets 8
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
  "@jupyter-widgets/html-manager@$HTML_MANAGER_VERSION" "axe-core@$AXE_VERSION" \
  "vnu-jar@$VNU_VERSION" >/dev/null

# No MathJax: formulas are MathML, written when the book builds (_ext/mathml.py).
rm -rf "$vendor/mathjax" "$vendor/html-manager"

# The ipywidgets HTML manager: the self-contained embed.js (no require.js) and
# the icon fonts its CSS names (modern browsers load only woff2/woff).
hm="$work/node_modules/@jupyter-widgets/html-manager"
mkdir -p "$vendor/html-manager"
cp "$hm/dist/embed.js" "$hm/dist/embed.js.LICENSE.txt" "$vendor/html-manager/"
cp "$hm/dist/"*.woff2 "$hm/dist/"*.woff "$vendor/html-manager/"
cp "$hm/package.json" "$vendor/html-manager/package.json"
# The npm package declares "license": "BSD-3-Clause" (package.json, copied
# above) but ships no licence file; this is the ipywidgets repository's text.
cat > "$vendor/html-manager/LICENSE" <<'LICENCE'
BSD 3-Clause License

Copyright (c) 2015 Project Jupyter Contributors
All rights reserved.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this
   list of conditions and the following disclaimer.

2. Redistributions in binary form must reproduce the above copyright notice,
   this list of conditions and the following disclaimer in the documentation
   and/or other materials provided with the distribution.

3. Neither the name of the copyright holder nor the names of its
   contributors may be used to endorse or promote products derived from
   this software without specific prior written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
LICENCE

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
@jupyter-widgets/html-manager $HTML_MANAGER_VERSION (BSD-3-Clause; embed.js.LICENSE.txt lists bundled code)
jupyterquiz $JUPYTERQUIZ_VERSION (MIT; PyPI; its JavaScript is inlined by widgets/selfcheck.py)
VERSIONS
echo "vendored into $vendor:"
du -sh "$vendor"/*
