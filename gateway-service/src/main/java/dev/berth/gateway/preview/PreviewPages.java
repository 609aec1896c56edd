package dev.berth.gateway.preview;

import java.nio.charset.StandardCharsets;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.HtmlUtils;

import dev.berth.gateway.web.Problems;
import reactor.core.publisher.Mono;

/**
 * What a preview answers when it can not show the app: a small page for a browser, a problem for anything else.
 * "Not running yet" reloads itself, so the page turns into the app once it listens.
 */
@Component
public class PreviewPages {

    public static final String APP_NOT_RUNNING = "app-not-running";

    private final Problems problems;

    public PreviewPages(Problems problems) {
        this.problems = problems;
    }

    Mono<Void> refuse(ServerWebExchange exchange, HttpStatus status, String slug, String title, String detail) {
        return write(exchange, status, slug, title, detail, false);
    }

    /** 502: nothing listens on the port yet. */
    public Mono<Void> notRunning(ServerWebExchange exchange, PreviewAddress preview) {
        return write(exchange, HttpStatus.BAD_GATEWAY, APP_NOT_RUNNING, "The app is not running yet",
                "Nothing answers on port " + preview.port() + " of session " + preview.sessionId()
                        + " yet. Start the app (for example npm start) and this page reloads by itself.", true);
    }

    private Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String slug, String title, String detail,
            boolean retry) {
        if (!wantsHtml(exchange)) {
            return problems.write(exchange, status, slug, title, detail, headers -> {
                if (retry) {
                    headers.set("Retry-After", "2");
                }
            });
        }
        String html = """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8">%s<title>%s</title>
                <style>body{font:16px system-ui,sans-serif;margin:4rem auto;max-width:40rem;color:#222}
                p{color:#555}</style></head>
                <body><h1>%s</h1><p>%s</p></body></html>
                """.formatted(retry ? "<meta http-equiv=\"refresh\" content=\"2\">" : "", HtmlUtils.htmlEscape(title),
                HtmlUtils.htmlEscape(title), HtmlUtils.htmlEscape(detail));
        var response = exchange.getResponse();
        response.setStatusCode(status);
        response.getHeaders().setContentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8));
        response.getHeaders().setCacheControl("no-store");
        if (retry) {
            response.getHeaders().set("Retry-After", "2");
        }
        DataBuffer body = response.bufferFactory().wrap(html.getBytes(StandardCharsets.UTF_8));
        return response.writeWith(Mono.just(body));
    }

    private static boolean wantsHtml(ServerWebExchange exchange) {
        return exchange.getRequest().getHeaders().getAccept().stream()
                .anyMatch(type -> type.isCompatibleWith(MediaType.TEXT_HTML) && !type.isWildcardType());
    }
}
