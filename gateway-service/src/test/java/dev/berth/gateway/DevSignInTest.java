package dev.berth.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.http.HttpHeaders.AUTHORIZATION;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.nimbusds.jwt.SignedJWT;

/** The console's one-click development sign-in: on only when asked for, and only with a development secret. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "berth.security.jwt.secret=" + Tokens.SECRET, "berth.gateway.dev-sign-in=true" })
@AutoConfigureWebTestClient
class DevSignInTest {

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

    @Test
    void theConsoleIsToldToOfferIt() {
        client.get().uri("/console-config.json").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody().jsonPath("$.devSignIn").isEqualTo(true);
    }

    @Test
    void mintsATokenTheGatewayAcceptsForTheNamedOwner() throws Exception {
        byte[] answer = client.post().uri("/api/v1/dev/token").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"owner\": \" alice \"}").exchange()
                .expectStatus().isCreated()
                .expectBody()
                .jsonPath("$.owner").isEqualTo("alice")
                .jsonPath("$.admin").isEqualTo(false)
                .jsonPath("$.expiresAt").exists()
                .returnResult().getResponseBody();
        String token = new String(answer).replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("HS256");
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("alice");
        assertThat(jwt.getJWTClaimsSet().getStringListClaim("roles")).isEmpty();

        client.get().uri("/api/v1/sessions").header(AUTHORIZATION, "Bearer " + token).exchange()
                .expectStatus().isOk();
        assertThat(sessionService.received().poll(5, TimeUnit.SECONDS).header("Authorization"))
                .isEqualTo("Bearer " + token);
    }

    @Test
    void anAdminTokenCarriesTheAdminRole() throws Exception {
        byte[] answer = client.post().uri("/api/v1/dev/token").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"owner\": \"ops\", \"admin\": true}").exchange()
                .expectStatus().isCreated()
                .expectBody().returnResult().getResponseBody();
        String token = new String(answer).replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
        assertThat(SignedJWT.parse(token).getJWTClaimsSet().getStringListClaim("roles")).containsExactly("admin");
    }

    @Test
    void aMissingOrOddOwnerIsAProblem() {
        client.post().uri("/api/v1/dev/token").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"owner\": \"\"}")
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").isEqualTo("owner is missing: name who signs in, for example \"dev\"");
        client.post().uri("/api/v1/dev/token").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"owner\": \"a\\u0007b\"}").exchange()
                .expectStatus().isBadRequest();
    }

    @Test
    void nothingElseBecomesOpen() {
        client.get().uri("/api/v1/dev/token").exchange().expectStatus().isUnauthorized();
        client.get().uri("/api/v1/sessions").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void refusesToStartWithoutADevelopmentSecret() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(GatewayApplication.class)
                .web(WebApplicationType.REACTIVE)
                .properties("server.port=0", "berth.gateway.dev-sign-in=true",
                        "berth.security.jwt.jwk-set-uri=http://127.0.0.1:9/jwks")
                .run().close())
                .hasStackTraceContaining("berth.gateway.dev-sign-in=true needs berth.security.jwt.secret");
    }
}
