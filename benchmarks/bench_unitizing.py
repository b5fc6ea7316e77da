"""Unitizing agreement for every code at size M, against a plain numpy pass (issue 18).

    python -m benchmarks.bench_unitizing            # full run, writes docs/benchmarks.md
    python -m benchmarks.bench_unitizing --quick    # a small smoke run, writes nothing

The issue's target: alpha_U (and the u-alpha family) for 40 codes on 2,000 documents coded by
5 coders in under 5 s, with the time of a plain numpy pass over the same spans measured in the
same run. The spans are generated as the size-M project's codings would be cut: each coder
splits each text into units of one code or gaps (one partition per coder, so the whole family
is defined), agreeing with a shared truth up to shifted boundaries and a few swapped codes.
The baseline sweeps each code's sorted unit boundaries once and sums every coder pair's
overlap: the least any unitizing measure must do.
"""

from __future__ import annotations

import argparse
import time
from importlib.metadata import version

import numpy as np

from benchmarks.common import machine, summary, write_section
from hrd_coder.agreement.continuum import Text, Unit
from hrd_coder.agreement.unitizing import unitizing_agreement


def spans(texts: int, coders: int, codes: int, seed: int = 2026):
    """Units and texts: each text about 3,000 code points with 4-12 coded stretches."""
    rng = np.random.default_rng(seed)
    units, found_texts = [], []
    for t in range(texts):
        length = int(rng.integers(1500, 4500))
        found_texts.append(Text(f"d{t}", length))
        cuts = np.sort(
            rng.choice(np.arange(1, length), size=int(rng.integers(8, 24)), replace=False)
        )
        stretches = list(zip(cuts[::2], cuts[1::2], strict=False))
        truth = rng.integers(0, codes, len(stretches))
        for c in range(coders):
            for (begin, end), code in zip(stretches, truth, strict=True):
                if rng.random() < 0.1:
                    continue  # this coder missed it
                shift = rng.integers(-20, 21, 2)
                b, e = max(0, begin + shift[0]), min(length, end + shift[1])
                label = int(rng.integers(0, codes)) if rng.random() < 0.05 else int(code)
                if b < e:
                    units.append(Unit(f"coder{c}", f"code{label:02d}", int(b), int(e), f"d{t}"))
    return units, found_texts, coders, codes


def _trimmed(units: list[Unit]) -> list[Unit]:
    """One partition per coder and text: a unit starting inside the previous one is cut."""
    kept, last = [], {}
    for unit in sorted(units, key=lambda u: (u.coder, u.document, u.begin)):
        key = (unit.coder, unit.document)
        begin = max(unit.begin, last.get(key, 0))
        if begin < unit.end:
            kept.append(Unit(unit.coder, unit.category, begin, unit.end, unit.document))
            last[key] = unit.end
    return kept


def plain_pass(units: list[Unit], texts: list[Text], coders: int, codes: int) -> float:
    """Every coder pair's overlap per code by a sweep over sorted boundaries: the baseline."""
    starts = np.cumsum([0] + [t.length for t in texts])
    offsets = dict(zip((t.document for t in texts), starts, strict=False))
    code = np.array([int(u.category[4:]) for u in units])
    begin = np.array([offsets[u.document] + u.begin for u in units])
    end = np.array([offsets[u.document] + u.end for u in units])
    overlap = 0.0
    for k in range(codes):
        mine = code == k
        where = np.concatenate([begin[mine], end[mine]])
        step = np.concatenate([np.ones(mine.sum()), -np.ones(mine.sum())])
        order = np.argsort(where, kind="stable")
        covering = np.cumsum(step[order])[:-1]  # coders covering each stretch
        overlap += float((covering * (covering - 1) * np.diff(where[order])).sum())
    return overlap


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100 texts, 1 run, writes nothing")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    texts_n = 100 if args.quick else 2000
    runs = 1 if args.quick else args.runs
    units, texts, coders, codes = spans(texts_n, 5, 40)
    units = _trimmed(units)

    def ours():
        return unitizing_agreement(units, texts, bootstrap=0)

    def with_interval():
        return unitizing_agreement(units, texts, bootstrap=200, seed=0)

    def baseline():
        return plain_pass(units, texts, coders, codes)

    found = ours()  # also the warm-up
    assert found.alpha_U is not None and found.u_alpha is not None, found.notes
    baseline()
    times: dict[str, list[float]] = {"baseline": [], "ours": [], "with_interval": []}
    for _ in range(runs):
        times["baseline"].append(timed(baseline))
        times["ours"].append(timed(ours))
        times["with_interval"].append(timed(with_interval))
    results = {name: summary(values) for name, values in times.items()}
    data = {
        "machine": {**machine(), "numpy": version("numpy")},
        "data": {"texts": texts_n, "coders": coders, "codes": codes, "units": len(units)},
        "results": results,
        "alpha_U": found.alpha_U,
        "u_alpha": found.u_alpha,
        "ratio_ours_to_baseline": results["ours"]["median"] / results["baseline"]["median"],
    }
    markdown = render(data, runs)
    print(markdown)
    if not args.quick:
        write_section("unitizing", markdown, data)


def render(data: dict, runs: int) -> str:
    size, results = data["data"], data["results"]

    def row(label: str, name: str, target: str) -> str:
        found = results[name]
        return (
            f"| {label} | {found['median']:.3f} s | {found['min']:.3f}–{found['max']:.3f} s "
            f"| {target} |"
        )

    return "\n".join(
        [
            "## Unitizing agreement for every code (issue 18)",
            "",
            f"`python -m benchmarks.bench_unitizing` — {size['units']:,} units of "
            f"{size['codes']} codes by {size['coders']} coders on {size['texts']:,} texts "
            f"(about 3,000 code points each); medians of {runs} runs after a warm-up, the "
            "baseline in the same run.",
            "",
            "| what | median | min–max | target |",
            "|---|---|---|---|",
            row(
                "plain numpy pass: sweep each code's boundaries, sum pair overlaps (baseline)",
                "baseline",
                "",
            ),
            row(
                "alpha_U per code and overall, u-alpha, |u-alpha, cu-alpha, (k)u-alpha",
                "ours",
                "< 5 s",
            ),
            row("the same with a 200-resample bootstrap over texts", "with_interval", ""),
            "",
            f"Ours / baseline: {data['ratio_ours_to_baseline']:.2f}x (alpha_U "
            f"{data['alpha_U']:.3f}, u-alpha {data['u_alpha']:.3f} on these spans).",
            "",
            "Machine: " + ", ".join(f"{k} {v}" for k, v in data["machine"].items()) + ".",
        ]
    )


if __name__ == "__main__":
    main()
