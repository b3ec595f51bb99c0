# Consult: one image for every role (web, worker, beat); see docs/deploy.md.
#   docker build -t consult .
#   docker run ... consult web|worker|beat|migrate|<any command>
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CONSULT_INSTANCE_PATH=/app/instance \
    PORT=8000 \
    WEB_CONCURRENCY=2 \
    WORKER_CONCURRENCY=2 \
    OMP_NUM_THREADS=1

# An unprivileged user that owns nothing but the instance folder (uploads, generated files).
RUN groupadd --system --gid 10001 consult \
    && useradd --system --uid 10001 --gid consult --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin consult

WORKDIR /app

# PDF reports embed a subset of Noto Sans CJK (CONSULT_PDF_FONT); poppler-utils (pdftotext, pdftoppm)
# lets an operator check a generated PDF inside the container.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk poppler-utils \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, from pyproject.toml alone, so that code changes reuse this layer.
COPY pyproject.toml /tmp/deps/
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('/tmp/deps/pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/deps/requirements.txt \
    && pip install -r /tmp/deps/requirements.txt \
    && rm -rf /tmp/deps

# The package is installed like the wheel that tests/integration/test_wheel.py proves: its
# templates, static files and migrations are package data, so no source tree is kept in the
# image (only docker/entrypoint.sh, owned by root, read-only to the app). The top-level
# templates/, static/ and migrations/ links of the repository are not copied.
COPY pyproject.toml README.md /tmp/src/
COPY consult /tmp/src/consult
COPY worker /tmp/src/worker
COPY docker /app/docker
RUN pip install --no-deps /tmp/src \
    && rm -rf /tmp/src \
    && chmod 0755 /app/docker/entrypoint.sh \
    && mkdir -p /app/instance \
    && chown consult:consult /app/instance

USER consult

VOLUME ["/app/instance"]
EXPOSE 8000

# web: GET /healthz must answer 200; worker: celery inspect ping; beat: alive.
HEALTHCHECK --interval=30s --timeout=15s --start-period=60s --retries=3 \
    CMD ["/app/docker/entrypoint.sh", "healthcheck"]

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["web"]
