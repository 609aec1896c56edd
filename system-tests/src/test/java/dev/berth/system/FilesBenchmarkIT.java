package dev.berth.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import tools.jackson.databind.JsonNode;

/**
 * Upload throughput of a 100 MB file through the gateway (and straight to the relay) against {@code docker cp} of
 * the same file into the same container, each sent by a native command-line client (curl, the Docker CLI), and
 * preview latency through the gateway against the container's published port, in one run on the same machine,
 * interleaved. Prints figures; asserts none about speed. Runs with {@code -Dberth.bench=true}.
 */
@EnabledIfSystemProperty(named = "berth.bench", matches = "true")
class FilesBenchmarkIT {

    private static final long FILE_BYTES = 100L * 1024 * 1024;
    private static final int UPLOAD_WARMUP = 4;
    private static final int UPLOAD_ROUNDS = 10;
    private static final int PREVIEW_WARMUP = 15_000;
    private static final int PREVIEW_ROUNDS = 2000;
    /** HTTP/1.1 only: an h2c upgrade would reach the app's WebSocket handler on its published port. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void uploadThroughputAndPreviewLatency() throws Exception {
        try (Stack stack = Stack.start(false)) {
            Api api = new Api(stack.gatewayUrl(), stack.token("bench-" + UUID.randomUUID(), false));
            String session = api.create("{}").path("id").asString();
            JsonNode running = api.awaitStatus(session, "RUNNING", Duration.ofSeconds(60));
            JsonNode container = running.path("containers").path(0);
            String containerId = container.path("containerId").asString();
            int hostPort = container.path("ports").path(0).path("hostPort").asInt();
            Path file = Files.createTempFile("berth-bench-", ".bin");
            try {
                writeRandom(file);
                List<Long> berth = new ArrayList<>();
                List<Long> dockerCp = new ArrayList<>();
                List<Long> relay = new ArrayList<>();
                for (int round = 0; round < UPLOAD_WARMUP + UPLOAD_ROUNDS; round++) {
                    long cp = dockerCp(file, containerId);
                    long put = put(stack.gatewayUrl(), api, session, file);
                    long straightToRelay = put(stack.node().relay().baseUrl(), api, session, file);
                    if (round >= UPLOAD_WARMUP) {
                        dockerCp.add(cp);
                        berth.add(put);
                        relay.add(straightToRelay);
                    }
                }
                startApp(stack, api, session);
                String previewHost = session + "-3000.preview.localhost:8080";
                URI gateway = URI.create(stack.gatewayUrl() + "/");
                URI direct = URI.create("http://127.0.0.1:" + hostPort + "/");
                await().atMost(Duration.ofSeconds(20)).until(() -> get(gateway, previewHost, api.token()) > 0);
                List<Long> throughGateway = new ArrayList<>();
                List<Long> straight = new ArrayList<>();
                for (int i = 0; i < PREVIEW_WARMUP + PREVIEW_ROUNDS; i++) {
                    long viaGateway = get(gateway, previewHost, api.token());
                    long viaPort = get(direct, null, null);
                    if (i >= PREVIEW_WARMUP) {
                        throughGateway.add(viaGateway);
                        straight.add(viaPort);
                    }
                }
                report(berth, relay, dockerCp, throughGateway, straight);
            } finally {
                Files.deleteIfExists(file);
                api.call("DELETE", "/api/v1/sessions/" + session, null);
            }
        }
    }

    /**
     * {@code PUT .../files} of the file to {@code baseUrl} with curl, a native client as {@code docker cp} is one;
     * answers the nanoseconds until it exits with the answer.
     */
    private static long put(String baseUrl, Api api, String session, Path file) throws Exception {
        Run run = run("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-T", file.toString(),
                "-H", "Authorization: Bearer " + api.token(), "-H", "Content-Type: application/octet-stream",
                baseUrl + "/api/v1/sessions/" + session + "/files?path=/tmp/bench-put.bin");
        assertThat(run.output()).as("status of the PUT").isIn("200", "201");
        return run.nanos();
    }

    /** {@code docker cp} of the file into the container; answers the nanoseconds until it exits. */
    private static long dockerCp(Path file, String containerId) throws Exception {
        return run("docker", "cp", file.toString(), containerId + ":/tmp/bench-cp.bin").nanos();
    }

    /** What a command printed, and the nanoseconds from its start until it exited. */
    private record Run(long nanos, String output) {
    }

    /** Runs a command, checking that it succeeded. */
    private static Run run(String... command) throws Exception {
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        long elapsed = System.nanoTime() - started;
        assertThat(process.exitValue()).as(output).isZero();
        return new Run(elapsed, output);
    }

    /** GET of the app's page; answers the nanoseconds until the whole answer, or 0 when it was not a 200. */
    private static long get(URI uri, String host, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        if (host != null) {
            request.header("Host", host);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        long started = System.nanoTime();
        HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        long elapsed = System.nanoTime() - started;
        return response.statusCode() == 200 ? elapsed : 0;
    }

    /** Uploads the test app with the files API and starts it in the background. */
    private static void startApp(Stack stack, Api api, String session) throws Exception {
        Path app = Path.of(FilesBenchmarkIT.class.getResource("/apps/hello/server.js").toURI());
        HttpResponse<String> uploaded = HTTP.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl()
                        + "/api/v1/sessions/" + session + "/files?path=/workspace/app/server.js"))
                .header("Authorization", "Bearer " + api.token())
                .PUT(HttpRequest.BodyPublishers.ofFile(app)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        Api.Response started = api.call("POST", "/api/v1/sessions/" + session + "/exec", Api.JSON.writeValueAsString(
                Map.of("command", "node server.js", "cwd", "/workspace/app", "background", true)));
        assertThat(started.status()).as(started.body()).isEqualTo(202);
    }

    private static void writeRandom(Path file) throws IOException {
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < FILE_BYTES; written += chunk.length) {
                ThreadLocalRandom.current().nextBytes(chunk);
                out.write(chunk);
            }
        }
    }

    private static void report(List<Long> berth, List<Long> relay, List<Long> dockerCp, List<Long> gateway,
            List<Long> direct) {
        Stats put = Stats.of(berth);
        Stats relayPut = Stats.of(relay);
        Stats cp = Stats.of(dockerCp);
        double megabytes = FILE_BYTES / (1024.0 * 1024.0);
        System.out.printf(Locale.ROOT, "%nUpload of a %d MB file, %d rounds (after %d warm-up rounds), interleaved%n",
                FILE_BYTES >> 20, UPLOAD_ROUNDS, UPLOAD_WARMUP);
        System.out.printf(Locale.ROOT, "%-44s %8s %8s %8s %8s %10s%n", "", "p50 ms", "p95 ms", "min ms", "max ms",
                "p50 MB/s");
        System.out.printf(Locale.ROOT, "%-44s %8.1f %8.1f %8.1f %8.1f %10.1f%n",
                "Berth: PUT .../files through the gateway", put.p50(), put.p95(), put.min(), put.max(),
                megabytes / (put.p50() / 1000));
        System.out.printf(Locale.ROOT, "%-44s %8.1f %8.1f %8.1f %8.1f %10.1f%n",
                "the same PUT straight to the relay", relayPut.p50(), relayPut.p95(), relayPut.min(), relayPut.max(),
                megabytes / (relayPut.p50() / 1000));
        System.out.printf(Locale.ROOT, "%-44s %8.1f %8.1f %8.1f %8.1f %10.1f%n", "docker cp into the container",
                cp.p50(), cp.p95(), cp.min(), cp.max(), megabytes / (cp.p50() / 1000));
        System.out.printf(Locale.ROOT, "%-44s %8.2f %8.2f %8s %8s %10.2f%n", "ratio Berth / docker cp (time)",
                put.p50() / cp.p50(), put.p95() / cp.p95(), "", "", cp.p50() / put.p50());
        System.out.println("(last column of the ratio row: Berth's throughput as a share of docker cp's)");

        Stats viaGateway = Stats.of(gateway);
        Stats viaPort = Stats.of(direct);
        System.out.printf(Locale.ROOT, "%nPreview GET / of the app, %d requests each (after %d warm-up), interleaved%n",
                PREVIEW_ROUNDS, PREVIEW_WARMUP);
        System.out.printf(Locale.ROOT, "%-44s %8s %8s %8s %8s%n", "", "p50 ms", "p99 ms", "min ms", "max ms");
        System.out.printf(Locale.ROOT, "%-44s %8.3f %8.3f %8.3f %8.3f%n", "through the gateway ({id}-3000.preview)",
                viaGateway.p50(), viaGateway.p99(), viaGateway.min(), viaGateway.max());
        System.out.printf(Locale.ROOT, "%-44s %8.3f %8.3f %8.3f %8.3f%n", "the container's published port",
                viaPort.p50(), viaPort.p99(), viaPort.min(), viaPort.max());
        System.out.printf(Locale.ROOT, "%-44s %8.3f %8.3f%n", "added by the gateway", viaGateway.p50() - viaPort.p50(),
                viaGateway.p99() - viaPort.p99());
    }
}
