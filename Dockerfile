# One image per service, all from one build:
#   docker build --target gateway-service -t berth/gateway-service .
# (likewise session-service, provisioner-service, terminal-relay). docker-compose.yml builds all four.

# The web console is built by the Maven build with Node.js and npm, taken from the official Node.js image.
FROM node:20-bookworm-slim AS node

FROM eclipse-temurin:21-jdk AS build
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -DskipTests package

# What every service image shares: a JRE and an unprivileged user.
FROM eclipse-temurin:21-jre AS runtime
RUN useradd --system --user-group --home-dir /app --shell /usr/sbin/nologin berth \
    && mkdir -p /app && chown berth:berth /app
WORKDIR /app
USER berth
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/service.jar"]

FROM runtime AS gateway-service
COPY --from=build /src/gateway-service/target/gateway-service-*.jar /app/service.jar
EXPOSE 8080

FROM runtime AS session-service
COPY --from=build /src/session-service/target/session-service-*.jar /app/service.jar
EXPOSE 8081

FROM runtime AS provisioner-service
COPY --from=build /src/provisioner-service/target/provisioner-service-*.jar /app/service.jar
EXPOSE 8082

FROM runtime AS terminal-relay
COPY --from=build /src/terminal-relay/target/terminal-relay-*.jar /app/service.jar
EXPOSE 8083
