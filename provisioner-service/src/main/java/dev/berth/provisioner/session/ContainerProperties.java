package dev.berth.provisioner.session;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits of every session container on this node, and the images it may run.
 *
 * @param memory        memory of a container; swap is set to the same, so it cannot swap
 * @param cpus          CPUs a container may use (fractions allowed)
 * @param pidsLimit     the most processes a container may run
 * @param allowedImages images this node runs; a create for any other fails
 * @param allowPrivileged whether this node runs privileged containers (a Docker playground template); a create
 *                        asking for one fails unless it does
 */
@ConfigurationProperties("berth.containers")
public record ContainerProperties(@DefaultValue("1GB") DataSize memory, @DefaultValue("1.0") double cpus,
        @DefaultValue("512") long pidsLimit,
        @DefaultValue({"berth/workspace:latest", "berth/todo:latest", "berth/docker:latest"}) List<String> allowedImages,
        @DefaultValue("false") boolean allowPrivileged) {

    public ContainerProperties {
        if (memory.toMegabytes() < 6) {
            throw new IllegalArgumentException("berth.containers.memory must be at least 6MB");
        }
        if (cpus <= 0) {
            throw new IllegalArgumentException("berth.containers.cpus must be more than 0");
        }
        if (pidsLimit < 1) {
            throw new IllegalArgumentException("berth.containers.pids-limit must be at least 1");
        }
    }

    long nanoCpus() {
        return Math.round(cpus * 1_000_000_000d);
    }
}
