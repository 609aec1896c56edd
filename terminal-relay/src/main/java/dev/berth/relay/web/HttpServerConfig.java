package dev.berth.relay.web;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Request bodies are handed on in pieces of up to 64 KB, as they are read from the socket, instead of Netty's
 * 8 KB: a 100 MB upload is a couple of thousand signals through the relay, not tens of thousands.
 */
@Configuration(proxyBeanMethods = false)
class HttpServerConfig {

    static final int BODY_CHUNK = 64 * 1024;

    @Bean
    NettyServerCustomizer largeBodyChunks() {
        return server -> server.httpRequestDecoder(decoder -> decoder.maxChunkSize(BODY_CHUNK));
    }
}
