package dev.berth.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.github.dockerjava.api.async.ResultCallback;

import tools.jackson.databind.JsonNode;

/**
 * The app running in a session, seen through the gateway at {@code {session}-{port}.preview.localhost} and at
 * {@code /preview/{session}/{port}/}: only its owner gets in, and Berth's credentials never reach the app.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PreviewIT {

    private static Stack stack;
    private static Api owner;
    private static String sessionId;
    private static String containerId;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startSessionWithoutApp() throws Exception {
        stack = SharedStack.get();
        owner = new Api(stack.gatewayUrl(), stack.token("preview-" + UUID.randomUUID(), false));
        sessionId = owner.create("{}").path("id").asString();
        JsonNode running = owner.awaitStatus(sessionId, "RUNNING", Duration.ofSeconds(60));
        containerId = running.path("containers").path(0).path("containerId").asString();
    }

    @AfterAll
    static void deleteSession() {
        if (sessionId != null) {
            owner.call("DELETE", "/api/v1/sessions/" + sessionId, null);
        }
    }

    @Test
    @Order(1)
    void theOwnerSeesTheAppAtBothAddressesAndNobodyElseDoes() throws Exception {
        assertThat(owner.get(sessionId).path("previews").path(0).path("url").asString())
                .isEqualTo("http://" + sessionId + "-3000.preview.localhost:8080/");

        HttpResponse<String> before = get(host(), "/", Map.of("Authorization", bearer(owner), "Accept", "text/html"));
        assertThat(before.statusCode()).as("nothing listens yet").isEqualTo(502);
        assertThat(before.body()).contains("not running yet");
        assertThat(before.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");

        startApp();
        await().atMost(Duration.ofSeconds(20)).until(() -> get(host(), "/", Map.of("Authorization", bearer(owner)))
                .statusCode() == 200);

        HttpResponse<String> hostBased = get(host(), "/some/page?x=1", Map.of("Authorization", bearer(owner)));
        assertThat(hostBased.body()).contains("Hello from the session").contains("path /some/page?x=1");
        HttpResponse<String> pathBased = get(null, "/preview/" + sessionId + "/3000/some/page",
                Map.of("Authorization", bearer(owner)));
        assertThat(pathBased.statusCode()).isEqualTo(200);
        assertThat(pathBased.body()).contains("path /some/page");

        JsonNode seen = Api.JSON.readTree(get(host(), "/echo", Map.of("Authorization", bearer(owner),
                "Cookie", "theme=dark")).body());
        assertThat(seen.path("headers").has("authorization")).as("the Berth token stays out of the app").isFalse();
        assertThat(seen.path("headers").path("cookie").asString()).isEqualTo("theme=dark");
        assertThat(seen.path("headers").path("host").asString()).startsWith(sessionId + "-3000.preview.localhost");

        assertThat(get(host(), "/", Map.of()).statusCode()).isEqualTo(401);
        assertThat(get(null, "/preview/" + sessionId + "/3000/", Map.of()).statusCode()).isEqualTo(401);
        Api stranger = new Api(stack.gatewayUrl(), stack.token("stranger-" + UUID.randomUUID(), false));
        assertThat(get(host(), "/", Map.of("Authorization", bearer(stranger))).statusCode()).isEqualTo(404);
        assertThat(get(null, "/preview/" + sessionId + "/3000/", Map.of("Authorization", bearer(stranger)))
                .statusCode()).isEqualTo(404);
        assertThat(get(null, "/preview/" + sessionId + "/4000/", Map.of("Authorization", bearer(owner)))
                .statusCode()).as("a port the session does not publish").isEqualTo(404);
        assertThat(stranger.call("POST", "/api/v1/sessions/" + sessionId + "/previews/3000/ticket", null).status())
                .isEqualTo(404);

        await("a preview counts as activity for the idle timeout").atMost(Duration.ofSeconds(10))
                .until(() -> !owner.get(sessionId).path("lastActivityAt").isNull());

        assertThat(webSocketEcho(host(), "/ws", "hi there")).isEqualTo("echo: hi there");
        assertThat(webSocketEcho(null, "/preview/" + sessionId + "/3000/ws", "path based"))
                .isEqualTo("echo: path based");
    }

    @Test
    void aBrowserOpensAPreviewLinkOnceAndKeepsACookieForThatPreviewOnly() throws Exception {
        startApp();
        JsonNode link = owner.call("POST", "/api/v1/sessions/" + sessionId + "/previews/3000/ticket", null).json();
        URI url = URI.create(link.path("url").asString());
        assertThat(url.getHost()).isEqualTo(sessionId + "-3000.preview.localhost");

        HttpResponse<String> opened = get(host(), url.getRawPath() + "?" + url.getRawQuery(), Map.of());
        assertThat(opened.statusCode()).isEqualTo(303);
        assertThat(opened.headers().firstValue("Location").orElse("")).doesNotContain("berth-ticket");
        String cookie = opened.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith("berth_preview=").containsIgnoringCase("HttpOnly").contains("SameSite=Lax");
        String value = cookie.substring(0, cookie.indexOf(';'));

        await().atMost(Duration.ofSeconds(20)).until(() -> get(host(), "/", Map.of("Cookie", value)).statusCode() == 200);
        JsonNode seen = Api.JSON.readTree(get(host(), "/echo", Map.of("Cookie", value + "; theme=dark")).body());
        assertThat(seen.path("headers").path("cookie").asString()).isEqualTo("theme=dark");

        assertThat(get(host(), url.getRawPath() + "?" + url.getRawQuery(), Map.of()).statusCode())
                .as("a ticket opens once").isEqualTo(401);

        URI pathUrl = URI.create(owner.call("POST", "/api/v1/sessions/" + sessionId + "/previews/3000/ticket", null)
                .json().path("pathUrl").asString());
        HttpResponse<String> pathOpened = get(null, pathUrl.getRawPath() + "?" + pathUrl.getRawQuery(), Map.of());
        assertThat(pathOpened.statusCode()).isEqualTo(303);
        assertThat(pathOpened.headers().firstValue("Set-Cookie").orElse(""))
                .contains("Path=/preview/" + sessionId + "/3000/");
    }

    @Test
    void aDeletedSessionsPreviewStopsAnsweringAtOnce() throws Exception {
        Api api = new Api(stack.gatewayUrl(), stack.token("short-" + UUID.randomUUID(), false));
        String id = api.create("{}").path("id").asString();
        String container = api.awaitStatus(id, "RUNNING", Duration.ofSeconds(60)).path("containers").path(0)
                .path("containerId").asString();
        startApp(container);
        String previewHost = id + "-3000.preview.localhost";
        await().atMost(Duration.ofSeconds(20))
                .until(() -> get(previewHost, "/", Map.of("Authorization", bearer(api))).statusCode() == 200);

        api.delete(id);

        assertThat(get(previewHost, "/", Map.of("Authorization", bearer(api))).statusCode()).isEqualTo(404);
    }

    private static void startApp() throws Exception {
        startApp(containerId);
    }

    /** Copies the small test app into the container and starts it, as a user would from a terminal. */
    private static void startApp(String container) throws Exception {
        Path app = Path.of(PreviewIT.class.getResource("/apps/hello/server.js").toURI());
        stack.docker().copyArchiveToContainerCmd(container).withHostResource(app.toString())
                .withRemotePath("/tmp").exec();
        String exec = stack.docker().execCreateCmd(container)
                .withCmd("sh", "-c", "pgrep -f '^node /tmp/server.js' >/dev/null || exec node /tmp/server.js")
                .exec().getId();
        stack.docker().execStartCmd(exec).withDetach(true).exec(new ResultCallback.Adapter<>()).awaitCompletion();
    }

    private static String host() {
        return sessionId + "-3000.preview.localhost";
    }

    private static String bearer(Api api) {
        return "Bearer " + api.token();
    }

    private static HttpResponse<String> get(String host, String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + path))
                .timeout(Duration.ofSeconds(10));
        if (host != null) {
            request.header("Host", host + ":8080");
        }
        headers.forEach(request::header);
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
                    + "Authorization: Bearer " + owner.token() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String response = readHeaders(in);
            assertThat(response).startsWith("HTTP/1.1 101");
            byte[] payload = message.getBytes(StandardCharsets.UTF_8);
            byte[] mask = {1, 2, 3, 4};
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.write(0x81);
            frame.write(0x80 | payload.length);
            frame.write(mask);
            for (int i = 0; i < payload.length; i++) {
                frame.write(payload[i] ^ mask[i % 4]);
            }
            out.write(frame.toByteArray());
            int opcode = in.read() & 0x0f;
            int length = in.read() & 0x7f;
            assertThat(opcode).isEqualTo(1);
            return new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }
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
}
