# One image per service, all from one build:
#   docker build --target gateway-service -t berth/gateway-service .
# (likewise session-service, provisioner-service, terminal-relay). docker-compose.yml builds all four.

FROM eclipse-temurin:21-jdk AS build
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
