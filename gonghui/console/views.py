from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from gonghui.console.todo import todos, year_figures
from gonghui.core.views import page


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where a login lands: staff see what waits for them; a point's clerk the check-in page."""
    user = request.user
    if not user.can("browse"):
        return redirect("programs:checkin")
    context = {"nav": "home", "todos": todos(user), "figures": year_figures(user)}
    return page(request, "console/home.html", context)
