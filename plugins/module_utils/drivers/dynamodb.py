# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""DynamoDB: a restore creates a new table named by the metadata's targetTableName, encrypted as
encryptionType says (Default: a DynamoDB-owned key; KMS: the key kmsMasterKeyArn names) (AWS
Backup developer guide, "Restore a Amazon DynamoDB table",
https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-dynamodb.html). The restore job
fails when CopySourceTagsToRestoredResource is set for DynamoDB (developer guide, "Restore a
backup", https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-a-backup.html): the
run's tags go on once the table exists. The table is usable when ACTIVE; it is deleted with
DeleteTable (deletion protection turned off first: DeleteTable refuses a protected table, Amazon
DynamoDB API Reference, https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DeleteTable.html)."""

from __future__ import annotations

import re
from typing import Any, Optional

from ansible_collections.amazon.aws.plugins.module_utils.arn import parse_aws_arn

from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import deletion_call
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import NO_DEFAULT
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import RUN_TAG
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import ClientFor
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Listings
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Driver
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Ref
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Step
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import TargetOption
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import differs
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import given
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import paginate
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import tag_dict
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import tag_list
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import missing_when
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import find_key

KIND = "dynamodb-table"
# DynamoDB table names: "Length Constraints: Minimum length of 3. Maximum length of 255. Pattern:
# [a-zA-Z0-9_.-]+" (Amazon DynamoDB API Reference, CreateTable TableName:
# https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html).
TABLE_NAME = re.compile(r"[a-zA-Z0-9_.\-]{3,255}")
TABLE_NAME_RULES = "3 to 255 letters, digits, '_', '-' or '.'"
ENCRYPTION_TYPES = ("Default", "KMS")
# TableStatus: CREATING, UPDATING, DELETING, ACTIVE, INACCESSIBLE_ENCRYPTION_CREDENTIALS, ARCHIVING,
# ARCHIVED (DescribeTable, TableDescription). A table whose KMS key is lost, or archived because
# of it, does not come back by itself.
_GONE_STATES = ("DELETING",)
_STUCK_STATES = ("INACCESSIBLE_ENCRYPTION_CREDENTIALS", "ARCHIVING", "ARCHIVED")
# Native DynamoDB backup ARNs (what AWS Backup's DynamoDB recovery points are unless advanced
# features are on: developer guide, "Working with backups"): DescribeBackup reads them.
_BACKUP_ARN = re.compile(r"arn:[\w-]+:dynamodb:[\w-]+:\d{12}:table/[^/]+/backup/[\w.\-]+")


_Errors = missing_when("ResourceNotFoundException", "TableNotFoundException", "BackupNotFoundException")


@_Errors.list_error_handler("describe the table", None)
def _describe_table(client: Any, table_name: str) -> Optional[dict[str, Any]]:
    return client.describe_table(aws_retry=True, TableName=table_name).get("Table")


@_Errors.list_error_handler("describe the backup", None)
def _describe_backup(client: Any, backup_arn: str) -> Optional[dict[str, Any]]:
    return client.describe_backup(aws_retry=True, BackupArn=backup_arn).get("BackupDescription")


@_Errors.common_error_handler("list the tables")
def _list_tables(client: Any) -> list[str]:
    return paginate(client, "list_tables", "TableNames")


@_Errors.list_error_handler("list the table's tags", [])
def _list_tags(client: Any, table_arn: str) -> list[dict[str, str]]:
    return paginate(client, "list_tags_of_resource", "Tags", ResourceArn=table_arn)


@_Errors.common_error_handler("tag the table")
def _tag_table(client: Any, table_arn: str, tags: dict[str, str]) -> None:
    client.tag_resource(aws_retry=True, ResourceArn=table_arn, Tags=tag_list(tags))


@_Errors.common_error_handler("turn the table's deletion protection off")
def _unprotect_table(client: Any, table_name: str) -> None:
    client.update_table(aws_retry=True, TableName=table_name, DeletionProtectionEnabled=False)


_delete_table = deletion_call(_Errors, "delete the table", "delete_table", "TableName")


class DynamoDBDriver(Driver):
    resource_type = "DynamoDB"
    # The keys "Restore a Amazon DynamoDB table" documents for StartRestoreJob (read case-insensitively):
    # targetTableName (the new table), encryptionType ("Default" or "KMS"), kmsMasterKeyArn (the key
    # for "KMS"). Anything else is not a DynamoDB restore parameter.
    restore_keys = frozenset(("targettablename", "encryptiontype", "kmsmasterkeyarn"))
    restore_keys_source = "https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-dynamodb.html"
    services = ("dynamodb",)
    kinds = (KIND,)
    identifier_kinds = (KIND,)
    identity_key = "targetTableName"
    # CopySourceTagsToRestoredResource fails the job (restoring-a-backup).
    refuses_copied_tags = True
    target_options = {
        "encryption_type": TargetOption("str", NO_DEFAULT, "DynamoDB only, Default or KMS (the restored table's encryption)"),
        "kms_master_key_arn": TargetOption("str", NO_DEFAULT, "DynamoDB only, the KMS key of the restored table (encryption_type KMS)"),
    }

    # ---- plan side

    def check_name(self, name: str, target: dict[str, Any]) -> list[str]:
        if TABLE_NAME.fullmatch(name):
            return []
        return [f"name {name!r} is not a valid DynamoDB table name: use {TABLE_NAME_RULES}"]

    def check_fields(self, target: dict[str, Any]) -> list[str]:
        problems = []
        encryption = target.get("encryption_type")
        if encryption is not None and encryption not in ENCRYPTION_TYPES:
            problems.append(f"encryption_type must be one of {', '.join(ENCRYPTION_TYPES)}, got {encryption!r}")
        if given(target.get("kms_master_key_arn")) and encryption != "KMS":
            problems.append("kms_master_key_arn requires encryption_type KMS (the key encrypts the restored table)")
        if encryption == "KMS" and not given(target.get("kms_master_key_arn")):
            problems.append("encryption_type KMS requires kms_master_key_arn (the key that encrypts the restored table)")
        return problems

    def restore_metadata(self, name: str, target: dict[str, Any]) -> dict[str, Any]:
        built = {
            "targetTableName": name,
            "encryptionType": target.get("encryption_type") or None,
            "kmsMasterKeyArn": target.get("kms_master_key_arn") or None,
        }
        return {key: value for key, value in built.items() if value is not None}

    def expected(self, name: str, target: dict[str, Any], metadata: dict[str, Any]) -> dict[str, Any]:
        return {"table_name": name}

    # ---- restore metadata

    def check_metadata(self, metadata: dict[str, str]) -> dict[str, str]:
        result = dict(metadata)
        name_key = find_key(result, "targetTableName")
        if name_key is None or not result[name_key].strip():
            raise InputError("metadata.targetTableName is required to restore a DynamoDB recovery point (the new table's name)")
        if not TABLE_NAME.fullmatch(result[name_key]):
            raise InputError(f"metadata.{name_key} {result[name_key]!r} is not a valid DynamoDB table name: use {TABLE_NAME_RULES}")
        encryption_key = find_key(result, "encryptionType")
        encryption = None
        if encryption_key is not None:
            # Values as the guide spells them; AWS documents no other spelling.
            encryption = next((t for t in ENCRYPTION_TYPES if t.lower() == result[encryption_key].strip().lower()), None)
            if encryption is None:
                raise InputError(f"metadata.{encryption_key} must be one of {', '.join(ENCRYPTION_TYPES)}, got {result[encryption_key]!r}")
            result[encryption_key] = encryption
        kms_key = find_key(result, "kmsMasterKeyArn")
        if kms_key is not None and encryption != "KMS":
            raise InputError(f"metadata.{kms_key} requires metadata.encryptionType KMS")
        if encryption == "KMS" and (kms_key is None or not result[kms_key].strip()):
            raise InputError(f"metadata.{encryption_key} KMS requires metadata.kmsMasterKeyArn (the key of the restored table)")
        return result

    # ---- AWS side

    def parse_arn(self, arn: str) -> Optional[Ref]:
        details = parse_aws_arn(arn) or {}
        if details.get("service") != "dynamodb" or details.get("resource_type") != "table":
            return None
        identifier = details.get("resource_id") or ""
        # table/NAME only: table/NAME/backup/ID and table/NAME/stream/... are not tables.
        return Ref(arn, KIND, identifier) if TABLE_NAME.fullmatch(identifier) else None

    def describe(self, client_for: ClientFor, ref: Ref) -> Optional[dict[str, Any]]:
        raw = _describe_table(client_for("dynamodb"), ref.identifier)
        if raw is None or raw.get("TableStatus") in _GONE_STATES:
            return None
        return {**raw, "Tags": _list_tags(client_for("dynamodb"), raw.get("TableArn") or ref.arn)}

    def normalise(self, raw: dict[str, Any]) -> dict[str, Any]:
        return {
            "arn": raw.get("TableArn"), "kind": KIND, "identifier": raw.get("TableName"),
            "created": raw.get("CreationDateTime"), "tags": tag_dict(raw.get("Tags")), "state": raw.get("TableStatus"),
        }  # fmt: skip

    def find_marked(self, client_for: ClientFor, listings: Optional[Listings] = None) -> list[dict[str, Any]]:
        # DynamoDB lists no tags with its tables: ListTables, then each table's tags.
        dynamodb = client_for("dynamodb")
        found = []
        for name in _list_tables(dynamodb):
            raw = _describe_table(dynamodb, name)
            if raw is None:
                continue
            tags = _list_tags(dynamodb, raw["TableArn"])
            if RUN_TAG in tag_dict(tags):
                found.append(self.normalise({**raw, "Tags": tags}))
        return found

    def find_taken(self, client_for: ClientFor, identifiers: list[tuple[str, str]]) -> list[tuple[str, str]]:
        # Table names are case-sensitive; DescribeTable answers for one name at a time.
        return [(kind, name) for kind, name in identifiers if kind == KIND and _describe_table(client_for("dynamodb"), name) is not None]

    def tag(self, client_for: ClientFor, ref: Ref, tags: dict[str, str]) -> None:
        _tag_table(client_for("dynamodb"), ref.arn, tags)

    def make_usable_step(
        self, client_for: ClientFor, ref: Ref, raw: dict[str, Any], settings: dict[str, Any], tags: dict[str, str], check_mode: bool
    ) -> Step:
        """Usable when ACTIVE. The backup's own item count is then read (DescribeBackup's
        SourceTableDetails.ItemCount) for validation to compare, where the table was restored
        from a native DynamoDB backup (RestoreSummary.SourceBackupArn); AWS Backup's advanced
        DynamoDB recovery points (arn:aws:backup:...) have no DescribeBackup."""
        status = raw.get("TableStatus")
        if status in _STUCK_STATES:
            return Step.stuck(f"{self.noun(ref)} is {status}, which it does not leave by itself")
        if check_mode:
            return Step.done()
        if status != "ACTIVE":
            return Step.pending(f"status {status}")
        source = (raw.get("RestoreSummary") or {}).get("SourceBackupArn") or ""
        if not _BACKUP_ARN.fullmatch(source):
            return Step.done()
        backup = _describe_backup(client_for("dynamodb"), source)
        count = ((backup or {}).get("SourceTableDetails") or {}).get("ItemCount")
        if count is None:
            return Step.done()
        return Step("done", "", [], False, {**raw, "BackupItemCount": count})

    def validate(self, facts: dict[str, Any], expected: dict[str, Any]) -> list[str]:
        problems: list[str] = []
        differs(facts, "table_status", "ACTIVE", problems)
        differs(facts, "table_name", expected.get("table_name"), problems)
        count = facts.get("item_count")
        if not isinstance(count, int):
            problems.append(f"item_count is {count!r}, expected a number of items")
        elif isinstance(facts.get("backup_item_count"), int) and count != facts["backup_item_count"]:
            # Both are DynamoDB's approximate counts (updated about every six hours: DescribeTable
            # ItemCount, DescribeBackup SourceTableDetails.ItemCount).
            problems.append(f"item_count is {count}, the backup recorded {facts['backup_item_count']}")
        return problems

    def delete_step(
        self, client_for: ClientFor, ref: Ref, raw: Optional[dict[str, Any]], dependents: list[dict[str, Any]], check_mode: bool
    ) -> Step:
        dynamodb = client_for("dynamodb")

        def delete(current: dict[str, Any]) -> None:
            if current.get("DeletionProtectionEnabled"):
                _unprotect_table(dynamodb, ref.identifier)
            _delete_table(dynamodb, ref.identifier)

        return Step.by_deletion("table", lambda: _describe_table(dynamodb, ref.identifier), delete, "TableStatus", _GONE_STATES, check_mode)

    def noun(self, ref: Ref) -> str:
        return f"DynamoDB table {ref.identifier}"
