"""The model package is pure: importing it loads no plotting or widget library."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import widgets.models

ROOT = Path(__file__).resolve().parents[1]


def test_importing_models_loads_neither_matplotlib_nor_ipywidgets():
    code = (
        "import json, sys\n"
        "import widgets.models\n"
        "print(json.dumps(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('matplotlib', 'ipywidgets', 'IPython'))))\n"
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == []


def test_public_api_is_complete():
    expected = {
        "BrainCousens",
        "context_effect",
        "MAX_DOSE",
        "Perceiver",
        "Expression",
        "Readings",
        "read_expression",
        "SALIENCE_GAIN",
        "SPEEDUP",
        "Service",
        "simulate_service",
        "Literature",
        "simulate_literature",
        "Attention",
        "Detection",
        "attend",
        "simulate_detection",
        "AttachmentProfile",
        "attachment_profile",
    }
    assert expected <= set(widgets.models.__all__)
    assert len(widgets.models.__all__) == len(set(widgets.models.__all__))
    for name in widgets.models.__all__:
        assert hasattr(widgets.models, name), name


def test_every_public_callable_is_documented():
    for name in widgets.models.__all__:
        obj = getattr(widgets.models, name)
        if callable(obj):
            assert obj.__doc__ and len(obj.__doc__) > 40, name
