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
 * the to-do API answers through the front end, interleaved in one run. The same containers means the same
 * settings Berth gives them: the template's memory, the node's CPU and process limits, an init process, no
 * capabilities and no new privileges, bounded logs. The same three with none of that are timed too, as a
 * reference. Prints figures; asserts none about speed. Run with {@code infra/dev bench}.
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
            List<Long> same = new ArrayList<>();
            List<Long> bare = new ArrayList<>();
            try (Api.EventStream events = api.events()) {
                for (int round = 0; round < WARMUP + ROUNDS; round++) {
                    long sameNanos = dockerRunInSequence(true);
                    long berthNanos = berthUntilRunning(api, events);
                    long bareNanos = dockerRunInSequence(false);
                    if (round >= WARMUP) {
                        same.add(sameNanos);
                        berth.add(berthNanos);
                        bare.add(bareNanos);
                    }
                }
            }
            Stats b = Stats.of(berth);
            Stats s = Stats.of(same);
            Stats n = Stats.of(bare);
            System.out.printf(Locale.ROOT, "%ntodo-stack start-up (web, api, PostgreSQL), %d rounds after %d warm-up%n",
                    ROUNDS, WARMUP);
            System.out.printf(Locale.ROOT, "%-52s %8s %8s %8s%n", "", "p50 ms", "min ms", "max ms");
            row("Berth: POST until RUNNING (all ready)", b);
            row("docker run x3 in sequence, until the API answers", s);
            row("  the same without limits or hardening", n);
            System.out.printf(Locale.ROOT, "%-52s %8.2f%n", "ratio Berth / docker run", b.p50() / s.p50());
            System.out.printf(Locale.ROOT, "%-52s %8.2f%n", "ratio Berth / docker run without limits",
                    b.p50() / n.p50());
        }
    }

    private static void row(String label, Stats stats) {
        System.out.printf(Locale.ROOT, "%-52s %8.1f %8.1f %8.1f%n", label, stats.p50(), stats.min(), stats.max());
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

    /**
     * The same three containers with plain docker run, one after the other, until the front end answers;
     * {@code asBerth}: with the settings Berth gives them (todo-stack.yml, the node's defaults).
     */
    private static long dockerRunInSequence(boolean asBerth) throws Exception {
        String name = "bench-todo-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            long started = System.nanoTime();
            docker("network", "create", name);
            docker(run(asBerth, "512m", name + "-db", name, "db",
                    "-e", "POSTGRES_PASSWORD=bench", Stack.TODO_IMAGE, "/opt/todo/db.sh"));
            docker(run(asBerth, "256m", name + "-api", name, "api",
                    "-e", "PORT=4000", "-e", "DATABASE_URL=postgres://todo:bench@db:5432/postgres", Stack.TODO_IMAGE,
                    "node", "/opt/todo/api.js"));
            docker(run(asBerth, "256m", name + "-web", name, "web",
                    "-p", "127.0.0.1::3000", "-e", "PORT=3000", "-e", "API_URL=http://api:4000", Stack.TODO_IMAGE,
                    "node", "/opt/todo/web.js"));
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

    /** The arguments of a {@code docker run -d} of one container on the network, then {@code rest}. */
    private static String[] run(boolean asBerth, String memory, String name, String network, String alias,
            String... rest) {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", network,
                "--network-alias", alias));
        if (asBerth) {
            args.addAll(List.of("--memory", memory, "--memory-swap", memory, "--cpus", "1", "--pids-limit", "512",
                    "--init", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
                    "--log-opt", "max-size=10m", "--log-opt", "max-file=2"));
        }
        args.addAll(List.of(rest));
        return args.toArray(String[]::new);
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
