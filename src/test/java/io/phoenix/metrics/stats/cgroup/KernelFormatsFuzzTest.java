package io.phoenix.metrics.stats.cgroup;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.phoenix.metrics.stats.StatsSample;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel file parsers, on any bytes: cpu.stat, memory.stat, cpuacct.stat and /proc/PID/io (keyed), single
 * values (memory.current, memory.max ...), io.stat, blkio, /proc/PID/net/dev (interface names are the container's
 * to choose), /proc/stat (ProcStat), cgroup.procs, /proc/PID/cgroup. None may throw: the sampler reads them once a second per
 * container. Seeds: the recorded trees under src/test/resources/cgroup.
 */
class KernelFormatsFuzzTest {

    private static final byte[][] KEYS = {Scan.ascii("usage_usec"), Scan.ascii("user_usec"), Scan.ascii("system_usec"),
            Scan.ascii("nr_periods"), Scan.ascii("nr_throttled"), Scan.ascii("throttled_usec"), Scan.ascii("throttled_time"),
            Scan.ascii("inactive_file"), Scan.ascii("total_inactive_file"), Scan.ascii("read_bytes"), Scan.ascii("write_bytes"),
            Scan.ascii("user"), Scan.ascii("system")};

    @FuzzTest(maxDuration = "5s")
    void kernelFiles(byte[] data) {
        Scan scan = new Scan(64).load(data);
        long[] out = new long[KEYS.length];
        scan.keyed(KEYS, out);
        scan.single();
        ReadBuffers.Devices devices = new ReadBuffers.Devices();
        KernelFormats.ioStat(scan, devices);
        devices.toDisks(true);
        devices.reset();
        KernelFormats.blkio(scan, devices, 0);
        KernelFormats.blkio(scan, devices, 2);
        devices.toDisks(false);
        List<StatsSample.Network> networks = new ArrayList<>();
        KernelFormats.netDev(scan, false, new ReadBuffers.Names(), networks);
        ProcStat.hostCpu(scan, new long[2]);
        ProcStat.cpuTimes(scan);
        HostProc.loadAverages(scan, new double[3]);
        KernelFormats.pids(scan, new ReadBuffers.Pids());
    }

    @FuzzTest(maxDuration = "5s")
    void procCgroup(byte[] data) {
        ProcCgroup.parse(new String(data, StandardCharsets.UTF_8));
    }
}
