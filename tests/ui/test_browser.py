"""The chat in a real browser: `rag serve` in a subprocess (extractive backend, seeds indexed into a temp folder),
driven by Debian's Chromium through Playwright. Every request the pages make must stay on 127.0.0.1.

Screenshots of the main views go to tests/artifacts/screenshots/; with UPDATE_SCREENSHOTS=1 they also replace
docs/screenshots/*.png.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlparse

import httpx
import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts" / "screenshots"
DOCS_SHOTS = ROOT / "docs" / "screenshots"
QUESTION = "When did Luong Cuong meet Guterres in New York?"
LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 400, "height": 844}
BOT = "#chatbot [data-testid='bot']"
USER = "#chatbot [data-testid='user']"
SLOW_DRAFT = ("At noon on September 22, 2025, President Luong Cuong met UN Secretary-General Antonio Guterres at "
              "the United Nations Headquarters in New York [1]. The meeting was held on the moon [2].")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ----------------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def fake_llm() -> Iterator[Any]:
    """A fake OpenAI-compatible server, for the sessions that pick the openai-compatible backend."""
    from rag.testing import FakeOpenAIServer

    with FakeOpenAIServer() as server:
        yield server


@pytest.fixture(scope="module")
def app_server(tmp_path_factory, fake_llm) -> Iterator[dict[str, Any]]:
    """`rag serve` on a free port, extractive by default, its index (the seeds) in a temp folder."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's chromium (apt-get install chromium, "
                    "or `make browser`).", pytrace=False)
    tmp = tmp_path_factory.mktemp("ui-app")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env.update(HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False", ANONYMIZED_TELEMETRY="False",
               RAG_CONFIG=str(tmp / "none.toml"), RAG_FEEDBACK_FILE=str(tmp / "feedback.jsonl"),
               RAG_LLM_BASE_URL=fake_llm.base_url, RAG_LLM_MODEL="fake-model", RAG_LLM_API_KEY="test-key",
               RAG_LLM_MAX_RETRIES="0", RAG_LLM_TIMEOUT="20", PYTHONUNBUFFERED="1")
    log_path = tmp / "serve.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "rag.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--backend", "extractive", "--data-dir", str(tmp / "index")],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 180
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"rag serve exited with {proc.returncode}:\n{log_path.read_text()}", pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail(f"rag serve did not come up in time:\n{log_path.read_text()}", pytrace=False)
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        output = log_path.read_text()
        assert "indexing" in output and url in output, output  # says it indexed the seeds, prints the URL
        yield {"url": url, "tmp": tmp, "feedback": tmp / "feedback.jsonl", "log": log_path}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def browser(app_server) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update"])
        yield b
        b.close()


class Pages:
    """Opens guarded pages: every request is recorded, anything not on 127.0.0.1 is blocked and fails the test."""

    def __init__(self, browser: Any, url: str, log: Path | None = None) -> None:
        self.browser = browser
        self.url = url
        self.log = log
        self.contexts: list[Any] = []
        self.foreign: list[str] = []
        self.errors: list[str] = []

    def open(self, viewport: dict[str, int] = LAPTOP, query: str = "", **options: Any) -> Any:
        context = self.browser.new_context(viewport=viewport, **options)
        self.contexts.append(context)

        def route(r: Any) -> None:
            target = r.request.url
            if urlparse(target).hostname == "127.0.0.1":
                r.continue_()
            else:
                self.foreign.append(target)
                r.abort()

        context.route("**/*", route)
        context.on("request", lambda req: None if urlparse(req.url).hostname in ("127.0.0.1", None)
                   or req.url.startswith(("data:", "blob:")) else self.foreign.append(req.url))
        page = context.new_page()
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("dialog", lambda dialog: dialog.accept())
        page.set_default_timeout(30_000)
        page.goto(self.url + query)
        page.wait_for_selector("#question textarea")
        page.wait_for_function("() => window.__newsragCite !== undefined")
        try:  # the page's load events have restored this browser's saved settings
            page.wait_for_selector("#status [data-session-ready]", state="attached")
        except Exception as exc:
            log = Path(self.log).read_text()[-3000:] if self.log else ""
            raise AssertionError(f"the page did not finish loading: {exc}\nstatus: "
                                 f"{page.inner_html('#status')[:500]}\nserver log:\n{log}") from exc
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser, app_server) -> Iterator[Pages]:
    p = Pages(browser, app_server["url"], app_server["log"])
    yield p
    p.close()
    assert not p.foreign, f"requests left 127.0.0.1: {p.foreign}"
    assert not p.errors, f"page errors: {p.errors}"


# ----------------------------------------------------------------------------------------------- helpers
def shot(page: Any, name: str, full_page: bool = False) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=full_page)
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_SHOTS / name)


def wait_answers(page: Any, count: int, timeout: float = 60_000) -> Any:
    """Wait until the chat holds ``count`` finished answers; returns the last one."""
    page.wait_for_function(
        """n => { const b = document.querySelectorAll("#chatbot [data-testid='bot']");
                  return b.length >= n && !b[n - 1].querySelector('.pending, .draft'); }""",
        arg=count, timeout=timeout)
    return page.locator(BOT).nth(count - 1)


def ask(page: Any, question: str, *, press_enter: bool = True) -> Any:
    before = page.locator(BOT).count()
    page.fill("#question textarea", question)
    if press_enter:
        page.press("#question textarea", "Enter")
    else:
        page.click("#send-btn")
    return wait_answers(page, before + 1)


def open_tab(page: Any, name: str) -> None:
    page.click(f"#tab-{name}-button")
    page.wait_for_selector(f"#tab-{name}", state="visible")


def upload(page: Any, path: Path) -> str:
    open_tab(page, "library")
    page.set_input_files("#upload input[type=file]", str(path))
    page.wait_for_function(
        "name => { const m = document.querySelector('#upload-msg'); return m && m.innerText.includes(name) "
        "&& (m.innerText.includes('Indexed') || m.innerText.includes('Not indexed')); }", arg=path.name)
    return page.inner_text("#upload-msg")


def delete(page: Any, doc_id: str) -> None:
    open_tab(page, "library")
    page.click("#doc-pick input")
    page.keyboard.type(doc_id)
    page.keyboard.press("Enter")
    page.click("#delete-btn")  # the confirm() dialog is accepted by the page fixture
    page.wait_for_function("id => document.querySelector('#manage-msg').innerText.includes('Deleted ' + id)",
                           arg=doc_id)


def clear_chat(page: Any) -> None:
    page.click("#clear-btn")
    page.wait_for_function("() => document.querySelectorAll(\"#chatbot [data-testid='bot']\").length === 0")


def open_settings(page: Any) -> None:
    page.click("#settings button, #settings .label-wrap")
    page.locator("#retrieval-only input").wait_for(state="visible")


def type_into(field: Any, value: str) -> None:
    """Replace what ``field`` holds with ``value`` key by key (Backspace for nothing), then leave it, as a user does."""
    field.click()
    field.press("Control+A")
    if value:
        field.press_sequentially(value)
    else:
        field.press("Backspace")
    field.press("Tab")


def set_option(page: Any, elem_id: str, value: str) -> None:
    """Type ``value`` into a settings text field as a user does, then leave the field, and wait until the page has
    sent it to the server to be saved: the page's state holds it, and the next question is asked with it.
    (Playwright's ``fill`` sets the field without the key events a user's typing makes, so nothing would say when
    the page has taken the value.)"""
    from ui.settings_panel import OPTIONS  # a save sends every option in this order, then the interface language

    field = page.locator(f"#{elem_id} textarea, #{elem_id} input").first
    position, top_k = OPTIONS.index(elem_id), OPTIONS.index("top_k")

    def saves_value(response: Any) -> bool:
        body = response.request.post_data or ""
        if "/run/predict" not in response.url or '"data"' not in body:
            return False
        data = json.loads(body)["data"]
        return len(data) == len(OPTIONS) + 1 and isinstance(data[top_k], int) and data[position] == value

    with page.expect_response(saves_value) as saved:
        type_into(field, value)
    assert saved.value.ok, saved.value.status
    assert field.input_value() == value


def choose(page: Any, selector: str, option: str) -> None:
    page.click(f"{selector} input")
    page.keyboard.press("Control+A")
    page.keyboard.type(option)
    page.locator(f"ul[role='listbox'] li[aria-label='{option}'], ul.options li:text-is('{option}')").first.click()


def no_overflow(page: Any, width: int) -> None:
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= width + 1, f"the page is {scroll}px wide at a {width}px viewport"


# ----------------------------------------------------------------------------------------------- tests
def test_chat_cites_and_opens_the_highlighted_span(pages, app_server):
    page = pages.open(permissions=["clipboard-read", "clipboard-write"])
    # example questions of the seeds corpus are offered in the empty chat
    assert page.locator("#chatbot .example, #chatbot button.example").count() >= 2 or \
        "How many people" in page.inner_text("#chatbot")
    assert "5 articles" in page.inner_text("#status")

    answer = ask(page, QUESTION)
    assert "September 22" in answer.inner_text()
    assert answer.locator("a.cite").count() >= 1
    cards = page.locator("#sources .src-card")
    assert cards.count() == answer.locator("a.cite").count() or cards.count() >= 1
    assert "Sources" in page.inner_text("#sources")
    shot(page, "chat.png")

    answer.locator("a.cite").first.click()
    mark = page.locator("#viewer mark")
    mark.wait_for()
    assert "September 22" in mark.inner_text()
    page.wait_for_function("() => { const m = document.querySelector('#viewer mark'); const b = "
                           "document.querySelector('#viewer .viewer-body'); if (!m || !b) return false; "
                           "const r = m.getBoundingClientRect(), v = b.getBoundingClientRect(); "
                           "return r.bottom > v.top && r.top < v.bottom; }")  # scrolled into view
    shot(page, "viewer.png")

    # the article takes the sources' place; "back" brings the cards again, and a card opens the viewer too
    assert not page.locator("#sources .src-card").first.is_visible()
    page.click("#viewer-close")
    page.locator("#sources .src-card").last.wait_for(state="visible")
    assert page.locator("#viewer mark").count() == 0
    page.locator("#sources .src-card").last.click()
    page.locator("#viewer mark").wait_for()
    assert "[2]" in page.inner_text("#viewer .viewer-label")

    # copy answer: the plain text with its sources
    page.click("#copy-btn")
    page.wait_for_function("() => document.querySelector('#copy-btn').innerText.includes('Copied')")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert "[1]" in copied and "Sources:" in copied and "<a" not in copied

    # follow-up with history: a second answer, the first one untouched
    first = answer.inner_html()
    follow = ask(page, "What else did the two discuss?", press_enter=False)
    assert page.locator(BOT).count() == 2
    assert page.locator(BOT).first.inner_html() == first
    assert follow.locator("a.cite").count() >= 1 or "don't say" in follow.inner_text()

    # retry re-asks the last question in place
    page.click("#retry-btn")
    page.wait_for_timeout(300)
    wait_answers(page, 2)
    assert page.locator(BOT).count() == 2 and page.locator(USER).count() == 2

    # thumbs up + comment land in the feedback log with question, answer and citations
    page.locator("#chatbot button[aria-label='Like']").first.click()
    page.locator("#feedback-comment textarea").wait_for()
    page.fill("#feedback-comment textarea", "Clear and well sourced")
    page.click("#feedback-send")
    page.locator("#feedback-row").wait_for(state="hidden")
    records = [json.loads(line) for line in app_server["feedback"].read_text().splitlines()]
    assert records[0]["rating"] == "up" and records[0]["question"] == QUESTION
    assert records[0]["citations"] and "September 22" in records[0]["answer"]
    assert records[-1]["comment"] == "Clear and well sourced"

    # clear chat empties the conversation and the panel
    clear_chat(page)
    assert "Ask a question" in page.inner_text("#sources")


def test_refusal_and_retrieval_only(pages):
    page = pages.open()
    open_settings(page)
    set_option(page, "since", "last week")
    answer = ask(page, QUESTION)
    assert "Invalid date 'last week'" in answer.inner_text() and answer.locator(".chat-error").count() == 1
    set_option(page, "since", "")

    answer = ask(page, "What is the population of Peru?")
    assert answer.locator(".refusal").count() == 1 and "don't say" in answer.inner_text()
    panel = page.inner_text("#sources")
    assert "Related passages (not sources)" in panel
    page.locator("#sources .src-card").first.click()
    page.locator("#viewer mark").wait_for()
    assert "Related passage" in page.inner_text("#viewer .viewer-label")

    page.check("#retrieval-only input")
    answer = ask(page, QUESTION)
    assert "Retrieval only" in answer.inner_text() and answer.locator("a.rel").count() >= 1
    assert "Retrieved passages" in page.inner_text("#sources")
    # the choices persist in this browser (gr.BrowserState): a reload keeps retrieval-only on, and the date
    # cleared with Backspace stays cleared
    page.reload()
    page.wait_for_selector("#status [data-session-ready]", state="attached")
    open_settings(page)
    page.wait_for_function("() => { const e = document.querySelector('#retrieval-only input'); "
                           "return e !== null && e.checked; }")
    assert page.input_value("#since textarea, #since input") == ""


def test_upload_ask_delete(pages, tmp_path):
    page = pages.open()
    article = tmp_path / "zoo_elephant.txt"
    article.write_text("date 2025-11-02 HANOI – The Hanoi Zoo welcomed a baby elephant named Bao Ngoc on November 1, "
                       "2025, zoo director Tran Van Minh said.\n\nThe calf weighs 95 kilograms and is healthy, "
                       "the zoo's veterinarians said. — VNA\n", encoding="utf-8")
    bad = tmp_path / "notes.docx"
    bad.write_bytes(b"PK\x03\x04")
    message = upload(page, article)
    assert "zoo_elephant.txt: added" in message
    assert "6 articles" in page.inner_text("#status")
    assert "zoo_elephant.txt" in page.inner_text("#library-table")
    page.fill("#lib-search textarea, #lib-search input", "elephant")
    page.wait_for_function("() => !document.querySelector('#library-table').innerText.includes('000_1aff')")
    shot(page, "library.png")
    page.fill("#lib-search textarea, #lib-search input", "")

    open_tab(page, "chat")
    answer = ask(page, "What is the name of the baby elephant at the Hanoi Zoo?")
    assert "Bao Ngoc" in answer.inner_text()
    answer.locator("a.cite").first.click()
    page.locator("#viewer mark").wait_for()
    assert "zoo_elephant.txt" in page.inner_text("#viewer .viewer-doc")

    open_tab(page, "library")
    page.click("#doc-pick input")
    page.keyboard.type("zoo_elephant.txt")
    page.keyboard.press("Enter")
    page.locator("#lib-preview .viewer").wait_for()  # choosing an article previews it
    page.click("#reindex-btn")
    page.wait_for_function("() => document.querySelector('#manage-msg').innerText.includes('Re-indexed 1 article')")

    delete(page, "zoo_elephant.txt")
    assert "zoo_elephant.txt" not in page.inner_text("#library-table")
    assert "5 articles" in page.inner_text("#status")

    # refused uploads say why: not UTF-8 (our check), wrong type (Gradio's file-type filter)
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Café news from Hanoi".encode("latin-1"))
    assert "latin1.txt: not valid UTF-8" in upload(page, latin)
    page.set_input_files("#upload input[type=file]", str(bad))
    page.locator(".toast-wrap").get_by_text("Invalid file type").wait_for()
    assert "notes.docx" not in page.inner_text("#library-table")


def test_vietnamese_article_answers_a_vietnamese_question_and_highlights_its_span(pages):
    """A Vietnamese article beside the English seeds: a Vietnamese question is read against it as asked, and the
    citation opens the Vietnamese sentence it quotes."""
    page = pages.open()
    article = ROOT / "tests" / "data" / "vietnamese" / "cau_tu_lien.txt"
    assert "cau_tu_lien.txt: added" in upload(page, article)
    try:
        open_tab(page, "chat")
        answer = ask(page, "Mỗi ngày cầu Tứ Liên phục vụ bao nhiêu lượt phương tiện?")
        assert answer.inner_text().lstrip().startswith("Theo bài báo:") and "60.000" in answer.inner_text()
        answer.locator("a.cite").first.click()
        mark = page.locator("#viewer mark")
        mark.wait_for()
        assert "60.000 lượt phương tiện" in mark.inner_text()
        assert "cau_tu_lien.txt" in page.inner_text("#viewer .viewer-doc")
    finally:
        delete(page, "cau_tu_lien.txt")
    assert "5 articles" in page.inner_text("#status")


def test_script_in_an_article_is_shown_escaped_and_never_runs(pages, tmp_path):
    page = pages.open()
    article = tmp_path / "pwn_article.txt"
    article.write_text("date 2025-11-03 HANOI – The Ministry of Culture opened the Hanoi lantern festival "
                       "<script>window.__pwned=1</script> on November 2, 2025, officials said.\n\n"
                       'Organisers expect 20,000 visitors <img src=x onerror="window.__pwned=2"> over three days.'
                       "\n", encoding="utf-8")
    assert "pwn_article.txt: added" in upload(page, article)
    page.locator("#library-table").get_by_text("pwn_article.txt").first.click()
    page.locator("#lib-preview .viewer").wait_for()
    assert "<script>window.__pwned=1</script>" in page.inner_text("#lib-preview")

    open_tab(page, "chat")
    answer = ask(page, "Who opened the Hanoi lantern festival?")
    assert "<script>window.__pwned=1</script>" in page.inner_text("#sources")
    answer.locator("a.cite").first.click()
    page.locator("#viewer mark").wait_for()
    assert "<script>window.__pwned=1</script>" in page.inner_text("#viewer")
    assert page.evaluate("() => window.__pwned") is None
    for where in ("#chatbot", "#sources", "#viewer", "#lib-preview", "#library-table"):
        assert page.locator(f"{where} script, {where} img[src='x']").count() == 0, where
    delete(page, "pwn_article.txt")


def test_two_sessions_keep_their_own_history(pages):
    a = pages.open()
    b = pages.open()
    a.fill("#question textarea", QUESTION)
    a.press("#question textarea", "Enter")
    b.locator("#chatbot").get_by_text("How many people took part").click()  # an example question of the seeds
    wait_answers(a, 1)
    wait_answers(b, 1)
    assert "Luong Cuong" in a.inner_text(USER) and "Hanoi Convention" in b.inner_text(USER)
    assert "Hanoi Convention" not in a.inner_text("#chatbot") and "Luong Cuong meet" not in b.inner_text("#chatbot")
    ask(a, "Where did they meet?")
    assert a.locator(BOT).count() == 2 and b.locator(BOT).count() == 1
    assert "For: How many people" in b.inner_text("#sources")


def ask_the_slow_fake_model(pages: Any, fake_llm: Any, chunk_delay: float) -> Any:
    """A new page that asks QUESTION of the fake OpenAI-compatible model, which streams SLOW_DRAFT piece by piece."""
    from rag.testing import Reply

    page = pages.open()
    open_settings(page)
    choose(page, "#backend", "openai-compatible")
    page.wait_for_function("() => document.querySelector('#status').innerText.includes('fake-model')")
    fake_llm.push(Reply(SLOW_DRAFT, chunk_delay=chunk_delay))
    page.fill("#question textarea", QUESTION)
    page.press("#question textarea", "Enter")
    return page


def test_llm_draft_streams_then_verified_answer_replaces_it(pages, fake_llm):
    from rag.testing import Reply

    page = ask_the_slow_fake_model(pages, fake_llm, chunk_delay=0.08)
    page.locator(f"{BOT} .draft").wait_for()  # draft tokens are shown while they stream
    answer = wait_answers(page, 1)
    text = answer.inner_text()
    assert "Draft" not in text and answer.locator("a.cite").count() >= 1
    assert answer.locator(".badge-unsupported").count() == 1  # "held on the moon" is not in the articles

    # Stop: a slow draft is cut off and the chat stays usable
    clear_chat(page)
    fake_llm.push(Reply(SLOW_DRAFT * 3, chunk_delay=0.4))
    page.fill("#question textarea", QUESTION)
    page.press("#question textarea", "Enter")
    try:
        page.locator(f"{BOT} .draft").wait_for()
    except Exception:
        raise AssertionError(f"no draft: {page.inner_text('#chatbot')!r}; LLM requests: {fake_llm.requests!r}")
    with page.expect_response(lambda r: "/gradio_api/reset" in r.url):  # the cancelled run has ended
        page.click("#stop-btn")
    page.wait_for_function("() => document.querySelector(\"#chatbot [data-testid='bot']\")"
                           ".innerText.includes('Stopped')")
    # and nothing of the cancelled run replaces it afterwards: still "Stopped", the draft no longer grows
    page.wait_for_timeout(1000)
    stopped = page.locator(BOT).last.inner_text()
    page.wait_for_timeout(1200)  # three of the fake model's chunks
    assert "Stopped" in stopped and page.locator(BOT).count() == 1
    assert page.locator(BOT).last.inner_text() == stopped
    clear_chat(page)

    # an unreachable model: the answer is built extractively and the banner says so
    fake_llm.push(Reply(status=503, error_message="model is loading"))
    answer = ask(page, QUESTION)
    assert answer.locator("a.cite").count() >= 1
    assert "language model" in answer.inner_text()
    assert "language model" in page.inner_text("#status .banner")


def test_eval_tab_runs_a_short_eval(pages):
    page = pages.open()
    open_tab(page, "evals")
    type_into(page.locator("#eval-limit input"), "3")  # the page's state takes a field's value from key events
    page.click("#eval-run")
    page.locator("#eval-summary").wait_for(state="visible", timeout=150_000)
    page.locator("#eval-rows").wait_for(state="visible")
    assert "3 questions" in page.inner_text("#eval-msg")
    table = page.inner_text("#eval-rows")
    assert "q01" in table and "q03" in table and "q04" not in table
    assert "hit@5" in page.inner_text("#eval-summary")
    assert broken_words(page, "#eval-rows th .text, #eval-rows .body-cell .text, #eval-summary th .text") == []
    assert ".html" in page.inner_text("#eval-files")
    with page.expect_download() as download:
        page.locator("#eval-files a[download]").first.click()
    assert download.value.suggested_filename.startswith("report.")
    page.locator("#eval-plots img").first.wait_for()
    shot(page, "evals.png", full_page=True)


def test_phone_width(pages):
    page = pages.open(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    no_overflow(page, PHONE["width"])
    answer = ask(page, QUESTION, press_enter=False)
    no_overflow(page, PHONE["width"])
    shot(page, "phone.png")
    answer.locator("a.cite").first.click()
    page.locator("#viewer mark").wait_for()
    page.wait_for_timeout(600)  # smooth scroll
    assert page.locator("#viewer mark").is_visible()
    no_overflow(page, PHONE["width"])
    shot(page, "phone-viewer.png")


def test_dark_mode_follows_the_system(pages):
    page = pages.open(color_scheme="dark")
    ask(page, QUESTION)
    background = page.evaluate("() => getComputedStyle(document.querySelector('.gradio-container')).backgroundColor")
    channels = [int(x) for x in background[background.index("(") + 1:background.index(")")].split(",")[:3]]
    assert sum(channels) / 3 < 80, background
    shot(page, "dark.png")


# ----------------------------------------------------------------------------------------------- rough edges
WORD_SPLIT_JS = """sel => {
  // words (runs of non-space characters) of the cells that the browser broke over two lines
  const broken = [];
  for (const el of document.querySelectorAll(sel)) {
    const node = [...el.childNodes].find(n => n.nodeType === 3 && n.textContent.trim());
    if (!node || !el.getClientRects().length) continue;
    for (const m of node.textContent.matchAll(/[^\\s-]+/g)) {  // a break after a hyphen is no break
      const r = document.createRange();
      r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length);
      const tops = new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top)));
      if (tops.size > 1) broken.push(m[0]);
    }
  }
  return broken;
}"""


def broken_words(page: Any, selector: str) -> list[str]:
    return page.evaluate(WORD_SPLIT_JS, selector)


def visible_actions(page: Any) -> set[str]:
    return {name for name in ("stop", "retry", "copy", "clear") if page.locator(f"#{name}-btn").is_visible()}


def test_sources_show_first_with_progress_while_a_slow_model_writes(pages, fake_llm):
    page = ask_the_slow_fake_model(pages, fake_llm, chunk_delay=0.25)
    # the retrieved passages show, marked as being read, while the model is still writing
    page.locator("#sources .src-card").first.wait_for(state="visible")
    assert page.locator(f"{BOT} .pending, {BOT} .draft").count() == 1, page.inner_text("#chatbot")
    assert "reading…" in page.inner_text("#sources")
    page.evaluate("() => window.scrollTo(0, 0)")
    shot(page, "reading.png")
    # a progress line with the elapsed time, which keeps counting
    elapsed = page.locator(f"{BOT} .elapsed")
    first = float(elapsed.inner_text().split()[0])
    page.wait_for_function("t => { const e = document.querySelector(\"#chatbot [data-testid='bot'] .elapsed\"); "
                           "return e !== null && parseFloat(e.textContent) > t; }", arg=first)
    page.locator(f"{BOT} .draft").wait_for()
    assert "Writing…" in page.inner_text(BOT)
    # no thumbs under the unfinished draft; Stop (and Clear: there is a question) apply, Retry and Copy do not
    assert not page.locator("#chatbot button[aria-label='Like']").first.is_visible()
    assert visible_actions(page) == {"stop", "clear"}
    answer = wait_answers(page, 1)
    assert answer.locator("a.cite").count() >= 1 and "reading…" not in page.inner_text("#sources")
    page.locator("#chatbot button[aria-label='Like']").first.wait_for(state="visible")
    assert visible_actions(page) == {"retry", "copy", "clear"}


def test_question_limit_examples_and_backend_help(pages):
    page = pages.open()
    assert visible_actions(page) == set()  # nothing to stop, retry, copy or clear in an empty chat
    chip = page.locator("#chatbot button.example").first
    style = chip.evaluate("e => { const s = getComputedStyle(e); return [s.borderTopWidth, s.borderTopStyle]; }")
    assert style[0] != "0px" and style[1] != "none", style  # example questions look like buttons
    page.fill("#question textarea", "x" * 2100)
    assert len(page.input_value("#question textarea")) == 2000
    page.locator("#q-count").get_by_text("2,000 / 2,000").wait_for()
    page.fill("#question textarea", "")
    open_settings(page)
    assert "extractive" in page.inner_text("#backend")
    choose(page, "#backend", "local")
    page.wait_for_function("() => document.querySelector('#backend').innerText.includes('on this machine')")
    assert "without a language model" not in page.inner_text("#backend")


def test_library_tables_never_break_words(pages):
    page = pages.open(viewport={"width": 400, "height": 900})
    open_tab(page, "library")
    page.locator("#library-table .body-cell").first.wait_for()
    assert broken_words(page, "#library-table th .text, #library-table .body-cell .text") == []
    rows = page.inner_text("#library-table")
    assert "—" in rows  # 001_… gives no date, 004_… no source: a dash, not an empty cell
    shot(page, "phone-library.png")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_timeout(300)
    assert broken_words(page, "#library-table th .text, #library-table .body-cell .text") == []


def test_delete_keeps_the_header_and_drops_the_upload_report(pages, tmp_path):
    page = pages.open()
    article = tmp_path / "danang-bridge.txt"
    article.write_text("Da Nang opens the Tran Thi Ly bridge\n\nDA NANG, November 2 (VNA) - The city opened the "
                       "rebuilt Tran Thi Ly bridge over the Han river on Sunday.\n\nIt cost 900 billion VND.\n",
                       encoding="utf-8")
    assert "danang-bridge.txt: added" in upload(page, article)
    delete(page, "danang-bridge.txt")
    header = page.inner_text("#status")
    assert "None" not in header and "Answers: extractive" in header
    assert "danang-bridge.txt" not in page.inner_text("#upload-msg")


def test_an_uploaded_dateline_names_the_agency(pages, tmp_path):
    page = pages.open()
    article = tmp_path / "hue-festival.txt"
    article.write_text("Hue festival draws record crowds\n\nHUE, November 3 (VNA) - The autumn festival in the old "
                       "capital drew 120,000 visitors over three days, organisers said.\n", encoding="utf-8")
    upload(page, article)
    page.fill("#lib-search textarea, #lib-search input", "hue-festival")
    page.wait_for_function("() => !document.querySelector('#library-table').innerText.includes('000_1aff')")
    assert "VNA" in page.inner_text("#library-table")
    page.fill("#lib-search textarea, #lib-search input", "")
    delete(page, "hue-festival.txt")


def test_server_stops_quietly_after_a_stopped_answer(browser, tmp_path):
    from rag.testing import FakeOpenAIServer, Reply

    with FakeOpenAIServer() as llm:
        llm.push(Reply(SLOW_DRAFT * 4, chunk_delay=0.4))
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
        env.update(HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False", ANONYMIZED_TELEMETRY="False",
                   RAG_CONFIG=str(tmp_path / "none.toml"), RAG_LLM_BASE_URL=llm.base_url, RAG_LLM_MODEL="fake-model",
                   RAG_LLM_API_KEY="test-key", RAG_LLM_MAX_RETRIES="0", PYTHONUNBUFFERED="1")
        proc = subprocess.Popen(
            [sys.executable, "-m", "rag.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--backend", "openai-compatible", "--data-dir", str(tmp_path / "index")],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, text=True)
        try:
            url = f"http://127.0.0.1:{port}/"
            deadline = time.monotonic() + 180
            while proc.poll() is None and time.monotonic() < deadline:
                try:
                    if httpx.get(url, timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.3)
            pages_ = Pages(browser, url)
            page = pages_.open()
            page.fill("#question textarea", QUESTION)
            page.press("#question textarea", "Enter")
            page.locator(f"{BOT} .draft").wait_for()
            page.click("#stop-btn")
            page.wait_for_function("() => document.querySelector(\"#chatbot [data-testid='bot']\")"
                                   ".innerText.includes('Stopped')")
            started = time.monotonic()
            proc.send_signal(signal.SIGINT)
            try:
                _, err = proc.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                err = "(still running 20 s after SIGINT)"
            took = time.monotonic() - started
            pages_.close()
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    assert took < 8, f"the server took {took:.1f} s to stop"
    assert "Traceback" not in err, err[-3000:]


# ----------------------------------------------------------------------------------------------- interface language
VI_QUESTION = "Chủ tịch nước Lương Cường gặp Tổng Thư ký LHQ Guterres ở New York vào ngày nào?"
VI_ANSWER = ("Chủ tịch nước Lương Cường đã gặp Tổng Thư ký LHQ António Guterres tại trụ sở LHQ ở New York vào trưa "
             "ngày 22/9/2025 [1].")  # the date and the names of the cited passage: the cross-lingual check accepts it


def switch_language(page: Any, name: str) -> None:
    """Pick ``name`` in the header's language switch; returns once the Ask button and the tab buttons read in that
    language (Gradio's tab row redraws its buttons a moment after the update lands)."""
    from ui.strings import LANGUAGES, t

    lang = dict(LANGUAGES)[name]
    page.locator("#ui-lang").get_by_text(name, exact=True).click()
    words = {"#send-btn": t(lang, "chat.ask")}
    words.update({f"#tab-{tab}-button": t(lang, f"tab.{tab}") for tab in ("chat", "library", "evals")})
    page.wait_for_function("words => Object.entries(words).every(([s, w]) => "
                           "(document.querySelector(s)?.innerText || '').trim() === w)", arg=words)


def _text_becomes(page: Any, selector: str, test: str, text: str, timeout: float) -> bool:
    """True once the element's (trimmed) text passes the JavaScript string method ``test`` with ``text``."""
    page.wait_for_function("([s, m, t]) => (document.querySelector(s)?.innerText || '').trim()[m](t)",
                           arg=[selector, test, text], timeout=timeout)
    return True


def starts_with(page: Any, selector: str, prefix: str, timeout: float = 15_000) -> bool:
    """True once the element's text starts with prefix: Gradio shows its progress timer ('0.0s') over a component
    for a moment after an update, so the text is read once that overlay is gone."""
    return _text_becomes(page, selector, "startsWith", prefix, timeout)


def contains(page: Any, selector: str, text: str, timeout: float = 15_000) -> bool:
    """True once the element's text contains text (an update can land a moment after another one)."""
    return _text_becomes(page, selector, "includes", text, timeout)


def labels(page: Any) -> dict[str, str]:
    """The words of the page's main controls, as shown."""
    return {
        "ask": page.inner_text("#send-btn").strip(),
        "question": page.get_attribute("#question textarea", "placeholder") or "",
        "tabs": " | ".join(page.inner_text(f"#tab-{name}-button").strip() for name in ("chat", "library", "evals")),
        "settings": page.inner_text("#settings").split("\n")[0].strip(),
        "status": page.inner_text("#status"),
        "sources": page.inner_text("#sources"),
        "chat": page.inner_text("#chatbot"),
        "tagline": page.inner_text("#app-header .tagline"),
    }


def test_vietnamese_interface_asks_and_cites_the_english_span(pages, fake_llm):
    from rag.testing import Reply

    page = pages.open()
    switch_language(page, "Tiếng Việt")
    shown = labels(page)
    assert shown["question"] == "Đặt câu hỏi về các bài báo…"
    assert shown["tabs"] == "Trò chuyện | Thư viện | Đánh giá"
    assert shown["settings"] == "Cài đặt câu trả lời"
    assert "5 bài báo" in shown["status"] and "Trả lời:" in shown["status"]
    assert "Hãy đặt một câu hỏi" in shown["sources"] and "Chỉ trả lời từ các bài báo" in shown["tagline"]
    assert "Lương Cường" in shown["chat"] and "How many people" not in shown["chat"]  # Vietnamese example questions
    assert page.evaluate("() => document.documentElement.dataset.newsragLang") == "vi"

    open_settings(page)
    assert "Cơ chế trả lời" in page.inner_text("#backend") and "Ngôn ngữ trả lời" in page.inner_text("#language")
    choose(page, "#backend", "openai-compatible")
    contains(page, "#status", "fake-model", timeout=30_000)
    # the backend's help line, in Vietnamese; it comes from its own update, which can land after the status line
    assert contains(page, "#backend", "viết câu trả lời")
    fake_llm.push(Reply(VI_ANSWER))
    answer = ask(page, VI_QUESTION)
    assert "22/9/2025" in answer.inner_text() and "Lương Cường đã gặp" in answer.inner_text()
    assert answer.locator("a.cite").count() == 1 and answer.locator(".badge-unsupported").count() == 0
    assert "Nguồn (1)" in page.inner_text("#sources") and "Xem trong bài báo" in page.inner_text("#sources")
    page.evaluate("() => window.scrollTo(0, 0)")
    shot(page, "chat-vi.png")

    answer.locator("a.cite").first.click()
    mark = page.locator("#viewer mark")
    mark.wait_for()
    assert "At noon on September 22, 2025" in mark.inner_text()  # the English article's span
    assert "000_1aff578a148f58fe.txt" in page.inner_text("#viewer .viewer-doc")
    assert page.inner_text("#viewer .viewer-label") == "[1] Đoạn được trích dẫn đã được tô sáng."
    assert "Quay lại các nguồn (1)" in page.inner_text("#viewer-close")

    # a model that fails: the quoted fallback and the banner say so in Vietnamese too
    fake_llm.push(Reply(status=503, error_message="model is loading"))
    fallback = ask(page, VI_QUESTION)
    assert fallback.inner_text().lstrip().startswith("Theo bài báo:") and fallback.locator("a.cite").count() >= 1
    assert "Mô hình ngôn ngữ gặp lỗi" in page.inner_text("#status .banner")

    # the choice is remembered in this browser
    page.reload()
    page.wait_for_selector("#status [data-session-ready]", state="attached")
    page.wait_for_function("() => document.querySelector('#send-btn').innerText.trim() === 'Hỏi'")
    assert page.locator("#ui-lang input:checked").count() == 1
    assert "Tiếng Việt" in page.locator("#ui-lang label:has(input:checked)").inner_text()


def test_switching_back_to_english_restores_english_labels(pages):
    page = pages.open()
    english = labels(page)
    switch_language(page, "Tiếng Việt")
    answer = ask(page, "Việt Nam là thành viên của bao nhiêu tổ chức quốc tế?")  # extractive: English quotes
    assert answer.locator("a.cite").count() >= 1 and "Theo bài báo:" in answer.inner_text()
    assert starts_with(page, "#sources", "Nguồn (")

    switch_language(page, "English")
    shown = labels(page)
    for name in ("question", "tabs", "settings", "tagline"):
        assert shown[name] == english[name], name
    assert "5 articles" in shown["status"] and "Answers:" in shown["status"]
    assert starts_with(page, "#sources", "Sources (") and "Show in article" in page.inner_text("#sources")
    assert "Theo bài báo:" in answer.inner_text()  # the answer is the library's, in the question's language
    open_tab(page, "library")
    assert "Title" in page.inner_text("#library-table") and "Search the library" in page.inner_text("#lib-search")
    open_tab(page, "chat")
    clear_chat(page)
    assert "How many people" in page.inner_text("#chatbot")  # English example questions again
    assert page.evaluate("() => document.documentElement.dataset.newsragLang") == "en"


@pytest.mark.parametrize("how", [{"query": "?lang=vi"}, {"locale": "vi-VN"}], ids=["query", "accept-language"])
def test_a_page_starts_in_vietnamese_when_asked(pages, how):
    page = pages.open(**how)
    page.wait_for_function("() => document.querySelector('#send-btn').innerText.trim() === 'Hỏi'")
    if "locale" in how:
        page.set_viewport_size(PHONE)
        page.wait_for_timeout(300)
        no_overflow(page, PHONE["width"])  # the language switch fits a phone's header
        shot(page, "phone-vi.png")
    assert "Lương Cường" in page.inner_text("#chatbot")
    open_tab(page, "library")
    assert "Tiêu đề" in page.inner_text("#library-table") and "Tìm trong thư viện" in page.inner_text("#lib-search")
    open_tab(page, "evals")
    assert "Chạy đánh giá" in page.inner_text("#eval-run")
