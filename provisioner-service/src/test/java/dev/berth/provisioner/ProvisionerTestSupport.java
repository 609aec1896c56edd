package dev.berth.provisioner;

import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;

import dev.berth.contracts.ContainerLabels;
import dev.berth.contracts.ContainerSpec;
import dev.berth.contracts.CreateSession;
import dev.berth.contracts.DeleteSession;
import dev.berth.contracts.Messaging;
import dev.berth.contracts.NodeHeartbeat;
import dev.berth.contracts.SessionStatus;
import dev.berth.contracts.SessionStatusChanged;
import dev.berth.contracts.StartSession;
import dev.berth.contracts.StopSession;
import tools.jackson.databind.json.JsonMapper;

/**
 * A provisioner running against the real broker and engine, as node {@link #NODE}; commands are sent the way
 * session-service sends them (JSON without a type header) and its events are read from a queue of the test's
 * own. Each test class closes its application when done, so only one provisioner of this run takes creates.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ActiveProfiles("test")
@Import(TestInfrastructure.class)
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ProvisionerTestSupport {

    static final String NODE = "it-" + UUID.randomUUID().toString().substring(0, 8);
    static final String WORKSPACE_IMAGE = "berth/workspace:latest";
    static final Duration WAIT = Duration.ofSeconds(30);

    /** The local engine, to see what the provisioner did (independent of the provisioner's own client). */
    static final DockerClient DOCKER = localDocker();

    private final JsonMapper json = JsonMapper.builder().build();
    private final Map<UUID, List<SessionStatusChanged>> statuses = new HashMap<>();
    private final Set<UUID> awaited = new HashSet<>();
    private final Map<UUID, String> traceparents = new HashMap<>();
    private final List<NodeHeartbeat> heartbeats = new ArrayList<>();
    private String events;

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    AmqpAdmin admin;

    @Autowired
    RabbitListenerEndpointRegistry listeners;

    @DynamicPropertySource
    static void node(DynamicPropertyRegistry registry) {
        registry.add("berth.node.id", () -> NODE);
    }

    @BeforeAll
    void listenToEvents() {
        // not auto-delete: receiving with a timeout consumes and cancels, which would delete such a queue
        Queue queue = QueueBuilder.nonDurable("it-events-" + UUID.randomUUID()).expires(600_000).build();
        admin.declareQueue(queue);
        TopicExchange exchange = new TopicExchange(Messaging.EVENTS);
        admin.declareBinding(BindingBuilder.bind(queue).to(exchange).with(Messaging.SESSION_STATUS_PATTERN));
        admin.declareBinding(BindingBuilder.bind(queue).to(exchange).with(Messaging.NODE_HEARTBEAT));
        events = queue.getName();
    }

    @AfterAll
    void removeWhatThisNodeMade() {
        listeners.stop();
        admin.deleteQueue(Messaging.NODE_QUEUE_PREFIX + NODE);
        admin.deleteQueue(Messaging.NODE_QUEUE_PREFIX + NODE + Messaging.DEAD_LETTER_QUEUE_SUFFIX);
        for (Container container : DOCKER.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(ContainerLabels.NODE, NODE)).exec()) {
            DOCKER.removeContainerCmd(container.getId()).withForce(true).withRemoveVolumes(true).exec();
        }
        for (Network network : DOCKER.listNetworksCmd()
                .withFilter("label", List.of(ContainerLabels.NODE + "=" + NODE)).exec()) {
            DOCKER.removeNetworkCmd(network.getId()).exec();
        }
        admin.deleteQueue(events);
    }

    static CreateSession createCommand(UUID sessionId, long sequence, String image) {
        return new CreateSession(UUID.randomUUID(), sessionId, sequence, "alice",
                List.of(new ContainerSpec("workspace", image, Map.of("GREETING", "hello"), List.of(3000))),
                Instant.now().plusSeconds(3600), Instant.now());
    }

    void send(CreateSession command) {
        send(Messaging.CREATE_SESSION, json.writeValueAsBytes(command), command.messageId());
    }

    void send(DeleteSession command) {
        send(Messaging.NODE_PREFIX + NODE + Messaging.DELETE_SESSION_SUFFIX, json.writeValueAsBytes(command),
                command.messageId());
    }

    void send(StopSession command) {
        send(Messaging.NODE_PREFIX + NODE + Messaging.STOP_SESSION_SUFFIX, json.writeValueAsBytes(command),
                command.messageId());
    }

    void send(StartSession command) {
        send(Messaging.NODE_PREFIX + NODE + Messaging.START_SESSION_SUFFIX, json.writeValueAsBytes(command),
                command.messageId());
    }

    void send(String routingKey, byte[] body, UUID messageId) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        properties.setMessageId(messageId.toString());
        rabbit.send(Messaging.COMMANDS, routingKey, new Message(body, properties));
    }

    /** The first event of the session in the given status that no earlier call returned. */
    SessionStatusChanged awaitStatus(UUID sessionId, SessionStatus status) {
        SessionStatusChanged event = poll(() -> statuses.getOrDefault(sessionId, List.of()).stream()
                .filter(received -> received.status() == status && !awaited.contains(received.messageId()))
                .findFirst().orElse(null), "a " + status + " event for session " + sessionId);
        awaited.add(event.messageId());
        return event;
    }

    /** Every event of the session received so far, in order of arrival. */
    List<SessionStatusChanged> history(UUID sessionId) {
        receiveFor(Duration.ofMillis(300));
        return List.copyOf(statuses.getOrDefault(sessionId, List.of()));
    }

    /** The W3C trace context the event was published with. */
    String traceparentOf(SessionStatusChanged event) {
        return traceparents.get(event.messageId());
    }

    NodeHeartbeat awaitHeartbeat(Predicate<NodeHeartbeat> matching) {
        return poll(() -> heartbeats.stream().filter(matching).findFirst().orElse(null), "a heartbeat");
    }

    static List<Container> containersOf(UUID sessionId) {
        return DOCKER.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(ContainerLabels.SESSION, sessionId.toString())).exec();
    }

    static List<Network> networksOf(UUID sessionId) {
        return DOCKER.listNetworksCmd().withNameFilter("berth-" + sessionId).exec();
    }

    private <T> T poll(Supplier<T> found, String what) {
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            T result = found.get();
            if (result != null) {
                return result;
            }
            receiveFor(Duration.ofMillis(100));
        }
        return fail("No " + what + " within " + WAIT);
    }

    private void receiveFor(Duration timeout) {
        Message message = awaitMessage(events, timeout, received -> true);
        while (message != null) {
            String body = new String(message.getBody(), StandardCharsets.UTF_8);
            if (Messaging.NODE_HEARTBEAT.equals(message.getMessageProperties().getReceivedRoutingKey())) {
                heartbeats.add(json.readValue(body, NodeHeartbeat.class));
            } else {
                SessionStatusChanged event = json.readValue(body, SessionStatusChanged.class);
                traceparents.put(event.messageId(), message.getMessageProperties().getHeader("traceparent"));
                statuses.computeIfAbsent(event.sessionId(), id -> new ArrayList<>()).add(event);
            }
            message = rabbit.receive(events);
        }
    }

    /** The first message in the queue that matches, taking (and dropping) the ones before it; null if none came. */
    Message awaitMessage(String queue, Duration timeout, Predicate<Message> matching) {
        Instant deadline = Instant.now().plus(timeout);
        do {
            Message message = rabbit.receive(queue);
            if (message == null) {
                sleep();
            } else if (matching.test(message)) {
                return message;
            }
        } while (Instant.now().isBefore(deadline));
        return null;
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static DockerClient localDocker() {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        return DockerClientImpl.getInstance(config,
                new ApacheDockerHttpClient.Builder().dockerHost(config.getDockerHost()).build());
    }
}
