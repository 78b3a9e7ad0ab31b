"""The report card page: the province's sentences and every figure by child org, one
click down the tree at a time, with the same card as Excel or PDF."""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.http import urlencode

from gonghui.core.figures import org_code_in, period_in, period_query
from gonghui.core.scoping import ancestor_paths
from gonghui.core.views import XLSX, console_view, download, download_name, page, recent_years
from gonghui.orgs.models import Org, OrgKind
from gonghui.reports import formats, maps
from gonghui.reports.card import Card, monthly, report_card


def _card(request: HttpRequest) -> tuple[Card, str | None]:
    period, problem = period_in(request)
    org_code = org_code_in(request)
    return report_card(request.user, period=period, org_code=org_code, by_child=True), problem


def _query(card: Card, org: Org | None = None) -> str:
    """The query string of this card's period for ``org`` (default the card's own)."""
    return urlencode({"org": (org or card.org).code, **period_query(card.period)})


def _trail(request: HttpRequest, card: Card) -> list[Org]:
    """The orgs from the user's own down to the card's, for the breadcrumbs."""
    scope = request.user.scope_path or ""
    paths = [p for p in ancestor_paths(card.org.path) if p.startswith(scope)]
    return list(Org.objects.filter(path__in=paths).order_by("path"))


@console_view
def card_page(request: HttpRequest) -> HttpResponse:
    card, problem = _card(request)
    sections = [
        {
            "section": section,
            "header": formats.drill_table(card, section)[0],
            "rows": [
                (
                    row,
                    _query(card, row.org),
                    [f.indicator.plain(row.values[f.indicator.id]) for f in section.figures],
                )
                for row in card.rows
            ],
            "total": [f.plain for f in section.figures],
            "distinct": any(f.indicator.distinct for f in section.figures),
        }
        for section in card.sections()
    ]
    whole = card.period.whole_years
    chart = {
        "children": [
            {
                "name": row.org.name,
                "code": row.org.code,
                "href": "?" + _query(card, row.org),
                "values": row.values,
            }
            for row in card.rows
            if not row.own
        ],
        "modules": [
            {
                "label": section.label,
                "series": [
                    {"id": f.indicator.id, "label": f.indicator.label, "money": f.indicator.money}
                    for f in section.figures
                ],
            }
            for section in card.sections()
        ],
    }
    context = {
        "chart": chart,
        "map": card.org.kind == OrgKind.PROVINCE and maps.has_map(card.org.code),
        "nav": "reports",
        "card": card,
        "problem": problem,
        "sections": sections,
        "trail": _trail(request, card),
        "query": _query(card),
        "years": recent_years(),
        "year": whole[0] if whole and whole[0] == whole[1] else None,
        "note": formats.DISTINCT_NOTE,
    }
    return page(request, "reports/card.html", context)


@console_view
def province_map(request: HttpRequest, code: str) -> JsonResponse:
    """The outlines of the province's cities, for the card of a province the user sees."""
    province = Org.objects.visible_to(request.user).filter(code=code, kind=OrgKind.PROVINCE)
    if not (province.exists() and maps.has_map(code)):
        raise Http404
    return JsonResponse(maps.province_map(code))


@console_view
def card_months(request: HttpRequest) -> JsonResponse:
    """The monthly series the page's chart fetches once it has shown the card."""
    period, _ = period_in(request)
    found = monthly(request.user, period=period, org_code=org_code_in(request))
    return JsonResponse({"months": found.months, "modules": found.modules})


def _download(card: Card, body: bytes, content_type: str, suffix: str) -> HttpResponse:
    return download(
        body, content_type, download_name(f"成绩单-{card.period}", card.org.code, suffix)
    )


@console_view
def card_xlsx(request: HttpRequest) -> HttpResponse:
    card, _ = _card(request)
    return _download(card, formats.as_workbook(card), XLSX, "xlsx")


@console_view
def card_pdf(request: HttpRequest) -> HttpResponse:
    card, _ = _card(request)
    return _download(card, formats.as_pdf(card), "application/pdf", "pdf")
