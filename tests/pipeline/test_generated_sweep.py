"""A randomized sweep over generated reports: every style and printing variation, many seeds.

Each document is rendered by ``nianbao.samples`` from metrics that satisfy the template, with
printing variations drawn at random, and must parse back to exactly those metrics.  Excluded are
only the combinations that destroy information: a blank zero in a form that drops empty cells
(one value per line, space-separated text) and a blank zero under a header
whose cells broke over lines (their positions are lost with them).
"""

from __future__ import annotations

import random

import pytest

from nianbao.samples import NUMBERINGS, STYLES, random_meta, random_metrics, render
from pipeline import parse_bytes

DOCUMENTS = 400
ZEROS = ("0", "", "-", "—", "/", "无")
DROPS_EMPTY_CELLS = {"txt_lines", "txt_spaces", "txt_label_line"}


def case(seed: int) -> tuple[str, str, int, dict, int]:
    """(style, template, year, quirks, metrics seed) of the sweep's document number ``seed``."""
    rng = random.Random(seed)
    style = rng.choice(sorted(STYLES))
    template = rng.choice(["2019", "2021"])
    year = rng.choice([2019, 2020] if template == "2019" else [2021, 2022, 2023, 2024])
    quirks: dict = {"numbering": rng.choice(NUMBERINGS)}
    for flag in ("fullwidth", "thousands", "label_spaces", "wrap_headers", "trailing_empty_row"):
        if rng.random() < 0.3:
            quirks[flag] = True
    blank_allowed = style not in DROPS_EMPTY_CELLS and not quirks.get("wrap_headers")
    quirks["zero"] = rng.choice([z for z in ZEROS if z or blank_allowed])
    if style.startswith("html") and rng.random() < 0.3:
        quirks["colspan_shift" if rng.random() < 0.5 else "split_tables"] = True
    return style, template, year, quirks, rng.randrange(10**6)


@pytest.mark.parametrize("seed", range(DOCUMENTS))
def test_generated_report_parses_back(seed: int) -> None:
    style, template, year, quirks, metrics_seed = case(seed)
    metrics = random_metrics(template, metrics_seed, volume=random.Random(seed).choice([3, 30, 3000]))
    data = render(random_meta(metrics_seed, year), metrics, template, style, quirks)
    result = parse_bytes(data, f"{style}-{seed}")
    wrong = {k: (v, result["metrics"].get(k)) for k, v in metrics.items()
             if result["metrics"].get(k) is None or abs(result["metrics"][k] - v) > 1e-4}
    assert (result["template"], result["year"]) == (template, year)
    assert wrong == {}, f"{style} {quirks}"
