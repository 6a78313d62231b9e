"""The shared machinery's Celery tasks: photos re-encoded after the request (casework.photos)."""

from celery import shared_task

from casework import photos


@shared_task(ignore_result=True)
def process_photos(model_label: str, photo_ids: list[int]) -> int:
    """Enqueued after the commit that stored these photos as received; what it misses, beat's
    process_pending_photos does."""
    return photos.process_rows(model_label, photo_ids)


@shared_task(ignore_result=True)
def process_pending_photos() -> int:
    """Beat runs this every minute; safe to run twice, concurrently or late."""
    return photos.process_pending()
