"""The employers registered in the user's subtree, with their workplace locations."""

import io
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from gonghui.core.coords import Crs
from gonghui.core.errors import DomainError
from gonghui.core.forms import show_error
from gonghui.core.import_pages import import_page
from gonghui.core.views import client_ip, console_view, download, download_name, page
from gonghui.orgs.exporters import write_employers
from gonghui.orgs.forms import EmployerLocationForm
from gonghui.orgs.importers import COLUMNS, import_employer_locations
from gonghui.orgs.selectors import (
    PICK_LIMIT,
    PICK_NEEDS,
    employer_for,
    employers_visible_to,
    orgs_matching,
)
from gonghui.orgs.services import WRITE_EMPLOYERS, set_employer_location

_LOCATED = {"yes": True, "no": False}


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _employer_filters(request) -> dict:
    q = request.GET.get("q", "").strip()
    return {"q": q, "located": _LOCATED.get(request.GET.get("located", ""))}


@console_view
def employer_list(request):
    """Employers in the user's subtree, searchable, with or without a workplace location."""
    employers = employers_visible_to(request.user, **_employer_filters(request))
    page_obj = Paginator(employers.order_by("uscc"), 50).get_page(request.GET.get("page"))
    context = {
        "nav": "orgs",
        "page_obj": page_obj,
        "q": request.GET.get("q", "").strip(),
        "located": request.GET.get("located", ""),
    }
    return page(request, "orgs/employer_list.html", context)


@console_view
def employer_export(request):
    """The filtered list as the location import template (.xlsx); audited by the exporter."""
    buffer = io.BytesIO()
    write_employers(request.user, buffer, **_employer_filters(request))
    name = download_name("用人单位工作地点", request.user.org.code, "xlsx")
    return download(buffer.getvalue(), XLSX, name)


@console_view
def employer_location(request, pk: int):
    """Set or clear one employer's workplace location through ``set_employer_location``."""
    employer = employer_for(request.user, pk)
    _location_writer(request.user)
    if request.method != "POST":
        form = EmployerLocationForm(initial=EmployerLocationForm.initial_for(employer))
    else:
        form = EmployerLocationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                set_employer_location(
                    by=request.user,
                    employer=employer,
                    lat=data["lat"],
                    lng=data["lng"],
                    crs=Crs(data["crs"]),
                    address=data["address"],
                    client_ip=client_ip(request),
                )
            except DomainError as exc:
                show_error(form, exc)
            else:
                messages.success(request, f"已保存“{employer.name}”的工作地点")
                return redirect("orgs:employer_list")
    context = {"nav": "orgs", "form": form, "employer": employer}
    return page(request, "orgs/employer_location.html", context)


@login_required
def org_choices(request):
    """The org picker's list as the user types (htmx): radio buttons of the user's orgs that
    the text may mean (among the set the field names), named after the form field asking.
    Each set needs its own permission: the system admin's account forms pick orgs too."""
    field = request.GET.get("field", "")
    among = request.GET.get("among", "")
    if not field.isidentifier() or not request.user.can(PICK_NEEDS.get(among, "")):
        raise Http404
    q = request.GET.get(field, "").strip()
    orgs = orgs_matching(request.user, q, limit=PICK_LIMIT + 1, among=among)
    context = {"orgs": orgs[:PICK_LIMIT], "more": len(orgs) > PICK_LIMIT, "field": field, "q": q}
    return page(request, "orgs/org_choices.html", context)


def _location_writer(user) -> None:
    if not user.can(WRITE_EMPLOYERS):
        raise Http404


@console_view
def employer_locations_import(request):
    """Workplace locations from the exported list (or the template): a POST runs
    ``import_employer_locations`` on the uploaded file (all rows or none)."""
    _location_writer(request.user)
    context = {
        "nav": "orgs",
        "heading": "导入用人单位工作地点",
        "columns": COLUMNS,
        "template_url": f"{reverse('console:fill_in')}?kind=employer-locations",
        "back": (reverse("orgs:employer_list"), "用人单位"),
        "note": (
            "单位须已在您的管辖范围内登记（按统一社会信用代码查找）；坐标系为 WGS84、GCJ02 或"
            " BD09。经度、纬度、坐标系都空白的行保持原样。可先导出用人单位清单，补上经纬度后导入。"
        ),
    }
    run = partial(import_employer_locations, by=request.user)
    return import_page(request, run=run, done=reverse("orgs:employer_list"), context=context)
