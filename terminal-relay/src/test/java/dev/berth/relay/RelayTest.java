package dev.berth.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.http.HttpHeaders.AUTHORIZATION;

import java.util.Date;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import reactor.netty.http.server.HttpServer;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"berth.security.jwt.secret=" + RelayTest.SECRET, "server.max-http-request-header-size=16KB"})
@AutoConfigureWebTestClient
class RelayTest {

    static final String SECRET = "test-secret-test-secret-test-secret-0123";

    @Autowired
    WebTestClient client;

    @Autowired
    NettyReactiveWebServerFactory servers;

    @Test
    void healthAnswersUpWithProbes() {
        client.get().uri("/actuator/health").exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("UP");
        client.get().uri("/actuator/health/liveness").exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("UP");
        client.get().uri("/actuator/health/readiness").exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("UP");
    }

    @Test
    void requestBodiesArriveInPiecesOf1MbAndTheOtherDecoderSettingsStay() {
        HttpServer server = HttpServer.create();
        for (NettyServerCustomizer customizer : servers.getServerCustomizers()) {
            server = customizer.apply(server);
        }
        assertThat(server.configuration().decoder().maxChunkSize()).isEqualTo(1024 * 1024);
        assertThat(server.configuration().childOptions().get(ChannelOption.RCVBUF_ALLOCATOR))
                .isInstanceOf(AdaptiveRecvByteBufAllocator.class);
        assertThat(server.configuration().decoder().maxHeaderSize()).isEqualTo(16 * 1024);
    }

    @Test
    void metricsAreExposedForPrometheus() {
        client.get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).contains("jvm_memory_used_bytes"));
    }

    @Test
    void theApiNeedsAToken() {
        client.get().uri("/api/v1/sessions/0b7e1a52-8c53-4c43-9c2e-2f0f1b0d8b11/logs").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueEquals("WWW-Authenticate", "Bearer")
                .expectBody()
                .jsonPath("$.type").isEqualTo("urn:berth:problem:unauthorized")
                .jsonPath("$.status").isEqualTo(401)
                .jsonPath("$.detail").isEqualTo("Send a valid bearer token in the Authorization header");
    }

    @Test
    void aTokenSignedWithAnotherSecretIsRejected() throws Exception {
        client.get().uri("/api/v1/sessions").header(AUTHORIZATION, "Bearer "
                        + token("another-secret-another-secret-0123456789"))
                .exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.type").isEqualTo("urn:berth:problem:unauthorized");
    }

    @Test
    void anUnknownPathWithAValidTokenIsANotFoundProblem() throws Exception {
        client.get().uri("/api/v1/nowhere").header(AUTHORIZATION, "Bearer " + token(SECRET))
                .exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("urn:berth:problem:not-found")
                .jsonPath("$.detail").isEqualTo("No resource at /api/v1/nowhere");
    }

    private static String token(String secret) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("alice")
                .expirationTime(new Date(System.currentTimeMillis() + 3_600_000)).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }
}
