package dev.berth.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/**
 * A session's files through the gateway: an uploaded app that runs and is reached through its preview, files
 * written and read back byte for byte (200 MB included), listings, deletes, and every refusal leaving the
 * container's files as they were.
 */
class FilesIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static Stack stack;
    private static Api api;
    private static String session;

    @BeforeAll
    static void startSession() throws Exception {
        stack = SharedStack.get();
        api = new Api(stack.gatewayUrl(), stack.token("files-" + UUID.randomUUID().toString().substring(0, 8), false));
        session = api.create("{}").path("id").asString();
        api.awaitStatus(session, "RUNNING", Duration.ofSeconds(60));
    }

    @AfterAll
    static void deleteSession() {
        if (session != null) {
            api.call("DELETE", "/api/v1/sessions/" + session, null);
        }
    }

    @Test
    void aZippedAppIsExtractedRunsAndAnswersAtBothPreviewAddresses() throws Exception {
        byte[] zip = zip(Map.of("app/package.json", resource("package.json"), "app/server.js", resource("server.js")));

        HttpResponse<String> extracted = send("POST", "/files/archive?path=/workspace",
                HttpRequest.BodyPublishers.ofByteArray(zip), Map.of("Content-Type", "application/zip"));
        assertThat(extracted.statusCode()).as(extracted.body()).isEqualTo(200);
        JsonNode result = Api.JSON.readTree(extracted.body());
        assertThat(result.path("files").asInt()).isEqualTo(2);
        assertThat(result.path("bytes").asLong()).isEqualTo(resource("package.json").length
                + resource("server.js").length);
        assertThat(result.path("entries").findValuesAsString("path"))
                .containsExactlyInAnyOrder("/workspace/app/package.json", "/workspace/app/server.js");
        assertThat(run("stat", "-c", "%U %a %n", "/workspace/app", "/workspace/app/server.js"))
                .as("the user of the session owns what was extracted")
                .isEqualTo("berth 755 /workspace/app\nberth 644 /workspace/app/server.js\n");

        Api.Response started = api.call("POST", "/api/v1/sessions/" + session + "/exec",
                "{\"command\": \"node server.js\", \"cwd\": \"/workspace/app\", \"background\": true}");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String host = session + "-3000.preview.localhost";
        await().atMost(Duration.ofSeconds(20)).until(() -> preview(host, "/").statusCode() == 200);

        assertThat(preview(host, "/from/host").body()).contains("Hello from the session").contains("path /from/host");
        HttpResponse<String> pathBased = preview(null, "/preview/" + session + "/3000/from/path");
        assertThat(pathBased.statusCode()).isEqualTo(200);
        assertThat(pathBased.body()).contains("path /from/path");
        assertThat(webSocketEcho(host, "/ws", "over the host")).isEqualTo("echo: over the host");
        assertThat(webSocketEcho(null, "/preview/" + session + "/3000/ws", "over the path"))
                .isEqualTo("echo: over the path");
    }

    @Test
    void aBinaryFileGoesUpAndComesBackByteForByte() throws Exception {
        byte[] bytes = new byte[5 * 1024 * 1024 + 7];
        ThreadLocalRandom.current().nextBytes(bytes);
        // as curl sends a large body: Expect: 100-continue first
        HttpResponse<String> created = HTTP.send(request("/files?path=/workspace/data/blob.bin&mode=0640")
                .expectContinue(true).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode written = Api.JSON.readTree(created.body());
        assertThat(written.path("path").asString()).isEqualTo("/workspace/data/blob.bin");
        assertThat(written.path("size").asLong()).isEqualTo(bytes.length);
        assertThat(written.path("mode").asString()).isEqualTo("0640");

        HttpResponse<byte[]> read = download("/workspace/data/blob.bin");
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        assertThat(read.headers().firstValueAsLong("Content-Length")).hasValue(bytes.length);
        assertThat(read.body()).isEqualTo(bytes);
        assertThat(run("stat", "-c", "%U %a", "/workspace/data", "/workspace/data/blob.bin"))
                .isEqualTo("berth 755\nberth 640\n");

        byte[] smaller = "replaced\n".getBytes(StandardCharsets.UTF_8);
        // as curl --data-binary sends it: the declared form type does not matter
        HttpResponse<String> replaced = send("PUT", "/files?path=/workspace/data/blob.bin",
                HttpRequest.BodyPublishers.ofByteArray(smaller),
                Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertThat(replaced.statusCode()).as("a file replaced is 200, and keeps its mode").isEqualTo(200);
        assertThat(Api.JSON.readTree(replaced.body()).path("mode").asString()).isEqualTo("0640");
        assertThat(download("/workspace/data/blob.bin").body()).isEqualTo(smaller);

        // a body without a declared length goes through the relay's disk
        HttpResponse<String> chunked = send("PUT", "/files?path=/tmp/chunked.bin", HttpRequest.BodyPublishers
                .ofInputStream(() -> new ByteArrayInputStream(bytes)), Map.of());
        assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(201);
        assertThat(download("/tmp/chunked.bin").body()).isEqualTo(bytes);
    }

    @Test
    void twoHundredMegabytesStreamUpAndDownWithTheSameDigest() throws Exception {
        long size = 200L * 1024 * 1024;
        long seed = System.nanoTime();
        HttpRequest upload = request("/files?path=/tmp/large.bin")
                .PUT(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> new RandomStream(seed, size)), size))
                .build();
        HttpResponse<String> uploaded = HTTP.send(upload, HttpResponse.BodyHandlers.ofString());
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        assertThat(Api.JSON.readTree(uploaded.body()).path("size").asLong()).isEqualTo(size);

        HttpResponse<InputStream> downloaded = HTTP.send(request("/files?path=/tmp/large.bin").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(downloaded.statusCode()).isEqualTo(200);
        assertThat(downloaded.headers().firstValueAsLong("Content-Length")).hasValue(size);
        try (InputStream body = downloaded.body()) {
            assertThat(sha256(body)).isEqualTo(sha256(new RandomStream(seed, size)));
        }
        assertThat(run("sha256sum", "/tmp/large.bin")).startsWith(sha256(new RandomStream(seed, size)));
        assertThat(delete("/tmp/large.bin").statusCode()).isEqualTo(204);
    }

    @Test
    void directoriesAreListedAndEntriesDeleted() throws Exception {
        String odd = "with space\nand newline.txt";
        assertThat(put("/workspace/listed/" + odd, "x".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(201);
        assertThat(put("/workspace/listed/sub/inner.txt", new byte[3]).statusCode()).isEqualTo(201);
        run("ln", "-s", "sub/inner.txt", "/workspace/listed/link");

        HttpResponse<String> listed = send("GET", "/files/list?path=" + encode("/workspace/listed"),
                HttpRequest.BodyPublishers.noBody(), Map.of());
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        JsonNode listing = Api.JSON.readTree(listed.body());
        assertThat(listing.path("path").asString()).isEqualTo("/workspace/listed");
        assertThat(listing.path("truncated").asBoolean()).isFalse();
        JsonNode entries = listing.path("entries");
        assertThat(entries.findValuesAsString("name")).containsExactly("link", "sub", odd);
        assertThat(entries.findValuesAsString("type")).containsExactly("symlink", "directory", "file");
        JsonNode file = entries.get(2);
        assertThat(file.path("size").asLong()).isEqualTo(1);
        assertThat(file.path("mode").asString()).isEqualTo("0644");
        assertThat(file.path("modifiedAt").asString()).isNotBlank();

        assertProblem(delete("/workspace/listed/sub"), 409, "directory-not-empty");
        assertThat(delete("/workspace/listed/sub/inner.txt").statusCode()).isEqualTo(204);
        assertThat(delete("/workspace/listed/sub").statusCode()).isEqualTo(204);
        assertThat(delete("/workspace/listed/" + odd).statusCode()).isEqualTo(204);
        assertProblem(delete("/workspace/listed/" + odd), 404, "file-not-found");
        assertProblem(download("/workspace/listed/" + odd), 404, "file-not-found");
        assertProblem(delete("/workspace"), 400, "invalid-path");
        assertProblem(download("/workspace/listed"), 400, "not-a-file");
        assertProblem(send("GET", "/files/list?path=" + encode("/workspace/nothing"),
                HttpRequest.BodyPublishers.noBody(), Map.of()), 404, "file-not-found");
    }

    @Test
    void everyRefusalLeavesTheFilesAsTheyWere() throws Exception {
        run("ln", "-sfn", "/etc", "/workspace/etc-link");
        run("mkdir", "-p", "/workspace/kept");
        String before = snapshot();

        byte[] x = "x".getBytes(StandardCharsets.UTF_8);
        assertProblem(send("PUT", "/files", HttpRequest.BodyPublishers.ofByteArray(x), Map.of()), 400,
                "invalid-path");
        assertProblem(put("workspace/relative.txt", x), 400, "invalid-path");
        assertProblem(put("/workspace/../etc/passwd", x), 400, "invalid-path");
        assertProblem(put("/etc/passwd", x), 400, "invalid-path");
        assertProblem(put("/workspace/nul\0.txt", x), 400, "invalid-path");
        assertProblem(put("/workspace/etc-link/passwd", x), 400, "invalid-path");
        assertProblem(download("/workspace/etc-link/passwd"), 400, "invalid-path");
        assertProblem(put("/workspace/kept", x), 400, "not-a-file");
        assertProblem(put("/workspace/a.txt?mode=4755", x), 400, "invalid-request");
        assertProblem(declaredOnly("PUT", "/files?path=/workspace/huge.bin", 2L << 30, "application/octet-stream"),
                413, "content-too-large");

        assertArchiveRefused(zip(Map.of("ok.txt", x, "../escaped.txt", x)), 400, "climbs out");
        assertArchiveRefused(zip(Map.of("/workspace/absolute.txt", x)), 400, "absolute path");
        assertArchiveRefused(zipWithSymlink("out", "../../etc"), 400, "points outside");
        assertArchiveRefused(zip(Map.of("etc-link/passwd", x)), 400, "symbolic link");
        assertArchiveRefused(zip(Map.of("kept", x)), 400, "is a directory in the session");
        assertArchiveRefused(tarGzWithDevice(), 400, "is a device");
        Map<String, byte[]> many = new HashMap<>();
        for (int i = 0; i <= 10_000; i++) {
            many.put("many/" + i, new byte[0]);
        }
        assertArchiveRefused(zip(many), 413, "max-entries");
        assertArchiveRefused(zip(Map.of("ok.txt", x, "zeros.bin", new byte[150 << 20])), 413,
                "max-expansion-ratio");
        assertProblem(send("POST", "/files/archive?path=/workspace", HttpRequest.BodyPublishers.ofByteArray(x),
                Map.of("Content-Type", "text/plain")), 415, "unsupported-media-type");
        assertProblem(send("POST", "/files/archive?path=/workspace",
                HttpRequest.BodyPublishers.ofString("not an archive"), Map.of("Content-Type", "application/zip")),
                415, "unsupported-media-type");
        assertProblem(declaredOnly("POST", "/files/archive?path=/workspace", 1L << 30, "application/zip"), 413,
                "content-too-large");

        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void anUploadCutShortLeavesTheFileAsItWas() throws Exception {
        byte[] original = "original\n".getBytes(StandardCharsets.UTF_8);
        assertThat(put("/workspace/cut/kept.txt", original).statusCode()).isEqualTo(201);
        String[] listing = {"sh", "-c", "find /workspace/cut -mindepth 1 -printf '%p|%y|%s|%m|%u|%T@\\n' | sort"};
        String before = run(listing);

        URI gateway = URI.create(stack.gatewayUrl());
        try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /api/v1/sessions/" + session + "/files?path=/workspace/cut/kept.txt HTTP/1.1\r\n"
                    + "Host: " + gateway.getHost() + "\r\nAuthorization: Bearer " + api.token() + "\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: " + (4 << 20) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[1 << 20]);
            out.flush();
            Thread.sleep(500); // the first megabyte is on its way into the container
        }
        // nothing replaced, no temporary file left beside it
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(run(listing)).isEqualTo(before));
        assertThat(download("/workspace/cut/kept.txt").body()).isEqualTo(original);
    }

    @Test
    void anotherOwnerFindsNoSession() throws Exception {
        Api stranger = new Api(stack.gatewayUrl(), stack.token("stranger-" + UUID.randomUUID(), false));
        for (String[] call : new String[][] {{"PUT", "/files?path=/tmp/x"}, {"GET", "/files?path=/tmp/x"},
            {"GET", "/files/list?path=/tmp"}, {"DELETE", "/files?path=/tmp/x"},
            {"POST", "/files/archive?path=/tmp"}}) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl()
                    + "/api/v1/sessions/" + session + call[1]))
                    .header("Authorization", "Bearer " + stranger.token())
                    .method(call[0], HttpRequest.BodyPublishers.ofByteArray(new byte[1])).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertProblem(response, 404, "not-found");
        }
    }

    private static void assertArchiveRefused(byte[] archive, int status, String detail) throws Exception {
        HttpResponse<String> response = send("POST", "/files/archive?path=/workspace",
                HttpRequest.BodyPublishers.ofByteArray(archive), Map.of("Content-Type", "application/zip"));
        assertProblem(response, status, status == 413 ? "content-too-large" : "archive-rejected");
        assertThat(Api.JSON.readTree(response.body()).path("detail").asString()).contains(detail)
                .endsWith("nothing was extracted");
    }

    private static void assertProblem(HttpResponse<?> response, int status, String type) {
        assertProblem(Answer.of(response), status, type);
    }

    private static void assertProblem(Answer answer, int status, String type) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(Api.JSON.readTree(answer.body()).path("type").asString()).isEqualTo("urn:berth:problem:" + type);
    }

    /** What the container holds under /workspace and /tmp: path, type, size, mode, owner and time of each. */
    private static String snapshot() {
        return run("sh", "-c", "find /workspace /tmp -printf '%p|%y|%s|%m|%u|%T@\\n' | sort");
    }

    /** Runs a command in the session through the API; answers its stdout. */
    private static String run(String... argv) {
        Api.Response response = api.call("POST", "/api/v1/sessions/" + session + "/exec",
                Api.JSON.writeValueAsString(Map.of("command", List.of(argv))));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().path("exitCode").asInt()).as(response.body()).isZero();
        return response.json().path("stdout").asString();
    }

    private static HttpResponse<String> put(String path, byte[] body) throws Exception {
        return send("PUT", "/files?path=" + pathQuery(path), HttpRequest.BodyPublishers.ofByteArray(body), Map.of());
    }

    private static HttpResponse<byte[]> download(String path) throws Exception {
        return HTTP.send(request("/files?path=" + pathQuery(path)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<String> delete(String path) throws Exception {
        return send("DELETE", "/files?path=" + pathQuery(path), HttpRequest.BodyPublishers.noBody(), Map.of());
    }

    /** The path encoded for the query, keeping a query of its own ({@code ?mode=...}) as it is. */
    private static String pathQuery(String path) {
        int query = path.indexOf('?');
        return query < 0 ? encode(path) : encode(path.substring(0, query)) + "&" + path.substring(query + 1);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static HttpResponse<String> send(String method, String path, HttpRequest.BodyPublisher body,
            Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = request(path).method(method, body);
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(String sessionPath) {
        return HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + "/api/v1/sessions/" + session + sessionPath))
                .timeout(Duration.ofMinutes(2)).header("Authorization", "Bearer " + api.token());
    }

    /**
     * A request that declares a body of {@code length} bytes and sends none: the answer must come before any byte
     * of it.
     */
    private static Answer declaredOnly(String method, String sessionPath, long length,
            String contentType) throws IOException {
        URI gateway = URI.create(stack.gatewayUrl());
        try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write((method + " /api/v1/sessions/" + session + sessionPath + " HTTP/1.1\r\n"
                    + "Host: " + gateway.getHost() + "\r\nAuthorization: Bearer " + api.token() + "\r\n"
                    + "Content-Type: " + contentType + "\r\nContent-Length: " + length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String head = readHeaders(in);
            Map<String, String> headers = new HashMap<>();
            head.lines().skip(1).filter(line -> line.contains(":")).forEach(line -> headers.put(
                    line.substring(0, line.indexOf(':')).toLowerCase(Locale.ROOT),
                    line.substring(line.indexOf(':') + 1).trim()));
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if ("chunked".equals(headers.get("transfer-encoding"))) {
                for (int chunk; (chunk = Integer.parseInt(readLine(in), 16)) > 0; readLine(in)) {
                    body.write(in.readNBytes(chunk));
                }
            } else {
                body.write(in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0"))));
            }
            return new Answer(Integer.parseInt(head.substring(9, 12)), headers.getOrDefault("content-type", ""),
                    body.toString(StandardCharsets.UTF_8));
        }
    }

    private static HttpResponse<String> preview(String host, String path) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + api.token());
        if (host != null) {
            request.header("Host", host + ":8080");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One text message to the app's WebSocket echo and its answer, over a plain socket (to set the Host). */
    private static String webSocketEcho(String host, String path, String message) throws IOException {
        URI gateway = URI.create(stack.gatewayUrl());
        try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
            socket.setSoTimeout(10_000);
            byte[] key = new byte[16];
            ThreadLocalRandom.current().nextBytes(key);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + (host == null ? "127.0.0.1" : host + ":8080")
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                    + "Authorization: Bearer " + api.token() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertThat(readHeaders(in)).startsWith("HTTP/1.1 101");
            byte[] payload = message.getBytes(StandardCharsets.UTF_8);
            byte[] mask = {7, 3, 1, 9};
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.write(0x81);
            frame.write(0x80 | payload.length);
            frame.write(mask);
            for (int i = 0; i < payload.length; i++) {
                frame.write(payload[i] ^ mask[i % 4]);
            }
            out.write(frame.toByteArray());
            assertThat(in.read() & 0x0f).as("a text frame").isEqualTo(1);
            int length = in.read() & 0x7f;
            return new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) >= 0 && b != '\n';) {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    private static String readHeaders(InputStream in) throws IOException {
        ByteArrayOutputStream headers = new ByteArrayOutputStream();
        while (!headers.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            headers.write(b);
        }
        return headers.toString(StandardCharsets.US_ASCII);
    }

    private static byte[] resource(String name) throws Exception {
        return Files.readAllBytes(Path.of(FilesIT.class.getResource("/apps/hello/" + name).toURI()));
    }

    private static byte[] zip(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> file : new TreeMap<>(files).entrySet()) {
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(file.getValue());
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** A zip holding one symbolic link (Unix mode in the central directory's external attributes). */
    private static byte[] zipWithSymlink(String name, String target) throws IOException {
        byte[] zip = zip(Map.of(name, target.getBytes(StandardCharsets.UTF_8)));
        // made by Unix (3) and mode 0120777 << 16 in the central directory entry
        for (int i = zip.length - 22; i >= 0; i--) {
            if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 1 && zip[i + 3] == 2) {
                zip[i + 5] = 3;
                int attributes = 0120777 << 16;
                for (int b = 0; b < 4; b++) {
                    zip[i + 38 + b] = (byte) (attributes >>> (8 * b));
                }
                break;
            }
        }
        return zip;
    }

    /** A tar.gz with a character device entry, written by hand (ustar header). */
    private static byte[] tarGzWithDevice() throws IOException {
        byte[] header = new byte[512];
        put(header, 0, "null");
        put(header, 100, "0000666");
        put(header, 108, "0000000");
        put(header, 116, "0000000");
        put(header, 124, "00000000000");
        put(header, 136, "00000000000");
        header[156] = '3';
        put(header, 257, "ustar");
        put(header, 263, "00");
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        int sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        put(header, 148, String.format("%06o", sum));
        header[154] = 0;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(header);
            gzip.write(new byte[1024]);
        }
        return bytes.toByteArray();
    }

    private static void put(byte[] header, int offset, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, offset, bytes.length);
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = in.read(buffer)) >= 0;) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** {@code size} pseudo-random bytes from a seed, made as they are read: the same every time. */
    static final class RandomStream extends InputStream {

        private final Random random;
        private long left;

        RandomStream(long seed, long size) {
            this.random = new Random(seed);
            this.left = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(Math.min(length, left), 1 << 16);
            byte[] chunk = new byte[n];
            random.nextBytes(chunk);
            System.arraycopy(chunk, 0, bytes, offset, n);
            left -= n;
            return n;
        }
    }

    /** An answer as the assertions need it. */
    private record Answer(int status, String contentType, String body) {

        static Answer of(HttpResponse<?> response) {
            String body = response.body() instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8)
                    : String.valueOf(response.body());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), body);
        }
    }
}
