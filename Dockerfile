# The runtime's image: the jar built by ./mvnw -B package, run as a non-root user with the repository's jvm.options.
# Build: ./mvnw -B -q package -DskipTests && docker build -t clerk-convex-sync:0.1.0 .
FROM eclipse-temurin:17-jre

# A system user without a shell or a login; its numeric id is what the Kubernetes manifests run as.
RUN groupadd --system --gid 10001 clerk \
 && useradd --system --uid 10001 --gid clerk --home-dir /app --no-create-home --shell /usr/sbin/nologin clerk

WORKDIR /app
COPY jvm.options ./
# The jar keeps its repository path: jvm.options names the class-data-sharing archive beside it (target/*.jsa)
COPY target/clerk-convex-sync.jar target/
# Extension routes (camel.main.routes-include-pattern = file:routes/*.yaml) are read from here
COPY routes/ routes/
# DATA_DIR for the embedded H2 of a single instance; owner-only, like the runtime creates it
RUN mkdir -m 700 data && chown clerk:clerk data
# The class-data-sharing archive that jvm.options names fits only the JDK build and jar path it was made with, so it is
# made here, by the same 2 s training start the Maven build runs (throwaway secret, ports and data directory); without
# it the JVM starts with no class sharing at all and is about a second slower to become healthy
RUN CLERK_WEBHOOK_SECRET=whsec_Y2xhc3MtZGF0YS1zaGFyaW5nLXRyYWluaW5n CONVEX_URL=http://127.0.0.1:9 \
    PORT=18080 MANAGEMENT_PORT=19876 DATA_DIR=/tmp/cds-training \
    java -XX:ArchiveClassesAtExit=target/clerk-convex-sync.jsa -Xlog:cds=error -Xlog:cds+dynamic=error \
         -Dcamel.main.duration-max-seconds=2 -jar target/clerk-convex-sync.jar \
 && rm -rf /tmp/cds-training

USER 10001:10001
# TZ: the store's timestamps (claims, leases, processed ids) are written in the JVM's time zone, so every instance
# sharing one database must run in the same one
ENV PORT=8080 \
    MANAGEMENT_PORT=9876 \
    DATA_DIR=/app/data \
    TZ=UTC
# Webhooks from Clerk; health, metrics and the admin API (keep this one off the public load balancer)
EXPOSE 8080 9876
ENTRYPOINT ["java", "@jvm.options", "-jar", "target/clerk-convex-sync.jar"]
