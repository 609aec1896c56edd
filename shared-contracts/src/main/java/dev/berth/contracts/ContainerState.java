package dev.berth.contracts;

import java.util.List;

/**
 * A container of a session as it exists on its node.
 *
 * @param name        the container's name within the session
 * @param containerId Docker's container id
 * @param image       the image it runs
 * @param ports       its published ports
 */
public record ContainerState(String name, String containerId, String image, List<PublishedPort> ports) {
}
