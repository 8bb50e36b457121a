# mock_idp in a container: docker build -t mock-idp . && docker run -p 8000:8000 mock-idp
# Config: mount a seed and set MOCK_IDP_CONFIG=/config/seed_users.yaml, or put the whole YAML in
# MOCK_IDP_CONFIG_INLINE; neither serves the default seed packaged in the wheel. Keys, the local
# CA and the SQLite database live in the /data volume, so tokens stay valid across restarts.
# Set MOCK_IDP_BASE_URL to the URL clients (AppSync, Cognito, browsers) reach the container at.
# tests/test_container.py builds this image's file system without Docker: keep the two in step.

# Stage 1: build the wheel (the packaged seed and templates go inside it).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md seed_users.yaml ./
COPY mock_idp ./mock_idp
COPY templates ./templates
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

# Stage 2: the wheel in a fresh virtual environment, run by an unprivileged user.
FROM python:3.11-slim
COPY --from=build /wheels /wheels
RUN python -m venv /opt/mock_idp \
    && /opt/mock_idp/bin/pip install --no-cache-dir /wheels/*.whl \
    && rm -rf /wheels \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin mockidp \
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
