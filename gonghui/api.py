"""The /api/ root: token auth, domain errors as 4xx, one router per app."""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import HttpBearer

from gonghui.accounts.models import ApiToken
from gonghui.core.errors import DomainError


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        found = (
            ApiToken.objects.select_related("user__org")
            .filter(key_hash=ApiToken.hash_key(token), user__is_active=True)
            .first()
        )
        if found is None:
            return None
        request.user = found.user
        return found.user


api = NinjaAPI(title="gonghui API", version="1", auth=TokenAuth(), urls_namespace="api")


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError):
    return api.create_response(
        request, {"code": exc.code, "message": exc.message, "field": exc.field}, status=exc.status
    )
