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
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from rag import Answer, Engine, InputError, Settings

from . import metrics as M
from .dataset import EvalItem, dataset_hash, load_dataset
from .judge import JUDGE_METRICS, Judge

__all__ = ["run_eval", "DEFAULT_K", "LATENCY_STAGES", "LOWER_IS_BETTER", "metric_names", "check_floors",
           "parse_fail_under", "parse_k", "default_out_dir", "REPO_ROOT"]

DEFAULT_K = (1, 3, 5, 10)
MRR_K = 10
LATENCY_STAGES = ("retrieval", "generation", "total")
LATENCY_STATS = ("p50", "p90", "p95", "max")
ANSWER_METRICS = ("confident_error", "fact_recall", "token_f1", "answer_similarity", "citation_precision", "citation_recall",
                  "groundedness", "refusal_accuracy", "false_refusal_rate")
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
        out.update(citation_precision=None, citation_recall=None, groundedness=None)
    else:
        quotes = {c.number: c.quote for c in answer.citations}
        scores = M.citation_scores(answer.text, quotes, [p.text for p in answer.passages])
        out.update({k: scores[k] for k in ("citation_precision", "citation_recall", "groundedness")})
    out["answer_similarity"] = None  # filled in one batch after the run
    return out


def _failed_row(item: EvalItem, status: str, error: str) -> dict[str, Any]:
    return {"id": item.id, "kind": item.kind, "question": item.question, "answerable": item.answerable,
            "followup": bool(item.history), "reference": item.answer, "sources": item.sources, "status": status,
            "error": error, "answer": None, "refused": None, "metrics": {}, "timings": {}}


# ------------------------------------------------------------------------------------------------ the run
def run_eval(dataset: str | Path | Sequence[EvalItem], *, settings: Settings | None = None,
             engine: Engine | None = None, backend: str | None = None, out: str | Path | None = None,
             pipeline: str = "ours", k: str | Iterable[int] = DEFAULT_K, corpus: Sequence[str | Path] | None = None,
             limit: int | None = None, kind: str | Sequence[str] | None = None, judge: bool | None = None,
             judge_cache: str | Path | None = None, fail_under: Iterable[str] | Mapping[str, float] | None = None,
             progress: bool | None = None, write: bool = True, log: Callable[[str], None] | None = None
             ) -> dict[str, Any]:
    """Evaluate ``dataset`` and return the report dict (also written to ``out`` unless ``write=False``).

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
    log = log or (lambda message: print(message, file=sys.stderr))
    started_at = _dt.datetime.now(_dt.timezone.utc)
    t_start = time.perf_counter()
    if pipeline not in ("ours", "baseline"):
        raise InputError(f"Unknown pipeline {pipeline!r}.", hint="Use --pipeline ours or --pipeline baseline.")
    ks = parse_k(k)
    floors = parse_fail_under(fail_under)
    _validate_floor_names(floors, ks)
    if limit is not None and limit < 1:
        raise InputError(f"--limit must be a positive number, got {limit}.", hint="Use e.g. --limit 10.")

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

    tmp: tempfile.TemporaryDirectory | None = None
    warnings: list[str] = []
    try:
        # ---------------------------------------------------------------- the engine and its index
        if engine is not None:
            corpus_info: dict[str, Any] = {"dirs": None, "temporary": False}
        else:
            base = settings or Settings.load()
            if backend:
                base = base.model_copy(update={"backend": backend})
            if corpus:
                dirs = [Path(c) for c in corpus]
                for d in dirs:
                    if not d.exists():
                        raise InputError(f"Corpus folder {d} does not exist.", hint="Pass folders of articles.")
                tmp = tempfile.TemporaryDirectory(prefix="rag-eval-", ignore_cleanup_errors=True)
                base = base.model_copy(update={"data_dir": Path(tmp.name), "chroma_url": None})
                engine = Engine(base)
                report_ingest = engine.ingest(dirs)
                for doc, message in report_ingest.failed.items():
                    warnings.append(f"corpus: skipped {doc}: {message}")
                if not engine.documents():
                    raise InputError(f"No article could be indexed from {', '.join(map(str, dirs))}.",
                                     hint="Use folders of .txt/.md/.html articles.")
                log(f"Indexed {len(engine.documents())} articles from {', '.join(map(str, dirs))} "
                    f"into a temporary index.")
                corpus_info = {"dirs": [str(d) for d in dirs], "temporary": True}
            else:
                engine = Engine(base)
                if not engine.documents():
                    seeds = _find_seeds()
                    log(f"The index in {base.data_dir} is empty: ingesting {seeds} into it first.")
                    engine.ingest([seeds])
                corpus_info = {"dirs": None, "temporary": False}
        settings_used = engine.settings
        if backend and backend != settings_used.backend:  # answer with another backend over the same index
            settings_used = settings_used.model_copy(update={"backend": backend})
        answer_backend = settings_used.backend
        stats = engine.stats()
        corpus_info.update(hash=_corpus_hash(engine), articles=stats.get("articles"), chunks=stats.get("chunks"),
                           data_dir=str(settings_used.data_dir))
        indexed = {d.doc_id for d in engine.documents()}
        missing = sorted({s for i in items for s in i.sources} - indexed)
        if missing:
            warnings.append(f"{len(missing)} source document(s) of the dataset are not in the index: "
                            f"{', '.join(missing[:10])}{' …' if len(missing) > 10 else ''}")
            log(f"warning: {warnings[-1]}")

        # ---------------------------------------------------------------- the pipeline
        rank_k = max(ks)  # ranking depth in passages; deduplicated by article before the cut-offs
        baseline = None
        if pipeline == "baseline":
            from .baseline import BaselinePipeline

            log("Building the LlamaIndex baseline index …")
            baseline = BaselinePipeline(engine, rank_k=rank_k, settings=settings_used)

        def answer_one(item: EvalItem) -> tuple[Answer, list[Any]]:
            if baseline is not None:
                answer = baseline.ask(item.question, item.history)
                return answer, baseline.retrieve(item.question)
            answer = engine.ask(item.question, history=item.history or None, backend=answer_backend)
            passages = list(answer.passages)
            if len(passages) < rank_k:
                passages = engine.retrieve(item.question, history=item.history or None, top_k=rank_k).passages
            return answer, passages

        # ---------------------------------------------------------------- questions
        rows: list[dict[str, Any]] = []
        answers: dict[str, Answer] = {}
        from tqdm import tqdm

        bar = tqdm(items, desc=f"eval ({pipeline})", unit="q", disable=(None if progress is None else not progress),
                   file=sys.stderr)
        interrupted = False
        for item in bar:
            if interrupted:
                rows.append(_failed_row(item, "skipped", "the run was interrupted"))
                continue
            try:
                answer, ranking_passages = answer_one(item)
                ranked = _ranking(ranking_passages)
                row = {
                    "id": item.id, "kind": item.kind, "question": item.question, "answerable": item.answerable,
                    "followup": bool(item.history), "reference": item.answer, "sources": item.sources,
                    "status": "ok", "error": None, "answer": answer.text, "refused": answer.refused,
                    "standalone_question": answer.standalone_question, "retrieved": ranked[:rank_k],
                    "citations": [{"number": c.number, "doc_id": c.doc_id, "quote": c.quote}
                                  for c in answer.citations],
                    "metrics": _row_metrics(item, answer, ranked, ks), "timings": dict(answer.timings),
                    "backend": answer.backend, "model": answer.model, "notice": answer.notice,
                }
                answers[item.id] = answer
            except KeyboardInterrupt:
                interrupted = True
                rows.append(_failed_row(item, "skipped", "the run was interrupted"))
                log("Interrupted: the remaining questions are marked as skipped.")
                continue
            except Exception as exc:  # recorded, never dropped
                message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
                row = _failed_row(item, "failed", settings_used.redactor()(f"{type(exc).__name__}: {message}") or "")
            rows.append(row)
        bar.close()

        # ---------------------------------------------------------------- answer similarity (one batch)
        by_id = {i.id: i for i in items}
        sim_rows = [r for r in rows if r["status"] == "ok" and r["answerable"]]
        if sim_rows:
            try:
                import numpy as np

                embedder = engine.index.embedder
                got = embedder.embed_passages([M.strip_markers(r["answer"]) or " " for r in sim_rows])
                ref = embedder.embed_passages([by_id[r["id"]].answer or " " for r in sim_rows])
                for r, a, b in zip(sim_rows, np.asarray(got), np.asarray(ref)):
                    r["metrics"]["answer_similarity"] = round(M.cosine(a.tolist(), b.tolist()), 6)
            except Exception as exc:  # an embedder failure must not lose the run
                warnings.append(f"answer similarity not computed: {type(exc).__name__}: {exc}")

        # ---------------------------------------------------------------- LLM judge
        judge_info = _run_judge(rows, answers, by_id, settings_used, judge, judge_cache, log, warnings)

        # ---------------------------------------------------------------- aggregates
        aggregates = _aggregate(rows, ks, judge_info["enabled"])
        by_kind = {}
        for kind_name in sorted({r["kind"] for r in rows}):
            subset = [r for r in rows if r["kind"] == kind_name]
            agg = _aggregate(subset, ks, judge_info["enabled"])
            by_kind[kind_name] = {"questions": len(subset), **{n: v for n, v in agg.items()
                                                               if not n.startswith("latency_")}}
        counts = {s: sum(1 for r in rows if r["status"] == s) for s in ("ok", "failed", "skipped")}
        gate = check_floors(aggregates, floors, failed=counts["failed"], skipped=counts["skipped"]) if floors else None

        model = next((a.model for a in answers.values() if a.model), "")
        if not model and baseline is not None:
            model = baseline.model
        if not model and answer_backend == engine.settings.backend:
            model = stats.get("model") or ""
        run = {
            "started": started_at.isoformat(timespec="seconds"),
            "seconds": round(time.perf_counter() - t_start, 2),
            "git_commit": _git("rev-parse", "HEAD"),
            "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
            "pipeline": pipeline,
            "backend": settings_used.backend,
            "model": model,
            "embedder": stats.get("embedder"),
            "prompt_hash": _prompt_hash(),
            "settings": settings_used.public_dict(),
            "dataset": dataset_info,
            "corpus": corpus_info,
            "k": list(ks),
            "ranking_depth": rank_k,
            "judge": judge_info,
            "python": platform.python_version(),
            "platform": platform.platform(),
            "warnings": warnings,
        }
        if baseline is not None:
            run["baseline"] = {"articles": baseline.articles, "splitter": "SentenceSplitter() defaults",
                               "similarity_top_k": "LlamaIndex default",
                               "answers": "CitationQueryEngine" if baseline.query_engine else "retrieved chunk text"}
        report = {"run": run, "counts": counts, "aggregates": aggregates, "by_kind": by_kind, "gate": gate,
                  "questions": rows}
        if write:
            from .report import write_reports

            out_dir = Path(out) if out else default_out_dir()
            report["run"]["out"] = str(out_dir)
            write_reports(report, out_dir)
            log(f"Reports written to {out_dir}/ (report.json, report.md, report.html)")
        return report
    finally:
        if tmp is not None:
            tmp.cleanup()


def _prompt_hash() -> str:
    from rag.answering.answer import prompt_hash

    return prompt_hash()


def _run_judge(rows: list[dict[str, Any]], answers: Mapping[str, Answer], by_id: Mapping[str, EvalItem],
               settings: Settings, enabled: bool | None, cache: str | Path | None, log: Callable[[str], None],
               warnings: list[str]) -> dict[str, Any]:
    info: dict[str, Any] = {"enabled": False, "model": None, "cache": None,
                            "parse_failures": {m: 0 for m in JUDGE_METRICS}, "errors": {m: 0 for m in JUDGE_METRICS}}
    if settings.backend == "extractive" or enabled is False:
        return info
    from rag.llm.client import chat_client_for

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
