"""``rag bench`` (entry point ``rag.commands: bench``). Importing this module stays cheap: ``rag --help`` loads it."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

__all__ = ["register", "cmd_bench"]


def register(subparsers: Any) -> None:
    """Add the ``bench`` sub-command."""
    from rag import add_settings_arguments

    p = subparsers.add_parser(
        "bench", help="benchmark ingest, re-ingest, query latency, time to first source, the local LLM and cold start",
        description="Measure ingest throughput and memory against a plain LlamaIndex pipeline, re-ingest, query "
                    "latency at several index sizes (synthetic news + the seeds; indexes cached under "
                    "OUT/cache), time from Ask to the first source on the seeds index (engine, and the web app in "
                    "Chromium when /usr/bin/chromium and playwright are there), local LLM time to first token and "
                    "cold start. Prints a table with PASS/FAIL per "
                    "target and writes OUT/latest.json and OUT/latest.md.",
    )
    p.add_argument("--sizes", default="1k,10k,100k", metavar="LIST",
                   help="index sizes in chunks for the latency runs (default 1k,10k,100k)")
    p.add_argument("--quick", action="store_true",
                   help="a tiny corpus (20 articles) and few questions: checks the machinery in about a minute")
    p.add_argument("--out", default="benchmarks/results", metavar="DIR",
                   help="results folder (default benchmarks/results)")
    p.add_argument("--skip-llm", action="store_true", help="skip the local language model measurements")
    p.add_argument("--seed", type=int, default=0, help="synthetic corpus seed (default 0)")
    p.add_argument("--ingest-size", metavar="N", help="chunks in the ours-vs-LlamaIndex ingest corpus "
                   "(default: the smallest size, at most 1k)")
    p.add_argument("--articles", type=int, default=20, metavar="N", help="articles in the --quick corpus (default 20)")
    p.add_argument("--llm-questions", type=int, default=8, metavar="N",
                   help="answerable seeds questions for the local LLM (default 8)")
    p.add_argument("--repeats", type=int, default=1, metavar="N", help="passes over the questions per size (default 1)")
    add_settings_arguments(p)
    p.set_defaults(func=cmd_bench)


def cmd_bench(args: argparse.Namespace) -> int:
    from rag import InputError

    from .bench import BenchConfig, render_markdown, run_bench, write_report
    from .corpus import parse_size

    try:
        sizes = sorted({parse_size(s) for s in args.sizes.split(",") if s.strip()})
        ingest_size = parse_size(args.ingest_size) if args.ingest_size else None
    except ValueError as exc:
        raise InputError(str(exc), hint="Sizes look like 1k,10k,100k.") from None
    if not sizes:
        raise InputError("No sizes given.", hint="e.g. --sizes 1k,10k")
    out = Path(args.out).resolve()
    cfg = BenchConfig(sizes=sizes, out=out, quick=args.quick, skip_llm=args.skip_llm, seed=args.seed,
                      ingest_size=ingest_size, quick_articles=max(6, args.articles),
                      llm_questions=max(1, args.llm_questions), latency_repeats=max(1, args.repeats),
                      embedder=getattr(args, "embedder", None) or "bge-small",
                      local_model=getattr(args, "local_model", None))
    report = run_bench(cfg)
    json_path, md_path = write_report(report, out)
    print(render_markdown(report))
    print(f"results: {json_path} and {md_path}", file=sys.stderr)
    return 0
