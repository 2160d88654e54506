"""Evaluation: the classification and the conversion radar against the demo's truth.

Loads a demo business into a fresh data directory (or reuses the one there), runs the
classification and the radar on the chosen engine, and compares them with the truth the
demo generator recorded (`clientela.demo.demo_truth`). Prints the figures of
docs/evaluation.md as JSON.

    python bench/evaluate_classification.py --data-dir eval-bank --business bank \
        --size medium --seed 7
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--business", default="bank")
    parser.add_argument("--size", default="medium")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--engine", default="duckdb")
    args = parser.parse_args()
    data_dir = args.data_dir.resolve()
    os.environ["CLIENTELA_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clientela.config.settings")
    import django
    from django.core.management import call_command

    fresh = not (data_dir / "clientela.sqlite3").exists()
    django.setup()
    call_command("migrate", verbosity=0)
    from clientela.analytics.services import analysis_run
    from clientela.demo import demo_load, demo_truth
    from clientela.growth.evaluation import evaluation_report
    from clientela.growth.selectors import classification_run_latest
    from clientela.growth.services import classification_run

    if fresh:
        print(f"loading the {args.business} demo ({args.size}, seed {args.seed}) ...", flush=True)
        demo_load(business=args.business, size=args.size, seed=args.seed)
        analysis_run(actor=None)
    started = time.perf_counter()
    result = classification_run(actor=None, engine=args.engine)
    seconds = time.perf_counter() - started
    truth = demo_truth(business=args.business, size=args.size, seed=args.seed)
    run = classification_run_latest()
    report = evaluation_report(result, truth, weights=run.radar.get("weights"))
    report["classification_seconds"] = round(seconds, 2)
    report["radar_method"] = run.radar.get("method")
    report["radar_model"] = run.radar.get("model")
    print(json.dumps(report, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
