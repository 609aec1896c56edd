package dev.berth.contracts;

/**
 * Exchange, queue and routing-key names of Berth's RabbitMQ topology.
 *
 * <p>Commands go to {@link #COMMANDS}: {@code session.create} to the queue shared by every
 * provisioner, {@code node.<nodeId>.session.delete} to the queue of the node that holds the session.
 * Status events and node heartbeats go to {@link #EVENTS}. Every queue dead-letters to
 * {@link #DEAD_LETTERS} with its own name as routing key, into {@code <queue>.dlq}.
 */
public final class Messaging {

    public static final String COMMANDS = "berth.commands";
    public static final String EVENTS = "berth.events";
    public static final String DEAD_LETTERS = "berth.dead-letters";

    /** Queue of create commands, shared by all provisioners (competing consumers). */
    public static final String PROVISION_QUEUE = "berth.provision";
    /** Queue of status events and heartbeats, shared by all session-service instances. */
    public static final String SESSION_EVENTS_QUEUE = "berth.session-events";
    /** Queue of node heartbeats, shared by all session-service instances; old heartbeats expire. */
    public static final String NODE_HEARTBEATS_QUEUE = "berth.node-heartbeats";

    public static final String CREATE_SESSION = "session.create";
    /** Status events: {@code session.<status in lower case>}. */
    public static final String SESSION_STATUS_PREFIX = "session.";
    public static final String SESSION_STATUS_PATTERN = "session.*";
    public static final String NODE_HEARTBEAT = "node.heartbeat";

    /**
     * Node-addressed commands: {@code node.<nodeId>.session.delete|stop|start}, queue {@code berth.node.<nodeId>};
     * the routing key's last word says which command the body is.
     */
    public static final String NODE_PREFIX = "node.";
    public static final String DELETE_SESSION_SUFFIX = ".session.delete";
    public static final String STOP_SESSION_SUFFIX = ".session.stop";
    public static final String START_SESSION_SUFFIX = ".session.start";
    public static final String NODE_QUEUE_PREFIX = "berth.node.";
    public static final String DEAD_LETTER_QUEUE_SUFFIX = ".dlq";

    /** Queue argument naming the dead-letter exchange; every Berth queue is declared with it. */
    public static final String X_DEAD_LETTER_EXCHANGE = "x-dead-letter-exchange";
    public static final String X_DEAD_LETTER_ROUTING_KEY = "x-dead-letter-routing-key";

    private Messaging() {
    }
}
