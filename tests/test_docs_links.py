"""Every relative link in the project's Markdown leads to a file that exists.

Results and charts that are superseded leave docs/performance/ (they stay in git history);
a page that still links to one, or to a file that moved, fails here rather than in a reader's
browser. Links to web addresses, to an anchor of the same page and to the app's own paths
(``/help/...``) are not files and are not checked; neither is anything inside code.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parent.parent

FENCED_CODE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
INLINE_CODE = re.compile(r"`[^`\n]*`")
# [text](target "title") and ![alt](target); [name]: target for reference-style links.
INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
NOT_A_FILE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|#|/)", re.I)


def markdown_files() -> list[Path]:
    files = [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted(ROOT.glob("docs/**/*.md"))]
    return files + sorted(ROOT.glob("cases/**/*.md"))


def relative_links(path: Path) -> list[str]:
    text = INLINE_CODE.sub("", FENCED_CODE.sub("", path.read_text()))
    targets = INLINE_LINK.findall(text) + REFERENCE.findall(text)
    return [target for target in targets if not NOT_A_FILE.match(target)]


def test_every_relative_link_in_the_docs_resolves():
    broken = []
    checked = 0
    for path in markdown_files():
        for target in relative_links(path):
            checked += 1
            if not (path.parent / unquote(target.split("#")[0])).exists():
                broken.append(f"{path.relative_to(ROOT)}: {target}")
    assert broken == []
    assert checked > 20  # the pattern still finds the links


def test_the_link_check_sees_images_references_and_skips_code(tmp_path):
    page = tmp_path / "page.md"
    (tmp_path / "chart.png").write_bytes(b"")
    page.write_text(
        "![chart](chart.png) [gone](gone.md#part) [web](https://example.org) [top](#top)\n"
        "[ref]: other.md\n`[in code](code.md)`\n```\n[fenced](fenced.md)\n```\n"
    )
    assert relative_links(page) == ["chart.png", "gone.md#part", "other.md"]
