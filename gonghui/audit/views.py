"""The audit log in the console: read-only, for roles with ``view_audit``."""

from django import forms
from django.core.paginator import Paginator
from django.http import Http404

from gonghui.audit.selectors import audit_events_visible_to
from gonghui.core.views import console_view, page

ACTION_LABELS = {
    "create": "新增",
    "update": "修改",
    "unmask": "查看完整身份证号",
    "import": "导入",
    "export": "导出",
    "issue_token": "签发API令牌",
}


class EventFilterForm(forms.Form):
    action = forms.ChoiceField(
        label="操作", required=False, choices=[("", "全部操作"), *ACTION_LABELS.items()]
    )


@console_view
def event_list(request):
    # Without the verb the page does not exist for this user (as outside the subtree).
    if not request.user.can("view_audit"):
        raise Http404
    form = EventFilterForm(request.GET)
    action = form.cleaned_data["action"] if form.is_valid() else ""
    events = audit_events_visible_to(request.user, action=action or None)
    page_obj = Paginator(events, 50).get_page(request.GET.get("page"))
    for event in page_obj:
        event.action_label = ACTION_LABELS.get(event.action, event.action)
    return page(
        request, "audit/event_list.html", {"nav": "audit", "form": form, "page_obj": page_obj}
    )
