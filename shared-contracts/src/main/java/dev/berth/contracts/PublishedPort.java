package dev.berth.contracts;

/**
 * A container port published on the node.
 *
 * @param containerPort the port inside the container
 * @param hostIp        the node address it is bound to (the node's bind address)
 * @param hostPort      the port Docker picked on the node
 */
public record PublishedPort(int containerPort, String hostIp, int hostPort) {
}
