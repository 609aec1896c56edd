package dev.berth.session.session;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/images}: the images a session may be made of, so a client can offer them. */
@RestController
public class ImagesController {

    private final SessionProperties properties;

    public ImagesController(SessionProperties properties) {
        this.properties = properties;
    }

    /** The allow-list and the image of a session that names none. */
    public record Images(String defaultImage, List<String> allowedImages) {
    }

    @GetMapping("/api/v1/images")
    public Images images() {
        return new Images(properties.defaultImage(), properties.allowedImages());
    }
}
