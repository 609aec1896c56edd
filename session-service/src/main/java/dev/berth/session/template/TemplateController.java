package dev.berth.session.template;

import java.util.List;

import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.berth.session.security.Caller;

/** {@code GET /api/v1/templates}: the templates the caller may use (admins see all, disabled ones too). */
@RestController
public class TemplateController {

    private final Templates templates;

    public TemplateController(Templates templates) {
        this.templates = templates;
    }

    /** A template as a client sees it. */
    public record TemplateView(String name, String description, boolean enabled, String role, int maxPerOwner,
            Integer maxDurationMinutes, List<ContainerView> containers) {
    }

    public record ContainerView(String name, String image, List<Integer> ports, List<String> dependsOn) {
    }

    @GetMapping("/api/v1/templates")
    public List<TemplateView> list(Authentication authentication) {
        Caller caller = Caller.of(authentication);
        return templates.all().values().stream()
                .filter(template -> caller.admin() || (template.enabled()
                        && (template.role() == null || caller.hasRole(template.role()))))
                .map(template -> new TemplateView(template.name(), template.description(), template.enabled(),
                        template.role(), template.maxPerOwner(), template.maxDurationMinutes(),
                        template.containers().stream().map(container -> new ContainerView(container.name(),
                                container.image(), container.ports(), container.dependsOn())).toList()))
                .toList();
    }
}
