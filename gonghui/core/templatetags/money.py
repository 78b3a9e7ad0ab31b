"""``{{ amount_fen|yuan }}``: templates print stored fen as 元 through the same function the
views and messages use, so no page shows a raw fen figure."""

from django import template

from gonghui.core.money import yuan_text

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    return "" if fen is None else yuan_text(fen)
