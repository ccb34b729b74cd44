"""Serving: ``rag serve`` builds an :class:`rag.Engine`, indexes ``seeds/`` when the index is empty, mounts the web
app at ``/`` of the HTTP API app (:func:`rag.create_http_app`) and runs both in one uvicorn process.

Gradio is imported only when the app is built, so that ``rag --help`` stays fast."""
from __future__ import annotations

import os
import socket
from typing import Any

import rag

from .assets import CSS, HEAD
from .auth import LOGIN_MESSAGE, WebGuard, gradio_app_of, key_login
from .seeds import seeds_dir

__all__ = ["launch_options", "mount", "create_server", "cmd_serve", "register"]


def launch_options(settings: rag.Settings | None = None) -> dict[str, Any]:
    """theme / css / head for ``demo.launch(**...)`` or :func:`mount` (Gradio 6 takes them there)."""
    import gradio as gr

    theme = gr.themes.Soft(
        primary_hue="indigo", secondary_hue="indigo", neutral_hue="slate", radius_size="md",
        font=("ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial",
              "sans-serif"),
        font_mono=("ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"),
    )
    return {"theme": theme, "css": CSS, "head": HEAD}


def mount(app: Any, demo: Any, settings: rag.Settings, path: str = "/") -> Any:
    """Mount ``demo`` into the FastAPI ``app`` at ``path`` with this UI's theme, CSS and page script; with
    ``settings.api_key`` the web app asks for a login (the key is the password) before anything else."""
    import gradio as gr

    from rag import API_PREFIXES, secret_text

    opts = launch_options(settings)
    key = secret_text(settings.api_key)
    login = {"auth": key_login(key), "auth_message": LOGIN_MESSAGE} if key else {}
    app = gr.mount_gradio_app(
        app, demo, path=path, server_name=settings.host, server_port=settings.port, footer_links=[],
        run_history=False, show_error=True, ssr_mode=False, pwa=False, mcp_server=False,
        max_file_size=max(settings.max_upload_bytes * 4, 20_000_000), **login, **opts)
    if key:
        app.add_middleware(WebGuard, gradio_app=gradio_app_of(app), mount_path=path, open_prefixes=API_PREFIXES)
    return app


def _http_app(engine: rag.Engine, settings: rag.Settings) -> tuple[Any, bool]:
    """The HTTP API app (or a bare FastAPI app when rag has no HTTP API); second item: is it the real API."""
    try:
        create = rag.create_http_app  # type: ignore[attr-defined]
    except AttributeError:
        create = None
    if create is not None:
        return create(engine, settings), True
    from fastapi import FastAPI

    return FastAPI(title="newsrag", docs_url=None, redoc_url=None, openapi_url=None), False


def _quiet_server(uvicorn: Any) -> type:
    """A ``uvicorn.Server`` that ends open streams (the browser's Gradio queue stream, SSE answers) when it stops.

    uvicorn waits for them until its graceful timeout, then cancels each with a CancelledError traceback; closing
    their connections first lets every stream see a disconnect and end normally."""

    class QuietServer(uvicorn.Server):
        async def shutdown(self, sockets: Any = None) -> None:
            for connection in list(self.server_state.connections):
                transport = getattr(connection, "transport", None)
                if transport is not None and not transport.is_closing():
                    transport.close()
            await super().shutdown(sockets=sockets)

    return QuietServer


def proxy_options(settings: rag.Settings) -> dict[str, Any]:
    """uvicorn's options for the reverse proxies ``settings.trusted_proxies`` names (none: headers ignored)."""
    proxies = list(settings.trusted_proxies)
    return {"proxy_headers": bool(proxies), "forwarded_allow_ips": proxies or None}


def create_server(settings: rag.Settings, *, api_only: bool = False, ingest_seeds: bool = True,
                  say: Any = print) -> tuple[Any, str, rag.Engine]:
    """(uvicorn.Server, URL, engine) for ``rag serve``; indexes ``seeds/`` first when the index is empty."""
    import uvicorn

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    engine = rag.Engine(settings)
    if ingest_seeds and not engine.documents():
        seeds = seeds_dir()
        if seeds is not None:
            say(f"The index in {settings.data_dir} is empty: indexing {seeds} …")
            report = engine.ingest([seeds])
            say(f"  {report.summary()}")
        else:
            say(f"The index in {settings.data_dir} is empty; add articles in the Library tab or with `rag ingest`.")
    app, real_api = _http_app(engine, settings)
    if not real_api:
        say("note: this rag has no HTTP API (rag.create_http_app); serving the web UI only.")
    if not api_only:
        from .app import build_app

        demo = build_app(engine)
        app = mount(app, demo, settings)
    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_level="warning",
                            timeout_graceful_shutdown=3, **proxy_options(settings))
    server = _quiet_server(uvicorn)(config)
    host = settings.host if settings.host not in ("0.0.0.0", "::") else "127.0.0.1"
    url = f"http://{host}:{settings.port}/"
    return server, url, engine


def cmd_serve(args: Any) -> int:
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    settings = rag.settings_from_args(args)
    if overrides:
        settings = settings.model_copy(update=overrides)
    if not _port_free(settings.host, settings.port):
        raise rag.ConfigError(f"Port {settings.port} on {settings.host} is already in use.",
                              hint="Stop the other server or pass --port.")
    server, url, engine = create_server(settings, api_only=args.api_only)
    what = "HTTP API" if args.api_only else "Chat"
    api = "" if args.api_only else f" (HTTP API under {url}v1 and {url}api)"
    print(f"{what} on {url}{api}  — Ctrl-C to stop", flush=True)
    try:
        server.run()
    finally:
        engine.close()
    return 0


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def register(subparsers: Any) -> None:
    """Add ``rag serve`` (entry point ``rag.commands: serve``)."""
    p = subparsers.add_parser(
        "serve", help="web chat and HTTP API on http://127.0.0.1:7860",
        description="Serve the chat UI at / and the HTTP API (/v1, /api) in one process. Indexes seeds/ first "
                    "when the index is empty.")
    p.add_argument("--host", help="interface to listen on (default: settings.host, 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default: settings.port, 7860)")
    p.add_argument("--api-only", action="store_true", help="serve only the HTTP API, no web UI")
    rag.add_settings_arguments(p)
    p.set_defaults(func=cmd_serve)
