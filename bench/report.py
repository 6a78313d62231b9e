"""The benchmark's targets (issue 6) and its printed table."""

from __future__ import annotations

import json
from pathlib import Path

# (scenario, figure, limit, "max" or "min", label)
TARGETS = [
    ("dashboard_warm", "p95_ms", 150, "max", "street dashboard p95 (default view, kept warm by beat)"),
    ("dashboard", "p95_ms", 150, "max", "street dashboard p95 (cache empty: another period, computed on request)"),
    ("zone_queue", "p95_ms", 100, "max", "zone queue p95"),
    ("case_page", "p95_ms", 60, "max", "case page p95"),
    ("api_list", "p95_ms", 100, "max", "API list, two filters (zone leader) p95"),
    ("api_list_street", "p95_ms", 100, "max", "API list, two filters (street office) p95"),
    ("hazard_list_street", "p95_ms", 100, "max", "hazard list p95 (street office)"),
    ("hazard_list_zone", "p95_ms", 100, "max", "hazard list p95 (zone leader)"),
    ("enterprise_page_street", "p95_ms", 100, "max", "enterprise page 一企一档 p95 (street office)"),
    ("enterprise_page_zone", "p95_ms", 100, "max", "enterprise page 一企一档 p95 (zone leader)"),
    ("campaign_progress_street", "p95_ms", 100, "max", "campaign progress page p95 (street office)"),
    ("campaign_progress_zone", "p95_ms", 100, "max", "campaign progress page p95 (zone leader)"),
    ("intake", "cases_per_s", 150, "min", "intake at concurrency 8, cases/s"),
    ("sweep", "seconds", 3, "max", "escalation sweep, 10,000 cases due, s (median of 3)"),
    ("agenda", "seconds", 2, "max", "weekly agenda preparation, s (median of 3)"),
]
MEMORY_LIMIT_MB = 200
TWICE = "dashboard p95 at most twice its 10k figure"
ROWS = [
    ("dashboard", "Street dashboard, cache emptied before each request"),
    ("dashboard_warm", "Street dashboard, default view kept warm by beat"),
    ("zone_queue", "Zone queue, default filters (zone leader)"),
    ("street_queue", "Case queue, default filters (street office)"),
    ("case_page", "Case page (zone leader, different cases)"),
    ("api_list", "API list ?open=true&overdue=true (zone leader)"),
    ("api_list_street", "API list ?category=…&reported_after=… (street)"),
    ("intake", "Intake POST /api/v1/incidents/, phones (client-side)"),
    ("intake_keepalive", "Intake, kept-alive sessions, JSON only (earlier)"),
    ("hazard_list_street", "Hazard list, default filters (street office)"),
    ("hazard_list_zone", "Hazard list, default filters (zone leader)"),
    ("enterprise_page_street", "Enterprise page 一企一档 (street office)"),
    ("enterprise_page_zone", "Enterprise page 一企一档 (zone leader, own zone)"),
    ("campaign_progress_street", "Campaign progress page (street office)"),
    ("campaign_progress_zone", "Campaign progress page (zone leader)"),
]


def compare(result: dict, baseline_path: Path) -> list[dict]:
    """Each target: the measured value, met or missed and by how much."""
    out = []
    scenarios = result["scenarios"]
    for scenario, figure, limit, kind, label in TARGETS:
        value = scenarios.get(scenario, {}).get(figure)
        if value is None:
            continue
        met = value <= limit if kind == "max" else value >= limit
        out.append({"target": label, "limit": limit, "value": value, "met": met,
                    "by": round(value / limit, 2) if kind == "max" else round(limit / value, 2) if value else None})
    rss = [v.get("VmHWM", 0) / 1024 for v in result.get("memory_kb", {}).values()]
    if rss:
        peak = round(max(rss), 1)
        out.append({"target": "web worker peak memory (VmHWM), MB", "limit": MEMORY_LIMIT_MB, "value": peak,
                    "met": peak <= MEMORY_LIMIT_MB, "by": round(peak / MEMORY_LIMIT_MB, 2)})
    if baseline_path.exists() and result["incidents"] != 10_000:
        baseline = json.loads(baseline_path.read_text())["scenarios"]
        for key in ("dashboard_warm", "dashboard"):
            if key in scenarios and key in baseline:
                base, value = baseline[key]["p95_ms"], scenarios[key]["p95_ms"]
                out.append({"target": f"{TWICE} ({key})", "limit": round(2 * base, 1), "value": value,
                            "met": value <= 2 * base, "by": round(value / (2 * base), 2)})
    return out


def print_report(result: dict) -> None:
    data = result["data"]
    scenarios = result["scenarios"]
    print()
    print(f"Benchmark at {result['incidents']:,} cases — {result['measured_at']} (commit {result['commit']})")
    tables = ", ".join(f"{t.split('_', 1)[1]} {v['rows']:,}" for t, v in data["tables"].items())
    print(f"Data: {tables}; database {data['database_mb']:,.0f} MB; open {data['open']:,} (overdue {data['open_overdue']:,})")
    load = result["machine"]["load_average_before"]
    print(f"Machine: {result['machine']['cpus']} CPUs, load average {load[0]:.1f} before; PostgreSQL {result['machine']['postgresql']}")
    print()
    print(f"{'':<52}{'median':>9}{'p95':>9}{'max':>9}   (ms)")
    for key, label in ROWS:
        row = scenarios.get(key)
        if row and row.get("n"):
            print(f"{label:<52}{row['median_ms']:>9.1f}{row['p95_ms']:>9.1f}{row['max_ms']:>9.1f}")
    if (server := (scenarios.get("intake") or {}).get("server")) and server.get("n"):
        print(f"{'Intake, phones, as gunicorn timed it (server-side)':<52}{server['median_ms']:>9.1f}{server['p95_ms']:>9.1f}"
              f"{server['max_ms']:>9.1f}")
    for key, label in (("intake", "Intake throughput, phones"), ("intake_keepalive", "Intake throughput, kept-alive (earlier)")):
        if intake := scenarios.get(key):
            print(f"{label:<52}{intake['cases_per_s']:>9.1f} cases/s ({intake['cases']} cases, "
                  f"concurrency {intake['concurrency']})")
    if cpu := (scenarios.get("intake") or {}).get("cpu_ms_per_case"):
        print(f"{'Intake CPU per case, ms: client / web / PostgreSQL / machine':<52}"
              f"{cpu['client']:>7.1f} /{cpu['web']:>5.1f} /{cpu['postgresql']:>5.1f} /{cpu['machine']:>5.1f}")
    if sweep := scenarios.get("sweep"):
        print(f"{'Escalation sweep (median of 3)':<52}{sweep['seconds']:>9.2f} s  ({sweep['cases_due']:,} due; moved {sweep['moved']})")
    if agenda := scenarios.get("agenda"):
        print(f"{'Weekly agenda preparation (median of 3)':<52}{agenda['seconds']:>9.2f} s  ({agenda['items']} items)")
    if warming := scenarios.get("dashboard_warming"):
        print(f"{'Dashboard warming, all scopes (median of 3)':<52}{warming['seconds']:>9.2f} s  ({warming['scopes']} scopes)")
    for page, personas in result.get("safety_query_counts", {}).items():
        counts = "; ".join(f"{who} {' / '.join(map(str, n))}" for who, n in personas.items())
        print(f"{'SQL queries, ' + page.replace('_', ' ') + ' (largest / other)':<52}{counts}")
    rss = {pid: v.get("VmRSS", 0) / 1024 for pid, v in result["memory_kb"].items()}
    hwm = {pid: v.get("VmHWM", 0) / 1024 for pid, v in result["memory_kb"].items()}
    if rss:
        print(f"{'Web worker memory, RSS now / peak':<52}{max(rss.values()):>9.0f}{max(hwm.values()):>9.0f} MB  ({len(rss)} workers)")
    print()
    for target in result["targets"]:
        mark = "met   " if target["met"] else "MISSED"
        print(f"  [{mark}] {target['target']}: {target['value']} (target {target['limit']})")


def markdown(results: list[dict]) -> str:
    """One table, a column per data size: what docs/performance.md shows."""
    results = sorted(results, key=lambda r: r["incidents"])
    head = "| | " + " | ".join(f"{r['incidents']:,} cases" for r in results) + " |"
    lines = [head, "|---" * (len(results) + 1) + "|"]

    def row(label: str, cell) -> None:
        lines.append(f"| {label} | " + " | ".join(cell(r) for r in results) + " |")

    def latency(key: str):
        def cell(r):
            s = r["scenarios"].get(key) or {}
            return f"{s['median_ms']:.0f} / {s['p95_ms']:.0f}" if s.get("n") else "–"
        return cell

    for key, label in ROWS:
        row(f"{label}, median / p95 ms", latency(key))
    row("Intake throughput, cases/s (concurrency 8)", lambda r: f"{r['scenarios']['intake']['cases_per_s']:.1f}")
    row("Escalation sweep, 10,000 cases due, s", lambda r: f"{r['scenarios']['sweep']['seconds']:.2f}")
    row("Weekly agenda preparation, s (items)",
        lambda r: f"{r['scenarios']['agenda']['seconds']:.2f} ({r['scenarios']['agenda']['items']})")
    row("Dashboard warming (beat, when cases changed), s (scopes)", lambda r: (
        f"{r['scenarios']['dashboard_warming']['seconds']:.2f} ({r['scenarios']['dashboard_warming']['scopes']})"
        if "dashboard_warming" in r["scenarios"] else "–"))
    row("Web worker memory, peak RSS MB", lambda r: f"{max(v.get('VmHWM', 0) for v in r['memory_kb'].values()) / 1024:.0f}")
    row("Database size, MB", lambda r: f"{r['data']['database_mb']:,.0f}")
    row("Rows: cases / events / deadlines / notifications", lambda r: " / ".join(
        f"{v['rows'] / 1000:,.0f}k" for v in r["data"]["tables"].values()))
    row("Open cases (overdue)", lambda r: f"{r['data']['open']:,} ({r['data']['open_overdue']:,})")
    row("Generation time, s", lambda r: f"{(r.get('generated') or {}).get('timings', {}).get('total', 0):.0f}")
    row("Load average (1 min) before", lambda r: f"{r['machine']['load_average_before'][0]:.1f}")
    row("Measured at (UTC), commit", lambda r: f"{r['measured_at'][11:16]} {r['commit']}")
    return "\n".join(lines)


def targets_markdown(results: list[dict]) -> str:
    results = sorted(results, key=lambda r: r["incidents"])
    lines = ["| target | " + " | ".join(f"{r['incidents']:,}" for r in results) + " |", "|---" * (len(results) + 1) + "|"]
    labels = list(dict.fromkeys(t["target"] for r in results for t in r["targets"]))
    for label in labels:
        cells = []
        for r in results:
            found = next((t for t in r["targets"] if t["target"] == label), None)
            cells.append("–" if found is None else f"{found['value']} {'✓' if found['met'] else '✗'}")
        limit = next(t["limit"] for r in results for t in r["targets"] if t["target"] == label)
        lines.append(f"| {label} ({'≥' if 'cases/s' in label else '≤'} {limit}) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def generation_markdown(results: list[dict]) -> str:
    lines = ["| cases | simulate + COPY (wall) | rebuild indexes + constraints | ANALYZE | total | database |", "|---|---|---|---|---|---|"]
    for r in sorted(results, key=lambda r: r["incidents"]):
        g = r.get("generated") or {}
        t = g.get("timings", {})
        lines.append(
            f"| {r['incidents']:,} | {t.get('simulate + copy (wall)', 0):.0f} s | {t.get('rebuild', 0):.0f} s "
            f"| {t.get('analyze', 0):.0f} s | {t.get('total', 0):.0f} s | {(g.get('database_bytes') or 0) / 2**20:,.0f} MB |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    loaded = [json.loads(Path(p).read_text()) for p in sys.argv[1:]]
    print(markdown(loaded), targets_markdown(loaded), generation_markdown(loaded), sep="\n\n")
