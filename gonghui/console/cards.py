"""Union cards handed out in bulk: every worker of a grassroots union with the sign-in link to
the workers' phone pages (``core.portal``), as a page and as a printable A4 PDF of cards, each
with the worker's name (as the user's role may see it), the union's name and the link's QR
code.

A link signs its holder in as the worker for ``PORTAL_LINK_TTL``, so the cards are made
only for a grassroots union in the user's subtree and are never stored by a cache.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import segno
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.template.loader import render_to_string

from gonghui.accounts.models import User
from gonghui.core.portal import portal_url
from gonghui.members.models import Worker
from gonghui.members.selectors import mask_name, workers_visible_to
from gonghui.orgs.models import Org, OrgKind
from gonghui.orgs.selectors import org_for


@dataclass(frozen=True)
class Card:
    worker_id: int
    name: str
    url: str


def union_for_cards(user: User, code: str) -> Org:
    """A grassroots union in the user's subtree, or 404 (a federation has no meeting to hand
    cards out at; outside the subtree does not exist)."""
    union = org_for(user, code)
    if union.kind != OrgKind.GRASSROOTS:
        raise Http404
    return union


def name_seen_by(user: User, worker: Worker) -> str:
    """The whole name for a role that may unmask, else ``张*青``."""
    return worker.name if user.can("unmask") else mask_name(worker.name)


def union_workers(user: User, union: Org) -> QuerySet[Worker]:
    """The union's workers, by pinyin (the order a meeting's sign-in sheet follows)."""
    return workers_visible_to(user, org_path=union.path).order_by("name_pinyin", "pk")


def cards_of(request: HttpRequest, workers: Iterable[Worker]) -> list[Card]:
    """A card per worker, each with a fresh sign-in link."""
    user = request.user
    return [Card(w.pk, name_seen_by(user, w), portal_url(request, w.pk)) for w in workers]


def cards_pdf(union: Org, cards: list[Card]) -> bytes:
    """A4 pages of cards (2 × 4 a page) in Noto Sans CJK, through WeasyPrint as the report
    card's PDF; each QR code a PNG, so a reader (and a test) can count them."""
    from weasyprint import HTML  # loads Pango; only the PDF needs it

    printed = [
        (card, segno.make(card.url, error="m").png_data_uri(scale=4, border=2)) for card in cards
    ]
    html = render_to_string("console/cards_print.html", {"union": union, "cards": printed})
    return HTML(string=html).write_pdf()
