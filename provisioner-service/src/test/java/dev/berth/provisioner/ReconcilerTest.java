package dev.berth.provisioner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.github.dockerjava.api.model.Container;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.berth.contracts.ContainerLabels;
import dev.berth.contracts.ContainerSpec;
import dev.berth.contracts.CreateSession;
import dev.berth.contracts.SessionStatus;
import dev.berth.contracts.SessionStatusChanged;
import dev.berth.provisioner.session.Reconciler;
import tools.jackson.databind.json.JsonMapper;

/**
 * The reconciler and a session's containers as one unit. session-service's two internal answers (which sessions
 * belong on the node, where one session is) come from a small HTTP server of the test; containers, engine events
 * and the broker are real.
 */
class ReconcilerTest extends ProvisionerTestSupport {

    /** What the stand-in for session-service answers: sessions on the node, and placements by session id. */
    private static final Map<UUID, Map<String, Object>> ON_NODE = new ConcurrentHashMap<>();
    private static final Map<UUID, Map<String, Object>> PLACEMENTS = new ConcurrentHashMap<>();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpServer SESSION_SERVICE = sessionService();

    @Autowired
    Reconciler reconciler;

    @DynamicPropertySource
    static void reconciler(DynamicPropertyRegistry registry) {
        registry.add("berth.reconciler.session-service-uri",
                () -> "http://127.0.0.1:" + SESSION_SERVICE.getAddress().getPort());
        registry.add("berth.reconciler.orphan-grace", () -> "2s");
        registry.add("berth.reconciler.ending-grace", () -> "1m");
    }

    @BeforeEach
    void forget() {
        ON_NODE.clear();
        PLACEMENTS.clear();
    }

    @AfterAll
    static void stopSessionService() {
        SESSION_SERVICE.stop(0);
    }

    @Test
    void aSessionMissingOneOfItsContainersFailsAndTheRestAreRemoved() {
        UUID id = UUID.randomUUID();
        send(twoContainers(id));
        awaitStatus(id, SessionStatus.RUNNING);
        DOCKER.removeContainerCmd(container(id, "db").getId()).withForce(true).exec();
        // the engine tells of db's end: the session stops as a whole first
        awaitStatus(id, SessionStatus.STOPPED);
        ON_NODE.put(id, nodeSession(id, SessionStatus.STOPPED, 1, Instant.now(), null, List.of("app", "db")));

        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
            reconciler.reconcile();
            return history(id).stream().anyMatch(event -> event.status() == SessionStatus.FAILED);
        });

        SessionStatusChanged failed = awaitStatus(id, SessionStatus.FAILED);
        assertThat(failed.sequence()).isEqualTo(SessionStatusChanged.OBSERVED);
        assertThat(failed.reason()).contains("db").contains("gone").doesNotContain("app");
        assertThat(containersOf(id)).isEmpty();
    }

    @Test
    void aContainerThatExitsByItselfStopsTheWholeSession() {
        UUID id = UUID.randomUUID();
        send(twoContainers(id));
        awaitStatus(id, SessionStatus.RUNNING);

        DOCKER.killContainerCmd(container(id, "db").getId()).withSignal("TERM").exec();

        SessionStatusChanged stopped = awaitStatus(id, SessionStatus.STOPPED);
        assertThat(stopped.sequence()).isEqualTo(SessionStatusChanged.OBSERVED);
        assertThat(stopped.exitCode()).isEqualTo(143);
        await().atMost(WAIT).untilAsserted(() -> assertThat(containersOf(id)).hasSize(2)
                .allSatisfy(container -> assertThat(container.getState()).isNotEqualTo("running")));
    }

    @Test
    void aSessionTerminatingTooLongHasItsContainersRemovedAndEnds() {
        UUID id = UUID.randomUUID();
        send(createCommand(id, 1, WORKSPACE_IMAGE));
        awaitStatus(id, SessionStatus.RUNNING);
        // the delete command (sequence 2) went to the dead-letter queue
        ON_NODE.put(id, nodeSession(id, SessionStatus.TERMINATING, 2, Instant.now().minusSeconds(10), null,
                List.of("workspace")));
        reconciler.reconcile();
        assertThat(containersOf(id)).as("within the grace, the delete may still come").hasSize(1);

        ON_NODE.put(id, nodeSession(id, SessionStatus.TERMINATING, 2, Instant.now().minusSeconds(120), null,
                List.of("workspace")));
        reconciler.reconcile();

        assertThat(awaitStatus(id, SessionStatus.TERMINATED).sequence()).isEqualTo(2);
        assertThat(containersOf(id)).isEmpty();
        assertThat(networksOf(id)).isEmpty();
    }

    @Test
    void aStopNeverCarriedOutIsCarriedOutAfterTheGrace() {
        UUID id = UUID.randomUUID();
        send(createCommand(id, 1, WORKSPACE_IMAGE));
        awaitStatus(id, SessionStatus.RUNNING);
        ON_NODE.put(id, nodeSession(id, SessionStatus.RUNNING, 2, Instant.now().minusSeconds(120), "STOP",
                List.of("workspace")));

        reconciler.reconcile();

        assertThat(awaitStatus(id, SessionStatus.STOPPED).sequence()).isEqualTo(2);
        assertThat(containersOf(id)).singleElement()
                .satisfies(container -> assertThat(container.getState()).isNotEqualTo("running"));
    }

    @Test
    void containersOfASessionNotListedAreKeptWhileItIsBeingCreatedAndRemovedOnceItIsGone() throws Exception {
        UUID id = UUID.randomUUID();
        send(createCommand(id, 1, WORKSPACE_IMAGE));
        awaitStatus(id, SessionStatus.RUNNING);
        Thread.sleep(2_500); // older than the orphan grace
        // the list was read before session-service heard of the create; asked again, it knows
        PLACEMENTS.put(id, Map.of("id", id, "status", "PROVISIONING", "nodeId", NODE));

        reconciler.reconcile();
        assertThat(containersOf(id)).hasSize(1);

        PLACEMENTS.remove(id);
        reconciler.reconcile();
        assertThat(containersOf(id)).isEmpty();
    }

    private static CreateSession twoContainers(UUID id) {
        List<String> sleep = List.of("sleep", "infinity");
        return new CreateSession(UUID.randomUUID(), id, 1, "alice", List.of(
                new ContainerSpec("app", WORKSPACE_IMAGE, Map.of(), List.of(), sleep, List.of(), null, null),
                new ContainerSpec("db", WORKSPACE_IMAGE, Map.of(), List.of(), sleep, List.of(), null, null)),
                Instant.now().plusSeconds(3600), Instant.now());
    }

    private static Container container(UUID id, String name) {
        return containersOf(id).stream()
                .filter(container -> name.equals(container.getLabels().get(ContainerLabels.CONTAINER))).findFirst()
                .orElseThrow();
    }

    private static Map<String, Object> nodeSession(UUID id, SessionStatus status, long version, Instant since,
            String pending, List<String> containers) {
        Map<String, Object> session = new java.util.HashMap<>(Map.of("id", id, "status", status, "version", version,
                "since", since.toString(), "containers", containers));
        session.put("pending", pending);
        return session;
    }

    private static HttpServer sessionService() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/internal/v1/", ReconcilerTest::answer);
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        Object body;
        if (path.startsWith("/internal/v1/nodes/")) {
            body = path.equals("/internal/v1/nodes/" + NODE + "/sessions") ? List.copyOf(ON_NODE.values()) : List.of();
        } else {
            body = PLACEMENTS.get(UUID.fromString(path.substring(path.lastIndexOf('/') + 1)));
        }
        byte[] bytes = body == null ? new byte[0] : JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length == 0 ? -1 : bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
