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
    "revoke_token": "撤销API令牌",
    "id_search": "按身份证号查找",
    "view_document": "查看申请材料",
    "view_health": "查看诊断信息",
    "change_staff": "修改账号角色或组织",
    "deactivate_staff": "停用账号",
    "reactivate_staff": "启用账号",
    "reset_second_factor": "重置动态验证码",
    "enrol_second_factor": "启用动态验证码",
    "change_password": "修改密码",
    "change_budget": "修改预算",
    "approve": "批准",
    "pay": "给付",
    "recover": "登记追回",
    "transfer": "移交",
    "keys_rotate": "轮换字段密钥",
    "audit_purge": "清理过期审计日志",
}
# The same verb on another kind of record reads otherwise in the log.
LABELS_BY_OBJECT = {
    ("unmask", "wage_case"): "查看涉案职工姓名电话",
    ("unmask", "import_upload"): "下载出错的行（含完整身份证号）",
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
        event.action_label = LABELS_BY_OBJECT.get(
            (event.action, event.object_type), ACTION_LABELS.get(event.action, event.action)
        )
    return page(
        request, "audit/event_list.html", {"nav": "audit", "form": form, "page_obj": page_obj}
    )
