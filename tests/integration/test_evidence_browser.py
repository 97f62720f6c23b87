"""The evidence report's page in headless Chromium (Debian's chromium, which `make test` installs),
with the network blocked: the charts are drawn (plotly's SVG, a point per test), the table holds
every test, and a screenshot is not blank. The page is built from a history of drills like
`make drill`'s (tests/tools/evidence_screenshot.py, which also makes the README's picture)."""

from __future__ import annotations

import re
import struct
import subprocess
import zlib
from pathlib import Path

from tests.tools.evidence_screenshot import CHROMIUM
from tests.tools.evidence_screenshot import chromium_command
from tests.tools.evidence_screenshot import write_sample_report


def png_pixels(path: Path) -> tuple[int, int, bytes]:
    """(width, height, the decoded scanlines) of an 8-bit RGB/RGBA PNG, as Chromium writes them."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat, header = 8, b"", None
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind, body = data[position + 4:position + 8], data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    width, height, depth, colour = header[:4]
    assert depth == 8 and colour in (2, 6)
    return width, height, zlib.decompress(idat)


def test_the_report_renders_charts_and_table_offline(tmp_path):
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: `make test` installs Debian's chromium (apt-get install chromium)"
    page, tests = write_sample_report(tmp_path / "evidence")
    # The page loads nothing from elsewhere (plotly.js, inline, holds links of its own, such as
    # its logo's, which the page's charts do not show).
    text = page.read_text()
    library = re.search(r"<script[^>]*>.*?</script>", text, re.S)
    assert library and "plotly.js" in library.group(0)[:3000]
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text[:library.start()] + text[library.end():])

    dom = subprocess.run(chromium_command(tmp_path / "profile-dom", "--dump-dom", page.as_uri()),
                         capture_output=True, text=True, timeout=120, check=True).stdout  # fmt: skip
    # plotly drew both charts as SVG (a main-svg pair per chart), with a marker per measured test
    # on each, and their legends.
    charts = [dom.split(f'id="chart-{i}"', 1)[1].split('<div class="chart">', 1)[0] for i in range(2)]
    assert all('<svg class="main-svg"' in chart for chart in charts)
    markers = len(re.findall(r'<path class="point"', dom))
    measured = sum(t[m] is not None for t in tests for m in ("recovery_time_seconds", "recovery_point_age_seconds"))
    assert markers == measured and measured > len(tests), (markers, measured)
    assert dom.count('class="legend"') == 2
    table = dom.split('<table id="tests">', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr") == len(tests) + 1

    shot = tmp_path / "page.png"
    subprocess.run(chromium_command(tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1280,1400", page.as_uri()),
                   capture_output=True, timeout=120, check=True)  # fmt: skip
    width, height, pixels = png_pixels(shot)
    assert (width, height) == (1280, 1400)
    # Not blank: a page of text and two charts has many colours; a blank one has one.
    assert len(set(pixels[i:i + 3] for i in range(0, len(pixels), 997))) > 20
