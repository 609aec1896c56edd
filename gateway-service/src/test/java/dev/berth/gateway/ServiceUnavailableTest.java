package dev.berth.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.http.HttpHeaders.AUTHORIZATION;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "berth.security.jwt.secret=" + Tokens.SECRET })
@AutoConfigureWebTestClient
@ExtendWith(OutputCaptureExtension.class)
class ServiceUnavailableTest {

    @Autowired
    WebTestClient client;

    /** A loopback port on which nothing listens any more. */
    @DynamicPropertySource
    static void sessionServiceDown(DynamicPropertyRegistry registry) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            registry.add("berth.gateway.session-service-uri", () -> "http://127.0.0.1:" + socket.getLocalPort());
        }
    }

    @Test
    void aServiceThatRefusesConnectionsIsAServiceUnavailableProblem(CapturedOutput output) {
        client.get().uri("/api/v1/sessions").header(AUTHORIZATION, "Bearer " + Tokens.user("alice"))
                .exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("urn:berth:problem:service-unavailable")
                .jsonPath("$.title").isEqualTo("Service unavailable")
                .jsonPath("$.detail").isEqualTo("session-service is unavailable; try again shortly");
        assertThat(output.getOut()).containsPattern(
                "\\[[0-9a-f]{32}-[0-9a-f]{16}].*session-service is unavailable for GET /api/v1/sessions");
    }

    @Test
    void theOpenApiDescriptionIsUnavailableToo() {
        client.get().uri("/api/v1/openapi.json").exchange()
                .expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.type").isEqualTo("urn:berth:problem:service-unavailable");
    }
}
