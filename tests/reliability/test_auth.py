"""One authentication story for every way in, and secrets redacted everywhere they are shown.

`rag serve` (HTTP API + web app in one uvicorn app) with ``RAG_API_KEY`` set: every route of the app, the mounted
Gradio app's included, and every Gradio endpoint refuses a request without the key (401/403, no article text), while
the bearer token opens the API and a login (any user name, the key as password) opens the web app, also for
``gradio_client``. A base URL with a password or a key parameter never appears in ``rag doctor`` rows, the web app's
checks table, ``Settings.public_dict()``, a BackendError, a chat notice or an eval report.
"""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from .helpers import GUTERRES_DOC, LiveServer, copy_index, settings_for

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

KEY = "serve-key-7f3a9c"
PASSWORD = "hunter2-pw-5d1e"
QUERY_KEY = "qparam-key-8b2c"
PUBLIC = re.compile(r"^/(healthz|readyz|openapi\.json|api/docs|docs/oauth2-redirect|login/?|logout|favicon\.ico|"
                    r"robots\.txt|manifest\.json|(gradio_api/)?theme\.css|pwa_icon(/.*)?|(svelte|static|assets)/.*)?$")
"""Routes a browser may open without the key: health, the API schema, and what draws the login form."""
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


# ------------------------------------------------------------------------------------------------- the live app
@pytest.fixture(scope="module")
def served(seed_index, tmp_path_factory) -> Iterator[dict[str, Any]]:
    """`rag serve`'s app (API + web app) over a copy of the seed index, with RAG_API_KEY set."""
    from ui.app import create_server

    data_dir = tmp_path_factory.mktemp("auth-index")
    copy_index(seed_index, data_dir)
    settings = settings_for(data_dir, api_key=KEY)
    server, _, engine = create_server(settings, ingest_seeds=False, say=lambda _: None)
    app = server.config.app
    texts = [engine.article(d.doc_id)[0] for d in engine.documents()]
    with LiveServer(app, lifespan="on") as live:
        yield {"app": app, "url": live.url, "engine": engine, "live": live, "texts": texts}
    engine.close()


def article_snippets(texts: list[str]) -> list[str]:
    """A distinctive 40-character piece of the body of each indexed article."""
    return [text.strip()[len(text.strip()) // 2:][:40] for text in texts]


def all_routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, set[str]]]:
    """(path, methods) of every route, through included routers and mounted sub-apps."""
    for route in routes:
        if hasattr(route, "effective_candidates"):  # FastAPI's included router
            yield from all_routes(route.effective_candidates(), prefix)
        elif hasattr(route, "app") and hasattr(getattr(route, "app"), "routes") and not getattr(route, "methods", None):
            yield from all_routes(route.app.routes, prefix + route.path.rstrip("/"))
        elif getattr(route, "path", None) is not None:
            yield prefix + route.path, set(getattr(route, "methods", None) or {"GET"})


def concrete(path: str) -> str:
    """A request path for a route pattern ({doc_id} is a real seed article)."""
    path = path.replace("{doc_id}", GUTERRES_DOC)
    return re.sub(r"\{[^}]+\}", "x", path)


def gradio_app(app: Any) -> Any:
    from ui.auth import gradio_app_of

    return gradio_app_of(app)


def login(url: str) -> httpx.Client:
    """An httpx client logged in to the web app (any user name, the key as password)."""
    client = httpx.Client(base_url=url, trust_env=False, timeout=60)
    reply = client.post("/login", data={"username": "reader", "password": KEY})
    assert reply.status_code == 200, reply.text
    return client


# ------------------------------------------------------------------------------------- (a) every way in is closed
def test_every_route_refuses_a_request_without_the_key(served):
    routes = sorted(set((p, m) for p, ms in all_routes(served["app"].routes) for m in ms if m in METHODS))
    paths = {p for p, _ in routes}
    assert {"/api/documents", "/v1/chat/completions", "/config", "/gradio_api/queue/join", "/gradio_api/upload",
            "/gradio_api/info", "/gradio_api/cancel", "/gradio_api/heartbeat/{session_hash}"} <= paths
    snippets = article_snippets(served["texts"])
    closed = 0
    with httpx.Client(base_url=served["url"], trust_env=False, timeout=60) as http:
        for path, method in routes:
            reply = http.request(method, concrete(path), follow_redirects=False)
            where = f"{method} {path} -> {reply.status_code}"
            assert not any(s in reply.text for s in snippets), f"{where} shows article text"
            if PUBLIC.match(path):
                assert GUTERRES_DOC not in reply.text, f"{where} names an article"
                continue
            closed += 1
            assert reply.status_code in (401, 403), f"{where}: open without the key"
    assert closed >= 40
    # health stays public and says nothing about the index
    with httpx.Client(base_url=served["url"], trust_env=False) as http:
        assert http.get("/healthz").json() == {"status": "ok"}
        assert http.get("/readyz").json() == {"status": "ready"}
    assert served["engine"].article(GUTERRES_DOC) is not None


def test_every_gradio_endpoint_refuses_a_call_without_a_login(served):
    blocks = gradio_app(served["app"]).get_blocks()
    names = [fn.api_name for fn in blocks.fns.values() if isinstance(fn.api_name, str)]
    assert {"delete_doc", "upload", "reindex", "library_view", "run_evals"} <= set(names)
    documents = len(served["engine"].documents())
    with httpx.Client(base_url=served["url"], trust_env=False, timeout=60) as http:
        for index, fn in blocks.fns.items():
            join = http.post("/gradio_api/queue/join",
                             json={"data": [], "fn_index": index, "session_hash": "s1", "event_data": None})
            assert join.status_code == 401, f"queue/join of {fn.name}: {join.status_code}"
        for name in names:
            for route in (f"/gradio_api/call/{name}", f"/gradio_api/run/{name}", f"/gradio_api/api/{name}"):
                reply = http.post(route, json={"data": [GUTERRES_DOC, "", "extractive"]})
                assert reply.status_code == 401, f"{route}: {reply.status_code}"
        assert http.post("/gradio_api/upload", files={"files": ("a.txt", b"x")}).status_code == 401
        page = http.get("/")
    assert len(served["engine"].documents()) == documents
    assert page.status_code == 200 and '"auth_required": true' in page.text.replace(":true", ": true")
    assert "delete_doc" not in page.text and "named_endpoints" not in page.text


def test_the_key_opens_the_api_and_the_web_app(served):
    url = served["url"]
    with httpx.Client(base_url=url, trust_env=False, timeout=60) as http:
        assert http.get("/api/documents").status_code == 401
        listed = http.get("/api/documents", headers={"Authorization": f"Bearer {KEY}"})
        assert listed.status_code == 200 and GUTERRES_DOC in listed.text
        assert http.post("/login", data={"username": "reader", "password": "wrong"}).status_code == 400
    web = login(url)
    try:
        page = web.get("/")
        assert page.status_code == 200 and "auth_required" not in page.text and "named_endpoints" in page.text
        assert web.get("/config").status_code == 200
        info = web.get("/gradio_api/info").json()
        assert "/delete_doc" in info["named_endpoints"]
    finally:
        web.close()


# ------------------------------------------------------------------------------------------ (b) gradio_client
def client_as(url: str, auth: tuple[str, str] | None) -> Any:
    """A gradio_client Client for the web app, or None when it cannot connect."""
    from gradio_client import Client

    try:
        return Client(url, auth=auth, verbose=False, download_files=False)
    except Exception:
        return None


def test_gradio_client_needs_the_key(served):
    url = served["url"] + "/"
    engine = served["engine"]
    documents = len(engine.documents())
    for auth in (None, ("reader", "wrong")):
        client = client_as(url, auth)
        if client is not None:  # connected without the key: what can it do?
            calls = {"delete_doc": (GUTERRES_DOC, "", "extractive"), "upload": (None, "", "extractive"),
                     "library_view": ("", "extractive")}
            done = []
            for name, args in calls.items():
                try:
                    client.predict(*args, api_name=f"/{name}")
                    done.append(name)
                except Exception:
                    pass
            pytest.fail(f"gradio_client connected with auth={auth} and ran {done}; "
                        f"articles {documents} -> {len(engine.documents())}")
    assert len(engine.documents()) == documents and engine.article(GUTERRES_DOC) is not None
    client = client_as(url, ("reader", KEY))
    assert client is not None
    rows = client.predict("", "extractive", api_name="/library_view")
    assert GUTERRES_DOC in json.dumps(rows)


# -------------------------------------------------------------------------------------- (c) secrets redacted
@pytest.fixture
def leaky_settings(seed_index, tmp_path):
    """Settings whose LLM base URL (a live fake server answering 503) carries a password and a key parameter."""
    from rag.testing import FakeOpenAIServer, Reply

    with FakeOpenAIServer(responder=lambda body: Reply(status=503, error_message="overloaded")) as llm:
        base = llm.base_url.replace("http://", f"http://reader:{PASSWORD}@") + f"?api_key={QUERY_KEY}"
        data_dir = tmp_path / "index"
        copy_index(seed_index, data_dir)
        yield settings_for(data_dir, backend="openai-compatible", llm_base_url=base, llm_model="fake-model",
                           llm_max_retries=0, llm_timeout=10, rerank=False)


def assert_clean(text: str, where: str) -> None:
    assert PASSWORD not in text and QUERY_KEY not in text, f"{where} shows a secret: {text[:400]}"


def test_a_password_in_the_base_url_is_never_shown(leaky_settings, tmp_path):
    from evals import load_dataset, run_eval
    from rag import BackendError, Engine, run_checks
    from rag.llm.client import chat_client_for
    from ui.app import BackendChecks

    settings = leaky_settings
    rows = list(run_checks(settings))
    assert any(name == "backend openai-compatible" for name, _, _ in rows)
    assert_clean(json.dumps(rows), "rag doctor")
    assert_clean(BackendChecks(settings).table_html(), "the web app's checks table")
    assert_clean(json.dumps(settings.public_dict()), "public_dict()")
    assert "***@" in settings.public_dict()["llm_base_url"]

    with pytest.raises(BackendError) as failed:
        list(chat_client_for(settings).stream([{"role": "user", "content": "hi"}]))
    assert_clean(f"{failed.value} {failed.value.message} {failed.value.hint}", "a BackendError")

    engine = Engine(settings)
    try:
        answer = engine.ask("When did Luong Cuong meet Guterres?")
        assert answer.notice and "language model failed" in answer.notice
        assert_clean(answer.notice, "the chat notice")
        items = load_dataset(Path(__file__).parents[2] / "evals" / "datasets" / "seeds.jsonl")[:1]
        report = run_eval(items, engine=engine, out=tmp_path / "report", progress=False, log=lambda _: None)
    finally:
        engine.close()
    assert report["questions"][0]["notice"]
    files = sorted((tmp_path / "report").iterdir())
    assert files
    for path in files:
        if path.suffix in (".json", ".md", ".html"):
            assert_clean(path.read_text(encoding="utf-8"), f"the eval report {path.name}")


# ------------------------------------------------------------------------------ (d) guessing the key is bounded
@pytest.fixture(scope="module")
def strict(seed_index, tmp_path_factory) -> Iterator[str]:
    """`rag serve`'s app allowing 3 refused logins per address within 2 s."""
    from ui.app import create_server

    data_dir = tmp_path_factory.mktemp("strict-index")
    copy_index(seed_index, data_dir)
    settings = settings_for(data_dir, api_key=KEY, max_failed_logins=3, failed_login_window=2.0)
    server, _, engine = create_server(settings, ingest_seeds=False, say=lambda _: None)
    with LiveServer(server.config.app, lifespan="on") as live:
        yield live.url
    engine.close()


def test_refused_logins_over_the_bound_lock_out_the_api_and_the_web_app(strict):
    with httpx.Client(base_url=strict, trust_env=False, timeout=60) as http:
        for _ in range(5):  # requests without credentials guess nothing and are not counted
            assert http.get("/api/documents").status_code == 401
        wrong = {"Authorization": "Bearer not-the-key"}
        assert [http.get("/api/documents", headers=wrong).status_code for _ in range(2)] == [401, 401]
        assert http.post("/login", data={"username": "reader", "password": "wrong"}).status_code == 400
        locked = http.get("/api/documents", headers={"Authorization": f"Bearer {KEY}"})
        assert locked.status_code == 429 and locked.json()["error"]["code"] == "too_many_failed_logins"
        assert 1 <= int(locked.headers["retry-after"]) <= 2
        assert http.post("/login", data={"username": "reader", "password": KEY}).status_code == 429
        assert http.get("/healthz", headers=wrong).status_code == 200  # health stays open, whatever it is sent
        time.sleep(2.1)  # the failures leave the window
        assert http.get("/api/documents", headers={"Authorization": f"Bearer {KEY}"}).status_code == 200
    login(strict).close()


@pytest.mark.parametrize("trusted, separate", [(["127.0.0.1"], True), ([], False)])
def test_behind_a_trusted_proxy_each_forwarded_client_is_bounded_on_its_own(seed_index, tmp_path, trusted, separate):
    """The proxy (here: the test, connecting from 127.0.0.1) names each client in X-Forwarded-For: one client's
    refused keys lock that client out, not the others behind the same proxy. When the connecting address is not a
    trusted proxy, the header is ignored: a client cannot dodge the bound by naming another address."""
    from ui.app import create_server
    from ui.serve import proxy_options

    copy_index(seed_index, tmp_path)
    settings = settings_for(tmp_path, api_key=KEY, max_failed_logins=2, failed_login_window=30.0,
                            trusted_proxies=trusted)
    server, _, engine = create_server(settings, ingest_seeds=False, say=lambda _: None)
    wrong = {"Authorization": "Bearer not-the-key"}
    with LiveServer(server.config.app, lifespan="on", **proxy_options(settings)) as live, live.client() as http:
        guesser = {**wrong, "X-Forwarded-For": "203.0.113.7"}
        assert [http.get("/api/documents", headers=guesser).status_code for _ in range(3)] == [401, 401, 429]
        other = {"Authorization": f"Bearer {KEY}", "X-Forwarded-For": "198.51.100.20"}
        assert http.get("/api/documents", headers=other).status_code == (200 if separate else 429)
    engine.close()
