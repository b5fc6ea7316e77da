"""Make the screenshots in docs/ from the bundled demo:  python docs/make_screenshots.py"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

from hrd_coder.services import Project
from hrd_coder.tui.app import CoderApp

REPO = Path(__file__).resolve().parent.parent


async def coding_screen(root: Path) -> None:
    app = CoderApp(root, None, "lena")
    async with app.run_test(size=(110, 32)) as pilot:
        for _ in range(5):
            await pilot.pause()
            await app.workers.wait_for_complete()
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press(*"int02", "enter")
        for _ in range(5):
            await pilot.pause()
            await app.workers.wait_for_complete()
        await pilot.press("pagedown", "tab", "tab")
        await pilot.pause()
        app.save_screenshot("tui-coding.svg", str(REPO / "docs"))


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "demo"
        root.mkdir()
        shutil.copy(REPO / "codebook.yaml", root)
        for name in ("cases", "transcripts", "demo"):
            shutil.copytree(REPO / name, root / name)
        with Project.open(root) as project:
            project.import_files()
            project.load_codings(root / "demo" / "codings.csv", mark_done=True)
        asyncio.run(coding_screen(root))


if __name__ == "__main__":
    main()
