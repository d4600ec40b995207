package io.phoenix.metrics.stats.cgroup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /proc/PID/cgroup of every driver layout the issue names, and how each resolves under a cgroup root. */
class ProcCgroupTest {

    static final String ID = "56873cfea2c445f2059542c2218869b60778861c8c269e92fa940cfcc1b978ec";

    @Test
    void dockerCgroupfsOnAHybridHost() {
        // recorded on a build machine (Docker 20.10, cgroupfs driver)
        ProcCgroup c = ProcCgroup.parse("""
                9:name=systemd:/docker/%1$s
                8:pids:/docker/%1$s
                7:blkio:/docker/%1$s
                6:freezer:/docker/%1$s
                5:devices:/docker/%1$s
                4:memory:/docker/%1$s
                3:cpuset:/docker/%1$s
                2:cpuacct:/docker/%1$s
                1:cpu:/docker/%1$s
                0::/docker/%1$s
                """.formatted(ID));
        assertEquals(Optional.of("/docker/" + ID), c.v1("memory"));
        assertEquals(Optional.of("/docker/" + ID), c.v1("cpuacct"));
        assertEquals(Optional.of("/docker/" + ID), c.v1("name=systemd"));
        assertEquals(Optional.of("/docker/" + ID), c.unified());
        assertEquals(9, c.v1().size());
    }

    @Test
    void podmanCgroupfsLibpodParent() {
        ProcCgroup c = ProcCgroup.parse("4:memory:/libpod_parent/libpod-" + ID + "\n0::/libpod_parent/libpod-" + ID + "\n");
        assertEquals(Optional.of("/libpod_parent/libpod-" + ID), c.v1("memory"));
        assertEquals(Optional.of("/libpod_parent/libpod-" + ID), c.unified());
    }

    @Test
    void systemdDriverScopesAndCombinedControllersOnV1() {
        ProcCgroup c = ProcCgroup.parse("""
                12:cpu,cpuacct:/system.slice/docker-%1$s.scope
                11:memory:/system.slice/docker-%1$s.scope
                1:name=systemd:/system.slice/docker-%1$s.scope
                0::/system.slice/docker-%1$s.scope""".formatted(ID)); // no trailing newline
        assertEquals(Optional.of("/system.slice/docker-" + ID + ".scope"), c.v1("cpu"));
        assertEquals(Optional.of("/system.slice/docker-" + ID + ".scope"), c.v1("cpuacct"));
        assertEquals(Optional.of("/system.slice/docker-" + ID + ".scope"), c.unified());
    }

    @Test
    void pureV2MachineSliceLibpodScope() {
        ProcCgroup c = ProcCgroup.parse("0::/machine.slice/libpod-" + ID + ".scope/container\n");
        assertTrue(c.v1().isEmpty());
        assertEquals(Optional.of("/machine.slice/libpod-" + ID + ".scope/container"), c.unified());
    }

    @Test
    void kubernetesCgroupfsAndSystemdDrivers() {
        String pod = "pod0f6c4a8e-2b1d-4c3e-9f7a-5e6d8c9b0a1f";
        ProcCgroup cgroupfs = ProcCgroup.parse("11:memory:/kubepods/burstable/" + pod + "/" + ID + "\n"
                + "3:cpu,cpuacct:/kubepods/burstable/" + pod + "/" + ID + "\n");
        assertEquals(Optional.of("/kubepods/burstable/" + pod + "/" + ID), cgroupfs.v1("cpuacct"));
        assertEquals(Optional.empty(), cgroupfs.unified());

        String slice = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0f6c4a8e_2b1d_4c3e_9f7a_5e6d8c9b0a1f.slice/cri-containerd-" + ID + ".scope";
        ProcCgroup systemd = ProcCgroup.parse("0::" + slice + "\n");
        assertEquals(Optional.of(slice), systemd.unified());
    }

    @Test
    void aPathWithAColonIsKeptWhole() {
        ProcCgroup c = ProcCgroup.parse("0::/odd:name/" + ID + "\n");
        assertEquals(Optional.of("/odd:name/" + ID), c.unified());
    }

    @Test
    void resolvesCombinedMountsLinksAndUnifiedAndRefusesPathsOutsideTheNamespace(@TempDir Path root) throws Exception {
        String docker = "/docker/" + ID;
        Files.createDirectories(root.resolve("cpu,cpuacct" + docker));
        Files.createSymbolicLink(root.resolve("cpu"), root.resolve("cpu,cpuacct"));
        Files.createSymbolicLink(root.resolve("cpuacct"), root.resolve("cpu,cpuacct"));
        Files.createDirectories(root.resolve("memory" + docker));
        Files.createDirectories(root.resolve("systemd" + docker));
        Files.createDirectories(root.resolve("unified" + docker));
        Files.writeString(root.resolve("unified/cgroup.controllers"), "");

        CgroupLayout layout = CgroupLayout.detect(root);
        assertEquals(CgroupLayout.Kind.HYBRID, layout.kind());
        ProcCgroup c = ProcCgroup.parse("4:memory:" + docker + "\n3:cpu,cpuacct:" + docker + "\n1:name=systemd:" + docker
                + "\n0::" + docker + "\n");
        assertTrue(layout.v1(c, "cpuacct").orElseThrow().endsWith(Path.of(docker.substring(1))));
        assertTrue(layout.v1(c, "cpuacct").orElseThrow().startsWith(root));
        assertTrue(Files.isSameFile(root.resolve("cpu,cpuacct" + docker), layout.v1(c, "cpu").orElseThrow()));
        assertEquals(root.resolve("memory" + docker), layout.v1(c, "memory").orElseThrow());
        assertEquals(root.resolve("unified" + docker), layout.unified(c).orElseThrow());
        assertEquals(Optional.empty(), layout.v1(c, "pids"), "pids is not mounted here");
        assertEquals(Optional.empty(), layout.v1(c, "blkio"));

        ProcCgroup hidden = ProcCgroup.parse("4:memory:/../../docker/" + ID + "\n0::/../docker/" + ID + "\n");
        assertEquals(Optional.empty(), layout.v1(hidden, "memory"));
        assertEquals(Optional.empty(), layout.unified(hidden));
    }

    @Test
    void layoutKinds(@TempDir Path root) throws Exception {
        assertEquals(CgroupLayout.Kind.NONE, CgroupLayout.detect(root.resolve("absent")).kind());
        assertEquals(CgroupLayout.Kind.NONE, CgroupLayout.detect(root).kind());
        Files.createDirectories(root.resolve("memory"));
        assertEquals(CgroupLayout.Kind.V1, CgroupLayout.detect(root).kind());
        Files.writeString(root.resolve("cgroup.controllers"), "cpu io memory pids\n");
        assertEquals(CgroupLayout.Kind.V2, CgroupLayout.detect(root).kind());
    }
}
