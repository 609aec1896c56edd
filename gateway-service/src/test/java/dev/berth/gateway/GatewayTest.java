package dev.berth.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.http.HttpHeaders.AUTHORIZATION;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "berth.security.jwt.secret=" + Tokens.SECRET, "berth.gateway.response-timeout=1s" })
@AutoConfigureWebTestClient
class GatewayTest {

    private static final StandInService sessionService = StandInService.start();

    @Autowired
    WebTestClient client;

    @DynamicPropertySource
    static void sessionService(DynamicPropertyRegistry registry) {
        registry.add("berth.gateway.session-service-uri", sessionService::uri);
    }

    @AfterAll
    static void stop() {
        sessionService.close();
    }

    @BeforeEach
    void forgetEarlierRequests() {
        sessionService.received().clear();
    }

    @Test
    void aCallWithATokenReachesSessionServiceWithItsTokenAndTraceContext() throws Exception {
        String token = Tokens.user("alice");

        client.get().uri("/api/v1/sessions?status=RUNNING&page=0").header(AUTHORIZATION, "Bearer " + token)
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.path").isEqualTo("/api/v1/sessions?status=RUNNING&page=0");

        StandInService.Received received = sessionService.received().poll(5, TimeUnit.SECONDS);
        assertThat(received).isNotNull();
        assertThat(received.method()).isEqualTo("GET");
        assertThat(received.header("Authorization")).isEqualTo("Bearer " + token);
        assertThat(received.header("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    }

    @Test
    void nodesGoToSessionServiceToo() throws Exception {
        client.get().uri("/api/v1/nodes").header(AUTHORIZATION, "Bearer " + Tokens.admin("root"))
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.path").isEqualTo("/api/v1/nodes");
        assertThat(sessionService.received().poll(5, TimeUnit.SECONDS).uri()).isEqualTo("/api/v1/nodes");
    }

    @Test
    void noTokenIsAnUnauthorizedProblem() {
        client.post().uri("/api/v1/sessions").contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueEquals("WWW-Authenticate", "Bearer")
                .expectBody()
                .jsonPath("$.type").isEqualTo("urn:berth:problem:unauthorized")
                .jsonPath("$.status").isEqualTo(401)
                .jsonPath("$.detail").isEqualTo("Send a valid bearer token in the Authorization header")
                .jsonPath("$.instance").isEqualTo("/api/v1/sessions");
        assertThat(sessionService.received()).isEmpty();
    }

    @Test
    void aTokenWithAForeignSignatureIsRejected() {
        String forged = Tokens.mint("another-secret-another-secret-0123456789", "alice", List.of("admin"),
                Instant.now().plus(Duration.ofHours(1)));
        expectInvalidToken(forged);
    }

    @Test
    void anExpiredTokenIsRejected() {
        expectInvalidToken(Tokens.mint(Tokens.SECRET, "alice", List.of(), Instant.now().minus(Duration.ofMinutes(5))));
    }

    @Test
    void aMalformedTokenIsRejected() {
        expectInvalidToken("not-a-token");
    }

    private void expectInvalidToken(String token) {
        client.get().uri("/api/v1/sessions").header(AUTHORIZATION, "Bearer " + token)
                .exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().value("WWW-Authenticate", value -> assertThat(value).startsWith("Bearer"))
                .expectBody()
                .jsonPath("$.type").isEqualTo("urn:berth:problem:unauthorized")
                .jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("invalid or has expired"));
        assertThat(sessionService.received()).isEmpty();
    }

    @Test
    void healthIsPublicAndHasProbes() {
        client.get().uri("/actuator/health").exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("UP");
        client.get().uri("/actuator/health/liveness").exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("UP");
        client.get().uri("/actuator/health/readiness").exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("UP");
    }

    @Test
    void otherActuatorEndpointsNeedTheAdminRole() {
        client.get().uri("/actuator/prometheus").exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.type").isEqualTo("urn:berth:problem:unauthorized");
        client.get().uri("/actuator/prometheus").header(AUTHORIZATION, "Bearer " + Tokens.user("alice"))
                .exchange()
                .expectStatus().isForbidden()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("urn:berth:problem:forbidden")
                .jsonPath("$.detail").isEqualTo("This needs the admin role");
        client.get().uri("/actuator/prometheus").header(AUTHORIZATION, "Bearer " + Tokens.admin("root"))
                .exchange()
                .expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).contains("jvm_memory_used_bytes"));
    }

    @Test
    void eventsStreamThroughOneByOneAndTheStreamStaysOpen() {
        Flux<String> events = client.get().uri("/api/v1/sessions/events")
                .header(AUTHORIZATION, "Bearer " + Tokens.user("alice")).accept(MediaType.TEXT_EVENT_STREAM)
                .exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .returnResult(String.class).getResponseBody();

        // The stream answers later than the response timeout of API calls (1s here), and its second event is
        // only sent once the first has arrived here.
        StepVerifier.create(events)
                .expectNext("first")
                .then(sessionService::releaseSecondEvent)
                .expectNext("second")
                .expectNoEvent(Duration.ofMillis(500))
                .thenCancel()
                .verify(Duration.ofSeconds(15));
    }

    @Test
    void theOpenApiDescriptionNeedsNoToken() throws Exception {
        client.get().uri("/api/v1/openapi.json").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.openapi").isEqualTo("3.1.0");
        StandInService.Received received = sessionService.received().poll(5, TimeUnit.SECONDS);
        assertThat(received.uri()).isEqualTo("/v3/api-docs");
        assertThat(received.header("Authorization")).isNull();
    }

    @Test
    void aSlowServiceIsAGatewayTimeoutProblem() {
        client.get().uri("/api/v1/sessions/slow").header(AUTHORIZATION, "Bearer " + Tokens.user("alice"))
                .exchange()
                .expectStatus().isEqualTo(504)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("urn:berth:problem:gateway-timeout")
                .jsonPath("$.detail").isEqualTo("session-service did not answer in time; try again shortly");
    }

    @Test
    void anOversizeBodyIsRefusedBeforeItReachesTheService() {
        client.post().uri("/api/v1/sessions").header(AUTHORIZATION, "Bearer " + Tokens.user("alice"))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(new byte[1024 * 1024 + 1])
                .exchange()
                .expectStatus().isEqualTo(413)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("urn:berth:problem:content-too-large")
                .jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("1048576 bytes"));
        assertThat(sessionService.received()).isEmpty();
    }

    @Test
    void anOversizeChunkedBodyIsRefused() {
        DefaultDataBufferFactory buffers = DefaultDataBufferFactory.sharedInstance;
        Flux<DataBuffer> body = Flux.range(0, 20).map(i -> buffers.wrap(new byte[64 * 1024]));
        client.post().uri("/api/v1/sessions").header(AUTHORIZATION, "Bearer " + Tokens.user("alice"))
                .contentType(MediaType.APPLICATION_JSON).body(BodyInserters.fromDataBuffers(body))
                .exchange()
                .expectStatus().isEqualTo(413)
                .expectBody().jsonPath("$.type").isEqualTo("urn:berth:problem:content-too-large");
    }

    @Test
    void unknownPathsAreNotFoundProblems() {
        client.get().uri("/api/v1/nowhere").header(AUTHORIZATION, "Bearer " + Tokens.user("alice"))
                .exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("urn:berth:problem:not-found")
                .jsonPath("$.detail").isEqualTo("No resource at /api/v1/nowhere");
        client.get().uri("/nowhere").exchange()
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.type").isEqualTo("urn:berth:problem:not-found");
        assertThat(sessionService.received()).isEmpty();
    }

    @Test
    void theRootPageIsTheWebConsole() {
        String page = client.get().uri("/").accept(MediaType.TEXT_HTML).exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(page).contains("<title>Berth console</title>").contains("<div id=\"app\">");
        Matcher script = Pattern.compile("src=\"(/assets/[^\"]+\\.js)\"")
                .matcher(page);
        assertThat(script.find()).as("the page loads its script from /assets").isTrue();
        client.get().uri(script.group(1)).exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith("text/javascript");
    }

    @Test
    void withoutDevelopmentSignInThereIsNoTokenToBeHad() {
        client.get().uri("/console-config.json").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.devSignIn").isEqualTo(false);
        client.post().uri("/api/v1/dev/token").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"owner\": \"mallory\"}").exchange()
                .expectStatus().isUnauthorized();
    }

    @Test
    void anyoneMayAskWhichImagesSessionsMayUse() throws Exception {
        client.get().uri("/api/v1/images").header(AUTHORIZATION, "Bearer " + Tokens.user("alice")).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.path").isEqualTo("/api/v1/images");
        assertThat(sessionService.received().poll(5, TimeUnit.SECONDS).uri()).isEqualTo("/api/v1/images");
    }
}
