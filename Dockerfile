# T2A image: one image for web (gunicorn), worker and beat.

# Front-end build: NHS.UK frontend compiled from Sass (no NHS font, no outside URLs).
FROM node:20-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY static/scss static/scss
RUN mkdir -p static/dist && npm run --silent build:css

FROM python:3.13-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_ENV=production
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-noto-core \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 t2a
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir .
COPY --chown=t2a:t2a . .
COPY --from=frontend --chown=t2a:t2a /app/static/dist static/dist
COPY --from=frontend --chown=t2a:t2a /app/node_modules/nhsuk-frontend/dist node_modules/nhsuk-frontend/dist
# collectstatic needs settings that import cleanly; these values are for the build only.
RUN SECRET_KEY=build-only-build-only-build-only-build-only-build-only \
    ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput
USER t2a
EXPOSE 8000
CMD ["gunicorn", "t2a.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
