package dev.berth.session.template;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a session is made of: its containers, and who may have how many such sessions for how long.
 *
 * @param name               how clients ask for it ({@code template} of a create)
 * @param enabled            whether sessions may be made from it now
 * @param role               the role a caller's token must name to use it; null for anyone
 * @param maxPerOwner        live sessions of this template one owner may have (0: no limit beyond the quota)
 * @param maxDurationMinutes the longest lease of its sessions; null for the service's maximum
 * @param containers         its containers; the first is the one terminals, commands and files reach
 */
public record Template(String name, String description, boolean enabled, String role, int maxPerOwner,
        Integer maxDurationMinutes, List<Container> containers) {

    public Template {
        containers = containers == null ? List.of() : List.copyOf(containers);
    }

    /** A template as written in a file, where {@code enabled} may be left out (it is then enabled). */
    @JsonCreator
    static Template of(@JsonProperty("name") String name, @JsonProperty("description") String description,
            @JsonProperty("enabled") Boolean enabled, @JsonProperty("role") String role,
            @JsonProperty("maxPerOwner") int maxPerOwner, @JsonProperty("maxDurationMinutes") Integer maxDurationMinutes,
            @JsonProperty("containers") List<Container> containers) {
        return new Template(name, description, enabled == null || enabled, role, maxPerOwner, maxDurationMinutes,
                containers);
    }

    /** The preview ports of all its containers. */
    public List<Integer> ports() {
        return containers.stream().flatMap(container -> container.ports().stream()).sorted().toList();
    }

    /**
     * One container of a template. Values of {@code env} and {@code command} may hold {@code ${session.id}},
     * {@code ${session.owner}} and {@code ${secret.<name>}} (a random value made for each session, the same
     * in all its containers).
     *
     * @param command   what it runs instead of its image's command; empty for the image's
     * @param dependsOn containers that must be ready before it starts
     * @param readiness a command that exits with 0 once the container is ready; empty: ready once it runs
     * @param memory    its memory (such as {@code 512MB}), null for the node's default
     * @param cpus      its CPUs, null for the node's default
     * @param privileged whether it runs privileged (a Docker playground); the node must allow it
     */
    public record Container(String name, String image, List<String> command, Map<String, String> env,
            List<Integer> ports, List<String> dependsOn, List<String> readiness, int readinessTimeoutSeconds,
            String memory, Double cpus, boolean privileged) {

        public Container {
            command = command == null ? List.of() : List.copyOf(command);
            env = env == null ? Map.of() : Map.copyOf(env);
            ports = ports == null ? List.of() : List.copyOf(ports);
            dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
            readiness = readiness == null ? List.of() : List.copyOf(readiness);
            readinessTimeoutSeconds = readinessTimeoutSeconds <= 0 ? 60 : readinessTimeoutSeconds;
        }
    }
}
