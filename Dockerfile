# mock_idp in a container (docs/container.md):
#   docker build -t mock-idp . && docker run -p 8000:8000 -v mock-idp-data:/data mock-idp
# Config: without MOCK_IDP_CONFIG or MOCK_IDP_CONFIG_INLINE it serves the default seed packaged in
# the wheel (the repository's seed_users.yaml); mount yours and set MOCK_IDP_CONFIG, or put the
# whole YAML in MOCK_IDP_CONFIG_INLINE. Keys, the local CA and the SQLite database live in the
# /data volume, so tokens stay valid across restarts. Set MOCK_IDP_BASE_URL to the URL clients
# (AppSync, Cognito, browsers) reach the container at.
# podman/buildah: build with --format docker, or the OCI image drops the HEALTHCHECK below.
# .ci/image-smoke builds and tries this image; tests/test_container.py lints it.

# Stage 1: the wheel's environment, built where pip is (the runtime image carries no pip).
FROM python:3.11-slim AS build
# Where pip finds packages and whom it trusts (a mirror, a proxy's CA), for this stage only.
ARG PIP_INDEX_URL
ARG PIP_CERT
RUN python -m venv /opt/mock_idp
COPY pyproject.toml README.md seed_users.yaml /src/
COPY mock_idp /src/mock_idp
COPY templates /src/templates
RUN /opt/mock_idp/bin/pip install --no-cache-dir --disable-pip-version-check /src \
    && /opt/mock_idp/bin/pip uninstall --yes --quiet pip setuptools

# Stage 2: that environment, run by an unprivileged user.
FROM python:3.11-slim
COPY --from=build /opt/mock_idp /opt/mock_idp
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin mockidp \
    && mkdir -p /data \
    && chown mockidp /data
ENV PATH=/opt/mock_idp/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    MOCK_IDP_HOST=0.0.0.0 \
    MOCK_IDP_PORT=8000 \
    MOCK_IDP_DATA_DIR=/data
USER 10001
WORKDIR /app
EXPOSE 8000
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 CMD ["mock-idp", "healthcheck"]
CMD ["mock-idp", "serve"]
