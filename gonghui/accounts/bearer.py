"""Bearer-token authentication of /api/ calls."""

from django.http import HttpRequest
from ninja.security import HttpBearer

from gonghui.accounts.selectors import user_for_api_token


class TokenAuth(HttpBearer):
    """The account of the token, read before the view runs; 401 when there is none."""

    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_api_token(token)
        if user is not None:
            request.user = user
        return user


class TokenReadByView(HttpBearer):
    """Hands the token to the view unread, for a route whose first statement reads the
    token's account together with everything else it needs (a check-in): one round trip
    instead of two on the API's busiest call. The view must raise ``AuthenticationError``
    (401, as ``TokenAuth``) when that statement finds no active account."""

    def authenticate(self, request: HttpRequest, token: str):
        return token or None
