# One image for yekuo's API (`yekuo serve`, the default) and its intake workers (`yekuo worker`).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Tesseract with Chinese and English data (YEKUO_OCR_ENGINE=tesseract); a CJK font for PDFs
# whose fonts are not embedded; libGL and GLib for OpenCV, which RapidOCR loads.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng fonts-wqy-microhei \
        libgl1 libglib2.0-0 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/yekuo
COPY pyproject.toml README.md ./
COPY core core
COPY archive archive
COPY intake intake
COPY search search
COPY worker worker
COPY cli cli
COPY api api
RUN pip install . && rm -rf /opt/yekuo/build

RUN useradd --system --create-home --home-dir /var/lib/yekuo --shell /usr/sbin/nologin yekuo \
    && install -d -o yekuo -m 0700 /var/lib/yekuo-secrets
USER yekuo
WORKDIR /var/lib/yekuo
ENV YEKUO_DATA_DIR=/var/lib/yekuo

EXPOSE 8000
CMD ["yekuo", "serve", "--host", "0.0.0.0", "--port", "8000"]
