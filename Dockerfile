# The Thrive site's image: one image for web, worker, beat and the migrate step.
#   docker compose build        (see docker-compose.yml and the README)

# --- Stage 1: the stylesheet, compiled from Sass with the pinned npm packages.
FROM node:22-bookworm-slim AS css
WORKDIR /build
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY static/scss ./static/scss
RUN npm run --silent build:css

# --- Stage 2: Python with the pinned dependencies, the code, and the collected static files.
FROM python:3.13-slim-bookworm AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8000

RUN groupadd --system --gid 10001 thrive \
    && useradd --system --uid 10001 --gid thrive --home-dir /app --shell /usr/sbin/nologin thrive

WORKDIR /app
# Dependencies first, so a code change doesn't reinstall them.
COPY requirements/base.txt requirements/base.txt
RUN pip install --no-deps -r requirements/base.txt

COPY . .
COPY --from=css /build/static/css ./static/css
# collectstatic needs settings but no secrets or database: a throwaway key, used only here.
RUN DJANGO_DEBUG=0 SECRET_KEY=collectstatic-build-only ALLOWED_HOSTS=localhost \
        python manage.py collectstatic --no-input --verbosity 0 \
    && python -m compileall -q thrive pages clinicians consultations \
    && mkdir -p /app/media /app/var \
    && chown -R thrive:thrive /app/media /app/var

USER thrive
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 CMD ["python", "-m", "thrive.health"]

# The web server, started the one way compose and .ci/run's production run start it too (see the script).
CMD ["/app/deploy/start-web.sh"]
