"""The AWS emulator: moto plus AWS Backup jobs, recovery points and restore jobs.

`install()` patches moto (in this process) so that both `mock_aws` and moto's server
answer the operations in models.py/responses.py. The test controls (durations, faults,
call counts, reset) are in control.py; the seeding helpers in seed.py.
"""

from __future__ import annotations

import functools
import inspect
import json
import threading
from typing import Any

from .control import EmulatorControl, control
from .settings import emulator_settings
from .validation import ValidationFailure, operation_from_path, validate_request

__all__ = ["install", "control", "EmulatorControl", "emulator_settings"]

_install_lock = threading.Lock()
_installed = False

# The REST paths of the new operations (requestUri in botocore's backup service model).
# moto picks the operation from the method and path with botocore's router; these
# patterns only have to send the requests to BackupResponse.
NEW_URL_PATHS = [
    # PUT /backup-jobs (StartBackupJob) and GET /backup-jobs/ (ListBackupJobs): explicit
    # with and without the slash, as the server's routing treats them as different paths.
    "{0}/backup-jobs$",
    "{0}/backup-jobs/$",
    "{0}/backup-jobs/(?P<backupJobId>[^/]+)$",
    "{0}/backup-vaults/(?P<backupVaultName>[^/]+)/recovery-points/$",
    "{0}/backup-vaults/(?P<backupVaultName>[^/]+)/resources/$",
    # An EBS or EC2 recovery point ARN holds a slash (arn:aws:ec2:REGION::snapshot/snap-...): the
    # client sends it as %2F, which the server's routing sees decoded.
    "{0}/backup-vaults/(?P<backupVaultName>[^/]+)/recovery-points/(?P<recoveryPointArn>.+)$",
    "{0}/backup-vaults/(?P<backupVaultName>[^/]+)/recovery-points/(?P<recoveryPointArn>.+)/restore-metadata$",
    "{0}/resources/(?P<resourceArn>.+)/recovery-points/$",
    "{0}/resources/(?P<resourceArn>.+)/restore-jobs/$",
    "{0}/restore-testing/inferred-metadata$",
    "{0}/restore-jobs$",
    "{0}/restore-jobs/$",
    "{0}/restore-jobs/(?P<restoreJobId>[^/]+)$",
    "{0}/restore-jobs/(?P<restoreJobId>[^/]+)/metadata$",
    "{0}/restore-jobs/(?P<restoreJobId>[^/]+)/validations$",
    "{0}/copy-jobs$",
    "{0}/copy-jobs/$",
    "{0}/copy-jobs/(?P<copyJobId>[^/]+)$",
]


def _copy_functions(source: type, target: type) -> None:
    for name, member in vars(source).items():
        if inspect.isfunction(member):
            setattr(target, name, member)


def install() -> None:
    """Patch moto's backup service with the emulator's operations. Idempotent."""
    global _installed
    with _install_lock:
        if _installed:
            return
        from moto.backup import urls as backup_urls
        from moto.backup.models import BackupBackend, Vault, backup_backends
        from moto.backup.responses import BackupResponse
        from moto.core.responses import BaseResponse

        from .copies import CopyJobsBackendMixin
        from .models import BackupJobsBackendMixin
        from .responses import BackupJobsResponseMixin
        from .restore_testing import URL_PATHS as RESTORE_TESTING_URL_PATHS
        from .restore_testing import RestoreTestingResponseMixin, init_restore_testing_state
        from .restore_testing_runs import RestoreTestingRunsMixin

        _copy_functions(BackupJobsBackendMixin, BackupBackend)
        _copy_functions(RestoreTestingRunsMixin, BackupBackend)
        _copy_functions(CopyJobsBackendMixin, BackupBackend)
        original_init = BackupBackend.__init__

        @functools.wraps(original_init)
        def __init__(self: Any, region_name: str, account_id: str) -> None:
            original_init(self, region_name, account_id)
            self.init_backup_jobs_state()
            self.init_copy_jobs_state()
            init_restore_testing_state(self)

        BackupBackend.__init__ = __init__  # type: ignore[method-assign]
        # backends moto made before install() (reset() re-runs __init__ for them later)
        for account_backends in backup_backends.values():
            for backend in account_backends.values():
                if not hasattr(backend, "restore_jobs"):
                    backend.init_backup_jobs_state()
                if not hasattr(backend, "copy_jobs"):
                    backend.init_copy_jobs_state()
                if not hasattr(backend, "restore_testing"):
                    init_restore_testing_state(backend)

        # DescribeBackupVault serializes the Vault by attribute name (NumberOfRecoveryPoints).
        Vault.number_of_recovery_points = property(lambda vault: vault.num_of_recovery_points)  # type: ignore[attr-defined]
        _copy_functions(BackupJobsResponseMixin, BackupResponse)
        _copy_functions(RestoreTestingResponseMixin, BackupResponse)
        from moto.efs.responses import EFSResponse

        from .efs import EfsTagsResponseMixin

        _copy_functions(EfsTagsResponseMixin, EFSResponse)
        from moto.efs import urls as efs_urls

        # DescribeTags' requestUri in botocore's efs model; the server routes by path
        efs_urls.url_paths.setdefault("/2015-02-01/tags/<file_system_id>/", EFSResponse.dispatch)
        for path in NEW_URL_PATHS + RESTORE_TESTING_URL_PATHS:
            backup_urls.url_paths.setdefault(path, BackupResponse.dispatch)

        from .docdb import install_docdb
        from .fsx import install_fsx_fidelity
        from .neptune import install_neptune
        from .rds import install_rds_fidelity
        from .s3 import install_s3_fidelity

        install_rds_fidelity()
        install_docdb()
        install_neptune()
        install_s3_fidelity()
        install_fsx_fidelity()
        BaseResponse.call_action = _counted_call_action(BaseResponse.call_action)  # type: ignore[method-assign]
        _installed = True


# Services whose every request is checked against botocore's model first (validation.py).
VALIDATED_SERVICES = ("backup",)


def _counted_call_action(call_action: Any) -> Any:
    """Count every API call, answer injected throttling, refuse input the service model
    refuses (as AWS does, HTTP 400), and let due restore and copy jobs finish before any
    service is read (so a restored resource or a copied recovery point exists whoever looks
    first, in any account or Region)."""

    @functools.wraps(call_action)
    def counted_call_action(self: Any) -> Any:
        service = self.service_name or ""
        if getattr(self, "region", None) not in known_regions():
            return _unknown_region_response(self.boto3_service_name, self.region)
        operation = self._get_action() or ""
        if operation and emulator_settings.record_call(service, operation):
            return _throttling_response(self.boto3_service_name)
        if operation and emulator_settings.take_denial(service, operation):
            return _access_denied_response(self.boto3_service_name, service, operation)
        if self.boto3_service_name in VALIDATED_SERVICES:
            try:
                validate_request(
                    self.boto3_service_name,
                    operation or operation_from_path(self.boto3_service_name, self.method, self.path),
                    self.uri_match,
                    self.parsed_url.query,
                    self.headers,
                    getattr(self, "raw_body", self.body),
                )
            except ValidationFailure as failure:
                return failure.response()
        _advance_restore_jobs()
        return call_action(self)

    return counted_call_action


@functools.lru_cache(maxsize=1)
def known_regions() -> frozenset[str]:
    """Every Region of every partition botocore's endpoints data names (the Regions moto keeps
    backends for)."""
    import botocore.session

    endpoints = botocore.session.get_session().get_data("endpoints")
    return frozenset(region for partition in endpoints["partitions"] for region in partition["regions"])


def _unknown_region_response(service_name: str, region: str | None) -> tuple[int, dict[str, str], str]:
    """The answer to a request signed for a Region AWS does not have (a typo: us-east-l).

    On AWS such a request never arrives anywhere: the endpoint
    backup.us-east-l.amazonaws.com does not resolve, and botocore raises
    EndpointConnectionError ("Could not connect to the endpoint URL"). The emulator is one
    endpoint for every Region, so the request does arrive; it answers what an AWS endpoint answers
    a request whose signature is scoped to a Region that endpoint does not serve: HTTP 403,
    InvalidSignatureException (JSON protocols) or SignatureDoesNotMatch (query/XML protocols),
    "Credential should be scoped to a valid region". moto would look the Region's backend up
    and fail with a KeyError (an HTML 500). See README.md, "Behaviours and their sources"."""
    message = f"Credential should be scoped to a valid region, not '{region}'. "
    return _error_response(service_name, "InvalidSignatureException", "SignatureDoesNotMatch", message, "unknown-region")


def _access_denied_response(service_name: str, service: str, operation: str) -> tuple[int, dict[str, str], str]:
    """An injected refusal (control.deny): what AWS answers a call the caller's policies do not
    allow, HTTP 400/403 AccessDeniedException "User: ... is not authorized to perform:
    <prefix>:<Operation>" (JSON protocols; query/XML services answer the code AccessDenied)."""
    message = f"User: arn:aws:sts::123456789012:assumed-role/emulator/test is not authorized to perform: {service}:{operation}"
    return _error_response(service_name, "AccessDeniedException", "AccessDenied", message, "denied")


def _error_response(service_name: str, json_type: str, xml_code: str, message: str, request_id: str) -> tuple[int, dict[str, str], str]:
    """An HTTP 403 error as the service's protocol words it: JSON protocols by __type and
    x-amzn-ErrorType, query/XML protocols by an ErrorResponse with its Code."""
    from moto.core.utils import get_service_model

    if get_service_model(service_name).protocol in ("json", "rest-json"):
        body = json.dumps({"__type": json_type, "message": message})
        return 403, {"Content-Type": "application/json", "x-amzn-ErrorType": json_type}, body
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><ErrorResponse><Error><Type>Sender</Type>'
        f"<Code>{xml_code}</Code><Message>{message}</Message></Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    )
    return 403, {"Content-Type": "text/xml"}, body


def _throttling_response(service_name: str) -> tuple[int, dict[str, str], str]:
    """What AWS answers a throttled call: HTTP 400, code ThrottlingException ("Rate exceeded")
    for JSON protocols; query/XML services (RDS, EC2) use the code Throttling."""
    from moto.core.utils import get_service_model

    protocol = get_service_model(service_name).protocol
    if protocol in ("json", "rest-json"):
        body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"})
        return 400, {"Content-Type": "application/json", "x-amzn-ErrorType": "ThrottlingException"}, body
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><ErrorResponse><Error><Type>Sender</Type>'
        "<Code>Throttling</Code><Message>Rate exceeded</Message></Error>"
        "<RequestId>throttled</RequestId></ErrorResponse>"
    )
    return 400, {"Content-Type": "text/xml"}, body


def _advance_restore_jobs() -> None:
    from moto.backup.models import backup_backends

    with emulator_settings.lock:
        for account_backends in list(backup_backends.values()):
            for backend in list(account_backends.values()):
                if getattr(backend, "restore_jobs", None):
                    backend.advance_restore_jobs()
                    backend.advance_restore_tests()
                if getattr(backend, "copy_jobs", None):
                    backend.advance_copy_jobs()
