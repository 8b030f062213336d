# AI WebTV: the CLI, worker, RTMP server and web page in one image (offline backends work without a GPU).
FROM node:24-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg fonts-dejavu-core python3 python3-pip ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
ENV WEBTV_DATA_DIR=/data
VOLUME /data
EXPOSE 1935 8000 8080
ENTRYPOINT ["node", "bin/webtv.js"]
CMD ["start"]
