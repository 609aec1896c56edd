package dev.berth.provisioner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.amqp.core.Message;
import org.springframework.beans.factory.annotation.Autowired;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;

import dev.berth.contracts.ContainerLabels;
import dev.berth.contracts.ContainerState;
import dev.berth.contracts.CreateSession;
import dev.berth.contracts.DeleteSession;
import dev.berth.contracts.Messaging;
import dev.berth.contracts.SessionStatus;
import dev.berth.contracts.SessionStatusChanged;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;

class SessionProvisioningTest extends ProvisionerTestSupport {

    /** The listener's first retry waits this long (application-test.yml). */
    private static final Duration RETRY_BACKOFF = Duration.ofSeconds(5);

    @Autowired
    Tracer tracer;

    @Autowired
    RetryRegistry retries;

    @Autowired
    CircuitBreakerRegistry circuitBreakers;

    @Test
    void createStartsAHardenedContainerOnTheSessionsNetwork() {
        UUID sessionId = UUID.randomUUID();
        Span span = tracer.nextSpan().name("request a session").start();
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            send(createCommand(sessionId, 3, WORKSPACE_IMAGE));
        } finally {
            span.end();
        }

        SessionStatusChanged provisioning = awaitStatus(sessionId, SessionStatus.PROVISIONING);
        assertThat(provisioning.sequence()).isEqualTo(3);
        assertThat(provisioning.nodeId()).isEqualTo(NODE);
        assertThat(provisioning.containers()).isEmpty();
        SessionStatusChanged running = awaitStatus(sessionId, SessionStatus.RUNNING);
        assertThat(history(sessionId)).extracting(SessionStatusChanged::status)
                .containsExactly(SessionStatus.PROVISIONING, SessionStatus.RUNNING);
        assertThat(running.sequence()).isEqualTo(3);
        assertThat(running.nodeId()).isEqualTo(NODE);
        assertThat(running.messageId()).isNotEqualTo(provisioning.messageId());
        assertThat(List.of(traceparentOf(provisioning), traceparentOf(running)))
                .as("the command's trace goes on to its events")
                .allSatisfy(traceparent -> assertThat(traceparent).startsWith("00-" + span.context().traceId() + "-"));
        assertThat(running.containers()).hasSize(1);
        ContainerState state = running.containers().getFirst();
        assertThat(state.name()).isEqualTo("workspace");
        assertThat(state.image()).isEqualTo(WORKSPACE_IMAGE);
        assertThat(state.ports()).singleElement().satisfies(port -> {
            assertThat(port.containerPort()).isEqualTo(3000);
            assertThat(port.hostIp()).isEqualTo("127.0.0.1");
            assertThat(port.hostPort()).isPositive();
        });

        InspectContainerResponse container = DOCKER.inspectContainerCmd(state.containerId()).exec();
        assertThat(container.getName()).isEqualTo("/berth-" + sessionId + "-workspace");
        assertThat(container.getState().getRunning()).isTrue();
        assertThat(container.getConfig().getLabels())
                .containsEntry(ContainerLabels.SESSION, sessionId.toString())
                .containsEntry(ContainerLabels.NODE, NODE)
                .containsEntry(ContainerLabels.OWNER, "alice")
                .containsEntry(ContainerLabels.CONTAINER, "workspace");
        assertThat(container.getConfig().getEnv()).contains("GREETING=hello");
        HostConfig host = container.getHostConfig();
        assertThat(host.getMemory()).isEqualTo(1024L * 1024 * 1024);
        assertThat(host.getMemorySwap()).isEqualTo(host.getMemory());
        assertThat(host.getNanoCPUs()).isEqualTo(1_000_000_000L);
        assertThat(host.getPidsLimit()).isEqualTo(512L);
        assertThat(host.getCapDrop()).containsExactly(Capability.ALL);
        assertThat(host.getSecurityOpts()).contains("no-new-privileges");
        assertThat(host.getPrivileged()).isFalse();
        assertThat(host.getInit()).isTrue();
        assertThat(host.getRestartPolicy().getName()).isIn("", "no");
        assertThat(host.getLogConfig().getConfig()).containsEntry("max-size", "10m").containsEntry("max-file", "2");
        Ports.Binding[] bindings = container.getNetworkSettings().getPorts().getBindings().get(ExposedPort.tcp(3000));
        assertThat(bindings).singleElement().satisfies(binding -> {
            assertThat(binding.getHostIp()).isEqualTo("127.0.0.1");
            assertThat(binding.getHostPortSpec()).isEqualTo(String.valueOf(state.ports().getFirst().hostPort()));
        });
        assertThat(container.getNetworkSettings().getNetworks()).containsOnlyKeys("berth-" + sessionId);
        ContainerNetwork network = container.getNetworkSettings().getNetworks().get("berth-" + sessionId);
        assertThat(network.getAliases()).contains("workspace");
        assertThat(networksOf(sessionId)).singleElement().satisfies(found -> assertThat(found.getLabels())
                .containsEntry(ContainerLabels.SESSION, sessionId.toString())
                .containsEntry(ContainerLabels.NODE, NODE)
                .containsEntry(ContainerLabels.OWNER, "alice"));
    }

    @Test
    void aCreateDeliveredTwiceMakesOneContainer() {
        UUID sessionId = UUID.randomUUID();
        CreateSession command = createCommand(sessionId, 1, WORKSPACE_IMAGE);
        send(command);
        send(command);

        SessionStatusChanged first = awaitStatus(sessionId, SessionStatus.RUNNING);
        SessionStatusChanged second = awaitStatus(sessionId, SessionStatus.RUNNING);

        assertThat(second.messageId()).isNotEqualTo(first.messageId());
        assertThat(second.containers()).isEqualTo(first.containers());
        assertThat(containersOf(sessionId)).singleElement()
                .satisfies(container -> assertThat(container.getState()).isEqualTo("running"));
        assertThat(networksOf(sessionId)).hasSize(1);
    }

    @Test
    void anImageThatIsNotOnTheNodeFailsWithAReasonAndLeavesNothing() {
        UUID sessionId = UUID.randomUUID();
        send(createCommand(sessionId, 2, "berth/not-built:1"));

        awaitStatus(sessionId, SessionStatus.PROVISIONING);
        SessionStatusChanged failed = awaitStatus(sessionId, SessionStatus.FAILED);

        assertThat(failed.sequence()).isEqualTo(2);
        assertThat(failed.reason()).isEqualTo(
                "Image 'berth/not-built:1' is not present on node " + NODE + "; build or load it there");
        assertThat(failed.containers()).isEmpty();
        assertThat(containersOf(sessionId)).isEmpty();
        assertThat(networksOf(sessionId)).isEmpty();
        assertThat(retries.retry("docker").getMetrics().getNumberOfFailedCallsWithRetryAttempt())
                .as("an answer of the engine is not retried").isZero();
        assertThat(circuitBreakers.circuitBreaker("docker").getMetrics().getNumberOfFailedCalls())
                .as("an answer of the engine is no failure of it").isZero();
    }

    @Test
    void anImageThatIsNotAllowedFailsWithoutTouchingTheEngine() {
        UUID sessionId = UUID.randomUUID();
        send(createCommand(sessionId, 1, "alpine:3"));

        SessionStatusChanged failed = awaitStatus(sessionId, SessionStatus.FAILED);

        assertThat(failed.reason()).isEqualTo("Image alpine:3 is not allowed on node " + NODE
                + "; allowed: [berth/workspace:latest, berth/not-built:1]");
        assertThat(networksOf(sessionId)).isEmpty();
    }

    @Test
    void deleteRemovesTheContainerAndTheNetwork() {
        UUID sessionId = UUID.randomUUID();
        send(createCommand(sessionId, 1, WORKSPACE_IMAGE));
        String containerId = awaitStatus(sessionId, SessionStatus.RUNNING).containers().getFirst().containerId();

        send(new DeleteSession(UUID.randomUUID(), sessionId, 4, "USER"));

        SessionStatusChanged terminated = awaitStatus(sessionId, SessionStatus.TERMINATED);
        assertThat(terminated.sequence()).isEqualTo(4);
        assertThat(terminated.nodeId()).isEqualTo(NODE);
        assertThat(terminated.containers()).isEmpty();
        assertThatThrownBy(() -> DOCKER.inspectContainerCmd(containerId).exec()).isInstanceOf(NotFoundException.class);
        assertThat(networksOf(sessionId)).isEmpty();
    }

    @Test
    void deleteOfASessionWithNothingOnTheNodeIsTerminated() {
        UUID sessionId = UUID.randomUUID();
        send(new DeleteSession(UUID.randomUUID(), sessionId, 7, "USER"));

        assertThat(awaitStatus(sessionId, SessionStatus.TERMINATED).sequence()).isEqualTo(7);
    }

    @Test
    void aDeleteThatArrivesWhileTheCreateRunsWaitsForIt() {
        UUID sessionId = UUID.randomUUID();
        send(createCommand(sessionId, 1, WORKSPACE_IMAGE));
        awaitStatus(sessionId, SessionStatus.PROVISIONING);

        send(new DeleteSession(UUID.randomUUID(), sessionId, 2, "USER"));

        awaitStatus(sessionId, SessionStatus.TERMINATED);
        assertThat(history(sessionId)).extracting(SessionStatusChanged::status)
                .containsExactly(SessionStatus.PROVISIONING, SessionStatus.RUNNING, SessionStatus.TERMINATED);
        assertThat(containersOf(sessionId)).isEmpty();
        assertThat(networksOf(sessionId)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = { "{not json", "{\"sequence\": 1}" })
    void aMessageThatIsNotACommandGoesToTheDeadLetterQueueAtOnce(String body) {
        UUID messageId = UUID.randomUUID();
        Instant sent = Instant.now();
        send(Messaging.CREATE_SESSION, body.getBytes(StandardCharsets.UTF_8), messageId);

        String deadLetters = Messaging.PROVISION_QUEUE + Messaging.DEAD_LETTER_QUEUE_SUFFIX;
        Message dead = awaitMessage(deadLetters, WAIT,
                message -> messageId.toString().equals(message.getMessageProperties().getMessageId()));

        assertThat(dead).as("the message in " + deadLetters).isNotNull();
        assertThat(new String(dead.getBody(), StandardCharsets.UTF_8)).isEqualTo(body);
        assertThat(Duration.between(sent, Instant.now())).as("no retries before").isLessThan(RETRY_BACKOFF);
    }

    @Test
    void theNodeAnnouncesItself() {
        var heartbeat = awaitHeartbeat(beat -> beat.nodeId().equals(NODE));

        assertThat(heartbeat.capacity()).isEqualTo(50);
        assertThat(heartbeat.relayAddress()).isEqualTo("http://127.0.0.1:8083");
        assertThat(heartbeat.engineVersion()).isEqualTo(DOCKER.versionCmd().exec().getVersion());
        assertThat(heartbeat.sessionsHeld()).isNotNegative();
        assertThat(heartbeat.startedAt()).isBefore(heartbeat.sentAt());
    }

}
