#!/bin/sh
# Container entrypoint for the Consult image.
#
#   web          run migrations (`consult db upgrade`, retried while the database comes up),
#                then gunicorn consult.wsgi:app on 0.0.0.0:${PORT:-8000}
#   worker       celery worker on queues ${CELERY_QUEUES:-celery,digests}
#   beat         celery beat (schedule file in /tmp; run exactly ONE beat per deployment)
#   migrate      only `consult db upgrade`, then exit
#   healthcheck  used by the image's HEALTHCHECK: GET /healthz for web, `celery inspect ping`
#                for a worker, "still running" for beat
#   anything else is executed as given (`docker compose run --rm web consult create-user`).
#
# Extra arguments after web/worker/beat are passed on to gunicorn/celery.
set -eu

ROLE_FILE="${CONSULT_ROLE_FILE:-/tmp/consult-role}"

log() { echo "entrypoint: $*" >&2; }

migrate() {
    tries="${MIGRATE_RETRIES:-30}"
    n=1
    until consult db upgrade; do
        if [ "$n" -ge "$tries" ]; then
            log "consult db upgrade failed $n times; giving up"
            return 1
        fi
        log "consult db upgrade failed (attempt $n/$tries); retrying in ${MIGRATE_RETRY_DELAY:-3}s"
        n=$((n + 1))
        sleep "${MIGRATE_RETRY_DELAY:-3}"
    done
}

role="${1:-web}"
if [ "$#" -gt 0 ]; then shift; fi

case "$role" in
    web)
        echo web > "$ROLE_FILE"
        if [ "${CONSULT_SKIP_MIGRATE:-0}" = "1" ]; then
            log "CONSULT_SKIP_MIGRATE=1: not running migrations"
        else
            migrate
        fi
        exec gunicorn consult.wsgi:app \
            --config "${GUNICORN_CONFIG:-$(dirname "$0")/gunicorn.conf.py}" \
            --bind "0.0.0.0:${PORT:-8000}" \
            --workers "${WEB_CONCURRENCY:-2}" \
            --threads "${WEB_THREADS:-1}" \
            --timeout "${GUNICORN_TIMEOUT:-60}" \
            --graceful-timeout "${GUNICORN_GRACEFUL_TIMEOUT:-30}" \
            --worker-tmp-dir /dev/shm \
            --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" \
            --access-logfile - \
            --error-logfile - \
            "$@"
        ;;
    worker)
        echo worker > "$ROLE_FILE"
        exec celery -A worker.celery_app worker \
            --loglevel "${CELERY_LOGLEVEL:-INFO}" \
            -Q "${CELERY_QUEUES:-celery,digests}" \
            --concurrency "${WORKER_CONCURRENCY:-2}" \
            --hostname "celery@%h" \
            "$@"
        ;;
    beat)
        echo beat > "$ROLE_FILE"
        exec celery -A worker.celery_app beat \
            --loglevel "${CELERY_LOGLEVEL:-INFO}" \
            --schedule /tmp/celerybeat-schedule \
            "$@"
        ;;
    migrate)
        migrate
        ;;
    healthcheck)
        case "$(cat "$ROLE_FILE" 2>/dev/null || echo none)" in
            web)
                exec python -c "import os, sys, urllib.request
r = urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)
sys.exit(0 if r.status == 200 else 1)"
                ;;
            worker)
                exec celery -A worker.celery_app inspect ping \
                    --timeout "${HEALTHCHECK_PING_TIMEOUT:-5}" -d "celery@${HOSTNAME:-$(hostname)}"
                ;;
            *)
                # beat (or a one-off command): the container lives exactly as long as it does.
                exit 0
                ;;
        esac
        ;;
    *)
        exec "$role" "$@"
        ;;
esac
