package dev.berth.session.template;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where an operator keeps templates.
 *
 * @param directory a folder of template files ({@code *.yml}, {@code *.yaml}, {@code *.json}), read again when
 *                  they change; a template there replaces a built-in one of the same name. Null for none.
 */
@ConfigurationProperties("berth.templates")
public record TemplateProperties(Path directory) {
}
