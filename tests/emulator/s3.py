"""Where moto's S3 differs from AWS in a way the drills run into.

DeleteBucket deletes the bucket, its tags with it: a bucket created later under the same name
starts with no tags (Amazon S3 API Reference, CreateBucket: tags are set only by the request's
own x-amz-tagging or PutBucketTagging afterwards). moto keeps a deleted bucket's tags under its
ARN, so a bucket made again with that name (a drill run twice) would carry the earlier run's mark.
The emulator removes them with the bucket, as AWS does.
"""

from __future__ import annotations

import functools
from typing import Any


def install_s3_fidelity() -> None:
    from moto.s3.models import S3Backend

    original = S3Backend.delete_bucket

    @functools.wraps(original)
    def delete_bucket(self: Any, bucket_name: str, *args: Any, **kwargs: Any) -> Any:
        bucket = original(self, bucket_name, *args, **kwargs)
        if bucket is not None:
            self.tagger.delete_all_tags_for_resource(bucket.arn)
        return bucket

    S3Backend.delete_bucket = delete_bucket  # type: ignore[method-assign]
