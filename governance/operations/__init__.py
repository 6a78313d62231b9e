"""Running the site: health endpoints, the beat/worker heartbeat, structured logs, the read replica."""
