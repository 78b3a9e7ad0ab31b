"""The one scope cut: every model's ``visible_to(user)`` starts here.

Rows carry (or reach) an org path; a user sees the rows whose path starts
with their org's path, and nothing when they have no scope (anonymous, no
org, or a role that may not browse).
"""

from django.db import models


class ScopedQuerySet(models.QuerySet):
    """``visible_to``: rows whose ``scope_field`` path lies in the user's subtree."""

    scope_field = "org_path"

    def visible_to(self, user):
        path = getattr(user, "scope_path", None)
        if not path:
            return self.none()
        return self.filter(**{f"{self.scope_field}__startswith": path})
