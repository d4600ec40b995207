"""Containers of the footprint run (scripts/bench/footprint.py), robust to an engine restarted by someone else during
the run (the soak test does that on these machines). bench.Bench does the work: parallel `run -d`, removal by name
prefix, and ending whatever is in its .agents list. Standard library only."""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench as B  # noqa: E402


class Engine(B.Engine):
    """bench.py's engine; on Docker the containers get --restart always, so that an engine restarted during the run
    brings them back (Podman's outlive a restart of its service anyway)."""

    def run_args(self, name, busy):
        a = super().run_args(name, busy)
        return a[:2] + ["--restart", "always"] + a[2:] if self.kind == "docker" else a


class Containers:
    def __init__(self, a, prefix, notes):
        self.a, self.prefix, self.notes = a, prefix, notes
        self.eng = Engine(a.engine)
        a.budget, a.trials, a.scrapes = 1e9, None, 500   # what bench.Bench's constructor reads besides ours
        self.bench = B.Bench(a)
        self.bench.engines[a.engine] = self.eng

    def existing(self):
        """{name: id} of this run's containers on the engine."""
        _, body = B.unix_get(self.eng.sock, f"{B.API}/containers/json?all=true", timeout=30)
        return {n.lstrip("/"): c["Id"] for c in json.loads(body) for n in c.get("Names") or []
                if n.lstrip("/").startswith(self.prefix)}

    def engine_up(self, wait):
        t_end = time.monotonic() + wait
        while True:
            try:
                if B.unix_get(self.eng.sock, "/_ping", timeout=5)[0] == 200:
                    return True
            except OSError:
                pass
            if time.monotonic() > t_end:
                return False
            time.sleep(2)

    def create(self, names, busy):
        """bench.Bench.create; again for what is missing if the engine went away meanwhile."""
        for attempt in range(3):
            try:
                have = self.existing() if attempt else {}
                self.bench.create(self.eng, [n for n in names if n not in have], busy=busy)
                return
            except (RuntimeError, OSError) as e:
                if attempt == 2 or self.engine_up(0):
                    raise
                B.log(f"{self.a.engine} is down ({str(e)[:80]}): waiting up to 120 s for it, then creating the rest")
                self.notes.append(f"{self.a.engine} was down while the containers were being created")
                self.engine_up(120)

    def cleanup(self):
        """The agents and netdata (bench.Bench ends its .agents), the containers by name prefix; then again while the
        engine is (re)starting: nothing of this run may stay behind."""
        self.bench.cleanup()
        if not self.engine_up(60):
            B.log(f"{self.a.engine} is down: scripts/bench.sh removes {self.prefix}* again when it can")
            return
        for _ in range(3):
            try:
                left = self.existing()
            except (OSError, ValueError):
                left = None
            if left == {}:
                return
            if left:
                self.bench.remove(self.eng, sorted(left))
            time.sleep(2)
        B.log(f"could not check that {self.prefix}* containers are gone: scripts/bench.sh removes them again")
