package dev.berth.gateway.web;

import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import reactor.netty.http.server.HttpRequestDecoderSpec;

/**
 * Request bodies are read from the socket up to 1 MB at a time and handed on in pieces of that size, instead of
 * Netty's 8 KB reads and 8 KB pieces: a 100 MB upload is a few hundred reads and signals, not tens of thousands, and
 * a large read costs about what a small one does. The buffer still starts small and only grows while a connection
 * keeps filling it, so ordinary requests use no more memory than before. Set last, on top of the decoder settings
 * made before it: each setting of the decoder starts from the defaults, so one made later would undo it.
 */
@Configuration(proxyBeanMethods = false)
class HttpServerConfig {

    static final int BODY_CHUNK = 1024 * 1024;

    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    WebServerFactoryCustomizer<NettyReactiveWebServerFactory> largeBodyChunks() {
        return factory -> factory.addServerCustomizers(server -> {
            HttpRequestDecoderSpec before = server.configuration().decoder();
            return server.childOption(ChannelOption.RCVBUF_ALLOCATOR,
                            new AdaptiveRecvByteBufAllocator(64, 16 * 1024, BODY_CHUNK))
                    .httpRequestDecoder(decoder -> decoder
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
