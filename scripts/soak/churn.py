"""Container churn on one engine: run, stop, start, restart, remove; every 5th cycle a container that is OOM-killed."""

import threading
import time

RUNTIME_LABEL = {"docker": "docker", "podman": "podman", "cri": "containerd"}


class Churn(threading.Thread):
    """One engine's churn: run, stop, start, restart, remove; every 5th cycle a container that is OOM-killed."""

    def __init__(self, soak, engine, worker):
        super().__init__(daemon=True, name=f"churn-{engine.kind}-{worker}")
        self.soak, self.e, self.w = soak, engine, worker
        self.busy = threading.Lock()  # held during a cycle; the sampler holds it to pause the churn
        self.n = dict(created=0, stopped=0, started=0, restarted=0, removed=0, oom_runs=0, oom_exit137=0,
                      oom_flag=0, errors=0)
        self.last_error = ""

    def run(self):
        i = 0
        while not self.soak.churn_stop.is_set():
            i += 1
            with self.busy:
                if self.soak.churn_stop.is_set():
                    break
                name = f"{self.soak.prefix}{self.e.kind[0]}{self.w}-{'oom' if i % 5 == 0 else 'c'}{i}"
                try:
                    self.oom(name) if i % 5 == 0 else self.cycle(name)
                except Exception as ex:  # noqa: BLE001 - engines restart under us: counted, reported
                    self.n["errors"] += 1
                    self.last_error = f"{time.strftime('%H:%M:%S')} {' '.join(str(ex).split())[:160]}"
                    try:  # whatever the failed cycle left behind (the wrapper removes the prefix at the end too)
                        self.e.run("rm", "-f", *(["-t", "0"] if self.e.kind == "podman" else []), name, check=False)
                    except Exception:  # noqa: BLE001
                        pass
                    self.soak.churn_stop.wait(2)  # the engine is probably away: do not spin
            self.soak.churn_stop.wait(self.soak.args.churn_pause)

    def cycle(self, name):
        e = self.e
        cid = e.run("run", "-d", "--name", name, "--network", "none", "--label", "phoenix.soak=1", e.image,
                    "sleep", "3600")[:12]
        self.n["created"] += 1
        for op, key in (("stop", "stopped"), ("start", "started"), ("restart", "restarted")):
            e.run(op, *(["-t", "0"] if op != "start" else []), name)
            self.n[key] += 1
        self.remove(name, cid)

    def oom(self, name):
        e = self.e
        cid = e.run("run", "-d", "--name", name, "--network", "none", "--label", "phoenix.soak=1", "--memory", "16m",
                    "--memory-swap", "16m", e.image, "dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1")[:12]
        self.n["created"] += 1
        self.n["oom_runs"] += 1
        end = time.monotonic() + 20
        state = ""
        while time.monotonic() < end and not state.startswith("exited"):
            time.sleep(0.5)
            state = e.run("inspect", "-f", "{{.State.Status}} {{.State.OOMKilled}} {{.State.ExitCode}}", name)
        self.n["oom_exit137"] += state.endswith(" 137")
        self.n["oom_flag"] += " true " in state
        self.remove(name, cid)

    def remove(self, name, cid):
        self.e.run("rm", "-f", *(["-t", "0"] if self.e.kind == "podman" else []), name)
        self.n["removed"] += 1
        self.soak.removals.put((time.time(), RUNTIME_LABEL[self.e.kind], cid, name))
