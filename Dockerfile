# mock_idp: docker build -t mock-idp . && docker run -p 8000:8000 mock-idp
FROM python:3.11-slim

WORKDIR /app
COPY pyproject.toml README.md ./
COPY mock_idp ./mock_idp
COPY templates ./templates
RUN pip install --no-cache-dir . && useradd --system --home /data mockidp && mkdir -p /data && chown mockidp /data
COPY seed_users.yaml /app/seed_users.yaml

USER mockidp
ENV MOCK_IDP_HOST=0.0.0.0 \
    MOCK_IDP_PORT=8000 \
    MOCK_IDP_CONFIG=/app/seed_users.yaml \
    MOCK_IDP_DATA_DIR=/data
# Set MOCK_IDP_BASE_URL to the URL clients (AppSync, Cognito, browsers) reach the container at.
EXPOSE 8000
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s CMD ["mock-idp", "healthcheck"]
CMD ["mock-idp", "serve"]
