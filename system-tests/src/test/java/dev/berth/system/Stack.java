package dev.berth.system;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Map;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.rabbitmq.RabbitMQContainer;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;

import dev.berth.contracts.ContainerLabels;

/**
 * The four services as separate processes against real PostgreSQL, RabbitMQ and Docker: the servers named
 * by {@code BERTH_SYSTEM_TEST_POSTGRES_URL} and {@code BERTH_SYSTEM_TEST_RABBITMQ_URI} (infra/dev test sets
 * them), or containers where they are not set. session-service reaches RabbitMQ through a {@link TcpProxy},
 * so a test can take the broker away from it.
 */
final class Stack implements AutoCloseable {

    static final String IMAGE = "berth/workspace:latest";
    /** The image of the built-in todo-stack template, built by infra/dev like the workspace image. */
    static final String TODO_IMAGE = "berth/todo:latest";
    /** The image of the built-in docker template (a Docker playground), built by infra/dev. */
    static final String DOCKER_IMAGE = "berth/docker:latest";
    /** Allowed by configuration, never built: creating a session with it must fail cleanly. */
    static final String MISSING_IMAGE = "berth/not-built:1";

    private final List<AutoCloseable> resources = new CopyOnWriteArrayList<>();
    private final List<String> nodeIds = new CopyOnWriteArrayList<>();
    private final String secret = HexFormat.of().formatHex(randomBytes(32));
    private final boolean fastStart;
    private final DockerClient docker;
    private Infra infra;
    private TcpProxy brokerProxy;
    private final String internalToken = HexFormat.of().formatHex(randomBytes(24));
    /** session-service's template folder: tests write templates there while it runs. */
    private final Path templates;
    private ServiceProcess sessionService;
    private List<String> sessionServiceArgs;
    private ServiceProcess gateway;
    private Node node;

    private Stack(boolean fastStart) throws IOException {
        this.fastStart = fastStart;
        this.templates = Files.createTempDirectory("berth-templates");
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        this.docker = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost()).connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofSeconds(60)).build());
    }

    /** Starts everything; {@code fastStart} trades peak speed for start-up time (tests, not benchmarks). */
    static Stack start(boolean fastStart) throws Exception {
        Stack stack = new Stack(fastStart);
        try {
            stack.startAll();
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        docker.inspectImageCmd(IMAGE).exec();
        infra = Infra.fromEnvironmentOrContainers(resources);
        brokerProxy = new TcpProxy(infra.rabbitHost(), infra.rabbitPort());
        resources.add(brokerProxy);
        int sessionPort = freePort();
        sessionServiceArgs = List.of(
                "--spring.datasource.url=" + infra.jdbcUrl(),
                "--spring.datasource.username=" + infra.dbUser(),
                "--spring.datasource.password=" + infra.dbPassword(),
                "--spring.rabbitmq.host=127.0.0.1",
                "--spring.rabbitmq.port=" + brokerProxy.port(),
                "--spring.rabbitmq.username=" + infra.rabbitUser(),
                "--spring.rabbitmq.password=" + infra.rabbitPassword(),
                "--spring.rabbitmq.virtual-host=" + infra.vhost(),
                "--berth.security.jwt.secret=" + secret,
                "--berth.internal.token=" + internalToken,
                "--berth.sessions.allowed-images=" + IMAGE + "," + MISSING_IMAGE,
                "--berth.outbox.sweep-interval=1s",
                "--berth.leases.sweep-interval=2s",
                "--berth.nodes.heartbeat-interval=2s",
                "--berth.templates.directory=" + templates);
        sessionService = track(ServiceProcess.start("session-service", "session-service", sessionPort, jvm(),
                sessionServiceArgs));
        gateway = track(ServiceProcess.start("gateway-service", "gateway-service", freePort(), jvm(), List.of(
                "--berth.gateway.session-service-uri=" + sessionService.baseUrl(),
                "--berth.gateway.activity-interval=1s",
                "--berth.gateway.dev-sign-in=true", // the web console's one-click sign-in, for ConsoleIT
                "--berth.security.jwt.secret=" + secret,
                "--berth.internal.token=" + internalToken)));
        node = startNode("a");
        for (ServiceProcess service : List.of(sessionService, gateway)) {
            service.awaitHealthy(Duration.ofSeconds(180));
        }
        node.awaitHealthy();
    }

    /**
     * Starts one more node: a terminal relay and a provisioner beside it with the same node id, as on another
     * Docker host (here they share the one engine).
     */
    Node startNode(String suffix, String... provisionerArgs) throws IOException {
        String nodeId = "sys-" + suffix + "-" + UUID.randomUUID().toString().substring(0, 8);
        nodeIds.add(nodeId);
        ServiceProcess relay = track(ServiceProcess.start("terminal-relay-" + suffix, "terminal-relay", freePort(),
                jvm(), List.of("--berth.security.jwt.secret=" + secret,
                        "--berth.internal.token=" + internalToken,
                        "--berth.relay.node-id=" + nodeId,
                        "--berth.tickets.lifetime=5s",
                        "--berth.terminals.grace-period=15s",
                        "--berth.relay.session-service-uri=" + sessionService.baseUrl())));
        List<String> args = new ArrayList<>(List.of("--berth.node.id=" + nodeId,
                        "--berth.node.heartbeat-interval=2s",
                        "--berth.node.relay-address=" + relay.baseUrl(),
                        "--berth.containers.allowed-images=" + IMAGE + "," + MISSING_IMAGE + "," + TODO_IMAGE + ","
                                + DOCKER_IMAGE,
                        "--berth.containers.allow-privileged=true",
                        "--berth.internal.token=" + internalToken,
                        "--berth.reconciler.session-service-uri=" + sessionService.baseUrl(),
                        "--berth.reconciler.interval=5s",
                        "--berth.reconciler.orphan-grace=15s",
                        "--berth.reconciler.ending-grace=15s",
                        "--spring.rabbitmq.host=" + infra.rabbitHost(),
                        "--spring.rabbitmq.port=" + infra.rabbitPort(),
                        "--spring.rabbitmq.username=" + infra.rabbitUser(),
                        "--spring.rabbitmq.password=" + infra.rabbitPassword(),
                        "--spring.rabbitmq.virtual-host=" + infra.vhost()));
        args.addAll(List.of(provisionerArgs));
        return new Node(nodeId, relay, startProvisioner(suffix, args), args);
    }

    private ServiceProcess startProvisioner(String suffix, List<String> args) throws IOException {
        return track(ServiceProcess.start("provisioner-" + suffix, "provisioner-service", freePort(), jvm(), args));
    }

    /** Kills a node's provisioner at once (kill -9) and starts a new one with the same settings. */
    Node restartProvisioner(Node node) throws IOException {
        node.provisioner().kill();
        String suffix = node.provisioner().name().substring("provisioner-".length());
        Node restarted = new Node(node.id(), node.relay(), startProvisioner(suffix, node.provisionerArgs()),
                node.provisionerArgs());
        restarted.provisioner().awaitHealthy(Duration.ofSeconds(180));
        if (node == this.node) {
            this.node = restarted;
        }
        return restarted;
    }

    /**
     * Stops session-service and starts it again on the same port with its usual settings and {@code extraArgs}
     * (none: as the stack started it), so a test can change a setting of it; the other services keep running.
     */
    void restartSessionService(String... extraArgs) throws IOException {
        sessionService.close();
        resources.remove(sessionService);
        List<String> args = new ArrayList<>(sessionServiceArgs);
        args.addAll(List.of(extraArgs));
        sessionService = track(ServiceProcess.start("session-service", "session-service", sessionService.port(),
                jvm(), args));
        sessionService.awaitHealthy(Duration.ofSeconds(180));
    }

    /** Runs an SQL update on session-service's database, for a test to put a session into a state by hand. */
    int sql(String update, Object... parameters) throws SQLException {
        try (Connection connection = DriverManager.getConnection(infra.jdbcUrl(), infra.dbUser(), infra.dbPassword());
                PreparedStatement statement = connection.prepareStatement(update)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        }
    }

    /** A Docker host's pair of processes. */
    record Node(String id, ServiceProcess relay, ServiceProcess provisioner, List<String> provisionerArgs)
            implements AutoCloseable {

        void awaitHealthy() {
            relay.awaitHealthy(Duration.ofSeconds(180));
            provisioner.awaitHealthy(Duration.ofSeconds(180));
        }

        @Override
        public void close() {
            provisioner.close();
            relay.close();
        }
    }

    /** Where session-service reads operators' templates; a file written there is used from then on. */
    Path templates() {
        return templates;
    }

    String gatewayUrl() {
        return gateway.baseUrl();
    }

    ServiceProcess gateway() {
        return gateway;
    }

    ServiceProcess sessionService() {
        return sessionService;
    }

    /** The node the stack starts with. */
    Node node() {
        return node;
    }

    TcpProxy brokerProxy() {
        return brokerProxy;
    }

    DockerClient docker() {
        return docker;
    }

    /** An HS256 token signed with this stack's secret, as {@code infra/dev token} mints them. */
    String token(String subject, boolean admin) {
        return admin ? token(subject, List.of("admin")) : token(subject, List.of());
    }

    /** An HS256 token with these roles. */
    String token(String subject, List<String> roles) {
        long now = Instant.now().getEpochSecond();
        String claims = Api.JSON.writeValueAsString(Map.of("sub", subject, "iat", now, "exp", now + 7200,
                "roles", roles));
        String unsigned = base64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + base64Url(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return unsigned + "." + base64Url(mac.doFinal(unsigned.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Containers of this stack's nodes, running or not. */
    List<Container> containers() {
        List<Container> all = new ArrayList<>();
        for (String node : nodeIds) {
            all.addAll(docker.listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of(ContainerLabels.NODE, node)).exec());
        }
        return all;
    }

    List<Network> networks() {
        List<Network> all = new ArrayList<>();
        for (String node : nodeIds) {
            all.addAll(docker.listNetworksCmd().withFilter("label", List.of(ContainerLabels.NODE + "=" + node))
                    .exec());
        }
        return all;
    }

    @Override
    public void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
        for (Container container : containers()) {
            docker.removeContainerCmd(container.getId()).withForce(true).exec();
        }
        for (Network network : networks()) {
            docker.removeNetworkCmd(network.getId()).exec();
        }
    }

    private ServiceProcess track(ServiceProcess process) {
        resources.add(process);
        return process;
    }

    private List<String> jvm() {
        return fastStart ? List.of("-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
                : List.of("-Xmx512m");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    /** Where PostgreSQL and RabbitMQ are. */
    record Infra(String jdbcUrl, String dbUser, String dbPassword, String rabbitHost, int rabbitPort,
            String rabbitUser, String rabbitPassword, String vhost) {

        static Infra fromEnvironmentOrContainers(List<AutoCloseable> resources) {
            String jdbcUrl = System.getenv("BERTH_SYSTEM_TEST_POSTGRES_URL");
            String rabbitUri = System.getenv("BERTH_SYSTEM_TEST_RABBITMQ_URI");
            String dbUser = "postgres";
            String dbPassword = "";
            if (jdbcUrl == null) {
                PostgreSQLContainer postgres = new PostgreSQLContainer("postgres:16-alpine");
                postgres.start();
                resources.add(postgres::stop);
                jdbcUrl = postgres.getJdbcUrl();
                dbUser = postgres.getUsername();
                dbPassword = postgres.getPassword();
            }
            if (rabbitUri == null) {
                RabbitMQContainer rabbit = new RabbitMQContainer("rabbitmq:3.13-alpine");
                rabbit.start();
                resources.add(rabbit::stop);
                return new Infra(jdbcUrl, dbUser, dbPassword, rabbit.getHost(), rabbit.getAmqpPort(),
                        rabbit.getAdminUsername(), rabbit.getAdminPassword(), "/");
            }
            URI uri = URI.create(rabbitUri);
            String[] userInfo = uri.getUserInfo() == null ? new String[] {"guest", "guest"}
                    : uri.getUserInfo().split(":", 2);
            String vhost = uri.getPath() == null || uri.getPath().length() <= 1 ? "/" : uri.getPath().substring(1);
            return new Infra(jdbcUrl, dbUser, dbPassword, uri.getHost(), uri.getPort() < 0 ? 5672 : uri.getPort(),
                    userInfo[0], userInfo.length > 1 ? userInfo[1] : "", vhost);
        }
    }
}
