"""metadata.py: YAML values to AWS strings, the EFS rules (its driver's), masking. No AWS."""

from __future__ import annotations

import json

import pytest

from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import (
    MASK,
    InputError,
    check_structured_values,
    is_sensitive_key,
    mask_metadata,
    prepare_metadata,
    normalise_resource_type,
    sensitive_values,
    to_aws_metadata,
)
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers import driver_for
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.efs import derived_creation_token
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.efs import needs_creation_token


def test_yaml_values_become_the_strings_aws_takes():
    converted = to_aws_metadata(
        {
            "newFileSystem": True,
            "Encrypted": False,
            "Port": 5432,
            "Ratio": 1.5,
            "ItemsToRestore": ["/data/a", "/b"],
            "Nested": {"k": "v", "n": 1},
            "file-system-id": "fs-1",
        }
    )
    assert converted == {
        "newFileSystem": "true",
        "Encrypted": "false",
        "Port": "5432",
        "Ratio": "1.5",
        "ItemsToRestore": '["/data/a","/b"]',
        "Nested": '{"k":"v","n":1}',
        "file-system-id": "fs-1",
    }
    assert all(isinstance(v, str) for v in converted.values())


def test_none_value_and_case_duplicates_are_rejected_naming_the_key():
    with pytest.raises(InputError, match=r"metadata\.KmsKeyId has no value"):
        to_aws_metadata({"KmsKeyId": None})
    with pytest.raises(InputError, match="ItemsToRestore.*itemsToRestore|itemsToRestore.*ItemsToRestore"):
        to_aws_metadata({"ItemsToRestore": ["/a"], "itemsToRestore": ["/b"]})
    with pytest.raises(InputError, match="metadata must be a dictionary"):
        to_aws_metadata(["file-system-id"])


EFS_BASE = {"file-system-id": "fs-1", "newFileSystem": True}


def test_efs_valid_metadata_passes_with_booleans_normalized():
    prepared = prepare_metadata({**EFS_BASE, "Encrypted": "True", "KmsKeyId": "arn:aws:kms:us-east-1:1:key/x"}, driver_for("EFS"))
    assert prepared["Encrypted"] == "true"
    assert prepared["newFileSystem"] == "true"


@pytest.mark.parametrize(
    "metadata, message",
    [
        ({"newFileSystem": True}, r"metadata\.file-system-id is required"),
        ({"FILE-SYSTEM-ID": " ", "newFileSystem": True}, r"metadata\.file-system-id is required"),
        ({**EFS_BASE, "KmsKeyId": "k"}, r"metadata\.KmsKeyId requires metadata\.Encrypted to be true"),
        ({**EFS_BASE, "kmskeyid": "k", "encrypted": False}, r"metadata\.kmskeyid requires metadata\.Encrypted"),
        ({**EFS_BASE, "Encrypted": "yes please"}, r"metadata\.Encrypted must be a boolean"),
        ({"file-system-id": "fs-1", "newfilesystem": 1}, r"metadata\.newfilesystem must be a boolean"),
        ({**EFS_BASE, "ItemsToRestore": []}, r"metadata\.ItemsToRestore must be a non-empty list of file paths"),
        ({**EFS_BASE, "ItemsToRestore": "/not/json"}, r"metadata\.ItemsToRestore must be a list"),
        ({**EFS_BASE, "ItemsToRestore": [1]}, r"metadata\.ItemsToRestore must hold file paths"),
        ({**EFS_BASE, "ItemsToRestore": ["data/reports"]}, r"metadata\.ItemsToRestore paths .* start with '/'"),
    ],
)
def test_efs_rules_fail_naming_the_key(metadata, message):
    with pytest.raises(InputError, match=message):
        prepare_metadata(metadata, driver_for("EFS"))


def test_efs_keys_are_read_case_insensitively_like_aws():
    # AWS's own example writes itemsToRestore (StartRestoreJob, Metadata).
    prepared = prepare_metadata({"File-System-Id": "fs-1", "itemsToRestore": '["/my.test"]'}, driver_for("EFS"))
    assert json.loads(prepared["itemsToRestore"]) == ["/my.test"]
    assert prepare_metadata({**EFS_BASE, "ItemsToRestore": ["/a"] * 5}, driver_for("EFS"))["ItemsToRestore"].count("/a") == 5


def test_other_types_are_only_converted():
    assert prepare_metadata({"DBInstanceIdentifier": "db", "MultiAZ": False}, driver_for("RDS")) == {
        "DBInstanceIdentifier": "db",
        "MultiAZ": "false",
    }


@pytest.mark.parametrize(
    "key",
    [
        "MasterUserPassword", "master-user-password", "SecretAccessKey", "auth_token", "DbCredentials", "PrivateKey", "passwd",
        "MasterUserPwd", "AdminPasswd", "ClientSecretArn", "SessionToken", "ssh-key", "EncryptionKey", "apiKey",
    ],
)
def test_credential_keys_are_sensitive(key):
    assert is_sensitive_key(key)


@pytest.mark.parametrize("key", ["CreationToken", "creation-token", "IdempotencyToken", "KmsKeyId", "KmsKeyArn", "file-system-id", "Encrypted"])
def test_other_keys_including_creation_token_are_not(key):
    assert not is_sensitive_key(key)


def test_masking_hides_credentials_everywhere_and_keeps_the_rest():
    metadata = to_aws_metadata(
        {
            "DBInstanceIdentifier": "db",
            "MasterUserPassword": "hunter2-secret",
            "CreationToken": "drill-1",
            "Config": {"AuthToken": "tok-123", "Port": 1},
        }
    )
    masked = mask_metadata(metadata)
    assert masked["MasterUserPassword"] == MASK
    assert masked["DBInstanceIdentifier"] == "db"
    assert masked["CreationToken"] == "drill-1"
    assert json.loads(masked["Config"]) == {"AuthToken": MASK, "Port": 1}
    assert "hunter2-secret" not in json.dumps(masked) and "tok-123" not in json.dumps(masked)
    assert metadata["MasterUserPassword"] == "hunter2-secret"  # the original is untouched


def test_sensitive_values_from_raw_and_converted_metadata():
    raw = {"MasterUserPassword": 12345, "Config": {"Secret": "s3"}, "CreationToken": "drill-1", "Name": "x"}
    assert sensitive_values(raw) == {"12345", "s3"}
    assert sensitive_values(to_aws_metadata(raw)) == {"12345", "s3"}


def test_resource_type_is_aws_spelling_or_refused():
    assert normalise_resource_type("EFS") == ("EFS", None)
    assert normalise_resource_type("Storage Gateway") == ("Storage Gateway", None)
    assert normalise_resource_type(None) == (None, None)
    assert normalise_resource_type("efs") == ("EFS", "resource_type 'efs' was sent as 'EFS', AWS's spelling")
    with pytest.raises(InputError, match=r"'QuantumDB' is not a resource type AWS Backup restores; the types are Aurora, "):
        normalise_resource_type("QuantumDB")


def test_boolean_flags_under_credential_keys_are_masked_but_not_registered():
    # Registering "true" as a no_log value would blank every "true" in the task's output.
    metadata = {"ManageMasterUserPassword": True, "MasterUserPassword": "pw-9"}
    assert sensitive_values(metadata) == {"pw-9"}
    assert mask_metadata(to_aws_metadata(metadata))["ManageMasterUserPassword"] == MASK


def test_efs_item_paths_have_no_count_limit_but_the_metadata_has_200_kb():
    paths = [f"/data/dir-{n}" for n in range(50)]
    prepared = prepare_metadata({**EFS_BASE, "ItemsToRestore": paths}, driver_for("EFS"))
    assert json.loads(prepared["ItemsToRestore"]) == paths
    too_big = {**EFS_BASE, "ItemsToRestore": [f"/data/{'x' * 1000}-{n}" for n in range(210)]}
    with pytest.raises(InputError, match=r"metadata is \d+ bytes; AWS Backup takes at most 204800 bytes"):
        prepare_metadata(too_big, driver_for("EFS"))
    with pytest.raises(InputError, match="at most 204800 bytes"):
        prepare_metadata({"DBInstanceIdentifier": "x" * 210_000}, driver_for("RDS"))


@pytest.mark.parametrize("resource_type", ["EFS", "RDS", "Aurora", None])
def test_a_dictionary_is_refused_where_aws_documents_no_structured_value(resource_type):
    with pytest.raises(InputError, match=r"metadata\.file-system-id must be text, a number, a boolean or a list"):
        check_structured_values({"file-system-id": {"id": "fs-1"}}, resource_type)


def test_documented_structured_values_and_lists_are_accepted():
    check_structured_values({"Placement": {"AvailabilityZone": "us-east-1a"}}, "EC2", driver_for("EC2").structured_keys)
    check_structured_values({"ItemsToRestore": ["/a"], "Encrypted": True}, "EFS")


def test_an_efs_creation_token_is_needed_only_for_a_new_file_system_without_one():
    assert needs_creation_token({"file-system-id": "fs-1", "newFileSystem": "true"})
    assert needs_creation_token({"file-system-id": "fs-1", "NEWFILESYSTEM": "True"})
    assert not needs_creation_token({"file-system-id": "fs-1", "newFileSystem": "true", "creationtoken": "t"})
    assert not needs_creation_token({"file-system-id": "fs-1", "newFileSystem": "false"})
    other = {"DBInstanceIdentifier": "x", "newFileSystem": "true"}
    assert driver_for("RDS").complete_metadata(other, "seed") == other
    assert driver_for("EFS").complete_metadata({"newFileSystem": "true"}, "seed") == {
        "newFileSystem": "true", "CreationToken": derived_creation_token("seed")
    }


def test_derived_creation_tokens_are_stable_and_fit_efs():
    token = derived_creation_token("seed")
    assert token == derived_creation_token("seed") != derived_creation_token("other")
    assert token.startswith("ansible-recovery-") and len(token) <= 64
