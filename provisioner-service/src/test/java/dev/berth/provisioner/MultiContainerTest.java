package dev.berth.provisioner;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;

import dev.berth.contracts.ContainerLabels;
import dev.berth.contracts.ContainerSpec;
import dev.berth.contracts.CreateSession;
import dev.berth.contracts.DeleteSession;
import dev.berth.contracts.SessionStatus;
import dev.berth.contracts.SessionStatusChanged;
import dev.berth.contracts.StartSession;
import dev.berth.contracts.StopSession;

/** Sessions of several containers: start order, readiness, names on the session's network, failures. */
class MultiContainerTest extends ProvisionerTestSupport {

    /** An image that declares a volume (/var/lib/docker), so a container of it has one of its own. */
    private static final String VOLUME_IMAGE = "berth/docker:latest";

    @DynamicPropertySource
    static void images(DynamicPropertyRegistry registry) {
        registry.add("berth.containers.allowed-images", () -> WORKSPACE_IMAGE + "," + VOLUME_IMAGE);
    }

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

    private static ContainerSpec spec(String name, String image, List<String> command,
            ContainerSpec.Readiness readiness) {
        return new ContainerSpec(name, image, Map.of(), List.of(), command, List.of(), readiness, null);
    }

    /** Waits until the session's container of that name runs; answers the names of its volumes. */
    private static List<String> awaitRunning(UUID id, String name) {
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            for (Container container : containersOf(id)) {
                if (name.equals(container.getLabels().get(ContainerLabels.CONTAINER))
                        && "running".equals(container.getState())) {
                    InspectContainerResponse inspected = DOCKER.inspectContainerCmd(container.getId()).exec();
                    return inspected.getMounts().stream().map(InspectContainerResponse.Mount::getName)
                            .filter(java.util.Objects::nonNull).toList();
                }
            }
            pause(Duration.ofMillis(100));
        }
        throw new AssertionError("Container " + name + " of session " + id + " did not run within " + WAIT);
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void assertNothingLeft(UUID id, List<String> volumes) {
        assertThat(containersOf(id)).isEmpty();
        assertThat(networksOf(id)).isEmpty();
        assertThat(volumes).allSatisfy(volume -> assertThat(volumeExists(volume)).as("volume " + volume).isFalse());
    }

    private static boolean volumeExists(String name) {
        try {
            DOCKER.inspectVolumeCmd(name).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
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
    void aContainerThatExitsWhileAnIndependentOneRunsFailsTheSessionAndLeavesNothing() {
        UUID id = UUID.randomUUID();
        send(create(id, List.of(spec("up", VOLUME_IMAGE, List.of("sleep", "infinity"), null),
                spec("broken", WORKSPACE_IMAGE, List.of("sh", "-c", "sleep 3; echo lost the disk >&2; exit 5"),
                        new ContainerSpec.Readiness(List.of("false"), 30)))));

        List<String> volumes = awaitRunning(id, "up");
        assertThat(volumes).as("the running sibling has a volume of its own").isNotEmpty();
        assertThat(awaitStatus(id, SessionStatus.FAILED).reason()).startsWith("Container broken exited with code 5")
                .contains("lost the disk");
        assertNothingLeft(id, volumes);
    }

    @Test
    void aContainerNeverReadyWhileAnIndependentOneRunsFailsTheSessionInItsTimeAndLeavesNothing() {
        UUID id = UUID.randomUUID();
        send(create(id, List.of(spec("up", VOLUME_IMAGE, List.of("sleep", "infinity"), null),
                spec("slow", WORKSPACE_IMAGE, List.of("sleep", "infinity"),
                        new ContainerSpec.Readiness(List.of("sh", "-c", "echo not yet; exit 1"), 4)))));

        List<String> volumes = awaitRunning(id, "up");
        assertThat(awaitStatus(id, SessionStatus.FAILED).reason())
                .isEqualTo("Container slow was not ready within 4 s: not yet");
        assertNothingLeft(id, volumes);
    }

    @Test
    void aFailureDoesNotWaitForASiblingStillGettingReady() {
        UUID id = UUID.randomUUID();
        Instant sent = Instant.now();
        send(create(id, List.of(spec("waiting", VOLUME_IMAGE, List.of("sleep", "infinity"),
                        new ContainerSpec.Readiness(List.of("false"), 120)),
                spec("broken", WORKSPACE_IMAGE, List.of("sh", "-c", "sleep 2; exit 6"),
                        new ContainerSpec.Readiness(List.of("false"), 30)),
                spec("after", List.of("sleep", "infinity"), List.of("waiting"), null, null))));

        List<String> volumes = awaitRunning(id, "waiting");
        SessionStatusChanged failed = awaitStatus(id, SessionStatus.FAILED);
        assertThat(failed.reason()).startsWith("Container broken exited with code 6");
        assertThat(Duration.between(sent, Instant.now())).as("not the 120 s the sibling may take")
                .isLessThan(Duration.ofSeconds(25));
        assertNothingLeft(id, volumes);
    }

    @Test
    void stopAndStartStopAndStartEveryContainerAndTheSessionRunsOnlyOnceAllAreReadyAgain() throws Exception {
        UUID id = UUID.randomUUID();
        // "slow" is ready 2 s after each start of it; "web" (listed first) starts once it is
        ContainerSpec web = spec("web", server(3000, "web"), List.of("slow"),
                new ContainerSpec.Readiness(answers("http://localhost:3000"), 30), null);
        ContainerSpec slow = spec("slow", List.of("sh", "-c",
                "rm -f /tmp/ready; (sleep 2; touch /tmp/ready) & exec sleep infinity"), List.of(),
                new ContainerSpec.Readiness(List.of("test", "-f", "/tmp/ready"), 30), null);
        send(create(id, List.of(web, slow)));
        List<String> ids = awaitStatus(id, SessionStatus.RUNNING).containers().stream()
                .map(state -> state.containerId()).toList();

        send(new StopSession(UUID.randomUUID(), id, 2));
        SessionStatusChanged stopped = awaitStatus(id, SessionStatus.STOPPED);
        assertThat(stopped.containers()).extracting(state -> state.name()).containsExactly("web", "slow");
        assertThat(ids).allSatisfy(container -> assertThat(DOCKER.inspectContainerCmd(container).exec().getState()
                .getRunning()).as(container).isFalse());

        send(new StartSession(UUID.randomUUID(), id, 3));
        SessionStatusChanged running = awaitStatus(id, SessionStatus.RUNNING);
        assertThat(running.containers()).extracting(state -> state.containerId()).as("the same containers, in the "
                + "template's order").containsExactlyElementsOf(ids);
        assertThat(ids).allSatisfy(container -> assertThat(DOCKER.inspectContainerCmd(container).exec().getState()
                .getRunning()).as(container).isTrue());
        assertThat(exitCode(ids.get(1), "test", "-f", "/tmp/ready")).as("slow was ready again when the session ran")
                .isZero();
        Instant slowStarted = Instant.parse(DOCKER.inspectContainerCmd(ids.get(1)).exec().getState().getStartedAt());
        Instant webStarted = Instant.parse(DOCKER.inspectContainerCmd(ids.get(0)).exec().getState().getStartedAt());
        assertThat(webStarted).as("web starts again once slow is ready again").isAfter(slowStarted.plusSeconds(1));

        send(new DeleteSession(UUID.randomUUID(), id, 4, "USER"));
        awaitStatus(id, SessionStatus.TERMINATED);
        assertNothingLeft(id, List.of());
    }

    private static long exitCode(String container, String... command) throws InterruptedException {
        String exec = DOCKER.execCreateCmd(container).withCmd(command).withAttachStdout(true).withAttachStderr(true)
                .exec().getId();
        DOCKER.execStartCmd(exec).exec(new ResultCallback.Adapter<>()).awaitCompletion(10, TimeUnit.SECONDS);
        for (int i = 0; i < 50 && DOCKER.inspectExecCmd(exec).exec().isRunning(); i++) {
            pause(Duration.ofMillis(100));
        }
        return DOCKER.inspectExecCmd(exec).exec().getExitCodeLong();
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
