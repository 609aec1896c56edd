package dev.berth.relay.web;

import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

import reactor.netty.http.server.HttpRequestDecoderSpec;

/**
 * Request bodies are handed on in pieces of up to 64 KB, as they are read from the socket, instead of Netty's 8 KB:
 * a 100 MB upload is a couple of thousand signals through the relay, not tens of thousands. Set last, on top of the
 * decoder settings made before it: each setting of the decoder starts from the defaults, so one made later would
 * undo it.
 */
@Configuration(proxyBeanMethods = false)
class HttpServerConfig {

    static final int BODY_CHUNK = 64 * 1024;

    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    WebServerFactoryCustomizer<NettyReactiveWebServerFactory> largeBodyChunks() {
        return factory -> factory.addServerCustomizers(server -> {
            HttpRequestDecoderSpec before = server.configuration().decoder();
            return server.httpRequestDecoder(decoder -> decoder
                    .maxInitialLineLength(before.maxInitialLineLength())
                    .maxHeaderSize(before.maxHeaderSize())
                    .validateHeaders(before.validateHeaders())
                    .initialBufferSize(before.initialBufferSize())
                    .allowDuplicateContentLengths(before.allowDuplicateContentLengths())
                    .allowPartialChunks(before.allowPartialChunks())
                    .h2cMaxContentLength(before.h2cMaxContentLength())
                    .maxChunkSize(BODY_CHUNK));
        });
    }
}
