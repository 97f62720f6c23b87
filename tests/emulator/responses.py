"""Response methods for the new AWS Backup operations, added to moto's BackupResponse.

Parameters are parsed against botocore's backup service model (moto's protocol parser),
and results serialized by it (ActionResult), so names, locations and types are AWS's.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult, EmptyResult

from .models import BackupJobsBackendMixin


class BackupJobsResponseMixin:
    """Methods added to moto.backup.responses.BackupResponse by tests.emulator.install()."""

    backup_backend: Any
    normalized_request: Any
    params: dict[str, Any]

    def _model_params(self) -> dict[str, Any]:
        self.parse_parameters(self.normalized_request)  # type: ignore[attr-defined]
        return dict(self.params)

    def _backend(self) -> BackupJobsBackendMixin:
        return self.backup_backend

    # ---- vaults and plans (moto's, paged) ------------------------------------------------

    def list_backup_vaults(self) -> ActionResult:
        p = self._model_params()
        vaults, next_token = self._backend().list_backup_vaults_page(
            by_vault_type=p.get("ByVaultType"),
            by_shared=p.get("ByShared"),
            max_results=p.get("MaxResults"),
            next_token=p.get("NextToken"),
        )
        return ActionResult({"BackupVaultList": [v.to_list_dict() for v in vaults], "NextToken": next_token})

    def list_backup_plans(self) -> ActionResult:
        p = self._model_params()
        plans, next_token = self._backend().list_backup_plans_page(
            include_deleted=bool(p.get("IncludeDeleted")),
            max_results=p.get("MaxResults"),
            next_token=p.get("NextToken"),
        )
        return ActionResult({"BackupPlansList": [plan.to_list_dict() for plan in plans], "NextToken": next_token})

    # ---- backup jobs ---------------------------------------------------------------------

    def start_backup_job(self) -> ActionResult:
        p = self._model_params()
        job = self._backend().start_backup_job(
            backup_vault_name=p.get("BackupVaultName"),
            resource_arn=p.get("ResourceArn"),
            iam_role_arn=p.get("IamRoleArn"),
            idempotency_token=p.get("IdempotencyToken"),
            lifecycle=p.get("Lifecycle"),
            recovery_point_tags=p.get("RecoveryPointTags"),
            backup_options=p.get("BackupOptions"),
            start_window_minutes=p.get("StartWindowMinutes"),
            complete_window_minutes=p.get("CompleteWindowMinutes"),
        )
        return ActionResult(
            {
                "BackupJobId": job.backup_job_id,
                "RecoveryPointArn": job.recovery_point.recovery_point_arn,
                "CreationDate": job.creation_date,
                "IsParent": False,
            }
        )

    def describe_backup_job(self) -> ActionResult:
        p = self._model_params()
        return ActionResult(self._backend().describe_backup_job(p.get("BackupJobId")).to_dict())

    def list_backup_jobs(self) -> ActionResult:
        p = self._model_params()
        jobs, next_token = self._backend().list_backup_jobs(
            by_resource_arn=p.get("ByResourceArn"),
            by_state=p.get("ByState"),
            by_backup_vault_name=p.get("ByBackupVaultName"),
            by_created_before=p.get("ByCreatedBefore"),
            by_created_after=p.get("ByCreatedAfter"),
            by_resource_type=p.get("ByResourceType"),
            by_account_id=p.get("ByAccountId"),
            by_complete_after=p.get("ByCompleteAfter"),
            by_complete_before=p.get("ByCompleteBefore"),
            by_parent_job_id=p.get("ByParentJobId"),
            max_results=p.get("MaxResults"),
            next_token=p.get("NextToken"),
        )
        return ActionResult({"BackupJobs": [j.to_dict() for j in jobs], "NextToken": next_token})

    # ---- recovery points -----------------------------------------------------------------

    def describe_recovery_point(self) -> ActionResult:
        p = self._model_params()
        point = self._backend().describe_recovery_point(
            p.get("BackupVaultName"), p.get("RecoveryPointArn"), p.get("BackupVaultAccountId")
        )
        return ActionResult(point.to_dict())

    def list_recovery_points_by_backup_vault(self) -> ActionResult:
        p = self._model_params()
        points, next_token = self._backend().list_recovery_points_by_backup_vault(
            backup_vault_name=p.get("BackupVaultName"),
            by_resource_arn=p.get("ByResourceArn"),
            by_resource_type=p.get("ByResourceType"),
            by_backup_plan_id=p.get("ByBackupPlanId"),
            by_created_before=p.get("ByCreatedBefore"),
            by_created_after=p.get("ByCreatedAfter"),
            by_parent_recovery_point_arn=p.get("ByParentRecoveryPointArn"),
            backup_vault_account_id=p.get("BackupVaultAccountId"),
            max_results=p.get("MaxResults"),
            next_token=p.get("NextToken"),
        )
        return ActionResult({"RecoveryPoints": [pt.to_dict() for pt in points], "NextToken": next_token})

    def list_protected_resources_by_backup_vault(self) -> ActionResult:
        p = self._model_params()
        resources, next_token = self._backend().list_protected_resources_by_backup_vault(
            backup_vault_name=p.get("BackupVaultName"),
            backup_vault_account_id=p.get("BackupVaultAccountId"),
            max_results=p.get("MaxResults"),
            next_token=p.get("NextToken"),
        )
        return ActionResult({"Results": resources, "NextToken": next_token})

    def list_recovery_points_by_resource(self) -> ActionResult:
        p = self._model_params()
        points, next_token = self._backend().list_recovery_points_by_resource(
            resource_arn=p.get("ResourceArn"),
            managed_by_aws_backup_only=bool(p.get("ManagedByAWSBackupOnly")),
            max_results=p.get("MaxResults"),
            next_token=p.get("NextToken"),
        )
        return ActionResult({"RecoveryPoints": [pt.to_resource_dict() for pt in points], "NextToken": next_token})

    def delete_recovery_point(self) -> EmptyResult:
        p = self._model_params()
        self._backend().delete_recovery_point(p.get("BackupVaultName"), p.get("RecoveryPointArn"))
        return EmptyResult()

    def get_recovery_point_restore_metadata(self) -> ActionResult:
        p = self._model_params()
        point = self._backend().get_recovery_point_restore_metadata(
            p.get("BackupVaultName"), p.get("RecoveryPointArn"), p.get("BackupVaultAccountId")
        )
        return ActionResult(
            {
                "BackupVaultArn": point.vault.backup_vault_arn,
                "RecoveryPointArn": point.recovery_point_arn,
                "RestoreMetadata": dict(point.restore_metadata),
                "ResourceType": point.resource_type,
            }
        )

    def get_restore_testing_inferred_metadata(self) -> ActionResult:
        p = self._model_params()
        inferred = self._backend().get_restore_testing_inferred_metadata(
            p.get("BackupVaultName"), p.get("RecoveryPointArn"), p.get("BackupVaultAccountId")
        )
        return ActionResult({"InferredMetadata": inferred})

    # ---- restore jobs --------------------------------------------------------------------

    def start_restore_job(self) -> ActionResult:
        p = self._model_params()
        job = self._backend().start_restore_job(
            recovery_point_arn=p.get("RecoveryPointArn"),
            metadata=p.get("Metadata"),
            iam_role_arn=p.get("IamRoleArn"),
            idempotency_token=p.get("IdempotencyToken"),
            resource_type=p.get("ResourceType"),
            copy_source_tags_to_restored_resource=bool(p.get("CopySourceTagsToRestoredResource")),
        )
        return ActionResult({"RestoreJobId": job.restore_job_id})

    def describe_restore_job(self) -> ActionResult:
        p = self._model_params()
        return ActionResult(self._backend().describe_restore_job(p.get("RestoreJobId")).to_dict())

    def get_restore_job_metadata(self) -> ActionResult:
        p = self._model_params()
        job = self._backend().get_restore_job_metadata(p.get("RestoreJobId"))
        return ActionResult({"RestoreJobId": job.restore_job_id, "Metadata": dict(job.metadata)})

    def list_restore_jobs(self) -> ActionResult:
        p = self._model_params()
        jobs, next_token = self._backend().list_restore_jobs(
            by_account_id=p.get("ByAccountId"),
            by_resource_type=p.get("ByResourceType"),
            by_created_before=p.get("ByCreatedBefore"),
            by_created_after=p.get("ByCreatedAfter"),
            by_status=p.get("ByStatus"),
            by_complete_before=p.get("ByCompleteBefore"),
            by_complete_after=p.get("ByCompleteAfter"),
            by_restore_testing_plan_arn=p.get("ByRestoreTestingPlanArn"),
            by_parent_job_id=p.get("ByParentJobId"),
            max_results=p.get("MaxResults"),
            next_token=p.get("NextToken"),
        )
        return ActionResult({"RestoreJobs": [j.to_dict() for j in jobs], "NextToken": next_token})

    def put_restore_validation_result(self) -> EmptyResult:
        p = self._model_params()
        self._backend().put_restore_validation_result(  # type: ignore[attr-defined]
            p.get("RestoreJobId"), p.get("ValidationStatus"), p.get("ValidationStatusMessage")
        )
        return EmptyResult()

    def list_restore_jobs_by_protected_resource(self) -> ActionResult:
        p = self._model_params()
        jobs, next_token = self._backend().list_restore_jobs_by_protected_resource(
            resource_arn=p.get("ResourceArn"),
            by_status=p.get("ByStatus"),
            by_recovery_point_creation_date_after=p.get("ByRecoveryPointCreationDateAfter"),
            by_recovery_point_creation_date_before=p.get("ByRecoveryPointCreationDateBefore"),
            max_results=p.get("MaxResults"),
            next_token=p.get("NextToken"),
        )
        return ActionResult({"RestoreJobs": [j.to_dict() for j in jobs], "NextToken": next_token})

    # ---- copy jobs -----------------------------------------------------------------------

    def start_copy_job(self) -> ActionResult:
        p = self._model_params()
        job = self._backend().start_copy_job(
            recovery_point_arn=p.get("RecoveryPointArn"),
            source_backup_vault_name=p.get("SourceBackupVaultName"),
            destination_backup_vault_arn=p.get("DestinationBackupVaultArn"),
            iam_role_arn=p.get("IamRoleArn"),
            idempotency_token=p.get("IdempotencyToken"),
            lifecycle=p.get("Lifecycle"),
        )
        return ActionResult({"CopyJobId": job.copy_job_id, "CreationDate": job.creation_date, "IsParent": False})

    def describe_copy_job(self) -> ActionResult:
        p = self._model_params()
        return ActionResult({"CopyJob": self._backend().describe_copy_job(p.get("CopyJobId")).to_dict()})

    def list_copy_jobs(self) -> ActionResult:
        p = self._model_params()
        jobs, next_token = self._backend().list_copy_jobs(
            by_resource_arn=p.get("ByResourceArn"),
            by_state=p.get("ByState"),
            by_created_before=p.get("ByCreatedBefore"),
            by_created_after=p.get("ByCreatedAfter"),
            by_resource_type=p.get("ByResourceType"),
            by_destination_vault_arn=p.get("ByDestinationVaultArn"),
            by_account_id=p.get("ByAccountId"),
            by_complete_before=p.get("ByCompleteBefore"),
            by_complete_after=p.get("ByCompleteAfter"),
            by_parent_job_id=p.get("ByParentJobId"),
            by_message_category=p.get("ByMessageCategory"),
            by_source_recovery_point_arn=p.get("BySourceRecoveryPointArn"),
            max_results=p.get("MaxResults"),
            next_token=p.get("NextToken"),
        )
        return ActionResult({"CopyJobs": [j.to_dict() for j in jobs], "NextToken": next_token})
