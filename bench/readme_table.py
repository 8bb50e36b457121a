"""The Benchmarks tables of docs/benchmarks.md from a run's JSON: the figures of every target, then mock_idp
against the targets of issue 11, as ratios from that same run.

    python bench/readme_table.py [bench/.work/results.json]   # markdown on stdout, paste into docs/benchmarks.md
"""

import json
import math
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / ".work" / "results.json"
BASELINE = "mock_idp"
PANVA, AXA = "oidc-provider", "oauth2-mock-server"
NOISY = 0.15  # of a core used by other processes during a measurement (report.extra says the same)
# (measurement, row title, value key, format) of the figures table.
FIGURES = (
    ("cold_start", "cold start", "median_s", "{:.2f} s"),
    ("idle_rss", "idle RSS", "mib", "{:.0f} MiB"),
    ("discovery", "discovery req/s", "rate", "{:,.0f}"),
    ("jwks", "JWKS req/s", "rate", "{:,.0f}"),
    ("token", "client_credentials req/s", "rate", "{:,.0f}"),
    ("flow", "code flows/s (ours 3 requests, axa 2)", "rate", "{:,.1f}"),
)


def value(results: dict, measurement: str, target: str, key: str) -> float | None:
    row = results.get(measurement, {"targets": {}})["targets"].get(target, {})
    number = row.get(key)
    return None if number is None or math.isnan(number) else number


def cell(row: dict, key: str, fmt: str) -> str:
    if "na" in row:
        return f"n/a ({row['na']})"
    text = fmt.format(row[key])
    return text + " †" if row.get("other_cpu", 0) > NOISY else text


def figures_table(results: dict) -> list[str]:
    names = list(results["cold_start"]["targets"])
    lines = ["| figure | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for measurement, title, key, fmt in FIGURES:
        rows = results.get(measurement, {"targets": {}})["targets"]
        lines.append(f"| {title} | " + " | ".join(cell(rows.get(name, {"na": "not run"}), key, fmt)
                                                  for name in names) + " |")
    return lines


def targets_table(results: dict, meta: dict) -> list[str]:
    def ratio(measurement: str, peer: str, key: str = "rate") -> float | None:
        ours, theirs = value(results, measurement, BASELINE, key), value(results, measurement, peer, key)
        return ours / theirs if ours and theirs else None

    starts = {name: row["median_s"] for name, row in results["cold_start"]["targets"].items()
              if name != BASELINE and "median_s" in row}
    fastest = min(starts, key=starts.get) if starts else None
    workers = value(results, "workers", "mock_idp --workers 2", "rate")
    single = value(results, "token", BASELINE, "rate")
    floor = meta["signing_floor"]["two_threads"]
    rows = [
        (f"cold start ≤ 0.9× the fastest peer ({fastest})", ratio("cold_start", fastest, "median_s")
         if fastest else None, "{:.2f}×", lambda r: r <= 0.9),
        ("discovery ≥ 1.2× panva", ratio("discovery", PANVA), "{:.2f}×", lambda r: r >= 1.2),
        ("JWKS ≥ 1.0× panva", ratio("jwks", PANVA), "{:.2f}×", lambda r: r >= 1.0),
        ("client_credentials ≥ 1.3× panva (issue 19)", ratio("token", PANVA), "{:.2f}×", lambda r: r >= 1.3),
        ("client_credentials p99 no worse than panva's (issue 19)", ratio("token", PANVA, "p99_ms"), "{:.2f}×",
         lambda r: r <= 1.0),
        ("code flows ≥ 1.0× oauth2-mock-server", ratio("flow", AXA), "{:.2f}×", lambda r: r >= 1.0),
        ("idle RSS ≤ 60 MiB", value(results, "idle_rss", BASELINE, "mib"), "{:.0f} MiB", lambda r: r <= 60),
        ("`--workers 2` client_credentials ≥ 1.6× the single process (issue 19)",
         workers / single if workers and single else None, "{:.2f}×", lambda r: r >= 1.6),
        ("`--workers 2` client_credentials ≥ 70% of the two-thread signing floor (issue 19)",
         workers / floor if workers and floor else None, "{:.0%}", lambda r: r >= 0.7),
    ]
    lines = ["| target | this run | met? |", "|---|---|---|"]
    for title, number, fmt, met in rows:
        lines.append(f"| {title} | {fmt.format(number) if number is not None else 'not measured'} | "
                     f"{('yes' if met(number) else 'no') if number is not None else '?'} |")
    return lines


def header(meta: dict) -> str:
    settings = meta["settings"]
    command = "bench/run.py" + (" --quick" if settings.get("quick") else f" --duration {settings['duration']}")
    return (f"`{command}`, mock_idp {meta['versions'].get('mock_idp', '?')}, "
            f"{meta['versions'].get('load generator', '?')}; pinning: {meta['pinning']}; "
            f"{meta['versions'].get('platform', '')}. † = other processes used more than {NOISY:.0%} of a core "
            f"during that measurement (noisy).")


def floor_line(results: dict, meta: dict) -> str:
    floor = meta["signing_floor"]
    workers = value(results, "workers", "mock_idp --workers 2", "rate")
    single = value(results, "token", BASELINE, "rate")
    text = (f"Signing floor in the same run (`cryptography`, RS256-2048): {floor['one_core']:,.0f} signatures/s on "
            f"one core, {floor['two_threads']:,.0f}/s with two threads.")
    if workers:
        text += (f" `mock-idp serve --workers 2`, unpinned: {workers:,.0f} client_credentials req/s = "
                 f"{workers / floor['two_threads']:.0%} of the two-thread floor.")
    return text


def main() -> None:
    data = json.loads(Path(sys.argv[1] if len(sys.argv) > 1 else RESULTS).read_text())
    results, meta = data["results"], data["meta"]
    print("\n".join([header(meta), "", *figures_table(results), "", floor_line(results, meta), "",
                     *targets_table(results, meta)]))


if __name__ == "__main__":
    main()
