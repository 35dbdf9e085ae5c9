# The image behind docker-compose.yml: the app, its worker and its scheduler.
FROM python:3.11-slim-bookworm

# WeasyPrint's libraries (Pango, HarfBuzz) and fonts for the handover PDF.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
       fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN DATABASE_URL=postgres://build@localhost/build SECRET_KEY=build python manage.py collectstatic --noinput

RUN useradd --system --home /app hemgang
USER hemgang
EXPOSE 8000
CMD ["gunicorn", "hemgang.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
