"""Write the real oxytocin studies the book uses (widgets/data/) from metameta's data files.

metameta, an R package by Daniel S. Quintana (MIT licence), ships three datasets extracted
from the forest plots of three oxytocin meta-analyses. Its three ``.rda`` files are vendored
unchanged in ``scripts/metameta/`` with the licence; this script reads them (with the
``rdata`` package, no R needed) and writes

* ``widgets/data/metameta_studies.csv``: one row per study, in metameta's order;
* ``widgets/data/metameta_studies.json``: where the rows came from (repository, commit, each
  file's SHA-256, licence) and what each meta-analysis is (citation, effect measure, the
  summary effect metameta's examples use).

Run it only to change the source (a new metameta commit): copy the new ``.rda`` files into
``scripts/metameta/``, set ``COMMIT`` below, and run::

    python scripts/metameta_data.py

``tests/test_metameta_data.py`` checks the written files against the vendored ones.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = ROOT / "scripts" / "metameta"
CSV_PATH = ROOT / "widgets" / "data" / "metameta_studies.csv"
JSON_PATH = ROOT / "widgets" / "data" / "metameta_studies.json"

REPOSITORY = "https://github.com/dsquintana/metameta"
#: The metameta commit the files were copied from (11 October 2022, version 0.2). Its data
#: files were last changed in commit ce5cc116c531c7d894ae50e7ab9af74e84a03d85 (July 2020).
COMMIT = "3d4d701b2c69d97f38c545a4c0c6e2e827d4da08"
LICENCE = "MIT, Copyright (c) 2022 metameta authors (scripts/metameta/LICENSE.md)"

#: metameta's ci_to_se(): a 95 % interval is 2 × 1.96 standard errors wide.
Z_95 = 1.96

#: The three datasets, in the order the book shows them. ``summary_effect`` is the value
#: metameta's documentation and examples use as each meta-analysis's summary effect;
#: ``reference`` is the meta-analysis as metameta's documentation cites it.
META_ANALYSES = (
    {
        "id": "ooi",
        "object": "dat_ooi",
        "label": "Ooi et al. 2017",
        "topic": "social cognition",
        "samples": "9 randomised controlled trials of intranasal oxytocin in autism "
                   "spectrum disorders",
        "effect_measure": "Hedges' g",
        "summary_effect": 0.178,
        "citation_key": "ooi2017oxytocin",
        "reference": "Ooi YP, Weng SJ, Kossowsky J, Gerger H, Sung M. (2017). Oxytocin and "
                     "Autism Spectrum Disorders: A Systematic Review and Meta-Analysis of "
                     "Randomized Controlled Trials. Pharmacopsychiatry, 50, 5-13.",
    },
    {
        "id": "keech",
        "object": "dat_keech",
        "label": "Keech et al. 2018",
        "topic": "emotion recognition",
        "samples": "12 studies of intranasal oxytocin in neurodevelopmental disorders",
        "effect_measure": "Hedges' g",
        "summary_effect": 0.08,
        "citation_key": "keech2018intranasal",
        "reference": "Keech, B., Crowe, S., & Hocking, D. R. (2018). Intranasal oxytocin, "
                     "social cognition and neurodevelopmental disorders: a meta-analysis. "
                     "Psychoneuroendocrinology, 87, 9-19.",
    },
    {
        "id": "bakermans-kranenburg",
        "object": "dat_bakermans_kranenburg",
        "label": "Bakermans-Kranenburg & van IJzendoorn 2013",
        "topic": "various clinical outcomes",
        "samples": "19 studies of intranasal oxytocin in clinical groups",
        "effect_measure": "Cohen's d",
        "summary_effect": 0.32,
        "citation_key": "bakermanskranenburg2013sniffing",
        "reference": "Bakermans-Kranenburg MJ, van IJzendoorn MH. Sniffing around oxytocin: "
                     "review and meta-analyses of trials in healthy and clinical groups with "
                     "implications for pharmacotherapy. Translational Psychiatry, 3, e258.",
    },
)

COLUMNS = ("meta_analysis", "study", "effect", "standard_error", "standard_error_from",
           "ci_lower", "ci_upper", "effect_measure")


def read_dataset(path: Path, name: str) -> dict[str, list]:
    """One metameta data frame as columns of plain Python values (``rdata`` reads R's
    format without R)."""
    import rdata  # only this script and its test need it (requirements-test.txt)

    frame = rdata.read_rda(path)[name]
    return {column: frame[column].tolist() for column in frame.columns}


def rows() -> list[dict[str, object]]:
    """Every study of the three datasets, as the CSV holds them."""
    out = []
    for meta in META_ANALYSES:
        data = read_dataset(SOURCE_DIR / f"{meta['object']}.rda", meta["object"])
        for i, study in enumerate(data["study"]):
            lower = data["lower"][i] if "lower" in data else math.nan
            upper = data["upper"][i] if "upper" in data else math.nan
            if "sei" in data:
                se, se_from = data["sei"][i], "reported"
            else:  # Keech et al.: only the interval was extracted; metameta's ci_to_se()
                se, se_from = (upper - lower) / (2 * Z_95), "95 % interval"
            out.append({
                "meta_analysis": meta["id"],
                "study": study,
                "effect": data["yi"][i],
                "standard_error": se,
                "standard_error_from": se_from,
                "ci_lower": lower,
                "ci_upper": upper,
                "effect_measure": meta["effect_measure"],
            })
    return out


def _cell(value: object) -> str:
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    return str(value)


def csv_text() -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows():
        writer.writerow([_cell(row[column]) for column in COLUMNS])
    return buffer.getvalue()


def provenance() -> dict[str, object]:
    files = {meta["object"] + ".rda": hashlib.sha256(
        (SOURCE_DIR / f"{meta['object']}.rda").read_bytes()).hexdigest()
        for meta in META_ANALYSES}
    return {
        "source": {
            "package": "metameta 0.2 (R), by Daniel S. Quintana",
            "repository": REPOSITORY,
            "commit": COMMIT,
            "files": {name: {"path": f"data/{name}", "sha256": digest}
                      for name, digest in files.items()},
            "licence": LICENCE,
            "extraction": "metameta's authors extracted each effect and its standard error "
                          "or 95 % interval from Figure 2 (the forest plot) of each "
                          "meta-analysis.",
            "standard_error_from_interval": "(upper - lower) / (2 * 1.96), as metameta's "
                                            "ci_to_se()",
        },
        "meta_analyses": [{key: meta[key] for key in meta if key != "object"}
                          for meta in META_ANALYSES],
    }


def main() -> None:
    CSV_PATH.parent.mkdir(parents=True, exist_ok=True)
    CSV_PATH.write_text(csv_text(), encoding="utf-8")
    JSON_PATH.write_text(json.dumps(provenance(), indent=2, ensure_ascii=False) + "\n",
                         encoding="utf-8")
    print(f"wrote {CSV_PATH.relative_to(ROOT)} and {JSON_PATH.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
