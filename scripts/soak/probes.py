"""The soak's measurements and disturbances, mixed into soak.Soak: the stale-series check, the containers
comparison, the samples, and engine restarts."""

import http.client
import json
import queue
import subprocess
import time

from soaklib import (SOCKETS, cri_containers, daemon_pid, fd_count, gauge, heap_after_gc_mib, info_keys, log,
                     phoenix_counters, proc_status, series_count, stop_pid)


class Probes:
    # ------------------------------------------------------------------------------------------ checks
    def check_removals(self):
        """Each removed container's id must be gone from /metrics in a scrape started 2 s after the removal; a stale
        one is then followed until a scrape no longer has it (`gone`: seconds after the removal)."""
        while not self.stop.is_set():
            t_scrape, text = self.scraper.latest
            open_stale = [x for x in self.stale if x["gone"] is None]
            if open_stale:
                keys = info_keys(text)
                for x in open_stale:
                    if (x["runtime"], x["cid"]) not in keys and t_scrape > x["t"]:
                        x["gone"] = t_scrape - x["t"]
                        log(f"stale {x['name']} gone from /metrics {x['gone']:.1f} s after its removal")
            try:
                t_rm, runtime, cid, name = self.removals.get(timeout=1)
            except queue.Empty:
                continue
            body = self.scraper.wait_newer(t_rm + 2.0, timeout=30)
            if body is None:
                self.unchecked += 1
                continue
            self.checked += 1
            if (runtime, cid) in info_keys(body):
                self.stale.append(dict(t=t_rm, runtime=runtime, cid=cid, name=name, gone=None))
                log(f"STALE: {runtime} {name} ({cid}) still on /metrics 2 s after its removal")

    def engine_keys(self):
        keys = {}
        for kind, e in self.engines.items():
            keys.update({(kind, k): v for k, v in e.containers().items()})
        if self.cri_ok:
            keys.update({("containerd", k): v for k, v in cri_containers().items()})
        return keys

    def compare(self, settle=20):
        """Engines' containers vs container_info, retried until equal (and stable) or `settle` s are up."""
        end = time.monotonic() + settle
        while True:
            err, after, on = None, {}, {}
            try:
                before = self.engine_keys()
                body = self.scraper.wait_newer(time.time(), 10) or ""
                after = self.engine_keys()
                on = info_keys(body)
                if before == after and set(before) == set(on):
                    return dict(engines=len(after), on_metrics=len(on), missing=[], extra=[], error=None)
            except Exception as ex:  # noqa: BLE001 - an engine away (restarted by someone else): not comparable
                err = str(ex)[:160]
            if time.monotonic() > end:
                return dict(engines=len(after), on_metrics=len(on), error=err,
                            missing=sorted(f"{k[0]}:{v}" for k, v in after.items() if k not in on),
                            extra=sorted(f"{k[0]}:{v}" for k, v in on.items() if k not in after))
            time.sleep(1)

    def sample(self, label):
        locks = [c.busy for c in self.churn]
        for lk in locks:
            lk.acquire()
        try:
            end = time.monotonic() + 90  # an engine someone else restarts: give it time to come back
            while time.monotonic() < end:
                try:
                    self.engine_keys()
                    break
                except Exception:  # noqa: BLE001
                    time.sleep(1)
            time.sleep(3)
            cmp = self.compare()
            pid = self.agent.pid
            heap = heap_after_gc_mib(pid)
            try:  # evidence for a leak hunt: the top of the class histogram, next to the agent's log
                histo = subprocess.run(["jcmd", str(pid), "GC.class_histogram"], capture_output=True, text=True,
                                       timeout=60).stdout
                with open(f"{self.run_dir}/histogram-{len(self.samples):02d}-{label.replace(' ', '')}.txt", "w") as f:
                    f.write("\n".join(histo.splitlines()[:60]) + "\n")
            except (OSError, subprocess.SubprocessError):
                pass
            body = self.scraper.wait_newer(time.time(), 10) or ""
            fds = fd_count(pid)
            held = gauge(body, "phoenix_cgroup_open_files")
            # The cgroup files the sampler holds are budgeted per running container and follow the population;
            # a leak shows in the rest.
            s = dict(label=label, t=time.time() - self.t0, heap=heap, rss=(proc_status(pid, "VmRSS") or 0) / 1024,
                     fds=fds, held=held, other_fds=fds if fds is None or held is None else int(fds - held),
                     threads=proc_status(pid, "Threads"), series=series_count(body),
                     counters=phoenix_counters(body), scrapes_ok=self.scraper.ok, scrapes_failed=self.scraper.failed,
                     stale=len(self.stale), checked=self.checked, sse_events=sum(c.events for c in self.sse),
                     sse_bytes=sum(c.bytes for c in self.sse), **cmp)
        finally:
            for lk in locks:
                lk.release()
        self.samples.append(s)
        heap_s = f"{heap:.1f}" if heap is not None else "?"
        log(f"sample {label}: heap {heap_s} MiB, RSS {s['rss']:.0f} MiB, fds {s['fds']}, threads {s['threads']}, "
            f"series {s['series']}, containers {cmp['engines']}/{cmp['on_metrics']}, failed scrapes {self.scraper.failed}, "
            f"stale {len(self.stale)}/{self.checked}")

    # ------------------------------------------------------------------------------------------ disturbances
    def restart_engine(self, kind):
        pid = daemon_pid(kind)
        if pid is None:
            log(f"{kind}: no daemon of ours to restart")
            return
        label = {"docker": "docker", "podman": "podman", "cri": "containerd"}[kind]
        rec = dict(engine=kind, at=time.time() - self.t0, before=self.scraper.per_runtime.get(label, 0))
        log(f"restarting {kind} (pid {pid})")
        self.stopped.add(kind)
        self.scraper.low = {}
        t = time.monotonic()
        stop_pid(pid, 90)
        rec["stop_s"] = time.monotonic() - t
        time.sleep(3)
        self.engines_up()
        rec["down_s"] = time.monotonic() - t
        t_up = time.monotonic()
        rec["agent_back_s"] = self.agent_sees_up(SOCKETS[kind], 60)
        rec["lowest"] = self.scraper.low.get(label, 0)
        self.scraper.low = None
        if rec["agent_back_s"] is None:  # followed by the main loop from now on (samples must not wait for it)
            self.awaiting.append((rec, SOCKETS[kind], t_up))
            log(f"{kind} answers again, but the agent does not see it up after 60 s")
        else:
            log(f"{kind} back; the agent saw it up {rec['agent_back_s']:.1f} s later")
        self.restarts.append(rec)

    def follow_awaiting(self, final=False):
        for item in list(self.awaiting):
            rec, sock, t_up = item
            if self.agent_sees_up(sock, 0) is not None:
                rec["agent_back_s"] = time.monotonic() - t_up
                log(f"{rec['engine']}: the agent saw it up {rec['agent_back_s']:.0f} s after it answered again")
                self.awaiting.remove(item)
            elif final:
                rec["waited_s"] = time.monotonic() - t_up

    def engines_up(self):
        r = subprocess.run(["bash", "scripts/runtimes.sh", "up"], capture_output=True, text=True, timeout=300,
                           stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            raise RuntimeError(f"runtimes.sh up failed: {r.stderr.strip()[-400:]}")
        self.stopped.clear()

    def agent_sees_up(self, sock, limit):
        t = time.monotonic()
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=3)
                c.request("GET", "/api/runtimes")
                rts = json.loads(c.getresponse().read())["runtimes"]
                c.close()
                if any(x["socket"] == f"unix://{sock}" and x["state"] == "up" for x in rts):
                    return time.monotonic() - t
            except (OSError, ValueError, KeyError, http.client.HTTPException):
                pass
            if time.monotonic() - t >= limit:
                return None
            time.sleep(0.5)
