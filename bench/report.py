"""Tables with each target's numbers and its ratio to the baseline, and the JSON copy of them."""

import json
import math
from pathlib import Path

# (key, header, format) of the columns that get a "vs baseline" ratio.
RATED = {
    "cold_start": (("median_s", "median s", "{:.2f}"),),
    "rss": (("mib", "MiB", "{:.1f}"),),
    "requests": (("rate", "req/s", "{:.0f}"), ("p50_ms", "p50 ms", "{:.2f}"), ("p99_ms", "p99 ms", "{:.2f}")),
    "flows": (("rate", "flows/s", "{:.1f}"), ("p50_ms", "p50 ms", "{:.1f}"), ("p99_ms", "p99 ms", "{:.1f}")),
}


def ratio(value: float, base: float) -> float | None:
    if not base or any(map(math.isnan, (value, base))):
        return None
    return value / base


def add_ratios(results: dict, baseline: str) -> None:
    """results[measurement][target] gains "vs_<baseline>": {key: target / baseline}."""
    for measurement in results.values():
        base = measurement["targets"].get(baseline, {})
        for row in measurement["targets"].values():
            if "na" in row or "na" in base or not base:
                continue
            row[f"vs_{baseline}"] = {key: ratio(row[key], base[key]) for key, _, _ in RATED[measurement["kind"]]}


def cell(row: dict, baseline: str, key: str, fmt: str) -> str:
    rated = row.get(f"vs_{baseline}", {}).get(key)
    return fmt.format(row[key]) + (f" ({rated:.2f}x)" if rated is not None else "")


def extra(row: dict, kind: str) -> str:
    if kind == "cold_start":
        return f"runs {len(row['runs'])}, min {min(row['runs']):.2f}, max {max(row['runs']):.2f}"
    if kind == "rss":
        return f"{row['processes']} process{'es' if row['processes'] > 1 else ''}"
    notes = [f"errors {row['errors']}", f"server CPU {row['server_cpu']:.0%}",
             f"client CPU {row['client_cpu']:.0%}"]
    if row.get("requests_per_flow"):
        notes.insert(0, f"{row['requests_per_flow']} req/flow")
    if row["errors"] > 0.01 * (row["ok"] + row["errors"]):
        notes.append("INVALID: >1% errors")
    if row["client_cpu"] > 0.9:
        notes.append("client-bound")
    if row["other_cpu"] > 0.15:
        notes.append(f"NOISY: other load {row['other_cpu']:.0%} of a core")
    return ", ".join(notes)


def print_tables(results: dict, baseline: str) -> None:
    for measurement in results.values():
        columns = RATED[measurement["kind"]]
        print(f"\n## {measurement['title']}\n   {measurement['how']}")
        header = ["target"] + [title for _, title, _ in columns] + ["notes"]
        lines = [header]
        for name, row in measurement["targets"].items():
            if "na" in row:
                lines.append([name] + ["n/a"] * len(columns) + [row["na"]])
            else:
                lines.append([name] + [cell(row, baseline, key, fmt) for key, _, fmt in columns]
                             + [extra(row, measurement["kind"])])
        widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
        for line in lines:
            cells = [text.ljust(width) for text, width in zip(line, widths, strict=False)]
            print("   " + "  ".join(cells + [line[-1]]))


def print_floor(signing: dict, token_targets: dict, workers_targets: dict) -> None:
    """Token req/s against the RS256 signatures/s one core (and two threads) can make at all."""
    print("\n## Signing floor (cryptography, RS256-2048, this machine, this run)")
    print(f"   one core     {signing['one_core']:>8,.0f} signatures/s  ({1000 / signing['one_core']:.2f} ms each)")
    print(f"   two threads  {signing['two_threads']:>8,.0f} signatures/s")
    for name, result in token_targets.items():
        if "rate" in result:
            print(f"   {name:<22} client_credentials {result['rate']:>7,.0f} req/s = "
                  f"{result['rate'] / signing['one_core']:.0%} of one core's signing floor")
    for name, result in workers_targets.items():
        if "rate" in result:
            print(f"   {name:<22} client_credentials {result['rate']:>7,.0f} req/s = "
                  f"{result['rate'] / signing['two_threads']:.0%} of the two-thread signing floor")


def print_meta(meta: dict) -> None:
    print("\n## Versions")
    for name, version in meta["versions"].items():
        print(f"   {name:<20} {version}")
    print("\n## Not measured")
    for name, reason in meta["not_measured"].items():
        print(f"   {name:<26} {reason}")


def write_json(path: Path, meta: dict, results: dict) -> None:
    path.write_text(json.dumps({"meta": meta, "results": results}, indent=2, default=str) + "\n")
