package dev.berth.contracts;

import java.util.List;
import java.util.Map;

/**
 * One container of a session as the provisioner must create it.
 *
 * @param name      the container's name within the session ({@code workspace} for the default template); the
 *                  other containers of the session reach it by this name
 * @param image     an image from the allow-list
 * @param env       environment variables given to the container
 * @param ports     container ports to publish on the node's bind address (TCP)
 * @param command   what the container runs instead of its image's command; null for the image's
 * @param dependsOn containers of the session that must be ready before this one starts
 * @param readiness how to tell that the container is ready; null: ready once it runs
 * @param limits    its resources, where they differ from the node's defaults; null for the defaults
 */
public record ContainerSpec(String name, String image, Map<String, String> env, List<Integer> ports,
        List<String> command, List<String> dependsOn, Readiness readiness, Limits limits) {

    /** A container of the default kind: the image's command, no dependencies, ready once it runs. */
    public ContainerSpec(String name, String image, Map<String, String> env, List<Integer> ports) {
        this(name, image, env, ports, null, List.of(), null, null);
    }

    /**
     * A command run in the container until it exits with 0.
     *
     * @param command        the check, run without a shell
     * @param timeoutSeconds how long the container has to become ready
     */
    public record Readiness(List<String> command, int timeoutSeconds) {
    }

    /**
     * @param memoryBytes memory (and memory with swap); null for the node's default
     * @param nanoCpus    CPU in billionths of a CPU; null for the node's default
     * @param privileged  whether the container runs privileged (a Docker playground); never for the default
     *                    template
     */
    public record Limits(Long memoryBytes, Long nanoCpus, boolean privileged) {
    }
}
