"""What every route of the HTTP API needs: the engine, its settings, the backends a request may choose."""
import math
from dataclasses import dataclass
from typing import Any

from ..config import BACKENDS, Settings
from ..engine import Engine
from ..errors import ConfigError
from ..models import Answer
from ..redact import secret_text
from .errors import ApiError, Scrub

__all__ = ["ApiContext", "finite", "model_name"]


def finite(value: Any) -> Any:
    """JSON-safe copy: non-finite floats become None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


def model_name(settings: Settings) -> str:
    """The model name answers of the configured backend carry."""
    if settings.backend == "extractive":
        return "extractive"
    if settings.backend == "local" and not settings.llm_base_url:
        return settings.local_model
    return settings.chat_endpoint()[1] or settings.backend


def allowed_backends(settings: Settings, backends: list[str] | None) -> list[str]:
    """The backends a request may choose (default: the configured one and ``extractive``); unknown ones refused."""
    allowed = list(dict.fromkeys(backends or [settings.backend, "extractive"]))
    for name in allowed:
        if name not in BACKENDS:
            raise ConfigError(f"Unknown backend {name!r}.", hint=f"Use one of {', '.join(sorted(BACKENDS))}.")
    return allowed


@dataclass
class ApiContext:
    """The engine and the per-app choices the routers share."""

    engine: Engine
    settings: Settings
    allowed: list[str]
    scrub: Scrub
    default_model: str
    token: str | None

    @classmethod
    def create(cls, engine: Engine, settings: Settings, backends: list[str] | None) -> "ApiContext":
        """The context of an app over ``engine`` with ``settings``."""
        return cls(engine=engine, settings=settings, allowed=allowed_backends(settings, backends),
                   scrub=settings.redactor(), default_model=model_name(settings),
                   token=secret_text(settings.api_key))

    @property
    def common(self) -> tuple[int, ...]:
        """Error statuses every /v1 and /api route may answer."""
        return (400, 401, 413, 429, 500) if self.token else (400, 413, 500)

    def pick_backend(self, requested: str | None, model: str | None = None) -> str | None:
        """The backend a request asked for (``backend``, else a ``model`` that names one), if it is allowed."""
        if requested is None and model in self.allowed:
            requested = model
        if requested is None:
            return None
        if requested not in self.allowed:
            raise ApiError(400, "backend_not_allowed", f"The backend {requested!r} is not enabled on this server.",
                           f"Use one of: {', '.join(self.allowed)}.")
        return requested

    def answer_dict(self, answer: Answer) -> dict[str, Any]:
        """The JSON body of an answer, its notice scrubbed of secrets."""
        data = finite(answer.to_dict())
        data["notice"] = self.scrub(data.get("notice"))
        return data
