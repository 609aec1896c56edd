package dev.berth.gateway.console;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The web console (the {@code web-console} module's page, served at {@code /}) reads
 * {@code GET /console-config.json} before anyone signs in, to know whether to offer development sign-in.
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleSettings {

    /** @param devSignIn whether {@code POST /api/v1/dev/token} mints development tokens */
    public record Settings(boolean devSignIn) {
    }

    @Bean
    RouterFunction<ServerResponse> consoleSettingsRoute(
            @Value("${" + DevSignIn.PROPERTY + ":false}") boolean devSignIn) {
        Settings settings = new Settings(devSignIn);
        return RouterFunctions.route(RequestPredicates.GET("/console-config.json"),
                request -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                        .cacheControl(CacheControl.noStore()).bodyValue(settings));
    }
}
