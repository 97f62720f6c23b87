"""AWS Backup errors moto's backup module does not define yet.

The codes are the error shapes in botocore's backup service model
(botocore/data/backup/2018-11-15/service-2.json). ThrottlingException is not in that
model: AWS answers throttled calls of any JSON service with HTTP 400 and the code
``ThrottlingException`` ("Rate exceeded"), which botocore's retry handler treats as
retryable (botocore/data/_retry.json lists it under "throttling").
"""

from moto.backup.exceptions import BackupClientError
from moto.core.exceptions import JsonRESTError


class MissingParameterValueException(BackupClientError):
    def __init__(self, msg: str):
        super().__init__("MissingParameterValueException", msg)


class DependencyFailureException(JsonRESTError):
    code = 500

    def __init__(self, msg: str):
        super().__init__("DependencyFailureException", msg)


class ThrottlingException(JsonRESTError):
    code = 400

    def __init__(self, msg: str = "Rate exceeded"):
        super().__init__("ThrottlingException", msg)


class AccessDeniedException(JsonRESTError):
    code = 403

    def __init__(self, msg: str = "Insufficient privileges to perform this action."):
        super().__init__("AccessDeniedException", msg)


class InvalidResourceStateException(BackupClientError):
    def __init__(self, msg: str):
        super().__init__("InvalidResourceStateException", msg)
