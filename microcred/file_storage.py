"""Where exports and uploaded results are kept (settings.STORAGES["default"]; see the
comment there): an S3-compatible bucket when one is named, else the backend the
environment names, by default the local disk."""

import environ


def default_file_storage(env: environ.Env, *, bucket_name: str) -> dict:
    if bucket_name:
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket_name,
                # Empty: Amazon S3 itself.
                "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
                "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
                "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
                # A prefix for the keys, to share a bucket.
                "location": env.str("AWS_LOCATION", default=""),
                # Two files of one name are both kept, as on a disk, rather than overwritten.
                "file_overwrite": False,
            },
        }
    return {
        "BACKEND": env.str(
            "DEFAULT_FILE_STORAGE_BACKEND",
            default="django.core.files.storage.FileSystemStorage",
        ),
        "OPTIONS": env.json("DEFAULT_FILE_STORAGE_OPTIONS", default={}),
    }
