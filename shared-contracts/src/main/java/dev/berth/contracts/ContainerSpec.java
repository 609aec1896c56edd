package dev.berth.contracts;

import java.util.List;
import java.util.Map;

/**
 * One container of a session as the provisioner must create it.
 *
 * @param name  the container's name within the session ({@code workspace} for the default template)
 * @param image an image from the allow-list
 * @param env   environment variables given to the container
 * @param ports container ports to publish on the node's bind address (TCP)
 */
public record ContainerSpec(String name, String image, Map<String, String> env, List<Integer> ports) {
}
