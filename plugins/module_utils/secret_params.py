# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An AnsibleAWSModule whose secret metadata values are hidden from its first output on.

AnsibleModule only knows the values of `no_log` options before it validates its arguments.
Restore metadata is a free-form dictionary whose credential values (MasterUserPassword, ...) are
recognised by their keys, so without help they would be shown whenever argument validation fails
(`invocation.module_args` of the failure) and in the invocation line the module logs to syslog or
journald, both of which happen before any module code runs. The class below registers them in
`no_log_values` as soon as the parameters are read, before validation and before that log line.

BackupModule is the AnsibleAWSModule of the collection's modules: its warnings reach the result
without a deprecation line on any supported ansible-core.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule


class BackupModule(AnsibleAWSModule):
    """AnsibleAWSModule whose warn() is ansible-core's own. amazon.aws 10.1's warn() also keeps
    each warning and, on ansible-core 2.19 and later, passes them to exit_json/fail_json as
    `warnings=`, which ansible-core 2.19 reports with "Passing `warnings` to `exit_json` or
    `fail_json` is deprecated" (ansible.module_utils.basic, _return_formatted). ansible-core's
    AnsibleModule.warn() already puts every warning into the result, on every supported version."""

    def warn(self, *args: Any, **kwargs: Any) -> None:
        self._module.warn(*args, **kwargs)


def aws_module_hiding_secrets(secrets_of: Callable[[dict[str, Any]], Iterable[str]], **kwargs: Any) -> BackupModule:
    """BackupModule(**kwargs), with `secrets_of(raw_params)` registered as no_log values before
    argument validation. `secrets_of` gets the parameters as given (not yet validated), so it must
    accept any shape; whatever it raises is ignored (validation then reports the bad input)."""

    class SecretHidingModule(AnsibleModule):
        def _load_params(self) -> None:
            super()._load_params()
            try:
                self.no_log_values.update(v for v in secrets_of(self.params or {}) if v)
            except Exception:  # noqa: BLE001 - malformed input is for argument validation to report
                pass

    # AnsibleAWSModule builds its AnsibleModule from the class-level default_settings entry
    # (a `module_class` keyword is not passed through), so the class is swapped for this call only.
    settings = AnsibleAWSModule.default_settings
    original = settings["module_class"]
    settings["module_class"] = SecretHidingModule
    try:
        return BackupModule(**kwargs)
    finally:
        settings["module_class"] = original
