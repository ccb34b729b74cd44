"""Run a dataset through the engine (or the LlamaIndex baseline) and compute every metric.

>>> from evals import run_eval
>>> report = run_eval("evals/datasets/seeds.jsonl", backend="extractive")   # doctest: +SKIP
>>> report["aggregates"]["hit@5"]                                           # doctest: +SKIP
{'value': 0.96, 'n': 57}
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from rag import Answer, Engine, InputError, Settings, chat_client_for, detect_language, prompt_hash

from . import metrics as M
from .dataset import EvalItem, dataset_hash, load_dataset
from .judge import JUDGE_METRICS, Judge
from .named import is_named, resolve_dataset

__all__ = ["run_eval", "evaluate", "EvalOptions", "DEFAULT_K", "LATENCY_STAGES", "LOWER_IS_BETTER", "metric_names", "check_floors",
           "parse_fail_under", "parse_k", "default_out_dir", "REPO_ROOT"]

DEFAULT_K = (1, 3, 5, 10)
MRR_K = 10
LATENCY_STAGES = ("retrieval", "generation", "total")
LATENCY_STATS = ("p50", "p90", "p95", "max")
ANSWER_METRICS = ("confident_error", "fact_recall", "token_f1", "answer_similarity", "citation_precision", "citation_recall",
                  "groundedness", "refusal_accuracy", "false_refusal_rate", "answer_language_match",
                  "citations_across_languages")
REPO_ROOT = Path(__file__).resolve().parents[1]


def mrr_depth(k: Sequence[int]) -> int:
    """MRR is cut at 10 (``mrr@10``), or at ``max(k)`` when the ranking is shorter (``--k 1,3,5`` -> ``mrr@5``)."""
    return min(MRR_K, max(k))


def metric_names(k: Sequence[int] = DEFAULT_K, *, judge: bool = True) -> list[str]:
    """Every aggregate metric name a report can hold, in display order."""
    names = [f"{m}@{n}" for m in ("hit", "recall", "ndcg") for n in k] + [f"mrr@{mrr_depth(k)}"]
    names += list(ANSWER_METRICS)
    if judge:
        names += list(JUDGE_METRICS)
    names += [f"latency_{s}_{p}" for s in LATENCY_STAGES for p in LATENCY_STATS]
    return names


def _is_lower_better(name: str) -> bool:
    return name in ("false_refusal_rate", "confident_error") or name.startswith("latency_")


LOWER_IS_BETTER = _is_lower_better


# ------------------------------------------------------------------------------------------------ options
def parse_k(value: str | Iterable[int]) -> tuple[int, ...]:
    """``"1,3,5,10"`` -> ``(1, 3, 5, 10)``; every k must be a positive integer."""
    if isinstance(value, str):
        parts = [p.strip() for p in value.split(",") if p.strip()]
        try:
            ks = [int(p) for p in parts]
        except ValueError:
            raise InputError(f"--k {value!r} is not a list of integers.", hint="Use e.g. --k 1,3,5,10.") from None
    else:
        ks = [int(v) for v in value]
    if not ks or any(v < 1 for v in ks):
        raise InputError(f"--k {value!r}: every k must be a positive integer.", hint="Use e.g. --k 1,3,5,10.")
    return tuple(sorted(set(ks)))


def parse_fail_under(values: Iterable[str] | Mapping[str, float] | None) -> dict[str, float]:
    """``["hit@5=0.9", "fact_recall=0.7"]`` -> ``{"hit@5": 0.9, "fact_recall": 0.7}``."""
    if not values:
        return {}
    if isinstance(values, Mapping):
        return {str(k): float(v) for k, v in values.items()}
    out: dict[str, float] = {}
    for item in values:
        name, sep, number = str(item).partition("=")
        try:
            if not sep:
                raise ValueError
            out[name.strip()] = float(number)
        except ValueError:
            raise InputError(f"--fail-under {item!r} is not metric=value.", hint="Use e.g. --fail-under hit@5=0.9.") \
                from None
    return out


def check_floors(aggregates: Mapping[str, Any], floors: Mapping[str, float], *, failed: int = 0,
                 skipped: int = 0) -> dict[str, Any]:
    """Compare aggregates with floors (ceilings for lower-is-better metrics such as ``false_refusal_rate``).

    A run with failed or skipped questions never passes.
    """
    problems: list[str] = []
    if failed:
        problems.append(f"{failed} question(s) failed")
    if skipped:
        problems.append(f"{skipped} question(s) were skipped")
    for name, floor in floors.items():
        got = aggregates.get(name, {}).get("value") if isinstance(aggregates.get(name), Mapping) else None
        if got is None:
            problems.append(f"{name}: not measured in this run (floor {floor})")
        elif _is_lower_better(name) and got > floor + 1e-12:
            problems.append(f"{name} = {got:.4f} is above the ceiling {floor}")
        elif not _is_lower_better(name) and got < floor - 1e-12:
            problems.append(f"{name} = {got:.4f} is below the floor {floor}")
    return {"passed": not problems, "failures": problems, "floors": dict(floors)}


def _validate_floor_names(floors: Mapping[str, float], ks: Sequence[int]) -> None:
    known = set(metric_names(ks))
    unknown = [n for n in floors if n not in known]
    if unknown:
        raise InputError(f"Unknown metric {unknown[0]!r} in --fail-under / floors.",
                         hint=f"Known metrics: {', '.join(metric_names(ks))}.")


def default_out_dir() -> Path:
    """``evals/reports/<UTC timestamp>`` of the current working directory."""
    return Path("evals") / "reports" / _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%d-%H%M%S")


# ------------------------------------------------------------------------------------------------ run record
def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def _corpus_hash(engine: Engine) -> str:
    digest = hashlib.sha256()
    for d in sorted(engine.documents(), key=lambda d: d.doc_id):
        digest.update(f"{d.doc_id}\x00{d.content_hash}\n".encode())
    return digest.hexdigest()[:16]


def _find_seeds() -> Path:
    for candidate in (Path("seeds"), REPO_ROOT / "seeds"):
        if candidate.is_dir():
            return candidate
    raise InputError("The index is empty and no seeds/ folder was found to fill it.",
                     hint="Run `rag ingest FOLDER` first, or pass --corpus FOLDER.")


# ------------------------------------------------------------------------------------------------ per question
def _ranking(passages: Sequence[Any]) -> list[str]:
    return M.dedupe(p.doc_id for p in passages)


def _row_metrics(item: EvalItem, answer: Answer, ranked: list[str], ks: Sequence[int]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    relevant = set(item.sources) if item.answerable else set()
    for n in ks:
        out[f"hit@{n}"] = M.hit_at_k(ranked, relevant, n)
        out[f"recall@{n}"] = M.recall_at_k(ranked, relevant, n)
        out[f"ndcg@{n}"] = M.ndcg_at_k(ranked, relevant, n)
    out[f"mrr@{mrr_depth(ks)}"] = M.mrr_at_k(ranked, relevant, mrr_depth(ks))
    text = M.strip_markers(answer.text)
    out["confident_error"] = M.confident_error(item.answerable, answer.refused, item.facts, text)
    out["answer_language_match"] = M.answer_language_match(item.question, text, detect_language)
    if item.answerable:
        out["fact_recall"] = M.fact_recall(text, item.facts)
        out["token_f1"] = M.token_f1(text, item.answer)
        out["false_refusal_rate"] = 1.0 if answer.refused else 0.0
        out["refusal_accuracy"] = None
    else:
        out["fact_recall"] = None
        out["token_f1"] = None
        out["refusal_accuracy"] = 1.0 if answer.refused else 0.0
        out["false_refusal_rate"] = None
    if answer.refused:
        out.update(citation_precision=None, citation_recall=None, groundedness=None, citations_across_languages=None)
    else:
        quotes = {c.number: c.quote for c in answer.citations}
        scores = M.citation_scores(answer.text, quotes, [p.text for p in answer.passages], detect=detect_language)
        out.update({k: scores[k] for k in ("citation_precision", "citation_recall", "groundedness")})
        out["citations_across_languages"] = scores["across_languages"]
    out["answer_similarity"] = None  # filled in one batch after the run
    return out


def _failed_row(item: EvalItem, status: str, error: str) -> dict[str, Any]:
    return {"id": item.id, "kind": item.kind, "question": item.question, "answerable": item.answerable,
            "followup": bool(item.history), "reference": item.answer, "sources": item.sources, "status": status,
            "error": error, "answer": None, "refused": None, "metrics": {}, "timings": {}}


# ------------------------------------------------------------------------------------------------ the run
@dataclass
class EvalOptions:
    """Everything :func:`evaluate` needs besides the dataset (see :func:`run_eval` for each field)."""

    settings: Settings | None = None
    engine: Engine | None = None
    backend: str | None = None
    out: str | Path | None = None
    pipeline: str = "ours"
    k: str | Iterable[int] = DEFAULT_K
    corpus: Sequence[str | Path] | None = None
    limit: int | None = None
    kind: str | Sequence[str] | None = None
    judge: bool | None = None
    judge_cache: str | Path | None = None
    fail_under: Iterable[str] | Mapping[str, float] | None = None
    progress: bool | None = None
    write: bool = True
    log: Callable[[str], None] | None = None


@dataclass
class _Run:
    """State shared by the stages of one run."""

    options: EvalOptions
    ks: tuple[int, ...]
    floors: dict[str, float]
    log: Callable[[str], None]
    started_at: _dt.datetime = field(default_factory=lambda: _dt.datetime.now(_dt.timezone.utc))
    t_start: float = field(default_factory=time.perf_counter)
    warnings: list[str] = field(default_factory=list)
    tmp: tempfile.TemporaryDirectory | None = None


@dataclass
class _Index:
    """The engine a run answers with and what the report records about its index."""

    engine: Engine
    settings: Settings  # the engine's settings with the answering backend
    stats: dict[str, Any]
    corpus_info: dict[str, Any]


def run_eval(dataset: str | Path | Sequence[EvalItem], *, settings: Settings | None = None,
             engine: Engine | None = None, backend: str | None = None, out: str | Path | None = None,
             pipeline: str = "ours", k: str | Iterable[int] = DEFAULT_K, corpus: Sequence[str | Path] | None = None,
             limit: int | None = None, kind: str | Sequence[str] | None = None, judge: bool | None = None,
             judge_cache: str | Path | None = None, fail_under: Iterable[str] | Mapping[str, float] | None = None,
             progress: bool | None = None, write: bool = True, log: Callable[[str], None] | None = None
             ) -> dict[str, Any]:
    """Evaluate ``dataset`` and return the report dict (also written to ``out`` unless ``write=False``).

    * ``dataset``: a JSONL file, a ``NAME:HALF`` shorthand (``lee_abc:test``: see :mod:`evals.named`; its corpus
      is indexed into a temporary index unless ``engine`` or ``corpus`` is given) or a list of :class:`EvalItem`;
    * ``engine``: evaluate this engine (its index as it is); else one is built from ``settings``
      (default :meth:`Settings.load`) over ``settings.data_dir``, ingesting ``seeds/`` first when it is empty;
    * ``corpus``: folders indexed into a fresh temporary index instead (removed afterwards);
    * ``pipeline``: ``"ours"`` (the engine) or ``"baseline"`` (a plain LlamaIndex pipeline, see
      :mod:`evals.baseline`);
    * ``k``: cut-offs of the ranking metrics; the ranking holds at least ``max(k)`` passages (the answer's own
      context passages when there are enough, else ``engine.retrieve(top_k=max(k))``), deduplicated by article;
    * ``judge``: LLM-judged faithfulness/correctness (default: on when the backend is not extractive);
    * ``fail_under``: floors (``{"hit@5": 0.9}`` or ``["hit@5=0.9"]``), checked into ``report["gate"]``.
    """
    return evaluate(dataset, EvalOptions(
        settings=settings, engine=engine, backend=backend, out=out, pipeline=pipeline, k=k, corpus=corpus,
        limit=limit, kind=kind, judge=judge, judge_cache=judge_cache, fail_under=fail_under, progress=progress,
        write=write, log=log))


def evaluate(dataset: str | Path | Sequence[EvalItem], options: EvalOptions) -> dict[str, Any]:
    """The run in stages: check the options, load the questions, index, answer, score, report."""
    run = _start(options)
    dataset, run.options = _resolve_named(dataset, options)
    items, dataset_info = load_items(dataset, options.kind, options.limit)
    try:
        index = open_index(run, items)
        rows, answers, baseline = answer_questions(run, index, items)
        scores = score_rows(run, index, items, rows, answers)
        report = build_report(run, index, dataset_info, rows, answers, baseline, scores)
        if options.write:
            _write(report, options.out, run.log)
        return report
    finally:
        if run.tmp is not None:
            run.tmp.cleanup()


def _start(options: EvalOptions) -> _Run:
    """Check the options that need no dataset; start the clock."""
    log = options.log or (lambda message: print(message, file=sys.stderr))
    run = _Run(options=options, ks=(), floors={}, log=log)
    if options.pipeline not in ("ours", "baseline"):
        raise InputError(f"Unknown pipeline {options.pipeline!r}.", hint="Use --pipeline ours or --pipeline baseline.")
    run.ks = parse_k(options.k)
    run.floors = parse_fail_under(options.fail_under)
    _validate_floor_names(run.floors, run.ks)
    if options.limit is not None and options.limit < 1:
        raise InputError(f"--limit must be a positive number, got {options.limit}.", hint="Use e.g. --limit 10.")
    return run


def _resolve_named(dataset: Any, options: EvalOptions) -> tuple[Any, EvalOptions]:
    """``NAME:HALF`` -> its file, with its corpus unless the caller chose an engine or a corpus."""
    if not isinstance(dataset, str) or not is_named(dataset) or Path(dataset).is_file():
        return dataset, options
    named = resolve_dataset(dataset)
    if options.engine is None and not options.corpus:
        options = replace(options, corpus=named.corpus)
    return named.path, options


# ------------------------------------------------------------------------------------------------ stage: load
def load_items(dataset: str | Path | Sequence[EvalItem], kind: str | Sequence[str] | None,
               limit: int | None) -> tuple[list[EvalItem], dict[str, Any]]:
    """The questions to ask (after ``kind`` and ``limit``) and the report's ``dataset`` record."""
    if isinstance(dataset, (str, Path)):
        items = load_dataset(dataset)
        dataset_info: dict[str, Any] = {"path": str(dataset), "hash": dataset_hash(dataset)}
    else:
        items = list(dataset)
        digest = hashlib.sha256("\n".join(repr(i.to_dict()) for i in items).encode()).hexdigest()[:16]
        dataset_info = {"path": None, "hash": digest}
    dataset_info["questions"] = len(items)
    kinds = [kind] if isinstance(kind, str) else list(kind or [])
    if kinds:
        available = sorted({i.kind for i in items})
        unknown = [x for x in kinds if x not in available]
        if unknown:
            raise InputError(f"No question of kind {unknown[0]!r} in the dataset.",
                             hint=f"Kinds in this dataset: {', '.join(available)}.")
        items = [i for i in items if i.kind in kinds]
    if limit is not None:
        items = items[:limit]
    dataset_info.update(kind=kinds or None, limit=limit, selected=len(items))
    return items, dataset_info


# ------------------------------------------------------------------------------------------------ stage: index
def open_index(run: _Run, items: Sequence[EvalItem]) -> _Index:
    """The engine to evaluate: the given one, a temporary index of ``corpus``, or the configured index."""
    options = run.options
    engine = options.engine
    if engine is not None:
        corpus_info: dict[str, Any] = {"dirs": None, "temporary": False}
    else:
        base = options.settings or Settings.load()
        if options.backend:
            base = base.model_copy(update={"backend": options.backend})
        if options.corpus:
            engine, corpus_info = _temporary_index(run, base, [Path(c) for c in options.corpus])
        else:
            engine = _configured_index(run, base)
            corpus_info = {"dirs": None, "temporary": False}
    settings_used = engine.settings
    if options.backend and options.backend != settings_used.backend:  # another backend over the same index
        settings_used = settings_used.model_copy(update={"backend": options.backend})
    stats = engine.stats()
    corpus_info.update(hash=_corpus_hash(engine), articles=stats.get("articles"), chunks=stats.get("chunks"),
                       data_dir=str(settings_used.data_dir))
    _warn_missing_sources(run, engine, items)
    return _Index(engine=engine, settings=settings_used, stats=stats, corpus_info=corpus_info)


def _temporary_index(run: _Run, base: Settings, dirs: list[Path]) -> tuple[Engine, dict[str, Any]]:
    """Index ``dirs`` into a fresh temporary folder (removed when the run ends)."""
    for d in dirs:
        if not d.exists():
            raise InputError(f"Corpus folder {d} does not exist.", hint="Pass folders of articles.")
    run.tmp = tempfile.TemporaryDirectory(prefix="rag-eval-", ignore_cleanup_errors=True)
    engine = Engine(base.model_copy(update={"data_dir": Path(run.tmp.name), "chroma_url": None}))
    report_ingest = engine.ingest(dirs)
    for doc, message in report_ingest.failed.items():
        run.warnings.append(f"corpus: skipped {doc}: {message}")
    if not engine.documents():
        raise InputError(f"No article could be indexed from {', '.join(map(str, dirs))}.",
                         hint="Use folders of .txt/.md/.html articles.")
    run.log(f"Indexed {len(engine.documents())} articles from {_describe_paths(dirs)} into a temporary index.")
    return engine, {"dirs": [str(d) for d in dirs], "temporary": True}


def _describe_paths(paths: Sequence[Path]) -> str:
    """``a, b`` for a few paths; ``folder/ (40 files)`` for the article files of one folder."""
    if len(paths) > 3 and len({p.parent for p in paths}) == 1:
        return f"{paths[0].parent}/ ({len(paths)} files)"
    return ", ".join(map(str, paths))


def _configured_index(run: _Run, base: Settings) -> Engine:
    """The index in ``base.data_dir``, filled from ``seeds/`` when it is empty."""
    engine = Engine(base)
    if not engine.documents():
        seeds = _find_seeds()
        run.log(f"The index in {base.data_dir} is empty: ingesting {seeds} into it first.")
        engine.ingest([seeds])
    return engine


def _warn_missing_sources(run: _Run, engine: Engine, items: Sequence[EvalItem]) -> None:
    indexed = {d.doc_id for d in engine.documents()}
    missing = sorted({s for i in items for s in i.sources} - indexed)
    if missing:
        run.warnings.append(f"{len(missing)} source document(s) of the dataset are not in the index: "
                            f"{', '.join(missing[:10])}{' …' if len(missing) > 10 else ''}")
        run.log(f"warning: {run.warnings[-1]}")


# ------------------------------------------------------------------------------------------------ stage: answer
def answer_questions(run: _Run, index: _Index, items: Sequence[EvalItem]
                     ) -> tuple[list[dict[str, Any]], dict[str, Answer], Any]:
    """Ask every question (Ctrl-C marks the rest skipped; an error is recorded as a failed row)."""
    from tqdm import tqdm

    baseline = _baseline(run, index)
    answer_one = _answerer(index, baseline, max(run.ks))
    rows: list[dict[str, Any]] = []
    answers: dict[str, Answer] = {}
    progress = run.options.progress
    bar = tqdm(items, desc=f"eval ({run.options.pipeline})", unit="q",
               disable=(None if progress is None else not progress), file=sys.stderr)
    interrupted = False
    for item in bar:
        if interrupted:
            rows.append(_failed_row(item, "skipped", "the run was interrupted"))
            continue
        try:
            answer, ranking_passages = answer_one(item)
            rows.append(_answered_row(item, answer, _ranking(ranking_passages), run.ks))
            answers[item.id] = answer
        except KeyboardInterrupt:
            interrupted = True
            rows.append(_failed_row(item, "skipped", "the run was interrupted"))
            run.log("Interrupted: the remaining questions are marked as skipped.")
        except Exception as exc:  # recorded, never dropped
            message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
            rows.append(_failed_row(item, "failed", index.settings.redactor()(f"{type(exc).__name__}: {message}")
                                    or ""))
    bar.close()
    return rows, answers, baseline


def _baseline(run: _Run, index: _Index) -> Any:
    """The LlamaIndex baseline pipeline when ``pipeline="baseline"``, else None."""
    if run.options.pipeline != "baseline":
        return None
    from .baseline import BaselinePipeline

    run.log("Building the LlamaIndex baseline index …")
    return BaselinePipeline(index.engine, rank_k=max(run.ks), settings=index.settings)


def _answerer(index: _Index, baseline: Any, rank_k: int) -> Callable[[EvalItem], tuple[Answer, list[Any]]]:
    """``item -> (answer, ranking passages)``; the ranking holds at least ``rank_k`` passages."""
    engine, backend = index.engine, index.settings.backend

    def answer_one(item: EvalItem) -> tuple[Answer, list[Any]]:
        if baseline is not None:
            answer = baseline.ask(item.question, item.history)
            return answer, baseline.retrieve(item.question)
        answer = engine.ask(item.question, history=item.history or None, backend=backend)
        passages = list(answer.passages)
        if len(passages) < rank_k:
            passages = engine.retrieve(item.question, history=item.history or None, top_k=rank_k).passages
        return answer, passages

    return answer_one


def _answered_row(item: EvalItem, answer: Answer, ranked: list[str], ks: Sequence[int]) -> dict[str, Any]:
    return {
        "id": item.id, "kind": item.kind, "question": item.question, "answerable": item.answerable,
        "followup": bool(item.history), "reference": item.answer, "sources": item.sources,
        "status": "ok", "error": None, "answer": answer.text, "refused": answer.refused,
        "standalone_question": answer.standalone_question, "retrieved": ranked[:max(ks)],
        "citations": [{"number": c.number, "doc_id": c.doc_id, "quote": c.quote} for c in answer.citations],
        "metrics": _row_metrics(item, answer, ranked, ks), "timings": dict(answer.timings),
        "backend": answer.backend, "model": answer.model, "notice": answer.notice,
    }


# ------------------------------------------------------------------------------------------------ stage: score
def score_rows(run: _Run, index: _Index, items: Sequence[EvalItem], rows: list[dict[str, Any]],
               answers: Mapping[str, Answer]) -> dict[str, Any]:
    """Answer similarity, the LLM judge, aggregates, the by-kind breakdown, counts and the gate."""
    by_id = {i.id: i for i in items}
    _answer_similarity(index.engine, rows, by_id, run.warnings)
    judge_info = _run_judge(rows, answers, by_id, index.settings, run.options.judge, run.options.judge_cache,
                            run.log, run.warnings)
    aggregates = _aggregate(rows, run.ks, judge_info["enabled"])
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in ("ok", "failed", "skipped")}
    gate = check_floors(aggregates, run.floors, failed=counts["failed"], skipped=counts["skipped"]) \
        if run.floors else None
    return {"judge": judge_info, "aggregates": aggregates, "by_kind": _by_kind(rows, run.ks, judge_info["enabled"]),
            "counts": counts, "gate": gate}


def _answer_similarity(engine: Engine, rows: list[dict[str, Any]], by_id: Mapping[str, EvalItem],
                       warnings: list[str]) -> None:
    """Embedder cosine of each answered row against its reference, in one batch."""
    sim_rows = [r for r in rows if r["status"] == "ok" and r["answerable"]]
    if not sim_rows:
        return
    try:
        import numpy as np

        embedder = engine.index.embedder
        got = embedder.embed_passages([M.strip_markers(r["answer"]) or " " for r in sim_rows])
        ref = embedder.embed_passages([by_id[r["id"]].answer or " " for r in sim_rows])
        for r, a, b in zip(sim_rows, np.asarray(got), np.asarray(ref)):
            r["metrics"]["answer_similarity"] = round(M.cosine(a.tolist(), b.tolist()), 6)
    except Exception as exc:  # an embedder failure must not lose the run
        warnings.append(f"answer similarity not computed: {type(exc).__name__}: {exc}")


def _by_kind(rows: Sequence[Mapping[str, Any]], ks: Sequence[int], judged: bool) -> dict[str, Any]:
    by_kind = {}
    for kind_name in sorted({r["kind"] for r in rows}):
        subset = [r for r in rows if r["kind"] == kind_name]
        agg = _aggregate(subset, ks, judged)
        by_kind[kind_name] = {"questions": len(subset), **{n: v for n, v in agg.items()
                                                           if not n.startswith("latency_")}}
    return by_kind


# ------------------------------------------------------------------------------------------------ stage: report
def build_report(run: _Run, index: _Index, dataset_info: dict[str, Any], rows: list[dict[str, Any]],
                 answers: Mapping[str, Answer], baseline: Any, scores: Mapping[str, Any]) -> dict[str, Any]:
    """The report dict: run record, counts, aggregates, by-kind breakdown, gate and per-question rows."""
    settings_used = index.settings
    record = {
        "started": run.started_at.isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - run.t_start, 2),
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "pipeline": run.options.pipeline,
        "backend": settings_used.backend,
        "model": _model_name(index, answers, baseline),
        "embedder": index.stats.get("embedder"),
        "prompt_hash": prompt_hash(),
        "settings": settings_used.public_dict(),
        "dataset": dataset_info,
        "corpus": index.corpus_info,
        "k": list(run.ks),
        "ranking_depth": max(run.ks),
        "judge": scores["judge"],
        "python": platform.python_version(),
        "platform": platform.platform(),
        "warnings": run.warnings,
    }
    if baseline is not None:
        record["baseline"] = {"articles": baseline.articles, "splitter": "SentenceSplitter() defaults",
                              "similarity_top_k": "LlamaIndex default",
                              "answers": "CitationQueryEngine" if baseline.query_engine else "retrieved chunk text"}
    return {"run": record, "counts": scores["counts"], "aggregates": scores["aggregates"],
            "by_kind": scores["by_kind"], "gate": scores["gate"], "questions": rows}


def _model_name(index: _Index, answers: Mapping[str, Answer], baseline: Any) -> str:
    model = next((a.model for a in answers.values() if a.model), "")
    if not model and baseline is not None:
        model = baseline.model
    if not model and index.settings.backend == index.engine.settings.backend:
        model = index.stats.get("model") or ""
    return model


def _write(report: dict[str, Any], out: str | Path | None, log: Callable[[str], None]) -> None:
    from .report import write_reports

    out_dir = Path(out) if out else default_out_dir()
    report["run"]["out"] = str(out_dir)
    write_reports(report, out_dir)
    log(f"Reports written to {out_dir}/ (report.json, report.md, report.html)")


def _run_judge(rows: list[dict[str, Any]], answers: Mapping[str, Answer], by_id: Mapping[str, EvalItem],
               settings: Settings, enabled: bool | None, cache: str | Path | None, log: Callable[[str], None],
               warnings: list[str]) -> dict[str, Any]:
    info: dict[str, Any] = {"enabled": False, "model": None, "cache": None,
                            "parse_failures": {m: 0 for m in JUDGE_METRICS}, "errors": {m: 0 for m in JUDGE_METRICS}}
    if settings.backend == "extractive" or enabled is False:
        return info
    try:
        client = chat_client_for(settings)
    except Exception as exc:
        warnings.append(f"LLM judge unavailable: {getattr(exc, 'message', exc)}")
        return info
    cache_file = Path(cache) if cache else Path("evals") / "reports" / ".judge-cache.jsonl"
    judge = Judge(client, cache_file)
    info.update(enabled=True, model=judge.model, cache=str(cache_file))
    todo = [r for r in rows if r["status"] == "ok" and r["answerable"] and not r["refused"]]
    if todo:
        log(f"Judging {len(todo)} answers with {judge.model} …")
    for r in todo:
        answer = answers[r["id"]]
        item = by_id[r["id"]]
        evidence = [c.quote for c in answer.citations] or [p.text for p in answer.passages]
        verdicts = {"judge_faithfulness": judge.faithfulness(item.question, answer.text, evidence),
                    "judge_correctness": judge.correctness(item.question, answer.text, item.answer)}
        r["judge"] = {}
        for name, verdict in verdicts.items():
            r["metrics"][name] = verdict.score
            r["judge"][name] = {"score": verdict.score, "raw": verdict.raw[:500], "error": verdict.error,
                                "cached": verdict.cached}
            if verdict.error == "parse":
                info["parse_failures"][name] += 1
            elif verdict.error:
                info["errors"][name] += 1
    return info


def _aggregate(rows: Sequence[Mapping[str, Any]], ks: Sequence[int], judged: bool) -> dict[str, dict[str, Any]]:
    ok = [r for r in rows if r["status"] == "ok"]
    out: dict[str, dict[str, Any]] = {}
    for name in metric_names(ks, judge=judged):
        if name.startswith("latency_"):
            continue
        value, n = M.mean(r["metrics"].get(name) for r in ok)
        out[name] = {"value": None if value is None else round(value, 4), "n": n}
    for stage in LATENCY_STAGES:
        values = [float(r["timings"][stage]) for r in ok if stage in r.get("timings", {})]
        for stat in LATENCY_STATS:
            got = max(values) if (stat == "max" and values) else M.percentile(values, float(stat[1:])) \
                if stat != "max" else None
            out[f"latency_{stage}_{stat}"] = {"value": None if got is None else round(got, 4), "n": len(values)}
    return out
