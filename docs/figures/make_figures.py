#!/usr/bin/python3
"""Screenshots of report sections for the README's Results section.

Usage: make_figures.py REPORT.html OUT.png LABEL CAPTION-PREFIX [CAPTION-PREFIX ...]

Copies the report's own style and the <figure> blocks whose caption starts with one of the prefixes (in that
order) into a page of their own, screenshots it with headless Chromium and crops the empty page below. The
figures are the report's SVG, unedited; LABEL is a line printed above them (which sweep, full or reduced).
"""
import html
import os
import re
import subprocess
import sys
import tempfile

from PIL import Image


def main() -> None:
    report, output, label, prefixes = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    text = open(report, encoding="utf-8").read()
    style = re.search(r"<style>.*?</style>", text, re.S).group(0)
    figures = re.findall(r"<figure[^>]*>.*?</figure>", text, re.S)
    chosen = []
    for prefix in prefixes:
        matches = [figure for figure in figures if re.search(r"<figcaption><b>" + re.escape(prefix), figure)]
        if not matches:
            sys.exit(f"no figure whose caption starts with {prefix!r} in {report}")
        chosen.append(matches[0])
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">' + style + "</head><body><main>"
        + f'<p class="muted">{html.escape(label)}</p>' + "\n".join(chosen) + "</main></body></html>"
    )
    with tempfile.TemporaryDirectory() as scratch:
        page_path = os.path.join(scratch, "page.html")
        with open(page_path, "w", encoding="utf-8") as handle:
            handle.write(page)
        shot = os.path.join(scratch, "shot.png")
        subprocess.run(
            [
                "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                f"--user-data-dir={os.path.join(scratch, 'profile')}", "--window-size=1200,4000",
                f"--screenshot={shot}", "file://" + page_path,
            ],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120,
        )
        image = Image.open(shot).convert("RGB")
        # <main> is white on the page's grey: its last white row in the middle column is the end of the content.
        middle = image.width // 2
        bottom = max(y for y in range(image.height) if image.getpixel((middle, y)) == (255, 255, 255))
        left = next(x for x in range(image.width) if image.getpixel((x, 5)) == (255, 255, 255))
        right = max(x for x in range(image.width) if image.getpixel((x, 5)) == (255, 255, 255))
        image.crop((left, 0, right + 1, bottom + 1)).save(output, optimize=True)


if __name__ == "__main__":
    main()
