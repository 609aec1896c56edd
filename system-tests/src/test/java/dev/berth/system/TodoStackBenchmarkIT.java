package dev.berth.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import tools.jackson.databind.JsonNode;

/**
 * Time from {@code POST /api/v1/sessions} of the todo-stack template until RUNNING on the event stream (all
 * three containers ready), against plain {@code docker run} of the same three containers in sequence until
 * the to-do API answers through the front end, interleaved in one run. Prints figures; asserts none about
 * speed. Run with {@code infra/dev bench}.
 */
@EnabledIfSystemProperty(named = "berth.bench", matches = "true")
class TodoStackBenchmarkIT {

    private static final int WARMUP = 1;
    private static final int ROUNDS = 10;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void todoStackUntilRunningAgainstDockerRunInSequence() throws Exception {
        try (Stack stack = Stack.start(false)) {
            Api api = new Api(stack.gatewayUrl(), stack.token("bench-" + UUID.randomUUID(), false));
            List<Long> berth = new ArrayList<>();
            List<Long> plain = new ArrayList<>();
            try (Api.EventStream events = api.events()) {
                for (int round = 0; round < WARMUP + ROUNDS; round++) {
                    long plainNanos = dockerRunInSequence();
                    long berthNanos = berthUntilRunning(api, events);
                    if (round >= WARMUP) {
                        plain.add(plainNanos);
                        berth.add(berthNanos);
                    }
                }
            }
            Stats b = Stats.of(berth);
            Stats p = Stats.of(plain);
            System.out.printf(Locale.ROOT, "%ntodo-stack start-up (web, api, PostgreSQL), %d rounds after %d warm-up%n",
                    ROUNDS, WARMUP);
            System.out.printf(Locale.ROOT, "%-52s %8s %8s %8s%n", "", "p50 ms", "min ms", "max ms");
            System.out.printf(Locale.ROOT, "%-52s %8.1f %8.1f %8.1f%n", "Berth: POST until RUNNING (all ready)",
                    b.p50(), b.min(), b.max());
            System.out.printf(Locale.ROOT, "%-52s %8.1f %8.1f %8.1f%n",
                    "docker run x3 in sequence, until the API answers", p.p50(), p.min(), p.max());
            System.out.printf(Locale.ROOT, "%-52s %8.2f%n", "ratio Berth / docker run", b.p50() / p.p50());
        }
    }

    private static long berthUntilRunning(Api api, Api.EventStream events) throws InterruptedException {
        long started = System.nanoTime();
        String id = api.create("{\"template\": \"todo-stack\"}").path("id").asString();
        JsonNode running = events.await(id, "RUNNING", Duration.ofSeconds(120));
        long elapsed = System.nanoTime() - started;
        assertThat(running).as("session %s reached RUNNING", id).isNotNull();
        api.delete(id);
        assertThat(events.await(id, "TERMINATED", Duration.ofSeconds(60))).isNotNull();
        return elapsed;
    }

    /** The same three containers with plain docker run, one after the other, until the front end answers. */
    private static long dockerRunInSequence() throws Exception {
        String name = "bench-todo-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            long started = System.nanoTime();
            docker("network", "create", name);
            docker("run", "-d", "--name", name + "-db", "--network", name, "--network-alias", "db",
                    "-e", "POSTGRES_PASSWORD=bench", Stack.TODO_IMAGE, "/opt/todo/db.sh");
            docker("run", "-d", "--name", name + "-api", "--network", name, "--network-alias", "api",
                    "-e", "PORT=4000", "-e", "DATABASE_URL=postgres://todo:bench@db:5432/postgres", Stack.TODO_IMAGE,
                    "node", "/opt/todo/api.js");
            docker("run", "-d", "--name", name + "-web", "--network", name, "--network-alias", "web",
                    "-p", "127.0.0.1::3000", "-e", "PORT=3000", "-e", "API_URL=http://api:4000", Stack.TODO_IMAGE,
                    "node", "/opt/todo/web.js");
            String port = docker("port", name + "-web", "3000").strip().replaceAll("(?s).*:(\\d+).*", "$1");
            URI todos = URI.create("http://127.0.0.1:" + port + "/api/todos");
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!answers(todos)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the plain todo stack did not answer within 120 s");
                }
                Thread.sleep(50);
            }
            return System.nanoTime() - started;
        } finally {
            docker("rm", "-f", name + "-web", name + "-api", name + "-db");
            docker("network", "rm", name);
        }
    }

    private static boolean answers(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String docker(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return output;
    }
}
