"""The user guide: docs/guide/*.md served as pages, each page's "Help" link leads here.

The guides are short Markdown files kept in the repository (so they read well on the code host
too), with screenshots that the browser tests take (tests/browser/test_guide.py). Only the
Markdown this guide uses is understood: headings, paragraphs, lists, images, links, bold and
code. Everything is escaped before the few marks are turned into HTML.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from cases.roles import ADVOCATE, AUDITOR, CHIEF, COORDINATOR, DETECTIVE

GUIDE_DIR = Path(settings.BASE_DIR) / "docs" / "guide"

# slug -> (title, the role group whose members it is for; None: for everyone)
GUIDES: dict[str, tuple[str, str | None]] = {
    "signing-in": ("Signing in", None),
    "advocate": ("Victim advocates", ADVOCATE),
    "coordinator": ("The U-visa coordinator", COORDINATOR),
    "detective": ("Detectives", DETECTIVE),
    "chief": ("The Chief (certifying official)", CHIEF),
    "auditor": ("Auditors", AUDITOR),
    "records": ("Records officer: federal requests", "records_officer"),
}
PUBLIC = {"signing-in"}  # readable before signing in

_IMAGE = re.compile(r"!\[([^\]]*)\]\((img/[\w.-]+\.png)\)")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")


def _link_target(target: str) -> str:
    name = target.split("#")[0]
    if name.endswith(".md") and name[:-3] in GUIDES:
        return reverse("help_page", args=[name[:-3]])
    if name in ("README.md", "index.md"):
        return reverse("help")
    if target.startswith(("http://", "https://", "/", "#")):
        return target
    return "#"


def _inline(text: str) -> str:
    html = escape(text)
    html = _IMAGE.sub(
        lambda m: (
            f'<img src="{reverse("help_image", args=[m.group(2)[4:]])}" alt="{m.group(1)}" '
            'loading="lazy">'
        ),
        html,
    )
    html = _LINK.sub(lambda m: f'<a href="{_link_target(m.group(2))}">{m.group(1)}</a>', html)
    html = _BOLD.sub(r"<strong>\1</strong>", html)
    return _CODE.sub(r"<code>\1</code>", html)


def markdown_to_html(text: str) -> tuple[str, SafeString]:
    """The title (first "# " line) and the body as HTML."""
    title, out, para, items, kind = "", [], [], [], ""

    def flush() -> None:
        nonlocal para, items, kind
        if para:
            out.append(f"<p>{_inline(' '.join(para))}</p>")
            para = []
        if items:
            out.append(f'<{kind} class="usa-list">' + "".join(items) + f"</{kind}>")
            items, kind = [], ""

    for raw in text.splitlines():
        line = raw.rstrip()
        heading = re.match(r"^(#{1,3}) (.+)$", line)
        bullet = re.match(r"^(?:[-*]|(\d+)\.) (.+)$", line)
        if heading:
            flush()
            level, words = len(heading.group(1)), heading.group(2)
            if level == 1 and not title:
                title = words
                continue
            slug = re.sub(r"[^a-z0-9]+", "-", words.lower()).strip("-")
            out.append(f'<h{level} id="{slug}">{_inline(words)}</h{level}>')
        elif bullet:
            wanted = "ol" if bullet.group(1) else "ul"
            if para or (items and kind != wanted):
                flush()
            kind = wanted
            items.append(f"<li>{_inline(bullet.group(2))}</li>")
        elif not line.strip():
            flush()
        elif items and raw.startswith("  "):
            items[-1] = items[-1][:-5] + " " + _inline(line.strip()) + "</li>"
        else:
            if items:
                flush()
            para.append(line.strip())
    flush()
    return title, mark_safe("\n".join(out))  # noqa: S308  # nosec B308 B703: escaped above


def _verified(user: object) -> bool:
    """Signed in and past the second factor (django-otp's middleware adds is_verified)."""
    check = getattr(user, "is_verified", None)
    return bool(getattr(user, "is_authenticated", False) and check is not None and check())


def guides_for(user: object) -> list[str]:
    """The guides of the user's roles (group names), most specific first."""
    if not getattr(user, "is_authenticated", False):
        return []
    groups = set(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
    return [slug for slug, (_t, role) in GUIDES.items() if role in groups]


@login_not_required
@require_GET
def help_index(request: HttpRequest) -> HttpResponse:
    signed_in = _verified(request.user)
    mine = guides_for(request.user) if signed_in else []
    guides = [
        {"slug": slug, "title": title, "mine": slug in mine}
        for slug, (title, _role) in GUIDES.items()
        if signed_in or slug in PUBLIC
    ]
    return render(request, "help/index.html", {"guides": guides, "signed_in": signed_in})


@login_not_required
@require_GET
def help_page(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in GUIDES:
        raise Http404("No such guide.")
    signed_in = _verified(request.user)
    if slug not in PUBLIC and not signed_in:
        raise Http404("Sign in to read this guide.")
    title, body = markdown_to_html((GUIDE_DIR / f"{slug}.md").read_text(encoding="utf-8"))
    return render(request, "help/page.html", {"title": title, "body": body, "slug": slug})


@login_not_required
@require_GET
def help_image(request: HttpRequest, name: str) -> FileResponse:
    """A screenshot of the demo data (no real victim data is ever in the guide)."""
    if not re.fullmatch(r"[\w-]+\.png", name):
        raise Http404("No such image.")
    path = GUIDE_DIR / "img" / name
    if not path.is_file():
        raise Http404("No such image.")
    return FileResponse(path.open("rb"), content_type="image/png")
