package dev.berth.contracts;

/** Labels a provisioner puts on every container and network it creates, so they can always be found again. */
public final class ContainerLabels {

    public static final String SESSION = "berth.session";
    public static final String NODE = "berth.node";
    public static final String OWNER = "berth.owner";
    /** The container's name within its session. */
    public static final String CONTAINER = "berth.container";

    private ContainerLabels() {
    }
}
