# Tandem as a container: `docker compose up -d` (see compose.yaml and docs/deployment.md).
#
# Stage 1 builds Tandem's wheel and installs it with its dependencies into a virtual
# environment; stage 2 copies only that environment into a slim image that runs as a
# non-root user. No compiler, pip cache or source tree ends up in the image.

FROM python:3.11-slim AS builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY flows ./flows
COPY content ./content
COPY benchmarks ./benchmarks
RUN pip wheel --no-deps --wheel-dir /wheels . \
 && python -m venv /opt/tandem \
 && /opt/tandem/bin/pip install /wheels/*.whl

FROM python:3.11-slim AS runtime
ENV PATH=/opt/tandem/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    DATABASE_URL=sqlite:////data/tandem.db \
    METRICS_LISTEN=0.0.0.0 \
    METRICS_PORT=9464
RUN useradd --system --uid 10001 --create-home --home-dir /home/tandem tandem \
 && mkdir /data && chown tandem:tandem /data
COPY --from=builder /opt/tandem /opt/tandem
WORKDIR /home/tandem
USER tandem
VOLUME ["/data"]
EXPOSE 9464
# /healthz answers 200 when the database answers and Telegram was heard from recently
# (a 503 makes urlopen raise: exit 1).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import os, sys, urllib.request; port = os.environ.get('METRICS_PORT', '9464'); sys.exit(0 if urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4).status == 200 else 1)"]
ENTRYPOINT ["python", "-m", "bot"]
CMD []
