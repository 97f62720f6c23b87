"""EFS DescribeTags, which moto's EFS lacks.

DescribeTags is deprecated in favour of ListTagsForResource but AWS still serves it (EFS
API reference, DescribeTags: "Returns the tags associated with a file system ... This
operation is deprecated"), and community.aws.efs_info reads a file system's tags with it.
It lists the same tags as ListTagsForResource, in pages of MaxItems (EFS: "this number is
automatically set to 100" when not given), behind an opaque Marker.
"""

from __future__ import annotations

import json
from typing import Any

DESCRIBE_TAGS_PAGE = 100


class EfsTagsResponseMixin:
    """Methods added to moto.efs.responses.EFSResponse by tests.emulator.install()."""

    efs_backend: Any

    def describe_tags(self) -> tuple[str, dict[str, Any]]:
        from moto.efs.exceptions import BadRequest, FileSystemNotFound

        file_system_id = self._get_param("FileSystemId")  # type: ignore[attr-defined]
        max_items = self._get_int_param("MaxItems", DESCRIBE_TAGS_PAGE)  # type: ignore[attr-defined]
        marker = self._get_param("Marker")  # type: ignore[attr-defined]
        if file_system_id not in self.efs_backend.file_systems_by_id:
            raise FileSystemNotFound(file_system_id)
        if max_items < 1:
            raise BadRequest("MaxItems must be at least 1")
        tags = self.efs_backend.list_tags_for_resource(file_system_id)
        start = 0
        if marker:
            if not marker.isdigit() or int(marker) > len(tags):
                raise BadRequest("Invalid Marker")
            start = int(marker)
        page = tags[start : start + max_items]
        result: dict[str, Any] = {"Tags": page}
        if marker:
            result["Marker"] = marker
        if start + max_items < len(tags):
            result["NextMarker"] = str(start + max_items)
        return json.dumps(result), {"Content-Type": "application/json"}
