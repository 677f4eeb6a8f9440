# The runtime's image: the jar built by ./mvnw -B package, on Java 25, run as a non-root user by bin/clerk-convex-sync
# (jvm.options and the AOT cache made below), as the README runs it.
# Build: ./mvnw -B -q package -DskipTests && docker build -t clerk-convex-sync:0.1.0 .

# The AOT cache's training program (bin/AotTraining.java), compiled with a JDK: the runtime image is a JRE, which has
# no compiler for the source launcher
FROM eclipse-temurin:25-jdk AS training
COPY target/clerk-convex-sync.jar /src/target/
COPY bin/AotTraining.java /src/bin/
RUN javac --release 17 -cp /src/target/clerk-convex-sync.jar -d /training /src/bin/AotTraining.java

FROM eclipse-temurin:25-jre

# A system user without a shell or a login; its numeric id is what the Kubernetes manifests run as.
RUN groupadd --system --gid 10001 clerk \
 && useradd --system --uid 10001 --gid clerk --home-dir /app --no-create-home --shell /usr/sbin/nologin clerk

WORKDIR /app
# the launcher picks the Java (the image's JAVA_HOME, Temurin 25) and its options file, and maps the AOT cache
COPY jvm.options ./
COPY bin/clerk-convex-sync bin/find-java.sh bin/build-aot-cache bin/
COPY target/clerk-convex-sync.jar target/
# Extension routes (camel.main.routes-include-pattern = file:routes/*.yaml) are read from here
COPY routes/ routes/
# DATA_DIR for the embedded H2 of a single instance; owner-only, like the runtime creates it
RUN mkdir -m 700 data && chown clerk:clerk data
# The AOT cache (JEP 483/514/515) fits only the JVM build, the JDK's module image and the jar it was made with, so it
# is made here, in this image, by the same training run the Maven build runs: the jar with jvm.options, 4,000 signed
# webhooks through it to a Convex stand-in inside the training program, a throwaway secret, free loopback ports and a
# temporary data directory, then SIGTERM; the JVM writes target/clerk-convex-sync.aot on its way out. Without it the
# runtime starts, about a second slower to become healthy.
COPY --from=training /training /tmp/aot-training
RUN AOT_TRAINING_CLASSPATH=/tmp/aot-training bin/build-aot-cache \
 && rm -rf /tmp/aot-training target/aot-training.log

USER 10001:10001
# TZ: the store's timestamps (claims, leases, processed ids) are written in the JVM's time zone, so every instance
# sharing one database must run in the same one
ENV PORT=8080 \
    MANAGEMENT_PORT=9876 \
    DATA_DIR=/app/data \
    TZ=UTC
# Webhooks from Clerk; health, metrics and the admin API (keep this one off the public load balancer)
EXPOSE 8080 9876
ENTRYPOINT ["bin/clerk-convex-sync"]
