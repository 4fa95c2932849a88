# verify in a container: Debian slim, Tesseract with Simplified Chinese (libGL and glib for opencv-python,
# which PP-OCR needs), non-root, gunicorn. Workers on other machines: same image, `flask --app wsgi worker`.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 OMP_THREAD_LIMIT=1 \
    VERIFY_DATA_DIR=/data HOST=0.0.0.0 PORT=8000

RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-chi-sim libgl1 libglib2.0-0 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY verify/ verify/
COPY schemas/ schemas/
COPY wsgi.py gunicorn.conf.py ./

RUN useradd --system --uid 10001 --home-dir /app verify && mkdir -p /data && chown verify /data
USER verify
VOLUME ["/data"]
EXPOSE 8000

# Migrate, make the first keys if none exist (the first admin key goes to /data/first-admin-key, not to the log),
# then serve.
CMD ["sh", "-c", "flask --app wsgi setup && exec gunicorn -c gunicorn.conf.py wsgi:app"]
