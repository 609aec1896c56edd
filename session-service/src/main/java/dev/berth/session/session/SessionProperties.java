package dev.berth.session.session;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What a session may be made of, and for how long.
 *
 * @param defaultImage           image of a session that names none
 * @param allowedImages          images a session may use
 * @param defaultDurationMinutes lease of a session that names no duration
 * @param maxDurationMinutes     the longest lease a session may ask for
 * @param ports                  container ports published for preview
 * @param maxPageSize            the largest page of a session listing
 * @param keepaliveInterval      how often an idle event stream gets a comment, so proxies keep it open
 * @param publicUrl              where users reach Berth (the gateway), for the links in session answers
 * @param previewDomain          previews answer at {@code {sessionId}-{port}.<previewDomain>} (the gateway's setting)
 * @param maxLivePerOwner        the most live sessions one owner may have at once
 */
@ConfigurationProperties("berth.sessions")
public record SessionProperties(
        @DefaultValue("berth/workspace:latest") String defaultImage,
        @DefaultValue("berth/workspace:latest") List<String> allowedImages,
        @DefaultValue("60") int defaultDurationMinutes,
        @DefaultValue("480") int maxDurationMinutes,
        @DefaultValue("3000") List<Integer> ports,
        @DefaultValue("100") int maxPageSize,
        @DefaultValue("20s") Duration keepaliveInterval,
        @DefaultValue("http://localhost:8080") URI publicUrl,
        @DefaultValue("preview.localhost") String previewDomain,
        @DefaultValue("10") int maxLivePerOwner) {

    public SessionProperties {
        if (!allowedImages.contains(defaultImage)) {
            throw new IllegalArgumentException("berth.sessions.default-image " + defaultImage
                    + " must be one of berth.sessions.allowed-images " + allowedImages);
        }
        if (defaultDurationMinutes < 1 || defaultDurationMinutes > maxDurationMinutes) {
            throw new IllegalArgumentException("berth.sessions.default-duration-minutes must be between 1 and "
                    + "berth.sessions.max-duration-minutes (" + maxDurationMinutes + ")");
        }
    }
}
