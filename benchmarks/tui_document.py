"""Speed of the document view on a 5 MB transcript with 20,000 codings (issue 3).

    python -m benchmarks.tui_document            # full run, writes docs/benchmarks.md
    python -m benchmarks.tui_document --quick    # a small smoke run, writes nothing

Each widget (ours, Textual's TextArea and Log) runs in its own process: first paint, then
CPU time per keypress through Textual's test harness with animations off. The harness's
own cost per press+pause is measured on an empty app in the same process and subtracted,
so the figure is the app's own work (see ../shared/BENCHMARKS.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import statistics
import sys
import time

from benchmarks.common import machine, run_json, write_section

WORDS = (
    "the",
    "official",
    "said",
    "that",
    "campaign",
    "release",
    "prisoner",
    "ambassador",
    "ministry",
    "pressure",
    "private",
    "meeting",
    "public",
    "statement",
    "embassy",
    "bureau",
    "human",
    "rights",
    "we",
    "they",
    "her",
    "case",
    "government",
    "minister",
    "deal",
    "asked",
    "because",
    "after",
    "before",
    "finally",
    "named",
)
KEYS = {
    "page_down": "pagedown",
    "sentence": "right_square_bracket",
    "extend_word": "ctrl+shift+right",
    "move_down": "down",
}


def make_transcript(size: int, codings: int, seed: int = 7) -> tuple[str, list[tuple]]:
    """A deterministic interview of about `size` characters and random codings on it."""
    rng = random.Random(seed)
    parts, length = [], 0
    speakers = ("INTERVIEWER", "OFFICIAL")
    while length < size:
        sentences = [
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 25))).capitalize() + "."
            for _ in range(rng.randint(1, 8))
        ]
        part = f"{speakers[len(parts) % 2]}: " + " ".join(sentences)
        parts.append(part)
        length += len(part) + 2
    text = "\n\n".join(parts)
    spans = []
    for number in range(codings):
        start = rng.randrange(0, len(text) - 600)
        spans.append((f"c{number}", f"code{number % 12}", start, start + rng.randint(20, 600)))
    return text, spans


async def _press_cost(app_factory, keys: list[str], presses: int) -> dict[str, float]:
    """Median CPU seconds per press+pause for each key, in a running app."""
    from textual.app import App

    app: App = app_factory()
    app.animation_level = "none"
    costs: dict[str, float] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for key in keys:
            samples = []
            for _ in range(presses):
                before = time.process_time()
                await pilot.press(key)
                await pilot.pause()
                samples.append(time.process_time() - before)
            costs[key] = statistics.median(samples)
    return costs


def measure(widget: str, size: int, codings: int, presses: int) -> dict:
    """One process, one widget: first paint, per-key CPU, peak memory."""
    from textual.app import App, ComposeResult
    from textual.widgets import Log, Static, TextArea

    from hrd_coder.tui.text_layout import Mark
    from hrd_coder.tui.widgets.document_view import DocumentView

    text, spans = make_transcript(size, codings)
    marks = [Mark(*span) for span in spans]
    colors = {f"code{i}": f"#{(i * 40) % 256:02x}7f{(255 - i * 20) % 256:02x}" for i in range(12)}

    class Empty(App):
        def compose(self) -> ComposeResult:
            yield Static("x")

    class Host(App):
        def compose(self) -> ComposeResult:
            if widget == "document_view":
                yield DocumentView()
            elif widget == "text_area":
                yield TextArea(read_only=True, soft_wrap=True)
            else:
                yield Log()

        def load(self) -> None:
            if widget == "document_view":
                shown = self.query_one(DocumentView)
                shown.load(text, marks, colors, code_order=sorted(colors))
            elif widget == "text_area":
                shown = self.query_one(TextArea)
                shown.load_text(text)
            else:
                shown = self.query_one(Log)
                shown.write(text)
                shown.scroll_home(animate=False, immediate=True)  # it scrolls to the end
            shown.focus()
            self.shown = shown

    async def first_paint() -> dict[str, float]:
        app = Host()
        app.animation_level = "none"
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            wall, cpu = time.perf_counter(), time.process_time()
            app.load()
            for y in range(app.shown.size.height):  # the work of painting the first screen
                app.shown.render_line(y)
            return {
                "paint_wall": time.perf_counter() - wall,
                "paint_cpu": time.process_time() - cpu,
            }

    async def keys() -> dict[str, float]:
        class Loaded(Host):
            def on_mount(self) -> None:
                self.load()

        floor = await _press_cost(Empty, ["down"], presses)
        ours = await _press_cost(
            Loaded,
            list(KEYS.values()) if widget == "document_view" else ["pagedown", "down"],
            presses,
        )
        return {"floor": floor["down"], **{f"key_{k}": v for k, v in ours.items()}}

    result = {"widget": widget, **asyncio.run(first_paint()), **asyncio.run(keys())}
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, write nothing")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    size, codings, presses = (200_000, 800, 5) if args.quick else (5_000_000, 20_000, 30)
    if args.measure:
        print(json.dumps(measure(args.measure, size, codings, presses)))
        return
    extra = ["--quick"] if args.quick else []
    results = {
        name: run_json(["-m", "benchmarks.tui_document", "--measure", name, *extra])
        for name in ("document_view", "text_area", "log")
    }
    report(results, size, codings, presses, write=not args.quick)


def report(results: dict, size: int, codings: int, presses: int, write: bool) -> None:
    ours, area, log = results["document_view"], results["text_area"], results["log"]
    app_ms = {k: (ours[f"key_{v}"] - ours["floor"]) * 1000 for k, v in KEYS.items()}
    area_page = (area["key_pagedown"] - area["floor"]) * 1000
    log_page = (log["key_pagedown"] - log["floor"]) * 1000
    lines = [
        "## Document view (issue 3)",
        "",
        f"`python -m benchmarks.tui_document` — a {size / 1e6:.0f} MB generated transcript "
        f"with {codings:,} codings, 120x40 terminal, animations off; {presses} presses per "
        "key, medians. Key cost = the app's CPU per press+pause minus the same on an empty "
        "app in the same process (the harness floor, "
        f"{ours['floor'] * 1000:.1f} ms here).",
        "",
        "| figure | DocumentView | TextArea (read-only) | Log | target |",
        "|---|---|---|---|---|",
        f"| first paint (load + draw one screen), wall | {ours['paint_wall']:.3f} s | "
        f"{area['paint_wall']:.3f} s | {log['paint_wall']:.3f} s | < 0.5 s |",
        f"| page-down, app CPU per key | {app_ms['page_down']:.1f} ms | {area_page:.1f} ms | "
        f"{log_page:.1f} ms | < 16 ms |",
        f"| next sentence `]`, app CPU per key | {app_ms['sentence']:.1f} ms | | | < 16 ms |",
        f"| extend by word, app CPU per key | {app_ms['extend_word']:.1f} ms | | | < 16 ms |",
        f"| cursor down at the bottom row (scrolls every press), app CPU per key | "
        f"{app_ms['move_down']:.1f} ms | | | < 16 ms |",
        f"| peak resident memory (whole process) | {ours['peak_rss_mb']:.0f} MB | "
        f"{area['peak_rss_mb']:.0f} MB | {log['peak_rss_mb']:.0f} MB | < 300 MB |",
        "",
        f"Ratios: first paint TextArea / DocumentView = "
        f"{area['paint_wall'] / ours['paint_wall']:.1f}x, Log / DocumentView = "
        f"{log['paint_wall'] / ours['paint_wall']:.1f}x; page-down TextArea / DocumentView = "
        f"{area_page / max(app_ms['page_down'], 0.01):.1f}x.",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in machine().items()) + ".",
    ]
    markdown = "\n".join(lines)
    print(markdown)
    if write:
        write_section("tui_document", markdown, {"machine": machine(), "results": results})


if __name__ == "__main__":
    sys.exit(main())
