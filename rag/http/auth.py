"""The optional bearer token (``RAG_API_KEY``) of ``/v1`` and ``/api``."""
import hmac
from typing import Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .errors import ApiError

__all__ = ["key_matches", "bearer_of", "token_dependencies"]


def key_matches(given: str | None, token: str) -> bool:
    """Whether ``given`` is the API key (constant-time comparison)."""
    return bool(given) and hmac.compare_digest(given.encode(), token.encode())


def bearer_of(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer …`` header."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def token_dependencies(token: str | None) -> list[Any]:
    """Router dependencies that answer 401 unless the request carries ``token`` (none when no token is set)."""
    if not token:
        return []
    bearer = HTTPBearer(auto_error=False, description="RAG_API_KEY")

    def require_token(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
        if not credentials or not key_matches(credentials.credentials, token):
            raise ApiError(401, "unauthorized", "Missing or invalid API key.",
                           "Send the header 'Authorization: Bearer <RAG_API_KEY>'.",
                           headers={"WWW-Authenticate": "Bearer"})

    return [Depends(require_token)]
