"""The shared machinery's Celery tasks, where autodiscovery looks: photos re-encoded after the
request. They are defined beside their work in casework.photos (which enqueues them), so that
module needs nothing from this one."""

from casework.photos import process_pending_photos, process_photos

__all__ = ["process_pending_photos", "process_photos"]
