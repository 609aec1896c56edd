package dev.berth.gateway.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.observability.DefaultSignalListener;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * One log line per API request, with its trace id: method, path (never the query, which may carry
 * tickets), status and duration. The line is written from {@code tap}, which restores the request's trace
 * context for it: the gateway propagates context only where asked ({@code context-propagation: limited}), so
 * the bytes of streams and proxied requests do not pay for it on every signal.
 */
@Component
class AccessLog implements WebFilter, Ordered {

    private static final Logger log = LoggerFactory.getLogger(AccessLog.class);

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().value();
        if (!path.startsWith("/api/")) {
            return chain.filter(exchange);
        }
        long started = System.nanoTime();
        return chain.filter(exchange).tap(() -> new DefaultSignalListener<>() {
            @Override
            public void doFinally(SignalType terminationType) {
                HttpStatusCode status = exchange.getResponse().getStatusCode();
                log.info("{} {} {} {} ms", exchange.getRequest().getMethod(), path,
                        status == null ? "-" : status.value(), (System.nanoTime() - started) / 1_000_000);
            }
        });
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
