import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from devtools import servers
from devtools.loadtest import data, verify

LOCUSTFILE = Path(data.__file__).with_name("locustfile.py")
STOP_TIMEOUT = 30  # seconds locust lets a user finish the request it is making when time is up


class Command(BaseCommand):
    help = (
        "Load test on this machine's loopback: writes its own data (a plan numbered KTT-…, replaced on each run), "
        "starts gunicorn with production settings on the configured database (PostgreSQL), runs locust headless "
        "(reporters save drafts and submit, coordinators review), then checks that the database holds every "
        "acknowledged save exactly once and that no answer was a 5xx, and prints requests per second and latency "
        "percentiles. The servers run with TWO_FACTOR_REQUIRED=0: the load test measures the app, not the login "
        "second factor. Exits non-zero on any failure."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reporters", type=int, default=50)
        parser.add_argument("--coordinators", type=int, default=10)
        parser.add_argument("--duration", type=int, default=120, help="Seconds of load.")
        parser.add_argument("--port", type=int, default=0, help="Loopback port for gunicorn (default: a free one).")
        parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers.")
        parser.add_argument("--spawn-rate", type=float, default=10, help="Users started per second.")
        parser.add_argument("--output", help="Keep locust's CSV files, the journal and the server logs in this folder.")
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off (a benchmark server).")
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Also fail when a request type's p95 misses its target (1 s; the login 2 s), and refuse to start "
            "on a busy machine (1-minute load average over --max-load).",
        )
        parser.add_argument(
            "--max-load", type=float, default=0.5, help="With --strict: the highest load average to start at (default 0.5)."
        )

    def handle(
        self, *args, reporters, coordinators, duration, port, workers, spawn_rate, output, force, strict, max_load, **options
    ):
        if not settings.DEBUG and not force:
            raise CommandError("load_test writes made-up data: DEBUG is off. Use --force on a benchmark server.")
        if importlib.util.find_spec("locust") is None or importlib.util.find_spec("gunicorn") is None:
            raise CommandError("load_test needs locust and gunicorn: pip install --require-hashes -r requirements-dev.lock")
        if reporters < 1 or coordinators < 1 or duration < 1:
            raise CommandError("--reporters, --coordinators and --duration must be at least 1.")
        load = os.getloadavg()[0]
        self.stdout.write(f"Load average before the run: {load:.2f} on {os.cpu_count()} cores.")
        if strict and load > max_load:
            raise CommandError(
                f"The machine is busy (load average {load:.2f} > {max_load}): the targets hold with nothing else running."
            )
        try:
            database_url = servers.database_url(connection.settings_dict)
            cast = data.prepare(reporters, coordinators)
        except (servers.ServerError, ValueError) as error:
            raise CommandError(str(error)) from None
        with tempfile.TemporaryDirectory(prefix="papi-load-") as scratch:
            folder = Path(output or scratch)
            folder.mkdir(parents=True, exist_ok=True)
            stats, entries = self._run(cast, folder, database_url, port or servers.free_port(), workers, duration, spawn_rate)
        self._report(cast, stats, entries, duration, strict)

    def _run(self, cast, folder, database_url, port, workers, duration, spawn_rate):
        (folder / "cast.json").write_text(json.dumps(cast.as_dict()))
        journal = folder / "journal.jsonl"
        journal.write_text("")
        env = servers.production_env(
            database_url, var_dir=folder / "var", media_root=settings.MEDIA_ROOT, TWO_FACTOR_REQUIRED="0"
        )
        users = len(cast.reporters) + len(cast.coordinators)
        with servers.Processes(folder) as processes:
            try:
                servers.collect_static(env)
                base_url = processes.gunicorn(port, env, workers)
            except (servers.ServerError, subprocess.CalledProcessError) as error:
                raise CommandError(str(error)) from None
            self.stdout.write(f"gunicorn ({workers} workers) at {base_url}; {users} users for {duration} s…")
            command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "-u", str(users),
                       "-r", str(spawn_rate), "-t", f"{duration}s", "--stop-timeout", str(STOP_TIMEOUT),
                       "--host", base_url, "--csv", str(folder / "locust"), "--only-summary",
                       "--loglevel", "WARNING"]  # fmt: skip
            locust_env = {**os.environ, "LOADTEST_CAST": str(folder / "cast.json"), "LOADTEST_JOURNAL": str(journal)}
            with open(folder / "locust.log", "wb") as log:
                # 1 means "some requests failed", which the checks below report; more is a crash.
                finished = subprocess.run(
                    command, env=locust_env, stdout=log, stderr=subprocess.STDOUT, timeout=duration + STOP_TIMEOUT + 120
                )
            # Stopped before checking: every write the server took has been answered or dropped.
        if finished.returncode not in (0, 1) or not (folder / "locust_stats.csv").exists():
            raise CommandError(f"locust failed ({finished.returncode}):\n{servers.tail(folder / 'locust.log')}")
        return verify.read_stats(folder / "locust"), verify.read_journal(journal)

    def _report(self, cast, stats, entries, duration, strict=False):
        findings = verify.check(entries, data.load_test_plan())
        write = self.stdout.write
        write(f"\n{'request':<32} {'count':>7} {'fail':>5} {'req/s':>7} {'median':>7} {'p95':>7} {'p99':>7}  (ms)")
        for row in stats:
            write(f"{row['Name'][:32]:<32} {row['Request Count']:>7} {row['Failure Count']:>5} "
                  f"{float(row['Requests/s']):>7.1f} {row['50%']:>7} {row['95%']:>7} {row['99%']:>7}")  # fmt: skip
        total = stats[-1]
        failures = int(total["Failure Count"])
        acked = ", ".join(f"{count} {action}" for action, count in sorted(findings.acked.items()))
        write(
            f"\n{len(cast.reporters)} reporters, {len(cast.coordinators)} coordinators, {duration} s: "
            f"{total['Request Count']} requests, {float(total['Requests/s']):.1f} per second; "
            f"median {total['50%']} ms, p95 {total['95%']} ms, p99 {total['99%']} ms."
        )
        write(
            f"Acknowledged: {acked or 'nothing'}; refused with a reason: {findings.refused}; "
            f"unanswered at the end: {findings.unanswered}; {findings.reports} reports in the database."
        )
        latency = verify.latency_checks(stats)
        slow = [check for check, passed in latency if not passed]
        write(
            f"Latency targets (each request type's p95 under {verify.P95_LIMIT_MS} ms, the login's under "
            f"{verify.LOGIN_P95_LIMIT_MS} ms): {len(latency) - len(slow)} of {len(latency)} met"
            + ("." if strict else " (reported; --strict fails on them).")
        )
        for check in slow:
            write(f"  MISSED: {check}")
        problems = list(findings.problems)
        if strict:
            problems += [f"p95 target missed: {check}" for check in slow]
        if findings.server_errors:
            problems.append(f"{findings.server_errors} answers were server errors (5xx)")
        if failures:
            problems.append(f"{failures} requests failed (see locust's failures CSV with --output)")
        if not findings.acked.get("save"):
            problems.append("no save was acknowledged: the scenario did not run")
        if problems:
            for problem in problems:
                write(f"  FAIL: {problem}")
            raise CommandError(f"load test FAILED: {len(problems)} problems")
        passed = "PASS: every acknowledged save is stored once, no report lost or duplicated, no 5xx"
        write(self.style.SUCCESS(passed + (", every p95 within its target." if strict else ".")))
