package dev.berth.session.template;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import dev.berth.session.session.SessionProperties;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The templates sessions are made from: {@value #DEFAULT} (the workspace container, always there), the
 * built-in template files ({@code classpath:templates/}: todo-stack, and docker, disabled until an operator enables
 * it), and the operator's folder, read again when its files change. An operator's file replaces the built-in
 * template of its name; one without {@code containers} only sets what it names of it ({@code enabled},
 * {@code role}, {@code maxPerOwner}, {@code maxDurationMinutes}, {@code description}). A file that does not make a
 * valid template is left out, with a warning in the log saying why.
 */
@Component
public class Templates {

    public static final String DEFAULT = "node";
    public static final String WORKSPACE_CONTAINER = "workspace";

    private static final Logger log = LoggerFactory.getLogger(Templates.class);
    /** The template files that come with session-service, in {@code classpath:templates/}. */
    private static final List<String> BUILT_IN = List.of("todo-stack.yml", "docker.yml");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");

    private final SessionProperties sessions;
    private final TemplateProperties properties;
    private final JsonMapper json = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).build();
    /** The built-in templates as their files say them, by name. */
    private final Map<String, Map<String, Object>> builtIn;
    private List<String> seen;
    private Map<String, Template> current = Map.of();

    public Templates(SessionProperties sessions, TemplateProperties properties) throws IOException {
        this.sessions = sessions;
        this.properties = properties;
        Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        for (String file : BUILT_IN) {
            try (InputStream in = new ClassPathResource("templates/" + file).getInputStream()) {
                Map<String, Object> tree = tree(in);
                found.put(String.valueOf(tree.get("name")), tree);
            }
        }
        this.builtIn = found;
    }

    /** Every template, by name, the default first. */
    public synchronized Map<String, Template> all() {
        List<Path> files = operatorFiles();
        List<String> stamp = files.stream().map(Templates::stamp).toList();
        if (!stamp.equals(seen)) {
            Map<String, Template> all = new LinkedHashMap<>();
            all.put(DEFAULT, node(sessions.defaultImage(), Map.of()));
            builtIn.forEach((name, tree) -> template("classpath:templates/" + name, tree)
                    .ifPresent(template -> all.put(name, template)));
            for (Path file : files) {
                try (InputStream in = Files.newInputStream(file)) {
                    Map<String, Object> tree = tree(in);
                    Map<String, Object> base = builtIn.get(String.valueOf(tree.get("name")));
                    if (base != null && !tree.containsKey("containers")) {
                        Map<String, Object> merged = new LinkedHashMap<>(base);
                        merged.putAll(tree);
                        tree = merged;
                    }
                    template(file.toString(), tree).ifPresent(template -> all.put(template.name(), template));
                } catch (IOException | RuntimeException e) {
                    log.warn("Template file {} is left out: {}", file, e.getMessage());
                }
            }
            current = all;
            seen = stamp;
        }
        return current;
    }

    public Optional<Template> find(String name) {
        return Optional.ofNullable(all().get(name));
    }

    /** The default template: one workspace container of {@code image}, with the session's own environment. */
    public Template node(String image, Map<String, String> env) {
        return new Template(DEFAULT, "A workspace container with Node.js and npm", true, null, 0, null,
                List.of(new Template.Container(WORKSPACE_CONTAINER, image, List.of(), env, sessions.ports(),
                        List.of(), List.of(), 0, null, null, false)));
    }

    private List<Path> operatorFiles() {
        Path directory = properties.directory();
        if (directory == null || !Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().matches(".*\\.(ya?ml|json)"))
                    .sorted().toList();
        } catch (IOException e) {
            log.warn("Template folder {} cannot be listed: {}", directory, e.toString());
            return List.of();
        }
    }

    private static String stamp(Path file) {
        try {
            return file + "@" + Files.getLastModifiedTime(file).toMillis() + "/" + Files.size(file);
        } catch (IOException e) {
            return file + "@gone";
        }
    }

    /** A template file's contents; fails when it is not a YAML (or JSON) mapping. */
    private static Map<String, Object> tree(InputStream in) {
        Object tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        if (!(tree instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("a template file holds one mapping (name, containers, ...)");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        map.forEach((key, value) -> fields.put(String.valueOf(key), value));
        return fields;
    }

    private Optional<Template> template(String source, Map<String, Object> tree) {
        try {
            Template template = json.convertValue(tree, Template.class);
            List<String> problems = problems(template);
            if (!problems.isEmpty()) {
                log.warn("Template file {} is left out: {}", source, String.join("; ", problems));
                return Optional.empty();
            }
            return Optional.of(template);
        } catch (RuntimeException e) {
            log.warn("Template file {} is left out: {}", source, e.getMessage());
            return Optional.empty();
        }
    }

    /** What is wrong with a template, in words; empty when nothing is. */
    static List<String> problems(Template template) {
        List<String> problems = new ArrayList<>();
        if (template.name() == null || !NAME.matcher(template.name()).matches()) {
            problems.add("name must be 1 to 40 lower-case letters, digits or '-'");
        } else if (template.name().equals(DEFAULT)) {
            problems.add("the name " + DEFAULT + " is the default template's, which cannot be replaced");
        }
        if (template.containers().isEmpty()) {
            problems.add("it has no containers");
        }
        if (template.maxPerOwner() < 0 || (template.maxDurationMinutes() != null && template.maxDurationMinutes() < 1)) {
            problems.add("maxPerOwner must not be negative and maxDurationMinutes must be at least 1");
        }
        Set<String> names = new HashSet<>();
        Set<Integer> ports = new HashSet<>();
        for (Template.Container container : template.containers()) {
            String name = Objects.requireNonNullElse(container.name(), "");
            if (!NAME.matcher(name).matches() || !names.add(name)) {
                problems.add("container names must be distinct, 1 to 40 lower-case letters, digits or '-': " + name);
            }
            if (container.image() == null || container.image().isBlank()) {
                problems.add("container " + name + " names no image");
            }
            for (int port : container.ports()) {
                if (port < 1 || port > 65535 || !ports.add(port)) {
                    problems.add("ports must be distinct across containers, from 1 to 65535: " + port);
                }
            }
            if (container.memory() != null) {
                try {
                    DataSize.parse(container.memory());
                } catch (IllegalArgumentException e) {
                    problems.add("container " + name + ": memory must be a size such as 512MB");
                }
            }
            if (container.cpus() != null && container.cpus() <= 0) {
                problems.add("container " + name + ": cpus must be more than 0");
            }
        }
        for (Template.Container container : template.containers()) {
            Collection<String> unknown = new ArrayList<>(container.dependsOn());
            unknown.removeAll(names);
            if (!unknown.isEmpty() || container.dependsOn().contains(container.name())) {
                problems.add("container " + container.name() + " depends on " + container.dependsOn()
                        + ": only other containers of the template");
            }
        }
        return problems;
    }
}
