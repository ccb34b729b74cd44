"""The interface language: the English / Tiếng Việt switch in the header, the components whose words follow it, the
choice remembered in the browser, and the page's first language (``?lang=``, the saved choice, Accept-Language).

A component built through :class:`Translated` names the properties that come from :mod:`ui.strings` (``T("id")``);
switching the language sends each of them again in the new language (``gr.update``). What the screens render
themselves (answers' chrome, the sources panel, status line, messages) takes the language as an input of their
events.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

import gradio as gr

from .strings import DEFAULT, LANGUAGES, code_of, pick_language, t

__all__ = ["T", "Translated", "HeaderView", "header", "header_html", "language_of", "first_language", "with_values",
           "SET_PAGE_LANGUAGE_JS"]

SET_PAGE_LANGUAGE_JS = "(lang) => { document.documentElement.dataset.newsragLang = lang; return []; }"
"""Tells the page script (question counter, Copy, delete confirmation) which language to write in."""


class T:
    """A property in the interface language: a message id (with its values), or a function of the language."""

    def __init__(self, key: str | Callable[[str], Any], **values: Any) -> None:
        self.key = key
        self.values = values

    def __call__(self, lang: str) -> Any:
        return self.key(lang) if callable(self.key) else t(lang, self.key, **self.values)


class Translated:
    """The components whose properties follow the interface language.

    ``tr(gr.Button, value=T("chat.ask"), elem_id="send")`` builds the button in the build language and remembers
    that its ``value`` is the message "chat.ask"; :meth:`updates` gives every such component's update for a language.
    """

    def __init__(self, lang: str = DEFAULT) -> None:
        self.lang = lang
        self._items: list[tuple[Any, dict[str, T]]] = []

    def __call__(self, make: Callable[..., Any], **kwargs: Any) -> Any:
        texts = {name: value for name, value in kwargs.items() if isinstance(value, T)}
        component = make(**{name: (value(self.lang) if isinstance(value, T) else value)
                            for name, value in kwargs.items()})
        self._items.append((component, texts))
        return component

    @property
    def components(self) -> list[Any]:
        return [component for component, _ in self._items]

    def updates(self, lang: str, extra: Mapping[Any, Mapping[str, Any]] | None = None) -> dict[Any, Any]:
        """{component: update} of every translated component in ``lang``; ``extra`` adds properties to some."""
        extra = extra or {}
        out = {}
        for component, texts in self._items:
            props = {name: text(lang) for name, text in texts.items()}
            props.update(extra.get(component, {}))
            out[component] = gr.update(**props)
        return out


def header_html(lang: str) -> str:
    return (f'<div id="app-header"><h1>{t(lang, "app.title").replace("&", "&amp;")}</h1>'
            f'<span class="tagline">{t(lang, "app.tagline")}</span></div>')


@dataclass
class HeaderView:
    header: Any
    ui_lang: Any


def header(tr: Translated) -> HeaderView:
    """The title, the tagline and the language switch."""
    with gr.Row(elem_id="app-top", equal_height=True):
        head = tr(gr.HTML, value=T(header_html), js_on_load=None, elem_id="header", scale=1, min_width=240)
        ui_lang = tr(gr.Radio, choices=[(name, code) for name, code in LANGUAGES], value=DEFAULT,
                     label=T("app.language"), show_label=False, container=False, elem_id="ui-lang", scale=0,
                     min_width=190)
    return HeaderView(header=head, ui_lang=ui_lang)


def language_of(value: Any) -> str:
    """The interface language of a switch value (English when it is none)."""
    return code_of(value) or DEFAULT


def first_language(saved: Any, request: gr.Request | None) -> str:
    """The language a page starts in: ``?lang=`` of its address, else the saved choice, else Accept-Language."""
    query = headers = None
    if request is not None:
        try:
            query = dict(request.query_params or {}).get("lang")
            headers = dict(request.headers or {})
        except (AttributeError, TypeError):  # a request without an HTTP side
            pass
    accept = next((v for k, v in (headers or {}).items() if k.lower() == "accept-language"), None)
    return pick_language(query, saved, accept)


def _is_update(value: Any) -> bool:
    return isinstance(value, dict) and value.get("__type__") == "update"


def with_values(updates: Mapping[Any, Any], values: Mapping[Any, Any]) -> dict[Any, Any]:
    """``updates`` ({component: update}) with ``values`` ({component: value or update}) added: a component in both
    gets one update with the properties of both."""
    out = dict(updates)
    for component, value in values.items():
        if component not in out:
            out[component] = value
            continue
        extra = {k: v for k, v in value.items() if k != "__type__"} if _is_update(value) else {"value": value}
        props = {k: v for k, v in out[component].items() if k != "__type__"}
        out[component] = gr.update(**{**props, **extra})
    return out
