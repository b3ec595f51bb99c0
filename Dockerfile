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

# Dependencies first, from pyproject.toml alone, so that code changes reuse this layer.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The whole source tree stays in /app: templates/, static/ and migrations/ are read from here
# at run time, so the package is installed in editable mode (owned by root, read-only to the app).
COPY . .
RUN pip install --no-deps -e . \
    && chmod 0755 docker/entrypoint.sh \
    && mkdir -p /app/instance \
    && chown consult:consult /app/instance \
    && python -m compileall -q consult worker

USER consult

VOLUME ["/app/instance"]
EXPOSE 8000

# web: GET /healthz must answer 200; worker: celery inspect ping; beat: alive.
HEALTHCHECK --interval=30s --timeout=15s --start-period=60s --retries=3 \
    CMD ["/app/docker/entrypoint.sh", "healthcheck"]

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["web"]
