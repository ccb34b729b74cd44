"""The interface language without a browser: the two string tables, the page's first language, the components that
follow the switch, what the app renders in Vietnamese, and the Vietnamese example questions over the seeds."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag import Answer, Citation, Passage, SentenceSupport
from ui import render as R
from ui.strings import EN, TABLES, VI, page_texts, pick_language, placeholders, t

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _answer(**kw) -> Answer:
    cite = Citation(number=1, doc_id="a.txt", title="UN chief visits", date="2025-10-25", source_url=None,
                    agency="VNA", chunk_id="a.txt#0", start=0, end=10, quote="Guterres met To Lam.")
    base = dict(question="Tổng Bí thư Tô Lâm đã gặp ai?", text="Ông Tô Lâm đã gặp ông Guterres [1].", citations=[cite],
                sentences=[SentenceSupport("Ông Tô Lâm đã gặp ông Guterres", [1], 0.9, True)])
    return Answer(**{**base, **kw})


# ----------------------------------------------------------------------------------------------- the tables
def test_both_tables_have_the_same_messages_and_placeholders():
    assert set(EN) == set(VI)
    differing = {key: (placeholders(EN[key]), placeholders(VI[key])) for key in EN
                 if placeholders(EN[key]) != placeholders(VI[key])}
    assert differing == {}


def test_every_message_is_written_in_both_languages():
    same = {key for key in EN if EN[key] == VI[key]}
    # names, formats and paths read the same in both languages
    assert same <= {"settings.date_format"}, same
    assert all(text.strip() for table in TABLES.values() for text in table.values())


def test_messages_are_filled_in_and_fall_back_to_english():
    assert t("vi", "sources.cited", count=3) == "Nguồn (3)"
    assert t("en", "sources.cited", count=3) == "Sources (3)"
    assert t("vi-VN", "chat.ask") == "Hỏi"
    assert t("fr", "chat.ask") == t(None, "chat.ask") == "Ask"  # a language without a table is English
    with pytest.raises(KeyError):
        t("vi", "no.such.message")


@pytest.mark.parametrize("query, saved, accept, expected", [
    ("vi", "en", "en-US,en;q=0.9", "vi"),         # ?lang= wins
    (None, "vi", "en-US,en;q=0.9", "vi"),         # then the choice saved in the browser
    ("de", "en", "vi-VN,vi;q=0.9", "en"),         # an unknown ?lang= is skipped
    (None, "", "vi-VN,vi;q=0.9,en;q=0.8", "vi"),  # then the browser's languages
    (None, None, "fr-FR,en;q=0.5,vi;q=0.8", "vi"),  # by their weight
    (None, None, "fr-FR,de;q=0.9", "en"),         # none supported: English
    (None, None, "vi;q=0", "en"),                 # q=0 means "not this one"
    (None, None, None, "en"),
])
def test_the_first_language_of_a_page(query, saved, accept, expected):
    assert pick_language(query, saved, accept) == expected


def test_the_page_script_gets_its_messages_in_both_languages():
    from ui.assets import HEAD

    texts = page_texts()
    assert set(texts) == {"en", "vi"} and set(texts["vi"]) == {k for k in VI if k.startswith("js.")}
    assert json.dumps(texts, ensure_ascii=False) in HEAD
    assert "__NEWSRAG_TEXTS__" not in HEAD


# ----------------------------------------------------------------------------------------------- rendering
def test_answer_sources_and_status_render_in_vietnamese():
    answer = _answer()
    html = R.render_answer(answer, 0, "vi")
    assert "Ông Tô Lâm đã gặp ông Guterres" in html and 'title="Nguồn 1: UN chief visits"' in html
    panel = R.render_sources(answer, 0, "vi")
    assert "Nguồn (1)" in panel and "Xem trong bài báo" in panel and "Câu hỏi: Tổng Bí thư" in panel
    assert "Sources (1)" in R.render_sources(answer, 0) and "Show in article" in R.render_sources(answer, 0)
    assert R.plain_answer(answer, "vi").splitlines()[2] == "Nguồn:"
    status = R.render_status({"articles": 5, "chunks": 82, "embedder": "bge-small"}, "extractive", "", "vi")
    assert "5 bài báo · 82 phân đoạn" in status and "Trả lời:" in status
    assert "Hãy đặt một câu hỏi" in R.sources_placeholder("vi") and R.sources_placeholder() == R.SOURCES_PLACEHOLDER


@pytest.mark.parametrize("mark", ["*(không có căn cứ)*", "*(unsupported)*"])  # a Vietnamese answer, an English one
def test_unsupported_sentences_and_refusals_are_labelled_in_vietnamese(mark):
    answer = _answer(text=f"Ông Tô Lâm đã gặp ông Guterres [1]. Hai bên ký hiệp định 500 tỷ đô la {mark}",
                     sentences=[SentenceSupport("Hai bên ký hiệp định 500 tỷ đô la", [], 0.1, False)])
    html = R.render_answer(answer, 0, "vi")
    assert ">không có căn cứ</span>" in html and "không có đoạn văn nào trong các bài báo xác nhận câu này" in html
    assert "&#42;" not in html and "(unsupported)" not in html  # the mark becomes the badge, not text beside it
    related = Passage(chunk_id="a#0", doc_id="a.txt", text="Some text", start=0, end=9, title="A", date=None,
                      source_url=None, agency=None)
    refusal = Answer(question="q", text="Các bài báo không đề cập.", refused=True, related=[related])
    assert "Các đoạn văn liên quan được hiển thị" in R.render_answer(refusal, 0, "vi")
    assert "Các đoạn văn liên quan (không phải nguồn)" in R.render_sources(refusal, 0, "vi")
    reading = R.render_reading([related], "q", lang="vi")
    assert "Đang đọc 1 đoạn văn…" in reading and "đang đọc…" in reading


def test_switching_renders_the_chat_again_in_the_new_language():
    from ui.chat import in_language, mark_stopped

    data = _answer().to_dict()
    turns = [{"q": data["question"], "status": "done", "html": R.render_answer(data, 0), "answer": data},
             {"q": "Còn gì nữa?", "status": "draft", "html": "…", "answer": None, "draft": "Hai bên",
              "reading": []}]
    turns = mark_stopped(turns)
    assert "Stopped." in turns[1]["html"]
    again, panel = in_language(turns, "vi")
    assert 'title="Nguồn 1: UN chief visits"' in again[0]["html"] and "Ông Tô Lâm đã gặp" in again[0]["html"]
    assert "Đã dừng." in again[1]["html"] and "Bản nháp chưa được kiểm tra" in again[1]["html"]
    assert "Hai bên" in again[1]["html"]
    assert "Không có đoạn văn nào gần với câu hỏi." in panel  # the stopped turn had read no passage
    assert turns[0]["html"] == R.render_answer(data, 0)  # the session's turns are not changed in place
    empty, placeholder = in_language([], "en")
    assert empty == [] and placeholder == R.SOURCES_PLACEHOLDER


# ----------------------------------------------------------------------------------------------- the switch
def test_translated_components_give_their_words_in_each_language():
    import gradio as gr

    from ui.language import T, Translated, with_values

    tr = Translated()
    with gr.Blocks():
        button = tr(gr.Button, value=T("chat.ask"), elem_id="send-btn")
        box = tr(gr.Textbox, label=T("library.search"), placeholder=T("library.search_hint"))
        radio = tr(gr.Radio, choices=T(lambda lang: [(t(lang, "evals.seeds"), "seeds")]), value="seeds")
    assert button.value == "Ask" and box.label == "Search the library"  # built in English
    words = tr.updates("vi", {box: {"visible": False}})
    assert words[button]["value"] == "Hỏi"
    assert words[box]["label"] == "Tìm trong thư viện" and words[box]["visible"] is False
    assert words[radio]["choices"] == [("Câu hỏi mẫu (evals/datasets/seeds.jsonl)", "seeds")]
    assert tr.updates("en")[box]["placeholder"] == "Filter by title, date, source or file name"
    merged = with_values(words, {box: "Hà Nội", button: gr.update(variant="stop"), radio: gr.skip()})
    assert merged[box]["value"] == "Hà Nội" and merged[box]["label"] == "Tìm trong thư viện"
    assert merged[button]["variant"] == "stop" and merged[button]["value"] == "Hỏi"
    assert merged[radio]["choices"] == words[radio]["choices"]


# ----------------------------------------------------------------------------------------------- examples
@pytest.fixture(scope="module")
def seeds_engine(tmp_path_factory):
    from rag import Engine, Settings

    engine = Engine(Settings.load(data_dir=tmp_path_factory.mktemp("seeds"), backend="extractive",
                                  embedder="bge-small", rerank=True))
    engine.ingest([SEEDS])
    yield engine
    engine.close()


def test_vietnamese_example_questions_are_answered_from_their_articles(seeds_engine):
    from ui.seeds import SEEDS_EXAMPLES_VI, example_questions

    english = example_questions(seeds_engine)
    vietnamese = example_questions(seeds_engine, lang="vi")
    assert len(english) == len(vietnamese) == 4 and english[0].startswith("How many people")
    sources = dict((question, doc_id) for doc_id, question in SEEDS_EXAMPLES_VI)
    for question in vietnamese:
        answer = seeds_engine.ask(question)
        assert not answer.refused, (question, answer.text)
        assert answer.text.startswith("Theo bài báo:")  # the engine's Vietnamese lead-in before English quotes
        assert sources[question] in {c.doc_id for c in answer.citations}, (question, answer.citations)


def test_examples_from_titles_follow_the_interface_language(tmp_path):
    from rag import Engine, Settings
    from ui.seeds import example_questions

    engine = Engine(Settings.load(data_dir=tmp_path, backend="extractive", embedder="bge-small"))
    try:
        engine.ingest(texts=[("zoo.txt", "Hanoi Zoo welcomes a baby elephant\n\nThe calf weighs 95 kilograms.")])
        assert example_questions(engine, lang="vi") == ["Các bài báo nói gì về: Hanoi Zoo welcomes a baby elephant?"]
        assert example_questions(engine) == ["What do the articles say about: Hanoi Zoo welcomes a baby elephant?"]
    finally:
        engine.close()
