# The runtime's image: the jar built by ./mvnw -B package, run as a non-root user with the repository's jvm.options.
# Build: ./mvnw -B -q package -DskipTests && docker build -t clerk-convex-sync:0.1.0 .
FROM eclipse-temurin:17-jre

# A system user without a shell or a login; its numeric id is what the Kubernetes manifests run as.
RUN groupadd --system --gid 10001 clerk \
 && useradd --system --uid 10001 --gid clerk --home-dir /app --no-create-home --shell /usr/sbin/nologin clerk

WORKDIR /app
COPY target/clerk-convex-sync.jar jvm.options ./
# Extension routes (camel.main.routes-include-pattern = file:routes/*.yaml) are read from here
COPY routes/ routes/
# DATA_DIR for the embedded H2 of a single instance; owner-only, like the runtime creates it
RUN mkdir -m 700 data && chown clerk:clerk data

USER 10001:10001
# TZ: the store's timestamps (claims, leases, processed ids) are written in the JVM's time zone, so every instance
# sharing one database must run in the same one
ENV PORT=8080 \
    MANAGEMENT_PORT=9876 \
    DATA_DIR=/app/data \
    TZ=UTC
# Webhooks from Clerk; health, metrics and the admin API (keep this one off the public load balancer)
EXPOSE 8080 9876
ENTRYPOINT ["java", "@jvm.options", "-jar", "clerk-convex-sync.jar"]
