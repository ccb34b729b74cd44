"""The ``rag`` command: a thin layer over :class:`rag.Engine`.

Front ends living outside the library (the web app, the eval harness, benchmarks) add their own sub-commands
through the ``rag.commands`` entry-point group: each entry point is a ``register(subparsers)`` function.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from importlib.metadata import entry_points
from typing import Any, Sequence

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    from .flags import add_settings_arguments

    parser = argparse.ArgumentParser(prog="rag", description="Question answering over news articles, with citations.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("ingest", help="index article files or folders")
    p.add_argument("paths", nargs="*", default=["seeds"], help="files or folders (default: seeds)")
    p.add_argument("--sync", action="store_true", help="also remove indexed articles that are not in PATHS")
    p.add_argument("--force", action="store_true",
                   help="re-index unchanged articles too (after changing chunking or the embedder), each in place")
    p.add_argument("--if-needed", action="store_true", help="quiet when nothing changed")
    add_settings_arguments(p)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("ask", help="answer one question")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the Answer object as JSON")
    p.add_argument("--since", metavar="DATE", help="only articles published on/after (YYYY[-MM[-DD]])")
    p.add_argument("--until", metavar="DATE", help="only articles published on/before")
    p.add_argument("--top-k", type=int, help="passages in the answer context")
    add_settings_arguments(p)
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", help="interactive chat in the terminal (keeps history)")
    p.add_argument("--since", metavar="DATE")
    p.add_argument("--until", metavar="DATE")
    add_settings_arguments(p)
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("documents", help="list indexed articles")
    p.add_argument("--json", action="store_true")
    add_settings_arguments(p)
    p.set_defaults(func=cmd_documents)

    p = sub.add_parser("delete", help="remove an article from the index")
    p.add_argument("doc_id")
    add_settings_arguments(p)
    p.set_defaults(func=cmd_delete)

    p = sub.add_parser("doctor", help="show which models and backends are available offline, and why not")
    add_settings_arguments(p)
    p.set_defaults(func=cmd_doctor)

    for ep in entry_points(group="rag.commands"):
        try:
            ep.load()(sub)
        except Exception as exc:  # a broken plugin must not break the CLI
            print(f"rag: command {ep.name!r} is unavailable: {exc}", file=sys.stderr)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    from .errors import RagError

    try:
        return int(args.func(args) or 0)
    except RagError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


# --------------------------------------------------------------------------- commands
def _engine(args: Any) -> Any:
    from . import Engine, settings_from_args

    return Engine(settings_from_args(args))


def cmd_ingest(args: Any) -> int:
    from tqdm import tqdm

    engine = _engine(args)
    bar: Any = None

    def progress(done: int, total: int, doc: str) -> None:
        nonlocal bar
        if bar is None and total:
            bar = tqdm(total=total, unit="article", desc="Indexing", disable=None, smoothing=0.05)
        if bar is not None:
            bar.set_postfix_str(doc[:30], refresh=False)
            bar.update(done - bar.n)  # update() (not bar.n = …) so tqdm shows the rate and the ETA

    report = engine.ingest(args.paths, sync=args.sync, force=args.force, progress=progress)
    if bar is not None:
        bar.close()
    changed = report.added or report.updated or report.removed or report.failed
    if changed or not args.if_needed:
        print(report.summary())
    for doc, message in report.failed.items():
        print(f"  skipped {doc}: {message}", file=sys.stderr)
    return 1 if report.failed and not (report.added or report.updated or report.unchanged) else 0


def print_answer(answer: Any, out: Any = sys.stdout) -> None:
    """Answer text, then numbered sources with title, date and the quoted span."""
    print(answer.text, file=out)
    if answer.notice:
        print(f"\nnote: {answer.notice}", file=out)
    if answer.citations:
        print("\nSources:", file=out)
        for c in answer.citations:
            when = f", {c.date}" if c.date else ""
            print(f"[{c.number}] {c.title}{when} ({c.doc_id})", file=out)
            print(f"    “{c.quote}”", file=out)
            if c.source_url:
                print(f"    {c.source_url}", file=out)
    elif answer.refused and answer.related:
        print("\nRelated passages (not sources):", file=out)
        for p in answer.related[:3]:
            print(f"- {p.title} ({p.doc_id}): {p.text[:160]}…", file=out)


def cmd_ask(args: Any) -> int:
    engine = _engine(args)
    if args.json:
        answer = engine.ask(args.question, since=args.since, until=args.until, top_k=args.top_k)
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return 0
    answer = None
    streamed = False
    for event in engine.stream(args.question, since=args.since, until=args.until, top_k=args.top_k):
        if event.type == "token" and sys.stdout.isatty():
            print(event.text, end="", flush=True)
            streamed = True
        elif event.type == "answer":
            answer = event.answer
    if streamed:
        print("\n" + "─" * 40)
    print_answer(answer)
    return 0


def cmd_chat(args: Any) -> int:
    engine = _engine(args)
    history: list[dict[str, str]] = []
    print("Ask about the articles (empty line or Ctrl-D to quit).")
    while True:
        try:
            question = input("> ").strip()
        except EOFError:
            print()
            return 0
        if not question:
            return 0
        from .errors import InputError

        try:
            answer = engine.ask(question, history=history, since=args.since, until=args.until)
        except InputError as exc:
            print(f"error: {exc}")
            continue
        print_answer(answer)
        print()
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.text}]


def cmd_documents(args: Any) -> int:
    engine = _engine(args)
    docs = engine.documents()
    if args.json:
        from dataclasses import asdict

        print(json.dumps([asdict(d) for d in docs], ensure_ascii=False, indent=2))
        return 0
    width = max((len(d.doc_id) for d in docs), default=0)
    for d in docs:
        chunks = f"{d.chunks} chunk{'s' if d.chunks != 1 else ''}"
        print(f"{d.date or '----------'}  {d.doc_id:<{width}}  {chunks:>10}  {d.title[:70]}")
    print(f"{len(docs)} article{'s' if len(docs) != 1 else ''}")
    return 0


def cmd_delete(args: Any) -> int:
    engine = _engine(args)
    if engine.delete(args.doc_id):
        print(f"deleted {args.doc_id}")
        return 0
    print(f"{args.doc_id} is not indexed", file=sys.stderr)
    return 1


def cmd_doctor(args: Any) -> int:
    from .doctor import run_checks

    ok = True
    for name, good, detail in run_checks(_settings(args)):
        ok &= good or name.startswith("backend")
        print(f"{'ok ' if good else 'no '} {name:<28} {detail}")
    return 0 if ok else 1


def _settings(args: Any) -> Any:
    from . import settings_from_args

    return settings_from_args(args)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
