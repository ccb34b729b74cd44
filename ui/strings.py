"""The web app's own words, in English and Vietnamese: one table per interface language, keyed by message id.

Both tables have the same ids and the same ``{placeholders}`` (a test checks it). Only what the app writes itself is
here: labels, buttons, placeholders, notices and status lines. Answers, refusals and error messages come from the
library and are shown as they are (the library answers a Vietnamese question in Vietnamese). Ids starting with
``js.`` are used by the page script (:mod:`ui.assets`). No Gradio here.
"""
from __future__ import annotations

import string
from typing import Any

__all__ = ["DEFAULT", "LANGUAGES", "TABLES", "t", "code_of", "pick_language", "placeholders", "page_texts"]

LANGUAGES = (("English", "en"), ("Tiếng Việt", "vi"))
"""The interface languages: (name in that language, code)."""
DEFAULT = "en"

EN: dict[str, str] = {
    # header and tabs
    "app.title": "News Q&A",
    "app.page_title": "News Q&A · answers with sources",
    "app.tagline": "Answers only from the indexed articles, every sentence cited. When the articles don't say, it "
                   "says so.",
    "app.language": "Interface language",
    "tab.chat": "Chat",
    "tab.library": "Library",
    "tab.evals": "Evals",
    # chat column
    "chat.placeholder": "<strong>Ask about the news in the library.</strong><br>Answers quote the articles and cite "
                        "them with [n] markers.",
    "chat.question": "Ask a question about the articles…",
    "chat.ask": "Ask",
    "chat.stop": "■ Stop",
    "chat.retry": "↻ Retry",
    "chat.copy": "Copy answer",
    "chat.clear": "Clear chat",
    "chat.empty_question": "Type a question about the articles first.",
    "chat.nothing_to_retry": "Nothing to retry yet.",
    "chat.stopped": "Stopped. Ask again or press Retry.",
    "chat.unexpected": "Unexpected error ({kind}).",
    "chat.unexpected_hint": "Try again; the server log has the details.",
    "chat.no_answer": "No answer came back.",
    "chat.try_again": "Try again.",
    "feedback.label": "Thanks! Anything to add? (optional)",
    "feedback.placeholder": "What was good or wrong about this answer?",
    "feedback.send": "Send",
    "feedback.thanks_up": "Thanks for the 👍.",
    "feedback.thanks_down": "Thanks: what was wrong? (optional)",
    "feedback.saved": "Feedback saved. Thank you!",
    "examples.about": "What do the articles say about: {topic}?",
    # progress of an answer
    "pending.search": "Searching the articles",
    "pending.search_write": "Searching the articles, then writing with the {model} model",
    "pending.search_write_cold": "Searching the articles, then writing with the {model} model (the first answer "
                                 "starts the model and can take a minute)",
    "pending.checking": "Checking the passages",
    "pending.reading": "Reading the passages with the {model} model",
    "pending.working": "Working",
    "draft.stopped": "Unchecked draft",
    "draft.writing": "Writing…{elapsed} · every sentence is checked against the articles when it is done",
    # answers
    "answer.error": "Could not answer.",
    "answer.retrieval_only": "Retrieval only: no answer was written; the {count} best passages are listed in the "
                             "Sources panel.",
    "answer.refused_related": "The indexed articles do not contain this. Related passages are shown beside the chat, "
                              "but they are not sources for an answer.",
    "answer.refused_none": "The indexed articles do not contain this, and no passage comes close.",
    "answer.unsupported": "unsupported",
    "answer.unsupported_title": "Not supported by the cited articles",
    "answer.unsupported_note": "no passage in the articles supports this sentence",
    "answer.cite_title": "Source {n}: {title}",
    "copy.sources": "Sources:",
    # sources panel and article viewer
    "sources.title": "Sources",
    "sources.empty": "Ask a question: every answer cites the articles with numbered markers. The cited passages "
                     "appear here; click a card or a marker such as {marker} to read it highlighted in its article.",
    "sources.for": "For: {question}",
    "sources.cited": "Sources ({count})",
    "sources.retrieved": "Retrieved passages",
    "sources.related": "Related passages (not sources)",
    "sources.none": "No passage came close.",
    "sources.reading": "Reading {count} passages…",
    "sources.stopped": "Retrieved passages ({count}); the answer was stopped",
    "sources.reading_mark": "reading…",
    "sources.show": "Show in article",
    "sources.open_source": "Open source {n} in the article viewer",
    "sources.open_passage": "Open passage {n} in the article viewer",
    "viewer.name": "Article viewer",
    "viewer.chunks": "{count} chunks",
    "viewer.cited": "[{n}] The cited passage is highlighted.",
    "viewer.related": "Related passage (not a source) highlighted.",
    "viewer.retrieved": "Retrieved passage highlighted.",
    "viewer.back": "← Back to the sources",
    "viewer.back_sources": "← Back to the sources ({count})",
    "viewer.back_passages": "← Back to the passages ({count})",
    "viewer.gone": "{doc_id} is no longer in the index.",
    # status line and backends
    "status.answers": "Answers:",
    "status.embedder": "Embedder:",
    "status.library": "Library:",
    "status.counts": "{articles} articles · {chunks} chunks",
    "status.extractive": "extractive (quotes the articles; no language model)",
    "status.unavailable": "The index is unavailable: {error}",
    "backend.local": "local: a small language model on this machine writes the answer; each sentence is checked "
                     "against the articles",
    "backend.openai": "openai: OpenAI's API writes the answer; each sentence is checked against the articles",
    "backend.openai-compatible": "openai-compatible: the configured server's model writes the answer; each sentence "
                                 "is checked against the articles",
    "backend.extractive": "extractive: quotes the articles without a language model",
    "backend.fallback": "The {backend} language model is unavailable ({problem}). Answers are built extractively "
                        "instead: quoted sentences from the articles, still with citations.",
    "checks.waiting": "Checking what is available…",
    # settings
    "settings.title": "Answer settings",
    "settings.backend": "Answer backend",
    "settings.top_k": "Passages used (top-k)",
    "settings.since": "Published since",
    "settings.until": "Published until",
    "settings.date_format": "YYYY[-MM[-DD]]",
    "settings.language": "Answer language",
    "settings.language_same": "Same as the question",
    "settings.retrieval_only": "Retrieval only (show passages, no answer)",
    "settings.reset": "Reset to defaults",
    "settings.recheck": "Re-check backends",
    "settings.checks": "What is available offline here (rag doctor)",
    "settings.checking": "Checking…",
    "language.English": "English",
    "language.Vietnamese": "Vietnamese",
    "language.French": "French",
    "language.German": "German",
    "language.Spanish": "Spanish",
    "language.Chinese": "Chinese",
    "language.Japanese": "Japanese",
    "language.Korean": "Korean",
    # library
    "library.search": "Search the library",
    "library.search_hint": "Filter by title, date, source or file name",
    "library.col_title": "Title",
    "library.col_date": "Date",
    "library.col_source": "Source",
    "library.col_chunks": "Chunks",
    "library.col_file": "File",
    "library.add": "### Add articles\n<span class='hint'>.txt, .md, .html or .pdf, UTF-8, up to {mb} MB each. The file "
                   "name becomes the article id; uploading a changed file replaces it.</span>",
    "library.upload": "Upload articles",
    "library.manage": "### Manage",
    "library.article": "Article",
    "library.article_hint": "or click a row of the table",
    "library.delete": "Delete",
    "library.reindex": "Re-index",
    "library.reindex_all": "Re-index all",
    "library.checking_files": "Checking files",
    "library.indexing": "Indexing",
    "library.indexing_doc": "Indexing {doc}",
    "library.indexed": "Indexed:",
    "library.not_indexed": "Not indexed:",
    "library.nothing": "Nothing to index.",
    "library.added": "{doc}: added",
    "library.replaced": "{doc}: replaced (the content changed)",
    "library.unchanged": "{doc}: already indexed, unchanged",
    "library.twice": "{doc}: uploaded twice; kept the first.",
    "library.choose_first": "Choose an article to delete first.",
    "library.delete_failed": "Could not delete {doc}: {error}",
    "library.deleted": "Deleted **{doc}**.",
    "library.was_not_indexed": "{doc} was not indexed.",
    "library.doc_not_indexed": "{doc}: not indexed",
    "library.empty": "The library is empty.",
    "library.reindexing": "Re-indexing {doc}",
    "library.done": "Done",
    "library.reindexed_one": "Re-indexed {count} article.",
    "library.reindexed_many": "Re-indexed {count} articles.",
    "library.problems": "Problems:",
    # evals
    "evals.intro": "Run the hand-checked seeds questions (or your own JSONL dataset) through the engine: retrieval "
                   "hit@k, citation precision/recall, refusals, latency.",
    "evals.dataset": "Dataset",
    "evals.seeds": "Seeds questions (evals/datasets/seeds.jsonl)",
    "evals.upload": "Upload a dataset",
    "evals.limit": "Questions (0 = all)",
    "evals.backend": "Backend",
    "evals.file": "JSONL dataset (one question per line, as evals/datasets/seeds.jsonl)",
    "evals.run": "Run eval",
    "evals.summary": "Summary",
    "evals.plots": "Plots",
    "evals.rows": "Per question",
    "evals.files": "Download the report",
    "evals.no_harness": "The eval harness is not installed ({error}).",
    "evals.no_runner": "This installation has no evals.run_eval.",
    "evals.upload_first": "Upload a JSONL dataset first (one question per line).",
    "evals.no_seeds": "evals/datasets/seeds.jsonl was not found.",
    "evals.starting": "Starting the eval",
    "evals.report": "**{count} questions** ({ok} ok, {failed} failed) · backend {backend} · {seconds} s · report in "
                    "`{out}`",
    # page script
    "js.count": "{n} / {max} characters",
    "js.count_full": "{n} / {max} characters: the limit. Shorten the question to ask it whole.",
    "js.copied": "Copied ✓",
    "js.confirm_delete": "Remove \"{doc}\" from the index?",
}

VI: dict[str, str] = {
    # header and tabs
    "app.title": "Hỏi đáp tin tức",
    "app.page_title": "Hỏi đáp tin tức · câu trả lời có nguồn",
    "app.tagline": "Chỉ trả lời từ các bài báo đã lập chỉ mục, câu nào cũng có trích dẫn. Khi các bài báo không nói "
                   "đến, ứng dụng sẽ nói rõ như vậy.",
    "app.language": "Ngôn ngữ giao diện",
    "tab.chat": "Trò chuyện",
    "tab.library": "Thư viện",
    "tab.evals": "Đánh giá",
    # chat column
    "chat.placeholder": "<strong>Hãy hỏi về tin tức trong thư viện.</strong><br>Câu trả lời trích dẫn các bài báo "
                        "bằng các dấu [n].",
    "chat.question": "Đặt câu hỏi về các bài báo…",
    "chat.ask": "Hỏi",
    "chat.stop": "■ Dừng",
    "chat.retry": "↻ Thử lại",
    "chat.copy": "Sao chép câu trả lời",
    "chat.clear": "Xóa cuộc trò chuyện",
    "chat.empty_question": "Hãy nhập một câu hỏi về các bài báo trước.",
    "chat.nothing_to_retry": "Chưa có gì để thử lại.",
    "chat.stopped": "Đã dừng. Hãy hỏi lại hoặc bấm Thử lại.",
    "chat.unexpected": "Lỗi ngoài dự kiến ({kind}).",
    "chat.unexpected_hint": "Hãy thử lại; nhật ký của máy chủ có thông tin chi tiết.",
    "chat.no_answer": "Không nhận được câu trả lời.",
    "chat.try_again": "Hãy thử lại.",
    "feedback.label": "Cảm ơn bạn! Bạn có muốn góp ý thêm không? (không bắt buộc)",
    "feedback.placeholder": "Câu trả lời này tốt ở đâu, sai ở đâu?",
    "feedback.send": "Gửi",
    "feedback.thanks_up": "Cảm ơn bạn đã bấm 👍.",
    "feedback.thanks_down": "Cảm ơn bạn: câu trả lời sai ở đâu? (không bắt buộc)",
    "feedback.saved": "Đã lưu góp ý. Cảm ơn bạn!",
    "examples.about": "Các bài báo nói gì về: {topic}?",
    # progress of an answer
    "pending.search": "Đang tìm trong các bài báo",
    "pending.search_write": "Đang tìm trong các bài báo, sau đó mô hình {model} sẽ viết câu trả lời",
    "pending.search_write_cold": "Đang tìm trong các bài báo, sau đó mô hình {model} sẽ viết câu trả lời (câu trả "
                                 "lời đầu tiên phải khởi động mô hình, có thể mất khoảng một phút)",
    "pending.checking": "Đang kiểm tra các đoạn văn",
    "pending.reading": "Mô hình {model} đang đọc các đoạn văn",
    "pending.working": "Đang xử lý",
    "draft.stopped": "Bản nháp chưa được kiểm tra",
    "draft.writing": "Đang viết…{elapsed} · viết xong, từng câu sẽ được đối chiếu với các bài báo",
    # answers
    "answer.error": "Không thể trả lời.",
    "answer.retrieval_only": "Chỉ tìm kiếm: không viết câu trả lời; {count} đoạn văn phù hợp nhất được liệt kê "
                             "trong khung Nguồn.",
    "answer.refused_related": "Các bài báo đã lập chỉ mục không có thông tin này. Các đoạn văn liên quan được hiển "
                              "thị bên cạnh khung trò chuyện, nhưng chúng không phải là nguồn của câu trả lời.",
    "answer.refused_none": "Các bài báo đã lập chỉ mục không có thông tin này, và không có đoạn văn nào gần với câu "
                           "hỏi.",
    "answer.unsupported": "không có căn cứ",
    "answer.unsupported_title": "Các bài báo được trích dẫn không xác nhận câu này",
    "answer.unsupported_note": "không có đoạn văn nào trong các bài báo xác nhận câu này",
    "answer.cite_title": "Nguồn {n}: {title}",
    "copy.sources": "Nguồn:",
    # sources panel and article viewer
    "sources.title": "Nguồn",
    "sources.empty": "Hãy đặt một câu hỏi: mỗi câu trả lời trích dẫn các bài báo bằng các dấu đánh số. Các đoạn "
                     "được trích dẫn sẽ hiện ở đây; bấm vào một thẻ hoặc một dấu như {marker} để đọc đoạn đó, được "
                     "tô sáng trong bài báo.",
    "sources.for": "Câu hỏi: {question}",
    "sources.cited": "Nguồn ({count})",
    "sources.retrieved": "Các đoạn văn tìm được",
    "sources.related": "Các đoạn văn liên quan (không phải nguồn)",
    "sources.none": "Không có đoạn văn nào gần với câu hỏi.",
    "sources.reading": "Đang đọc {count} đoạn văn…",
    "sources.stopped": "Các đoạn văn tìm được ({count}); câu trả lời đã bị dừng",
    "sources.reading_mark": "đang đọc…",
    "sources.show": "Xem trong bài báo",
    "sources.open_source": "Mở nguồn {n} trong trình xem bài báo",
    "sources.open_passage": "Mở đoạn văn {n} trong trình xem bài báo",
    "viewer.name": "Trình xem bài báo",
    "viewer.chunks": "{count} phân đoạn",
    "viewer.cited": "[{n}] Đoạn được trích dẫn đã được tô sáng.",
    "viewer.related": "Đã tô sáng đoạn văn liên quan (không phải nguồn).",
    "viewer.retrieved": "Đã tô sáng đoạn văn tìm được.",
    "viewer.back": "← Quay lại các nguồn",
    "viewer.back_sources": "← Quay lại các nguồn ({count})",
    "viewer.back_passages": "← Quay lại các đoạn văn ({count})",
    "viewer.gone": "{doc_id} không còn trong chỉ mục.",
    # status line and backends
    "status.answers": "Trả lời:",
    "status.embedder": "Mô hình nhúng:",
    "status.library": "Thư viện:",
    "status.counts": "{articles} bài báo · {chunks} phân đoạn",
    "status.extractive": "extractive (trích nguyên văn các bài báo; không dùng mô hình ngôn ngữ)",
    "status.unavailable": "Chỉ mục không dùng được: {error}",
    "backend.local": "local: một mô hình ngôn ngữ nhỏ trên máy này viết câu trả lời; từng câu được đối chiếu với "
                     "các bài báo",
    "backend.openai": "openai: API của OpenAI viết câu trả lời; từng câu được đối chiếu với các bài báo",
    "backend.openai-compatible": "openai-compatible: mô hình của máy chủ đã cấu hình viết câu trả lời; từng câu "
                                 "được đối chiếu với các bài báo",
    "backend.extractive": "extractive: trích nguyên văn các bài báo, không dùng mô hình ngôn ngữ",
    "backend.fallback": "Mô hình ngôn ngữ {backend} hiện không dùng được ({problem}). Thay vào đó, câu trả lời được "
                        "trích từ các bài báo, vẫn kèm trích dẫn.",
    "checks.waiting": "Đang kiểm tra những gì dùng được…",
    # settings
    "settings.title": "Cài đặt câu trả lời",
    "settings.backend": "Cơ chế trả lời",
    "settings.top_k": "Số đoạn văn sử dụng (top-k)",
    "settings.since": "Đăng từ ngày",
    "settings.until": "Đăng đến ngày",
    "settings.date_format": "YYYY[-MM[-DD]]",
    "settings.language": "Ngôn ngữ trả lời",
    "settings.language_same": "Như ngôn ngữ của câu hỏi",
    "settings.retrieval_only": "Chỉ tìm kiếm (hiện các đoạn văn, không trả lời)",
    "settings.reset": "Khôi phục mặc định",
    "settings.recheck": "Kiểm tra lại các cơ chế trả lời",
    "settings.checks": "Những gì dùng được ngoại tuyến ở đây (rag doctor)",
    "settings.checking": "Đang kiểm tra…",
    "language.English": "Tiếng Anh",
    "language.Vietnamese": "Tiếng Việt",
    "language.French": "Tiếng Pháp",
    "language.German": "Tiếng Đức",
    "language.Spanish": "Tiếng Tây Ban Nha",
    "language.Chinese": "Tiếng Trung",
    "language.Japanese": "Tiếng Nhật",
    "language.Korean": "Tiếng Hàn",
    # library
    "library.search": "Tìm trong thư viện",
    "library.search_hint": "Lọc theo tiêu đề, ngày, nguồn hoặc tên tệp",
    "library.col_title": "Tiêu đề",
    "library.col_date": "Ngày",
    "library.col_source": "Nguồn",
    "library.col_chunks": "Phân đoạn",
    "library.col_file": "Tệp",
    "library.add": "### Thêm bài báo\n<span class='hint'>.txt, .md, .html hoặc .pdf, UTF-8, mỗi tệp tối đa {mb} MB. "
                   "Tên tệp trở thành mã bài báo; tải lên một tệp đã sửa sẽ thay thế bài cũ.</span>",
    "library.upload": "Tải bài báo lên",
    "library.manage": "### Quản lý",
    "library.article": "Bài báo",
    "library.article_hint": "hoặc bấm vào một dòng của bảng",
    "library.delete": "Xóa",
    "library.reindex": "Lập chỉ mục lại",
    "library.reindex_all": "Lập chỉ mục lại tất cả",
    "library.checking_files": "Đang kiểm tra tệp",
    "library.indexing": "Đang lập chỉ mục",
    "library.indexing_doc": "Đang lập chỉ mục {doc}",
    "library.indexed": "Đã lập chỉ mục:",
    "library.not_indexed": "Không lập chỉ mục được:",
    "library.nothing": "Không có gì để lập chỉ mục.",
    "library.added": "{doc}: đã thêm",
    "library.replaced": "{doc}: đã thay thế (nội dung đã thay đổi)",
    "library.unchanged": "{doc}: đã có trong chỉ mục, không thay đổi",
    "library.twice": "{doc}: được tải lên hai lần; giữ bản đầu tiên.",
    "library.choose_first": "Hãy chọn một bài báo cần xóa trước.",
    "library.delete_failed": "Không thể xóa {doc}: {error}",
    "library.deleted": "Đã xóa **{doc}**.",
    "library.was_not_indexed": "{doc} chưa được lập chỉ mục.",
    "library.doc_not_indexed": "{doc}: chưa được lập chỉ mục",
    "library.empty": "Thư viện đang trống.",
    "library.reindexing": "Đang lập chỉ mục lại {doc}",
    "library.done": "Xong",
    "library.reindexed_one": "Đã lập chỉ mục lại {count} bài báo.",
    "library.reindexed_many": "Đã lập chỉ mục lại {count} bài báo.",
    "library.problems": "Vấn đề:",
    # evals
    "evals.intro": "Chạy các câu hỏi mẫu đã được kiểm tra thủ công (hoặc bộ dữ liệu JSONL của bạn) qua hệ thống: "
                   "hit@k của truy xuất, độ chính xác/độ phủ của trích dẫn, các lần từ chối trả lời, độ trễ.",
    "evals.dataset": "Bộ dữ liệu",
    "evals.seeds": "Câu hỏi mẫu (evals/datasets/seeds.jsonl)",
    "evals.upload": "Tải lên một bộ dữ liệu",
    "evals.limit": "Số câu hỏi (0 = tất cả)",
    "evals.backend": "Cơ chế trả lời",
    "evals.file": "Bộ dữ liệu JSONL (mỗi dòng một câu hỏi, như evals/datasets/seeds.jsonl)",
    "evals.run": "Chạy đánh giá",
    "evals.summary": "Tóm tắt",
    "evals.plots": "Biểu đồ",
    "evals.rows": "Từng câu hỏi",
    "evals.files": "Tải báo cáo",
    "evals.no_harness": "Chưa cài bộ công cụ đánh giá ({error}).",
    "evals.no_runner": "Bản cài đặt này không có evals.run_eval.",
    "evals.upload_first": "Hãy tải lên một bộ dữ liệu JSONL trước (mỗi dòng một câu hỏi).",
    "evals.no_seeds": "Không tìm thấy evals/datasets/seeds.jsonl.",
    "evals.starting": "Đang bắt đầu đánh giá",
    "evals.report": "**{count} câu hỏi** ({ok} thành công, {failed} lỗi) · cơ chế {backend} · {seconds} giây · báo "
                    "cáo trong `{out}`",
    # page script
    "js.count": "{n} / {max} ký tự",
    "js.count_full": "{n} / {max} ký tự: đã đến giới hạn. Hãy rút ngắn câu hỏi để hỏi trọn vẹn.",
    "js.copied": "Đã sao chép ✓",
    "js.confirm_delete": "Xóa \"{doc}\" khỏi chỉ mục?",
}

TABLES: dict[str, dict[str, str]] = {"en": EN, "vi": VI}


def code_of(choice: Any) -> str | None:
    """The interface language of ``choice`` ("vi", "vi-VN", "VI", "en_GB", …), or None when it is none of them."""
    text = str(choice or "").strip().lower().replace("_", "-")
    code = text.split("-", 1)[0]
    return code if code in TABLES else None


def t(lang: str | None, key: str, **values: Any) -> str:
    """Message ``key`` in ``lang`` (English when the language or the message is unknown), ``values`` filled in."""
    text = TABLES.get(code_of(lang) or DEFAULT, EN).get(key)
    if text is None:
        text = EN[key]
    return text.format(**values) if values else text


def placeholders(text: str) -> set[str]:
    """The ``{names}`` of a message."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _accepted(header: str) -> list[str]:
    """The languages of an Accept-Language header, most wanted first."""
    weighted = []
    for order, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if tag and q > 0:
            weighted.append((-q, order, tag))
    return [tag for _, _, tag in sorted(weighted)]


def pick_language(query: Any = None, saved: Any = None, accept_language: str | None = None) -> str:
    """The interface language a page starts in: a ``?lang=`` query parameter, else the choice saved in the browser,
    else the first supported language of its Accept-Language header, else English."""
    for choice in (query, saved, *_accepted(accept_language or "")):
        code = code_of(choice)
        if code:
            return code
    return DEFAULT


def page_texts() -> dict[str, dict[str, str]]:
    """The page script's messages (ids ``js.…``) in every language."""
    return {lang: {k: v for k, v in table.items() if k.startswith("js.")} for lang, table in TABLES.items()}
