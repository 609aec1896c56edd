package dev.berth.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The web console in a real browser against the running stack: {@code web-console/e2e/console.e2e.mjs} drives
 * Debian's Chromium with playwright-core and saves screenshots under {@code docs/}: development sign-in, two sessions,
 * two terminals, upload and download, an app whose output shows in the logs and whose page shows in the preview, a
 * page reload, a narrow window, stop and start, the list's filters, delete all, then sign-in with a pasted token
 * (minted here with the stack's secret) for another owner. Any console error but the ones it provokes fails it.
 */
class ConsoleIT {

    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("BERTH_E2E_CHROMIUM",
            "/usr/bin/chromium"));

    @Test
    void aPersonWorksWithASessionInTheConsole() throws Exception {
        assertThat(CHROMIUM).as("Chromium for the browser test: apt-get install chromium (infra/dev test does)")
                .isExecutable();
        Stack stack = SharedStack.get();
        Path root = Path.of(System.getProperty("berth.jars", "..")).toAbsolutePath().normalize();
        Path script = root.resolve("web-console/e2e/console.e2e.mjs");
        Path output = Files.createDirectories(Path.of("target")).resolve("console-e2e.log");
        String pastingOwner = "pasted-" + UUID.randomUUID().toString().substring(0, 8);
        ProcessBuilder builder = new ProcessBuilder("node", script.toString(), stack.gatewayUrl())
                .directory(root.resolve("web-console").toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("BERTH_E2E_TOKEN", stack.token(pastingOwner, false));
        builder.environment().put("BERTH_E2E_TOKEN_OWNER", pastingOwner);
        Process process = builder.start();
        boolean ended = process.waitFor(6, TimeUnit.MINUTES);
        if (!ended) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String log = read(output);
        System.out.println(log);
        assertThat(ended).as("the browser test ended within 6 minutes:%n%s", log).isTrue();
        assertThat(process.exitValue()).as("the browser test passed:%n%s", log).isZero();
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
