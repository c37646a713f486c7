"""The delivery service's HTTP app: download page, file downloads, admin settings, health."""
