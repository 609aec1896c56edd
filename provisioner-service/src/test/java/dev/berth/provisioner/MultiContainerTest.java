package dev.berth.provisioner;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.berth.contracts.ContainerSpec;
import dev.berth.contracts.CreateSession;
import dev.berth.contracts.DeleteSession;
import dev.berth.contracts.SessionStatus;
import dev.berth.contracts.SessionStatusChanged;

/** Sessions of several containers: start order, readiness, names on the session's network, failures. */
class MultiContainerTest extends ProvisionerTestSupport {

    /** A tiny HTTP server answering {@code text} on {@code port}. */
    private static List<String> server(int port, String text) {
        return List.of("node", "-e", "require('http').createServer((q, r) => r.end('" + text + "')).listen(" + port
                + ")");
    }

    /** Exits 0 once {@code url} answers 200. */
    private static List<String> answers(String url) {
        return List.of("node", "-e", "require('http').get('" + url + "', r => process.exit(r.statusCode === 200 ? 0 "
                + ": 1)).on('error', () => process.exit(1))");
    }

    private static ContainerSpec spec(String name, List<String> command, List<String> dependsOn,
            ContainerSpec.Readiness readiness, ContainerSpec.Limits limits) {
        return new ContainerSpec(name, WORKSPACE_IMAGE, Map.of(), List.of(), command, dependsOn, readiness, limits);
    }

    private static CreateSession create(UUID id, List<ContainerSpec> containers) {
        return new CreateSession(UUID.randomUUID(), id, 1, "alice", containers, Instant.now().plusSeconds(3600),
                Instant.now());
    }

    @Test
    void containersStartAfterThoseTheyDependOnAreReadyAndReachThemByName() {
        UUID id = UUID.randomUUID();
        // the app is listed first and depends on the database: it starts second
        ContainerSpec app = spec("app", server(3000, "app"), List.of("db"),
                new ContainerSpec.Readiness(answers("http://db:5432"), 30), null);
        ContainerSpec db = spec("db", List.of("sh", "-c", "sleep 2; exec node -e \"require('http').createServer("
                + "(q, r) => r.end('db')).listen(5432)\""), List.of(),
                new ContainerSpec.Readiness(answers("http://localhost:5432"), 30), null);
        send(create(id, List.of(app, db)));

        SessionStatusChanged running = awaitStatus(id, SessionStatus.RUNNING);
        assertThat(running.containers()).extracting(state -> state.name()).containsExactly("app", "db");
        Instant dbStarted = Instant.parse(DOCKER.inspectContainerCmd(running.containers().get(1).containerId()).exec()
                .getState().getStartedAt());
        Instant appStarted = Instant.parse(DOCKER.inspectContainerCmd(running.containers().get(0).containerId())
                .exec().getState().getStartedAt());
        assertThat(appStarted).as("the app starts once the database answers").isAfter(dbStarted.plusSeconds(1));
        assertThat(containersOf(id)).hasSize(2).allSatisfy(container -> assertThat(
                container.getHostConfig().getNetworkMode()).isEqualTo("berth-" + id));

        send(new DeleteSession(UUID.randomUUID(), id, 2, "USER"));
        awaitStatus(id, SessionStatus.TERMINATED);
        assertThat(containersOf(id)).isEmpty();
        assertThat(networksOf(id)).isEmpty();
    }

    @Test
    void aContainerThatExitsFailsTheSessionWithItsOutputAndLeavesNothing() {
        UUID id = UUID.randomUUID();
        send(create(id, List.of(spec("web", server(3000, "web"), List.of("broken"), null, null),
                spec("broken", List.of("sh", "-c", "sleep 1; echo cannot reach the disk >&2; exit 3"), List.of(),
                        new ContainerSpec.Readiness(List.of("false"), 20), null))));

        String reason = awaitStatus(id, SessionStatus.FAILED).reason();
        assertThat(reason).startsWith("Container broken exited with code 3").contains("cannot reach the disk");
        assertThat(containersOf(id)).isEmpty();
        assertThat(networksOf(id)).isEmpty();
    }

    @Test
    void aContainerNeverReadyFailsTheSessionInItsTime() {
        UUID id = UUID.randomUUID();
        send(create(id, List.of(spec("slow", List.of("sleep", "infinity"), List.of(),
                new ContainerSpec.Readiness(List.of("sh", "-c", "echo not yet; exit 1"), 2), null))));

        assertThat(awaitStatus(id, SessionStatus.FAILED).reason())
                .isEqualTo("Container slow was not ready within 2 s: not yet");
        assertThat(containersOf(id)).isEmpty();
    }

    @Test
    void privilegedContainersAndCirclesAreRefused() {
        UUID privileged = UUID.randomUUID();
        send(create(privileged, List.of(spec("docker", null, List.of(), null,
                new ContainerSpec.Limits(null, null, true)))));
        assertThat(awaitStatus(privileged, SessionStatus.FAILED).reason())
                .contains("must run privileged").contains("berth.containers.allow-privileged");

        UUID circle = UUID.randomUUID();
        send(create(circle, List.of(spec("a", null, List.of("b"), null, null),
                spec("b", null, List.of("a"), null, null))));
        assertThat(awaitStatus(circle, SessionStatus.FAILED).reason())
                .isEqualTo("Containers depend on each other in a circle: a -> b -> a");
        assertThat(containersOf(circle)).isEmpty();
        assertThat(networksOf(circle)).isEmpty();
    }
}
